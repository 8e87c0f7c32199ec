// Small input validators. Messages name the field and the rule, never echo the value.
import { badRequest } from './http.js'

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Ids we generate are UUIDs; accept a conservative superset so a bad id is a 400, not a DynamoDB error. */
export function validId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw badRequest(`${field} must be 1-64 letters, digits, '-' or '_'`)
  }
  return value
}

export function requiredString(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field]
  if (typeof value !== 'string' || value.trim().length === 0) throw badRequest(`${field} is required`)
  if (value.length > max) throw badRequest(`${field} must be at most ${max} characters`)
  return value
}

export function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  if (body[field] === undefined || body[field] === null) return undefined
  return requiredString(body, field, max)
}

export function stringList(
  body: Record<string, unknown>,
  field: string,
  limits: { maxItems: number; maxChars: number },
): string[] | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw badRequest(`${field} must be an array of strings`)
  if (value.length > limits.maxItems) throw badRequest(`${field} must have at most ${limits.maxItems} items`)
  for (const item of value) {
    if (typeof item !== 'string' || item.trim().length === 0 || item.length > limits.maxChars) {
      throw badRequest(`each of ${field} must be a non-empty string of at most ${limits.maxChars} characters`)
    }
  }
  return [...new Set(value as string[])]
}

/** Rejects fields the endpoint does not know, so a typo is a 400 rather than silently ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) throw badRequest(`unknown field(s); allowed: ${allowed.join(', ')}`)
}

export function limitParam(raw: string | undefined, limits: { fallback: number; max: number }): number {
  if (raw === undefined || raw === '') return limits.fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > limits.max) {
    throw badRequest(`limit must be an integer from 1 to ${limits.max}`)
  }
  return value
}
