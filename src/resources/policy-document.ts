// IAM policy documents compared by meaning, not by bytes: IAM returns them URL-encoded, reorders nothing
// reliably, and treats "Action": "x" the same as "Action": ["x"].

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Principal?: Record<string, string | string[]> | '*'
  Action: string | string[]
  Resource?: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}
export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

/** IAM returns documents URL-encoded (RFC 3986); documents we build are plain JSON. */
export function parsePolicy(text: string): unknown {
  const trimmed = text.trim()
  return JSON.parse(trimmed.startsWith('%7B') || trimmed.startsWith('%7b') ? decodeURIComponent(trimmed) : trimmed)
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical)
    if (items.length === 1) return items[0]
    return items
      .map((v) => JSON.stringify(v))
      .sort()
      .map((s) => JSON.parse(s) as unknown)
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    )
  }
  return value
}

/** Order- and encoding-insensitive equality of two policy documents (strings or objects). */
export function samePolicy(a: string | PolicyDocument, b: string | PolicyDocument): boolean {
  const parse = (p: string | PolicyDocument) => (typeof p === 'string' ? parsePolicy(p) : p)
  return JSON.stringify(canonical(parse(a))) === JSON.stringify(canonical(parse(b)))
}

export function serviceTrustPolicy(service: string, condition?: PolicyStatement['Condition']): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  }
}
