// Step 08 against the fake AWS: create, no-op rerun, one change one call, drift, refused changes, a taken prefix,
// crash and resume, dry run, adoption, the legacy client. Assertions are on the fake's state and its call log.
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { cognitoStep } from '../../src/steps/08-cognito.js'
import { outputsOf } from '../../src/runner/run-steps.js'
import { deploy, editConfig, plan, resultsOf, workspace } from '../support/context.js'
import { createFakeAws, type AllFakes, type CallRecord } from '../support/fake-aws/index.js'

const SERVICE = 'new-service-staging'
const POOL = `${SERVICE}-users`
const CLIENT = `${SERVICE}-app`
const PREFIX = `${SERVICE}-auth`
const steps = [cognitoStep]

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = workspace()
})
afterEach(() => fake.restore())

const run = (opts: Parameters<typeof deploy>[1] = {}) => deploy(root, { steps, ...opts })
const manifest = () => JSON.parse(readFileSync(path.join(root, '.infra', 'staging', 'manifest.json'), 'utf8'))
const writes = (calls: CallRecord[] = fake.calls) =>
  calls.filter((c) => c.write).map((c) => ({ command: c.command.replace(/Command$/, ''), input: c.input }))
/** Write commands; the client and the domain are converged in parallel, so their two creates compare as a set. */
const inOrder = () => {
  const commands = writes().map((w) => w.command)
  const parallel: string[] = commands.filter((c) => c === 'CreateUserPoolClient' || c === 'CreateUserPoolDomain').sort()
  return [...commands.filter((c) => !parallel.includes(c)), ...parallel]
}
const pools = () => fake.cognito.poolsNamed(POOL)
const onlyPool = () => {
  expect(pools()).toHaveLength(1)
  return pools()[0]!
}
const clientOf = (poolId: string) => Object.values(fake.cognito.pool(poolId)!.clients)

describe('cognito step: create from empty', () => {
  test('exactly a pool, its MFA, a browser client and the hosted UI domain (reviewed request snapshot)', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(writes()).toMatchInlineSnapshot(`
      [
        {
          "command": "CreateUserPool",
          "input": {
            "AccountRecoverySetting": {
              "RecoveryMechanisms": [
                {
                  "Name": "verified_email",
                  "Priority": 1,
                },
              ],
            },
            "AdminCreateUserConfig": {
              "AllowAdminCreateUserOnly": false,
            },
            "AutoVerifiedAttributes": [
              "email",
            ],
            "DeletionProtection": "INACTIVE",
            "Policies": {
              "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireLowercase": true,
                "RequireNumbers": true,
                "RequireSymbols": true,
                "RequireUppercase": true,
                "TemporaryPasswordValidityDays": 7,
              },
            },
            "PoolName": "new-service-staging-users",
            "UserAttributeUpdateSettings": {
              "AttributesRequireVerificationBeforeUpdate": [
                "email",
              ],
            },
            "UserPoolTags": {
              "infra:env": "staging",
              "infra:service": "new-service-staging",
              "managed-by": "infra",
              "project": "new-service",
            },
            "UsernameAttributes": [
              "email",
            ],
            "UsernameConfiguration": {
              "CaseSensitive": false,
            },
          },
        },
        {
          "command": "SetUserPoolMfaConfig",
          "input": {
            "MfaConfiguration": "OPTIONAL",
            "SoftwareTokenMfaConfiguration": {
              "Enabled": true,
            },
            "UserPoolId": "us-east-1_H27ay61SE",
          },
        },
        {
          "command": "CreateUserPoolClient",
          "input": {
            "AccessTokenValidity": 60,
            "AllowedOAuthFlows": [
              "code",
            ],
            "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthScopes": [
              "openid",
              "email",
              "profile",
            ],
            "AuthSessionValidity": 3,
            "CallbackURLs": [
              "http://localhost:5173/auth/callback",
            ],
            "ClientName": "new-service-staging-app",
            "EnableTokenRevocation": true,
            "ExplicitAuthFlows": [
              "ALLOW_USER_SRP_AUTH",
              "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            "GenerateSecret": false,
            "IdTokenValidity": 60,
            "LogoutURLs": [
              "http://localhost:5173/",
            ],
            "PreventUserExistenceErrors": "ENABLED",
            "RefreshTokenValidity": 30,
            "SupportedIdentityProviders": [
              "COGNITO",
            ],
            "TokenValidityUnits": {
              "AccessToken": "minutes",
              "IdToken": "minutes",
              "RefreshToken": "days",
            },
            "UserPoolId": "us-east-1_H27ay61SE",
          },
        },
        {
          "command": "CreateUserPoolDomain",
          "input": {
            "Domain": "new-service-staging-auth",
            "UserPoolId": "us-east-1_H27ay61SE",
          },
        },
      ]
    `)
    const pool = onlyPool()
    expect(pool.mfa).toEqual({ configuration: 'OPTIONAL', softwareToken: true })
    expect(pool.tags).toMatchObject({ 'infra:service': SERVICE, 'infra:env': 'staging', 'managed-by': 'infra' })
    expect(fake.cognito.domain(PREFIX)).toMatchObject({ userPoolId: pool.id, status: 'ACTIVE' })
    const [client] = clientOf(pool.id)
    expect(client).toMatchObject({ ClientName: CLIENT, PreventUserExistenceErrors: 'ENABLED' })
    expect(client?.ClientSecret).toBeUndefined()

    const outputs = outcome.steps[0]!.outputs
    expect(outputs).toEqual({
      userPoolId: pool.id,
      userPoolArn: pool.arn,
      clientId: client!.ClientId,
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`,
      hostedUiUrl: `https://${PREFIX}.auth.us-east-1.amazoncognito.com`,
      domain: `${PREFIX}.auth.us-east-1.amazoncognito.com`,
      endpoints: { 'Hosted UI': `https://${PREFIX}.auth.us-east-1.amazoncognito.com` },
    })
    const m = manifest()
    expect(m.resources['cognito-user-pool:users']).toMatchObject({ id: pool.id, arn: pool.arn, step: 'cognito' })
    expect(m.resources['cognito-user-pool-client:app']).toMatchObject({ id: client!.ClientId })
    expect(m.resources['cognito-user-pool-domain:hosted-ui']).toMatchObject({
      name: PREFIX,
      attributes: { userPoolId: pool.id },
    })
    expect(m.pending).toEqual({})
    expect(m.steps.cognito.outputs.userPoolArn).toBe(pool.arn)
  })

  test('production: deletion protection on, and the production callback URL', async () => {
    await run({ env: 'production' })
    const pool = fake.cognito.poolsNamed('new-service-users')[0]!
    expect(pool.settings.DeletionProtection).toBe('ACTIVE')
    expect(clientOf(pool.id)[0]?.CallbackURLs).toEqual(['https://new-service.com/auth/callback'])
  })
})

describe('cognito step: reruns', () => {
  test('a second run reads and sends no write', async () => {
    await run()
    fake.resetCalls()
    const again = await run()
    expect(writes()).toEqual([])
    expect(resultsOf(again).map((r) => `${r.action} ${r.kind}`)).toEqual([
      'unchanged cognito-user-pool',
      'unchanged cognito-user-pool-client',
      'unchanged cognito-user-pool-domain',
    ])
    // One read each, by the recorded ids: no listing.
    const cognitoCalls = fake.calls.filter((c) => c.service === 'cognito-idp')
    expect(cognitoCalls.map((c) => c.command.replace(/Command$/, '')).sort()).toEqual([
      'DescribeUserPool',
      'DescribeUserPoolClient',
      'DescribeUserPoolDomain',
      'GetUserPoolMfaConfig',
    ])
  })

  test('a changed callback URL is exactly one UpdateUserPoolClient, with the full settings', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.callback_urls['*'] = ['http://localhost:3000/cb']))
    fake.resetCalls()
    const outcome = await run()
    expect(writes()).toMatchInlineSnapshot(`
      [
        {
          "command": "UpdateUserPoolClient",
          "input": {
            "AccessTokenValidity": 60,
            "AllowedOAuthFlows": [
              "code",
            ],
            "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthScopes": [
              "openid",
              "email",
              "profile",
            ],
            "AuthSessionValidity": 3,
            "CallbackURLs": [
              "http://localhost:3000/cb",
            ],
            "ClientId": "jq40dccglbdcuj37vuufd0e0ro",
            "ClientName": "new-service-staging-app",
            "EnablePropagateAdditionalUserContextData": false,
            "EnableTokenRevocation": true,
            "ExplicitAuthFlows": [
              "ALLOW_USER_SRP_AUTH",
              "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            "IdTokenValidity": 60,
            "LogoutURLs": [
              "http://localhost:5173/",
            ],
            "PreventUserExistenceErrors": "ENABLED",
            "RefreshTokenValidity": 30,
            "SupportedIdentityProviders": [
              "COGNITO",
            ],
            "TokenValidityUnits": {
              "AccessToken": "minutes",
              "IdToken": "minutes",
              "RefreshToken": "days",
            },
            "UserPoolId": "us-east-1_H27ay61SE",
          },
        },
      ]
    `)
    expect(resultsOf(outcome).find((r) => r.kind === 'cognito-user-pool-client')?.changes).toEqual([
      { field: 'CallbackURLs', from: ['http://localhost:5173/auth/callback'], to: ['http://localhost:3000/cb'] },
    ])
  })

  test('a changed password policy: one UpdateUserPool carrying what infra does not manage (a trigger set by hand)', async () => {
    await run()
    const pool = onlyPool()
    const trigger = 'arn:aws:lambda:us-east-1:887078546492:function:pre-sign-up'
    pool.settings.LambdaConfig = { PreSignUp: trigger }
    editConfig(root, (c) => (c.cognito.password_policy.minimum_length = 16))
    fake.resetCalls()
    await run()
    expect(writes().map((w) => w.command)).toEqual(['UpdateUserPool'])
    expect(writes()[0]?.input).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      DeletionProtection: 'INACTIVE',
      AutoVerifiedAttributes: ['email'],
      LambdaConfig: { PreSignUp: trigger },
      Policies: { PasswordPolicy: { MinimumLength: 16 } },
    })
    expect(fake.cognito.pool(pool.id)).toMatchObject({
      settings: { LambdaConfig: { PreSignUp: trigger } },
      mfa: { configuration: 'OPTIONAL', softwareToken: true },
    })
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([])
  })

  test('MFA turned off: one SetUserPoolMfaConfig with no factor', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.mfa = 'OFF'))
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([
      { command: 'SetUserPoolMfaConfig', input: { UserPoolId: onlyPool().id, MfaConfiguration: 'OFF' } },
    ])
  })

  test('a tag added in config: one TagResource', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.tags = { owner: 'auth-team' }))
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([
      { command: 'TagResource', input: { ResourceArn: onlyPool().arn, Tags: { owner: 'auth-team' } } },
    ])
  })
})

describe('cognito step: drift and refused changes', () => {
  test('a pool deleted out of band is recreated (with a client and the domain), and the manifest follows', async () => {
    await run()
    const old = onlyPool().id
    fake.cognito.deletePoolOutOfBand(old)
    fake.resetCalls()
    const outcome = await run()
    expect(inOrder()).toEqual([
      'CreateUserPool',
      'SetUserPoolMfaConfig',
      'CreateUserPoolClient',
      'CreateUserPoolDomain',
    ])
    const pool = onlyPool()
    expect(pool.id).not.toBe(old)
    expect(manifest().resources['cognito-user-pool:users'].id).toBe(pool.id)
    expect(manifest().resources['cognito-user-pool-client:app'].id).toBe(clientOf(pool.id)[0]?.ClientId)
    expect(outputsOf(outcome, 'cognito')?.userPoolId).toBe(pool.id)
  })

  test('a client deleted out of band is recreated in the same pool', async () => {
    await run()
    const pool = onlyPool()
    pool.clients = {}
    fake.resetCalls()
    await run()
    expect(writes().map((w) => w.command)).toEqual(['CreateUserPoolClient'])
    expect(clientOf(pool.id)).toHaveLength(1)
  })

  test('changing the username attributes is refused: a StepError, and nothing changed', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.username_attributes = ['email', 'phone_number']))
    fake.resetCalls()
    const outcome = await run()
    const step = outcome.steps[0]!
    expect(step.status).toBe('failed')
    expect(step.error).toMatchObject({
      code: 'UserPoolReplacementRefused',
      message: expect.stringContaining('UsernameAttributes is ["email"], config says ["email","phone_number"]'),
      hint: expect.stringContaining('cognito.username_attributes'),
    })
    expect(step.error?.message).toContain('nothing was changed')
    expect(writes()).toEqual([])
  })

  test('a required attribute added later is refused too', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.required_attributes = ['name']))
    fake.resetCalls()
    const outcome = await run()
    expect(outcome.steps[0]?.error?.message).toContain('Schema[name].Required is false, config says true')
    expect(writes()).toEqual([])
  })
})

describe('cognito step: the hosted UI prefix', () => {
  test('taken by another account: a clear error naming the prefix and cognito.domain_prefix', async () => {
    fake.cognito.takenPrefixes = [PREFIX]
    const outcome = await run()
    const step = outcome.steps[0]!
    expect(step.status).toBe('failed')
    expect(step.error).toMatchObject({
      code: 'DomainPrefixTaken',
      message: `creating Cognito domain (${PREFIX}): the prefix "${PREFIX}" is taken by another user pool (prefixes are unique per region across all AWS accounts)`,
      hint: expect.stringContaining('Set cognito.domain_prefix in config.json'),
    })
    // The pool and client are kept; the next run with another prefix finishes without a second pool.
    editConfig(root, (c) => (c.cognito.domain_prefix = '${SERVICE_NAME}-login'))
    expect((await run()).ok).toBe(true)
    expect(onlyPool().domain).toBe(`${SERVICE}-login`)
  })

  test('held by another pool of this account: found by DescribeUserPoolDomain, also in a plan, before any write', async () => {
    const other = fake.cognito.handlers().find(([c]) => c.name === 'CreateUserPoolCommand')![1]
    const { UserPool } = (await other({ PoolName: 'someone-else' })) as { UserPool: { Id: string } }
    const domain = fake.cognito.handlers().find(([c]) => c.name === 'CreateUserPoolDomainCommand')![1]
    await domain({ UserPoolId: UserPool.Id, Domain: PREFIX })
    const planned = await plan(root, { steps })
    expect(planned.steps[0]?.error).toMatchObject({
      code: 'DomainPrefixTaken',
      message: expect.stringContaining(`taken by user pool ${UserPool.Id} in this account`),
    })
    expect(fake.writes()).toEqual([])
  })

  test('a new prefix in config replaces the domain (delete, then create)', async () => {
    await run()
    editConfig(root, (c) => (c.cognito.domain_prefix = '${SERVICE_NAME}-signin'))
    fake.resetCalls()
    const outcome = await run()
    expect(writes()).toEqual([
      { command: 'DeleteUserPoolDomain', input: { Domain: PREFIX, UserPoolId: onlyPool().id } },
      { command: 'CreateUserPoolDomain', input: { Domain: `${SERVICE}-signin`, UserPoolId: onlyPool().id } },
    ])
    expect(outputsOf(outcome, 'cognito')?.hostedUiUrl).toBe(
      `https://${SERVICE}-signin.auth.us-east-1.amazoncognito.com`,
    )
  })
})

describe('cognito step: crash and resume', () => {
  test('the answer to CreateUserPool lost: the journal stays, the rerun adopts the pool by its tags', async () => {
    let lost = false
    fake.onCall((call) => {
      if (call.command === 'CreateUserPoolCommand' && !lost) {
        lost = true
        throw new Error('simulated crash: the response never arrived')
      }
    })
    const first = await run()
    expect(first.steps[0]?.status).toBe('failed')
    expect(manifest().pending['cognito-user-pool:users']).toMatchObject({ operation: 'create', name: POOL })
    expect(manifest().resources['cognito-user-pool:users']).toBeUndefined()
    expect(pools()).toHaveLength(1)

    const second = await run()
    expect(second.ok).toBe(true)
    expect(fake.calls.filter((c) => c.command === 'CreateUserPoolCommand')).toHaveLength(1)
    const pool = onlyPool()
    expect(pool.mfa.softwareToken).toBe(true)
    expect(manifest().resources['cognito-user-pool:users'].id).toBe(pool.id)
    expect(manifest().pending).toEqual({})
  })

  test('the next call after CreateUserPool fails: the recorded id is used, MFA is finished, no second pool', async () => {
    fake.failNext('SetUserPoolMfaConfig', () => fake.errorFor('SetUserPoolMfaConfig', 'InternalError'))
    const first = await run()
    expect(first.steps[0]?.error?.code).toBe('UserPoolUpdateFailed')
    expect(manifest().resources['cognito-user-pool:users'].id).toBe(onlyPool().id)
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(fake.calls.some((c) => c.command === 'ListUserPoolsCommand')).toBe(false)
    expect(inOrder()).toEqual(['SetUserPoolMfaConfig', 'CreateUserPoolClient', 'CreateUserPoolDomain'])
    expect(onlyPool().mfa).toEqual({ configuration: 'OPTIONAL', softwareToken: true })
  })

  test('a lost manifest: the pool is found by name and tags, the client by name; nothing is created', async () => {
    await run()
    const before = onlyPool().id
    rmSync(path.join(root, '.infra'), { recursive: true })
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual([])
    expect(manifest().resources['cognito-user-pool:users'].id).toBe(before)
  })
})

describe('cognito step: dry run, adoption, legacy client', () => {
  test('from empty: everything would be created and no write is sent; ids are known after apply', async () => {
    const outcome = await plan(root, { steps })
    expect(fake.writes()).toEqual([])
    expect(resultsOf(outcome).map((r) => `${r.action} ${r.kind}`)).toEqual([
      'would-create cognito-user-pool',
      'would-create cognito-user-pool-client',
      'would-create cognito-user-pool-domain',
    ])
    expect(outcome.steps[0]?.outputs).toMatchObject({
      userPoolId: '(known after apply)',
      clientId: '(known after apply)',
      hostedUiUrl: `https://${PREFIX}.auth.us-east-1.amazoncognito.com`,
    })
  })

  test('a same-named pool without our tags is left alone; with --adopt it is taken over and tagged', async () => {
    const create = fake.cognito.handlers().find(([c]) => c.name === 'CreateUserPoolCommand')![1]
    await create({ PoolName: POOL, UsernameAttributes: ['email'] })
    const left = await run()
    expect(resultsOf(left).map((r) => r.action)).toEqual(['unmanaged'])
    expect(fake.writes()).toEqual([])
    // Nothing is wired to a stranger's pool: no ids in the outputs, no client, no domain.
    expect(left.steps[0]?.outputs).not.toHaveProperty('userPoolId')
    expect(left.steps[0]?.outputs).not.toHaveProperty('clientId')

    const adopted = await run({ adopt: true })
    expect(adopted.ok).toBe(true)
    expect(onlyPool().tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
    expect(fake.calls.filter((c) => c.command === 'CreateUserPoolCommand' && !c.error)).toHaveLength(0)
  })

  test('legacy_password_auth: the manual’s client (secret, USER_PASSWORD_AUTH); switching later is refused', async () => {
    editConfig(root, (c) => (c.cognito.legacy_password_auth = true))
    await run()
    const [client] = clientOf(onlyPool().id)
    expect(client?.ClientSecret).toBeDefined()
    expect(client?.ExplicitAuthFlows).toEqual(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'])
    expect(JSON.stringify(manifest())).not.toContain(client!.ClientSecret!)

    editConfig(root, (c) => (c.cognito.legacy_password_auth = false))
    fake.resetCalls()
    const outcome = await run()
    expect(outcome.steps[0]?.error).toMatchObject({
      code: 'ClientSecretChangeRefused',
      hint: expect.stringContaining('delete-user-pool-client'),
    })
    expect(writes()).toEqual([])
  })
})
