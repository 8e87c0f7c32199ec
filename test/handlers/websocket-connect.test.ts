import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import {
  CONNECTION_TTL_S,
  cognitoTokenVerifier,
  createCognitoVerifier,
  createHandler,
  verifyWith,
} from '../../handlers/websocket-connect/index.js'
import type { TokenVerifier } from '../../handlers/websocket-connect/index.js'
import { startDynamo, TEST_REGION } from './support/dynamo.js'
import type { TestDynamo } from './support/dynamo.js'
import { lambdaContext, parseBody, wsEvent } from './support/events.js'
import { createSigningKey, idTokenClaims, signJwt } from './support/jwt.js'
import type { TestSigningKey } from './support/jwt.js'
import { captureLogs } from './support/logs.js'

const POOL_ID = `${TEST_REGION}_TestPool1`
const OTHER_POOL_ID = `${TEST_REGION}_OtherPool`
const CLIENT_ID = 'testclientid0000000000000a'
const NOW = new Date('2030-01-01T00:00:00Z')

let dynamo: TestDynamo
let poolKey: TestSigningKey
let verifyToken: TokenVerifier

beforeAll(async () => {
  dynamo = await startDynamo()
  poolKey = createSigningKey()
  // The production verifier for this pool, with its JWKS cached instead of fetched from Cognito.
  const verifier = createCognitoVerifier({ USER_POOL_ID: POOL_ID, USER_POOL_CLIENT_ID: CLIENT_ID })
  verifier.cacheJwks(poolKey.jwks)
  verifyToken = verifyWith(verifier)
})
afterAll(() => dynamo.close())

const table = () => dynamo.tables['websocket-connections']!

function handlerWith(verify: TokenVerifier) {
  return createHandler(() => ({ ddb: dynamo.ddb, table: table(), verifyToken: verify, now: () => NOW }))
}

async function connect(connectionId: string, token?: string, verify = verifyToken) {
  const event = wsEvent({ connectionId, routeKey: '$connect', query: token === undefined ? {} : { token } })
  return handlerWith(verify)(event, lambdaContext()) as Promise<{ statusCode: number; body?: string }>
}

async function storedConnection(connectionId: string) {
  return (await dynamo.ddb.send(new GetCommand({ TableName: table(), Key: { connection_id: connectionId } }))).Item
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  ...idTokenClaims({ region: TEST_REGION, userPoolId: POOL_ID, clientId: CLIENT_ID, sub: 'user-123' }),
  ...overrides,
})

describe('websocket-connect', () => {
  test('a valid ID token of this pool and client is accepted and the connection stored', async () => {
    const result = await connect('conn-ok', signJwt(poolKey, claims()))
    expect(result.statusCode).toBe(200)
    expect(await storedConnection('conn-ok')).toEqual({
      connection_id: 'conn-ok',
      user_id: 'user-123',
      connected_at: NOW.toISOString(),
      ttl: NOW.getTime() / 1000 + CONNECTION_TTL_S,
    })
    expect(CONNECTION_TTL_S).toBe(7200)
  })

  const otherPoolKey = createSigningKey()
  // [case, token, the verifier's reason]: the reason proves each refusal is for the right cause (not,
  // say, a failed JWKS download).
  const refused: [string, () => string | undefined, string | undefined][] = [
    ['no token', () => undefined, undefined],
    ['an empty token', () => '', undefined],
    ['not a JWT', () => 'not-a-jwt', 'JwtParseError'],
    [
      'a token of another user pool',
      () =>
        signJwt(
          otherPoolKey,
          idTokenClaims({ region: TEST_REGION, userPoolId: OTHER_POOL_ID, clientId: CLIENT_ID, sub: 'user-123' }),
        ),
      'ParameterValidationError',
    ],
    [
      'a token of another app client',
      () => signJwt(poolKey, claims({ aud: 'otherclient' })),
      'CognitoJwtInvalidClientIdError',
    ],
    ['an expired token', () => signJwt(poolKey, claims({ iat: 1000, auth_time: 1000, exp: 4600 })), 'JwtExpiredError'],
    [
      'an access token',
      () => signJwt(poolKey, claims({ token_use: 'access', client_id: CLIENT_ID, aud: undefined })),
      'CognitoJwtInvalidTokenUseError',
    ],
    [
      'a token signed by another key under this pool’s kid',
      () => signJwt({ ...otherPoolKey, kid: poolKey.kid }, claims()),
      'JwtInvalidSignatureError',
    ],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = signJwt(poolKey, claims()).split('.')
        const payload = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')
        return `${header}.${payload}.${signature}`
      },
      'JwtInvalidSignatureError',
    ],
  ]

  test.each(refused)('%s is refused with 401 and nothing is stored', async (name, token, reason) => {
    const connectionId = `conn-${name.replaceAll(/\W/g, '-')}`
    const logs = captureLogs()
    try {
      const value = token()
      const result = await connect(connectionId, value)
      expect(result.statusCode).toBe(401)
      expect(parseBody(result).error.code).toBe('Unauthorized')
      expect(await storedConnection(connectionId)).toBeUndefined()
      if (reason) expect(logs.lines()).toEqual([expect.objectContaining({ code: 'InvalidToken', reason })])
      if (value) expect(logs.raw()).not.toContain(value)
    } finally {
      logs.restore()
    }
  })

  test('without USER_POOL_ID or USER_POOL_CLIENT_ID every connection is refused (fail closed)', async () => {
    const token = signJwt(poolKey, claims())
    for (const env of [{}, { USER_POOL_ID: POOL_ID }, { USER_POOL_CLIENT_ID: CLIENT_ID }]) {
      const logs = captureLogs()
      try {
        const result = await connect('conn-unconfigured', token, cognitoTokenVerifier(env))
        expect(result.statusCode).toBe(500)
        expect(parseBody(result).error).toEqual({ code: 'InternalError', message: 'internal error' })
        expect(logs.lines()[0]).toMatchObject({ level: 'error', code: 'NotConfigured' })
        expect(logs.lines()[0]!.errorMessage).toMatch(/USER_POOL_(ID|CLIENT_ID)/)
      } finally {
        logs.restore()
      }
    }
    expect(await storedConnection('conn-unconfigured')).toBeUndefined()
  })
})
