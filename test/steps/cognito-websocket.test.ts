// Issue 4's end-to-end property: "the WebSocket connect handler accepts a token from this pool and refuses others".
// Steps iam, dynamodb, cognito and lambda deploy against the fake; the pool and client ids the lambda step put into
// the websocket-connect function's environment (read from the fake Lambda) configure the real handler, run on
// dynalite with a token signed for that pool.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createCognitoVerifier, createHandler, verifyWith } from '../../handlers/websocket-connect/index.js'
import { startDynamo, TEST_REGION, type TestDynamo } from '../handlers/support/dynamo.js'
import { lambdaContext, wsEvent } from '../handlers/support/events.js'
import { cognitoIssuer, createSigningKey, idTokenClaims, signJwt } from '../handlers/support/jwt.js'
import { captureLogs } from '../handlers/support/logs.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { outputsOf } from '../../src/runner/run-steps.js'
import { deployWith, fastWorkspace, fnName, writeLines } from './lambda-helpers.js'

const CONNECT = fnName('websocket-connect')
let fake: AllFakes
let dynamo: TestDynamo
beforeAll(async () => {
  dynamo = await startDynamo()
})
afterAll(() => dynamo.close())
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

/** What the deployed function would see in process.env: its alias's version's variables. */
function deployedEnvironment(): Record<string, string> {
  const fn = fake.lambda.fn(CONNECT)!
  const version = fn.aliases.staging!.functionVersion
  return fn.versions[version]!.config.Environment!.Variables
}

describe('cognito → lambda → websocket-connect', () => {
  test('the handler configured by the deploy accepts this pool’s ID token and refuses another pool’s or client’s', async () => {
    const root = fastWorkspace()
    const outcome = await deployWith(root)
    expect(outcome.ok).toBe(true)
    const [pool] = fake.cognito.poolsNamed('new-service-staging-users')
    const [client] = Object.values(pool!.clients)
    const env = deployedEnvironment()
    expect(env).toMatchObject({ USER_POOL_ID: pool!.id, USER_POOL_CLIENT_ID: client!.ClientId })
    // Only the function that asks for them gets them.
    expect(fake.lambda.fn(fnName('prompt-crud'))!.latest.config.Environment?.Variables).not.toHaveProperty(
      'USER_POOL_ID',
    )
    // The issuer step 08 reports is the one the handler checks.
    expect(outputsOf(outcome, 'cognito')?.issuer).toBe(cognitoIssuer(TEST_REGION, env.USER_POOL_ID!))

    // The pool's signing key, as the handler would fetch it from the pool's JWKS URL.
    const poolKey = createSigningKey()
    const verifier = createCognitoVerifier(env)
    verifier.cacheJwks(poolKey.jwks)
    const handler = createHandler(() => ({
      ddb: dynamo.ddb,
      table: dynamo.tables['websocket-connections']!,
      verifyToken: verifyWith(verifier),
    }))
    const connect = async (connectionId: string, token: string) =>
      (await handler(wsEvent({ connectionId, routeKey: '$connect', query: { token } }), lambdaContext())) as {
        statusCode: number
      }
    const claims = (userPoolId: string, clientId: string) =>
      idTokenClaims({ region: TEST_REGION, userPoolId, clientId, sub: 'user-1' })

    expect(
      (await connect('c-ours', signJwt(poolKey, claims(env.USER_POOL_ID!, env.USER_POOL_CLIENT_ID!)))).statusCode,
    ).toBe(200)
    const logs = captureLogs()
    try {
      const otherPool = `${TEST_REGION}_OtherPool9`
      expect(
        (await connect('c-pool', signJwt(createSigningKey(), claims(otherPool, env.USER_POOL_CLIENT_ID!)))).statusCode,
      ).toBe(401)
      expect(
        (await connect('c-client', signJwt(poolKey, claims(env.USER_POOL_ID!, 'anotherclient0000000000000'))))
          .statusCode,
      ).toBe(401)
      expect(logs.lines().map((l) => l.reason)).toEqual(['ParameterValidationError', 'CognitoJwtInvalidClientIdError'])
    } finally {
      logs.restore()
    }
  }, 60_000)

  test('a pool recreated after an out-of-band delete reaches the function: one configuration update, a version, the alias', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    const old = deployedEnvironment().USER_POOL_ID
    fake.cognito.deletePoolOutOfBand(old!)
    fake.resetCalls()
    expect((await deployWith(root)).ok).toBe(true)
    const [pool] = fake.cognito.poolsNamed('new-service-staging-users')
    expect(deployedEnvironment().USER_POOL_ID).toBe(pool!.id)
    expect(writeLines(fake.calls.filter((c) => c.service === 'lambda'))).toEqual([
      `UpdateFunctionConfiguration ${CONNECT}`,
      `PublishVersion ${CONNECT}`,
      `UpdateAlias ${CONNECT}`,
    ])
  }, 60_000)
})
