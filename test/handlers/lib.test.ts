import { describe, expect, test } from 'vitest'
import { decodeCursor, encodeCursor } from '../../handlers/lib/cursor.js'
import { daysInclusive, parseDate } from '../../handlers/lib/dates.js'
import { MissingEnvironmentError, intEnv, once, requireEnv, tableEnvName, tableName } from '../../handlers/lib/env.js'
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { HttpError, withCors } from '../../handlers/lib/http.js'

describe('env', () => {
  test('table variables are TABLE_ plus the logical id upper-cased, dashes as underscores', () => {
    expect(tableEnvName('websocket-connections')).toBe('TABLE_WEBSOCKET_CONNECTIONS')
    expect(tableName('usage', { TABLE_USAGE: 'svc-usage' })).toBe('svc-usage')
  })

  test('a missing variable is an error that names it', () => {
    expect(() => requireEnv('STAGE', {})).toThrow(MissingEnvironmentError)
    expect(() => tableName('conversations', { TABLE_CONVERSATIONS: ' ' })).toThrow(/TABLE_CONVERSATIONS/)
    expect(() => intEnv('MAX_TOKENS', { env: { MAX_TOKENS: '-1' } })).toThrow(/MAX_TOKENS/)
    expect(intEnv('MAX_TOKENS', { env: {}, fallback: 5 })).toBe(5)
  })

  test('once builds a value a single time', () => {
    let builds = 0
    const get = once(() => ++builds)
    expect([get(), get()]).toEqual([1, 1])
  })
})

describe('cursor', () => {
  const shape = { attributes: ['user_id', 'prompt_id'], pinned: { user_id: 'u1' } }

  test('round-trips a LastEvaluatedKey', () => {
    const key = { user_id: 'u1', prompt_id: 'p9' }
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key)
    expect(encodeCursor(undefined)).toBeUndefined()
  })

  test.each([
    ['another user', { user_id: 'u2', prompt_id: 'p' }],
    ['an extra attribute', { user_id: 'u1', prompt_id: 'p', x: 'y' }],
    ['a missing attribute', { user_id: 'u1' }],
    ['a non-string value', { user_id: 'u1', prompt_id: { S: 'p' } }],
  ])('refuses %s', (_name, key) => {
    expect(() => decodeCursor(encodeCursor(key), shape)).toThrow(HttpError)
  })
})

describe('dates', () => {
  test('accepts real calendar days only', () => {
    expect(parseDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z')
    expect(parseDate('2023-02-29')).toBeUndefined()
    expect(parseDate('2024-2-1')).toBeUndefined()
    expect(daysInclusive(parseDate('2024-01-01')!, parseDate('2024-12-31')!)).toBe(366)
  })
})

describe('CORS on Lambda proxy responses', () => {
  const event = (origin?: string) => ({ headers: origin ? { Origin: origin } : {} }) as unknown as APIGatewayProxyEvent
  const ok = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' }

  test('echoes an allowed origin, never a wildcard, and says the answer varies by origin', () => {
    process.env.CORS_ALLOWED_ORIGINS = 'https://new-service.com,http://localhost:5173'
    try {
      expect(withCors(event('http://localhost:5173'), ok).headers).toMatchObject({
        'access-control-allow-origin': 'http://localhost:5173',
        vary: 'Origin',
      })
      const other = withCors(event('https://evil.example'), ok).headers ?? {}
      expect(other['access-control-allow-origin']).toBeUndefined()
      expect(other.vary).toBe('Origin')
    } finally {
      delete process.env.CORS_ALLOWED_ORIGINS
    }
  })

  test('without CORS_ALLOWED_ORIGINS the response is left as it is', () => {
    expect(withCors(event('https://new-service.com'), ok)).toEqual(ok)
  })
})
