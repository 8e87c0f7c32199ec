// Zod issues → messages a person can act on: the field path, the value as written, and what would be valid
// (read from the schema itself, so a message never drifts from what the schema accepts).
import type { z } from 'zod'
import { closest, formatPath, show, type ConfigIssue, type FieldPath, type Locate } from './issues.js'

type Schema = z.core.$ZodType
type Issue = z.core.$ZodIssue
type Def = z.core.$ZodTypes['_zod']['def']

const def = (s: Schema): Def => (s as z.core.$ZodTypes)._zod.def

/** The schema under its optional/default/prefault wrappers. */
export function unwrap(s: Schema): Schema {
  const d = def(s)
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return unwrap(d.innerType)
    case 'pipe':
      return unwrap(d.in)
    default:
      return s
  }
}

/** The schema that validates the value at `path`, if the path leads anywhere. */
export function schemaAt(root: Schema, path: FieldPath): Schema | undefined {
  let s: Schema | undefined = root
  for (const seg of path) {
    if (!s) return undefined
    s = child(unwrap(s), seg)
  }
  return s
}

function child(s: Schema, seg: string | number): Schema | undefined {
  const d = def(s)
  if (d.type === 'object') return typeof seg === 'string' ? d.shape[seg] : undefined
  if (d.type === 'record') return d.valueType
  if (d.type === 'array') return typeof seg === 'number' ? d.element : undefined
  if (d.type === 'union') {
    for (const option of d.options) {
      const found = child(unwrap(option), seg)
      if (found) return found
    }
  }
  return undefined
}

/** Keys an object schema at `path` accepts (the object option of a union counts). */
export function keysAt(root: Schema, path: FieldPath): string[] {
  const s = schemaAt(root, path)
  if (!s) return []
  const u = unwrap(s)
  const d = def(u)
  if (d.type === 'object') return Object.keys(d.shape)
  if (d.type === 'union') return d.options.flatMap((o) => (def(unwrap(o)).type === 'object' ? keysAt(o, []) : []))
  return []
}

/** What a value must look like, in words: `one of S, N, B`, `an integer`, `a string or { name, type }`. */
export function describe(schema: Schema | undefined): string {
  if (!schema) return 'a valid value'
  const d = def(unwrap(schema))
  switch (d.type) {
    case 'string':
      return 'a string'
    case 'number':
      return 'format' in d && String(d.format).includes('int') ? 'an integer' : 'a number'
    case 'boolean':
      return 'true or false'
    case 'enum':
      return oneOf(Object.values(d.entries))
    case 'literal':
      return oneOf(d.values)
    case 'object':
      return `{ ${Object.keys(d.shape).join(', ')} }`
    case 'record':
      return 'an object'
    case 'array':
      return 'a list'
    case 'union':
      return d.options.map(describe).join(' or ')
    default:
      return `a ${d.type}`
  }
}

function oneOf(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' ? v : show(v)))
  return words.length === 1 ? show(values[0]) : `one of ${words.join(', ')}`
}

function valueAt(value: unknown, path: FieldPath): unknown {
  let v = value
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined
  return v
}

/** Every zod issue as a ConfigIssue with file, line and column, in the order they appear in the file. */
export function zodIssues(
  issues: readonly Issue[],
  ctx: { schema: Schema; value: unknown; locate?: Locate; file: string },
): ConfigIssue[] {
  const out: { path: FieldPath; message: string }[] = []
  const add = (issue: Issue, prefix: FieldPath): void => {
    const path = [...prefix, ...(issue.path as (string | number)[])]
    const input = 'input' in issue ? issue.input : valueAt(ctx.value, path)
    const expected = (): string => describe(schemaAt(ctx.schema, path))
    switch (issue.code) {
      case 'invalid_type':
        out.push({
          path,
          message:
            input === undefined ? `is missing (expected ${expected()})` : notValid(input, `expected ${expected()}`),
        })
        return
      case 'invalid_value':
        out.push({ path, message: notValid(input, `expected ${oneOf(issue.values)}`) })
        return
      case 'unrecognized_keys': {
        const keys = keysAt(ctx.schema, path)
        for (const key of issue.keys) {
          const near = closest(key, keys)
          const valid = near ? `did you mean ${near}?` : `expected one of ${keys.join(', ')}`
          out.push({ path: [...path, key], message: `unknown key "${key}" (${valid})` })
        }
        return
      }
      case 'invalid_union': {
        if (input === undefined) return void out.push({ path, message: `is missing (expected ${expected()})` })
        // A branch whose only complaint is the value's type at the top is not what the user meant.
        const fits = issue.errors.filter(
          (b) => !(b.length === 1 && b[0]!.code === 'invalid_type' && !b[0]!.path.length),
        )
        if (fits.length === 1) return fits[0]!.forEach((inner) => add(inner, path))
        out.push({ path, message: notValid(input, `expected ${expected()}`) })
        return
      }
      case 'invalid_key': {
        const inner = issue.issues[0]
        const record = schemaAt(ctx.schema, path.slice(0, -1))
        const keyType =
          record && def(unwrap(record)).type === 'record'
            ? (def(unwrap(record)) as z.core.$ZodRecordDef).keyType
            : undefined
        const why = inner && !isDefaultMessage(inner.message) ? inner.message : `expected ${describe(keyType)}`
        out.push({ path, message: `key ${show(path[path.length - 1])} is not valid (${why})` })
        return
      }
      case 'too_big':
      case 'too_small':
        out.push({ path, message: sizeMessage(issue, input) })
        return
      case 'invalid_format':
        out.push({ path, message: notValid(input, formatExpectation(issue)) })
        return
      case 'not_multiple_of':
        out.push({ path, message: notValid(input, `expected a multiple of ${issue.divisor}`) })
        return
      default:
        out.push({ path, message: notValid(input, issue.message) })
    }
  }
  for (const issue of issues) add(issue, [])
  return out
    .map(({ path, message }) => ({ file: ctx.file, position: ctx.locate?.(path), field: formatPath(path), message }))
    .sort(
      (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0),
    )
}

const notValid = (input: unknown, valid: string): string => `${show(input)} is not valid (${valid})`

// Zod's own messages start like this; a schema's custom message says what is valid and is shown as it is.
const isDefaultMessage = (message: string): boolean => /^(Invalid|Too (big|small))\b/.test(message)

function formatExpectation(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if (!isDefaultMessage(issue.message)) return issue.message
  if (issue.format === 'starts_with' && 'prefix' in issue)
    return `expected a string starting with ${show(issue.prefix)}`
  if (issue.format === 'regex' && issue.pattern) return `expected a string matching ${issue.pattern}`
  return `expected ${issue.format}`
}

function sizeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, input: unknown): string {
  const big = issue.code === 'too_big'
  const limit = Number(big ? (issue as z.core.$ZodIssueTooBig).maximum : (issue as z.core.$ZodIssueTooSmall).minimum)
  const bound = big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than'
  if (issue.origin === 'string') {
    const unit = limit === 1 ? 'character' : 'characters'
    return `${show(input)} is too ${big ? 'long' : 'short'} (expected ${bound} ${limit} ${unit})`
  }
  if (issue.origin === 'array') {
    const count = Array.isArray(input) ? input.length : '?'
    return `has ${count} items (expected ${bound} ${limit})`
  }
  return `${show(input)} is too ${big ? 'large' : 'small'} (expected ${bound} ${limit})`
}
