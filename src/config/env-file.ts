// environments/<env>.env: values parsed by dotenv, lines found by a scan of our own so that every error can
// name file:line. Only ENV_FILE_KEYS may be set; each value is checked by the rule config.json's field uses.
import { parse } from 'dotenv'
import type { z } from 'zod'
import {
  billingModeSchema,
  configSchema,
  ENV_FILE_KEYS,
  functionSchema,
  nameTemplate,
  type EnvFileKey,
} from './schema.js'
import { AWS_REGION_PATTERN, STATE_BACKENDS } from './state-schema.js'
import { closest, issuesError, show, type ConfigIssue } from './issues.js'

export interface EnvFileValues {
  SERVICE_NAME?: string
  ENVIRONMENT?: string
  AWS_REGION?: string
  AWS_ACCOUNT_ID?: string
  AWS_PROFILE?: string
  DOMAIN?: string
  LAMBDA_MEMORY?: number
  LAMBDA_TIMEOUT?: number
  DYNAMODB_BILLING?: z.output<typeof billingModeSchema>
  STATE_BACKEND?: (typeof STATE_BACKENDS)[number]
  STATE_BUCKET?: string
  STATE_PREFIX?: string
  STATE_REGION?: string
}

export interface EnvFile {
  /** As shown in messages, e.g. `environments/dev.env`. */
  file: string
  values: EnvFileValues
  /** The line each key is set on, for messages about what it caused. */
  lines: Partial<Record<EnvFileKey, number>>
}

export const ENV_KEYS = Object.keys(ENV_FILE_KEYS) as EnvFileKey[]
const isEnvKey = (key: string): key is EnvFileKey => Object.hasOwn(ENV_FILE_KEYS, key)

export function envFileHint(file: string): string {
  return `Fix ${file}: it may set ${ENV_KEYS.join(', ')}; everything else belongs in config.json. Then rerun.`
}

/** Parses and checks an env file; throws ConfigError InvalidEnvFile listing every problem. */
export function parseEnvFile(text: string, file: string): EnvFile {
  const issues: ConfigIssue[] = []
  const keyLines = new Map<string, number>()
  const at = (line: number, field: string | undefined, message: string): void => {
    issues.push({ file, position: { line }, field, message })
  }

  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const trimmed = lines[i]!.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const match = /^(?:export\s+)?([\w.-]+)\s*=(.*)$/.exec(trimmed)
    if (!match) {
      at(line, undefined, `${show(trimmed)} is not a KEY=value line (expected KEY=value, or a # comment)`)
      continue
    }
    const [, key, rest] = match as unknown as [string, string, string]
    // dotenv keeps the last value, so the last line is the one whose value is checked.
    if (keyLines.has(key)) at(line, key, `is set twice (first on line ${keyLines.get(key)}; keep one)`)
    keyLines.set(key, line)
    // A quoted value may span lines (dotenv allows it): skip to the closing quote.
    const value = rest.trimStart()
    const quote = value[0]
    if (quote === '"' || quote === "'" || quote === '`') {
      if (!closes(value.slice(1), quote)) {
        const end = lines.findIndex((l, j) => j > i && closes(l, quote))
        if (end === -1) at(line, key, `has no closing ${quote} (expected a quoted value to end on a later line)`)
        i = end === -1 ? lines.length : end
      }
    }
  }

  const parsed = parse(text)
  const values: Record<string, unknown> = {}
  const found: Partial<Record<EnvFileKey, number>> = {}
  for (const [key, line] of keyLines) {
    if (!isEnvKey(key)) {
      const near = closest(key, ENV_KEYS)
      const valid = `${near ? `did you mean ${near}? ` : ''}valid keys: ${ENV_KEYS.join(', ')}`
      at(line, key, `unknown key (${valid})`)
      continue
    }
    found[key] = line
    const raw = parsed[key] ?? ''
    if (raw.trim() === '') {
      at(line, key, `is empty (expected ${ENV_FILE_KEYS[key]}; remove the line to keep config.json's value)`)
      continue
    }
    const checked = checkValue(key, raw)
    if ('error' in checked) at(line, key, `${show(raw)} is not valid (${checked.error})`)
    else values[key] = checked.value
  }
  issues.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0))
  if (issues.length > 0) throw issuesError('InvalidEnvFile', issues, envFileHint(file))
  return { file, values: values as EnvFileValues, lines: found }
}

function closes(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === quote) return true
  }
  return false
}

type Checked = { value: string | number } | { error: string }

function checkValue(key: EnvFileKey, raw: string): Checked {
  switch (key) {
    case 'SERVICE_NAME':
      return bySchema(configSchema.shape.service_name, raw)
    case 'ENVIRONMENT':
      return bySchema(configSchema.shape.environment, raw)
    case 'AWS_REGION':
      return bySchema(configSchema.shape.region, raw)
    case 'AWS_ACCOUNT_ID':
      return bySchema(configSchema.shape.account_id, raw)
    case 'DOMAIN':
      return bySchema(configSchema.shape.domain.unwrap(), raw)
    case 'AWS_PROFILE':
      return /^\S+$/.test(raw) ? { value: raw } : { error: 'a profile name from ~/.aws/config, without spaces' }
    case 'LAMBDA_MEMORY':
      return integerIn(functionSchema.shape.memory_mb.unwrap(), raw)
    case 'LAMBDA_TIMEOUT':
      return integerIn(functionSchema.shape.timeout_s.unwrap(), raw)
    case 'DYNAMODB_BILLING': {
      const modes = billingModeSchema.options
      return (modes as readonly string[]).includes(raw)
        ? { value: raw }
        : { error: `expected one of ${modes.join(', ')}` }
    }
    case 'STATE_BACKEND':
      return (STATE_BACKENDS as readonly string[]).includes(raw)
        ? { value: raw }
        : { error: `expected one of ${STATE_BACKENDS.join(', ')}` }
    case 'STATE_BUCKET':
    case 'STATE_PREFIX':
      return bySchema(nameTemplate, raw)
    case 'STATE_REGION':
      return AWS_REGION_PATTERN.test(raw) ? { value: raw } : { error: 'an AWS region such as "us-east-1"' }
  }
}

function bySchema(schema: z.ZodType<string>, raw: string): Checked {
  const result = schema.safeParse(raw)
  return result.success ? { value: result.data } : { error: result.error.issues[0]?.message ?? 'not valid' }
}

// The bounds come from config.json's own field, so the env file and config.json cannot disagree.
function integerIn(schema: z.ZodNumber, raw: string): Checked {
  const range = `expected an integer from ${schema.minValue} to ${schema.maxValue}`
  if (!/^\d+$/.test(raw)) return { error: range }
  const value = Number(raw)
  return schema.safeParse(value).success ? { value } : { error: range }
}
