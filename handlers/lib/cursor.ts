// Pagination cursors: a DynamoDB LastEvaluatedKey as base64url JSON. Opaque to clients, but
// decoded strictly: only the expected key attributes, all strings, and the partition value pinned to
// the caller, so a forged cursor cannot start a query inside another user's items.
import { badRequest } from './http.js'

export type Key = Record<string, string>

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

const MAX_CURSOR_CHARS = 2048

export function decodeCursor(
  raw: string | undefined,
  expected: { attributes: readonly string[]; pinned: Key },
): Key | undefined {
  if (raw === undefined || raw === '') return undefined
  const invalid = () => badRequest('cursor is not a cursor this endpoint returned', 'InvalidCursor')
  if (raw.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid()
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid()
  const entries = Object.entries(parsed)
  const keys = entries.map(([name]) => name).sort()
  if (keys.join('\n') !== [...expected.attributes].sort().join('\n')) throw invalid()
  if (entries.some(([, value]) => typeof value !== 'string' || value.length === 0)) throw invalid()
  const key = parsed as Key
  for (const [name, value] of Object.entries(expected.pinned)) if (key[name] !== value) throw invalid()
  return key
}
