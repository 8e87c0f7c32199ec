// What spec builders share: a config problem found while deriving a spec names config.json's field, like the loader's.
import path from 'node:path'
import { CONFIG_HINT, formatPath, issuesError } from '../config/issues.js'
import { expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'

export function configFieldError(config: ResolvedConfig, field: (string | number)[], message: string) {
  const file = path.relative(config.files.root, config.files.config) || 'config.json'
  return issuesError('InvalidConfig', [{ file, field: formatPath(field), message }], CONFIG_HINT)
}

/** A name template of config, expanded; a problem is a config error naming the field, before any AWS call. */
export function expandField(config: ResolvedConfig, field: (string | number)[], template: string): string {
  const { value, problems } = expandTemplate(template, templateVars(config))
  if (problems.length > 0) throw configFieldError(config, field, problems.join('; '))
  return value
}
