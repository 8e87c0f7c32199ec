// Every `${…}` in config.json resolves, in every section (those of steps not implemented yet too): a field whose
// schema is the name template expands the variables, a function's environment reads step outputs
// (step-references.ts), and nowhere else is a placeholder filled in, so one there would reach AWS as it is written.
import type { FieldPath } from './issues.js'
import { expandTemplate, type TemplateVars } from './names.js'
import { configSchema, nameTemplate, type RawConfig } from './schema.js'
import { schemaAt, unwrap } from './zod-issues.js'

export interface PlaceholderProblem {
  path: FieldPath
  message: string
}

// Checked where they are resolved: name_pattern once (resolve.ts), environment values with their step references,
// parameters, permission statements and the identity pool with their own keys (resolve-params.ts).
const CHECKED_ELSEWHERE = (path: FieldPath): boolean =>
  path[0] === 'name_pattern' ||
  path[0] === 'parameters' ||
  (path[0] === 'functions' && (path[2] === 'environment' || path[2] === 'permissions')) ||
  (path[0] === 'cognito' && path[1] === 'identity_pool')

const ENTRY_SECTIONS = new Set(['tables', 'functions', 'buckets', 'queues'])

/** `${name}` is the entry's key in the names of tables, functions, buckets and queues, and nowhere else. */
function entryKey(path: FieldPath): string | undefined {
  const [section, key, field] = path
  return ENTRY_SECTIONS.has(String(section)) && path.length === 3 && field === 'name' ? String(key) : undefined
}

/** Every placeholder in `raw` (config.json after its schema) that does not resolve with `vars`. */
export function placeholderProblems(raw: RawConfig, vars: TemplateVars): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = []
  const visit = (value: unknown, path: FieldPath): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, [...path, i]))
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key])
      return
    }
    if (typeof value !== 'string' || !value.includes('${') || CHECKED_ELSEWHERE(path)) return
    const schema = schemaAt(configSchema, path)
    if (schema && unwrap(schema) === nameTemplate) {
      const name = entryKey(path)
      const { problems: found } = expandTemplate(value, { ...vars, ...(name === undefined ? {} : { name }) })
      for (const message of found) problems.push({ path, message })
    } else {
      problems.push({
        path,
        message: `${JSON.stringify(value)} has a placeholder, but this field is not a template (write the value itself; names and other template fields expand \${SERVICE_NAME}, \${ENVIRONMENT}, …)`,
      })
    }
  }
  visit(raw, [])
  return problems
}
