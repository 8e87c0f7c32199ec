// `infra outputs`: every value the steps recorded (URLs, ids, names), flattened into one map of upper-case keys
// (API_URL, COGNITO_USER_POOL_ID, DYNAMODB_TABLES_USAGE_NAME), in the formats other tools read.
import type { Manifest } from '../manifest/types.js'

export type OutputFormat = 'dotenv' | 'shell' | 'json'
export const OUTPUT_FORMATS: OutputFormat[] = ['dotenv', 'shell', 'json']

/** Fingerprints the steps keep for themselves (e.g. definitionHash): not for other tools. */
const INTERNAL_KEY = /Hash$/
/** Repeats the URLs already under their own keys, by display name. */
const DISPLAY_ONLY_KEY = 'endpoints'

/** `userPoolId` → `USER_POOL_ID`, `websocket-connections` → `WEBSOCKET_CONNECTIONS`. */
export function envKey(part: string): string {
  return part
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase()
}

function flatten(prefix: string, value: unknown, into: Record<string, string>): void {
  if (value === undefined || value === null) return
  if (typeof value !== 'object') {
    into[prefix] = String(value)
    return
  }
  for (const [key, inner] of Object.entries(value)) {
    if (INTERNAL_KEY.test(key) || key === DISPLAY_ONLY_KEY) continue
    flatten(`${prefix}_${envKey(key)}`, inner, into)
  }
}

/** The environment's identity, then each step's outputs in the manual's order, prefixed with the step's id. */
export function collectOutputs(manifest: Readonly<Manifest>, stepOrder: readonly string[]): Record<string, string> {
  const values: Record<string, string> = { SERVICE_NAME: manifest.service, AWS_REGION: manifest.region }
  if (manifest.account) values.AWS_ACCOUNT_ID = manifest.account
  for (const id of stepOrder) {
    const outputs = manifest.steps[id]?.outputs ?? {}
    const step = envKey(id)
    const own: Record<string, string> = {}
    for (const [key, value] of Object.entries(outputs)) {
      if (INTERNAL_KEY.test(key) || key === DISPLAY_ONLY_KEY) continue
      // `websocketApiId` under websocket reads WEBSOCKET_API_ID, not WEBSOCKET_WEBSOCKET_API_ID.
      const name = envKey(key)
      flatten(name === step || name.startsWith(`${step}_`) ? name : `${step}_${name}`, value, own)
    }
    Object.assign(values, own)
  }
  return values
}

const SAFE_DOTENV = /^[\w@%+=:,./-]*$/

export function formatOutputs(values: Record<string, string>, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(values, null, 2)}\n`
  const entries = Object.entries(values)
  if (format === 'shell') {
    return entries.map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`).join('')
  }
  return entries.map(([k, v]) => `${k}=${SAFE_DOTENV.test(v) ? v : JSON.stringify(v)}\n`).join('')
}
