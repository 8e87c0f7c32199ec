// The config module's public surface: load one environment's resolved config, or list the environments.
export { listEnvironments, loadConfig, type LoadOptions } from './load.js'
export { resolveConfig, type ResolveInput } from './resolve.js'
export { expandTemplate, templateVars, type TemplateVars } from './names.js'
export type * from './types.js'
