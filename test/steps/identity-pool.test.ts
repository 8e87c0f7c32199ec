// Step 08 with cognito.identity_pool against the fake: the pool linked to the user pool and its client, a role for
// signed-in users that trusts only this pool and grants what config says, no guests unless asked; a rerun sends no
// write; guests turned on add their role; the section dropped removes the roles and keeps the pool (it holds
// identities).
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { outputsOf } from '../../src/runner/run-steps.js'
import { cognitoStep } from '../../src/steps/08-cognito.js'
import { deploy, editConfig, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { fastWorkspace } from './lambda-helpers.js'

const SERVICE = 'new-service-staging'
const POOL = `${SERVICE}-identities`
const USERS_ROLE = `${SERVICE}-identity-users`
const GUESTS_ROLE = `${SERVICE}-identity-guests`
const steps = [cognitoStep]
const GRANT = {
  actions: ['s3:GetObject', 's3:PutObject'],
  resources: ['arn:aws:s3:::${SERVICE_NAME}-docs/private/${cognito-identity.amazonaws.com:sub}/*'],
}

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = fastWorkspace((c) => (c.cognito.identity_pool = { authenticated_permissions: [GRANT] }))
})
afterEach(() => fake.restore())

const run = () => deploy(root, { steps })
const writes = () => fake.calls.filter((c) => c.write).map((c) => c.command.replace(/Command$/, ''))
const onlyPool = () => {
  const pools = fake.cognitoIdentity.poolsNamed(POOL)
  expect(pools).toHaveLength(1)
  return pools[0]!
}

describe('cognito step: identity pool', () => {
  test('linked to the user pool and client, signed-in users only, their role trusting this pool alone', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    const outputs = outputsOf(outcome, 'cognito')!
    const pool = onlyPool()
    expect(outputs.identityPoolId).toBe(pool.id)
    expect(pool).toMatchObject({
      allowUnauthenticated: false,
      providers: [
        {
          ProviderName: `cognito-idp.us-east-1.amazonaws.com/${outputs.userPoolId}`,
          ClientId: outputs.clientId,
          ServerSideTokenCheck: false,
        },
      ],
      tags: { 'managed-by': 'infra', 'infra:env': 'staging' },
    })
    expect(Object.keys(pool.roles)).toEqual(['authenticated'])
    expect(pool.roles.authenticated).toMatch(new RegExp(`:role/${USERS_ROLE}$`))
    const users = fake.iam.role(USERS_ROLE)!
    expect(JSON.parse(users.assumeRolePolicy)).toMatchObject({
      Statement: [
        {
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': pool.id },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ],
    })
    expect(JSON.parse(users.inline['identity-access']!).Statement).toEqual([
      {
        Sid: 'Granted1',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: ['arn:aws:s3:::new-service-staging-docs/private/${cognito-identity.amazonaws.com:sub}/*'],
      },
    ])
    expect(fake.iam.role(GUESTS_ROLE)).toBeUndefined()

    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual([])
  })

  test('guests allowed: the pool is updated, the guest role made and attached', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.identity_pool.allow_unauthenticated = true))
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual(expect.arrayContaining(['UpdateIdentityPool', 'CreateRole', 'SetIdentityPoolRoles']))
    const pool = onlyPool()
    expect(pool.allowUnauthenticated).toBe(true)
    expect(pool.roles.unauthenticated).toMatch(new RegExp(`:role/${GUESTS_ROLE}$`))
  })

  test('dropped from config: the roles are detached and deleted, the pool (its identities) retained', async () => {
    await run()
    editConfig(root, (c) => delete c.cognito.identity_pool)
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(resultsOf(outcome).find((r) => r.kind === 'cognito-identity-pool')?.action).toBe('retained')
    expect(onlyPool().roles).toEqual({})
    expect(fake.iam.role(USERS_ROLE)).toBeUndefined()
    expect(outputsOf(outcome, 'cognito')?.identityPoolId).toBeUndefined()
  })
})
