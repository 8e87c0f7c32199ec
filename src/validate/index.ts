// The checks that need no AWS, run before any AWS write: loadConfig's (config.json, the env file, every section
// strictly, every placeholder) and then these: each function's runtime is current and one infra can package, every
// handler bundles and exports the name its `handler` gives. The lead's runner and `infra validate` call it.
import type { ResolvedConfig } from '../config/types.js'
import type { FunctionPackage } from '../package/index.js'
import { preflightSteps } from '../steps/preflight.js'
import { packageConfiguredFunctions, type PackageCheckOptions } from './package-functions.js'
import { packageConfiguredLayers } from './package-layers.js'

export { packageCacheDir, packageConfiguredFunctions, packageSpecOf } from './package-functions.js'
export type { PackageCheckOptions } from './package-functions.js'

export interface LocalValidation {
  env: string
  functions: number
  /** The runtimes the functions use, e.g. ['nodejs22.x']. */
  runtimes: string[]
}

/** Every function's package (undefined for an image function) and every layer's, each in config order. */
export interface ConfiguredCode {
  functions: Array<FunctionPackage | undefined>
  layers: Array<FunctionPackage | undefined>
}

const packagedToday = new WeakMap<ResolvedConfig, Promise<ConfiguredCode>>()

/**
 * Packages every function and layer of one resolved config, once per process: the packages `validateLocally` checked
 * are the very ones step 03 deploys, and the run does not hash the cache's inputs twice. `now` (tests) packages anew.
 */
export function packageConfiguredCode(config: ResolvedConfig, opts: PackageCheckOptions = {}): Promise<ConfiguredCode> {
  const build = async (): Promise<ConfiguredCode> => {
    const [functions, layers] = await Promise.all([
      packageConfiguredFunctions(config, opts),
      packageConfiguredLayers(config),
    ])
    return { functions, layers }
  }
  if (opts.now) return build()
  let code = packagedToday.get(config)
  if (!code) packagedToday.set(config, (code = build()))
  return code
}

/**
 * Checks one resolved environment without AWS. The packages it builds go to the package cache, so the lambda step
 * reuses them. Throws one ConfigError (exit code 2) listing every problem, each with its file and line.
 */
export async function validateLocally(
  config: ResolvedConfig,
  opts: PackageCheckOptions = {},
): Promise<LocalValidation> {
  preflightSteps(config)
  await packageConfiguredCode(config, opts)
  return {
    env: config.env,
    functions: config.functions.length,
    runtimes: [...new Set(config.functions.flatMap((fn) => (fn.runtime ? [fn.runtime] : [])))].sort(),
  }
}
