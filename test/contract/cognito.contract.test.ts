// Step 08's kinds through the engine's contract, and what only they do: a pool's deletion protection is switched off
// only when asked (and then with every setting carried), its domain goes first, and duplicates are refused.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { userPoolClientKind, type PoolClientSpec } from '../../src/resources/cognito/client.js'
import { userPoolDomainKind, type DomainSpec } from '../../src/resources/cognito/domain.js'
import type { UserPoolSpec } from '../../src/resources/cognito/user-pool-diff.js'
import { userPoolKind } from '../../src/resources/cognito/user-pool.js'
import { converge, keyOf } from '../../src/resources/engine/converge.js'
import { remove } from '../../src/resources/engine/remove.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite, harness, OUR_TAGS, type Harness } from './harness.js'

const POOL: UserPoolSpec = {
  logicalId: 'users',
  name: 'contract-users',
  usernameAttributes: ['email'],
  requiredAttributes: [],
  mfa: 'OPTIONAL',
  passwordPolicy: {
    minimumLength: 12,
    requireUppercase: true,
    requireLowercase: true,
    requireNumbers: true,
    requireSymbols: true,
    temporaryPasswordValidityDays: 7,
  },
  selfSignUp: true,
  deletionProtection: false,
  tags: OUR_TAGS,
}

const CLIENT: Omit<PoolClientSpec, 'userPoolId'> = {
  logicalId: 'app',
  name: 'contract-app',
  generateSecret: false,
  explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  callbackUrls: ['https://app.example.com/cb'],
  logoutUrls: ['https://app.example.com/'],
  oauthFlows: ['code'],
  oauthScopes: ['openid', 'email'],
  accessTokenMinutes: 60,
  idTokenMinutes: 60,
  refreshTokenDays: 30,
}

/** The pool the client and the domain belong to, made through the engine. */
async function makePool(ctx: ResourceContext): Promise<Record<string, string>> {
  const { observed } = await converge(ctx, userPoolKind, POOL)
  return { userPoolId: observed!.pool.Id! }
}

const poolOf = (aws: AllFakes, id: string) => aws.cognito.pool(id)!

contractSuite({
  kind: userPoolKind,
  spec: () => POOL,
  changed: (spec) => ({ ...spec, passwordPolicy: { ...spec.passwordPolicy, minimumLength: 16 } }),
  updateCalls: ['UpdateUserPool'],
  createCommand: 'CreateUserPool',
  alreadyExists: false,
  count: (aws, spec) => aws.cognito.poolsNamed(spec.name).length,
  deleteOutOfBand: (aws, spec) =>
    aws.cognito.poolsNamed(spec.name).forEach((p) => aws.cognito.deletePoolOutOfBand(p.id)),
})

contractSuite({
  kind: userPoolClientKind,
  setup: makePool,
  spec: (parents) => ({ ...CLIENT, userPoolId: parents.userPoolId }),
  changed: (spec) => ({ ...spec, callbackUrls: ['https://app.example.com/signed-in'] }),
  updateCalls: ['UpdateUserPoolClient'],
  createCommand: 'CreateUserPoolClient',
  alreadyExists: false,
  count: (aws, spec) =>
    Object.values(poolOf(aws, spec.userPoolId!).clients).filter((c) => c.ClientName === spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    poolOf(aws, spec.userPoolId!).clients = {}
  },
})

contractSuite({
  kind: userPoolDomainKind,
  setup: makePool,
  spec: (parents): DomainSpec => ({
    logicalId: 'hosted-ui',
    name: 'contract-auth',
    region: 'us-east-1',
    userPoolId: parents.userPoolId,
  }),
  // A pool holds one prefix domain: a new prefix replaces it.
  changed: (spec) => ({ ...spec, name: 'contract-login' }),
  updateCalls: ['DeleteUserPoolDomain', 'CreateUserPoolDomain'],
  createCommand: 'CreateUserPoolDomain',
  alreadyExists: false,
  count: (aws, spec) => (aws.cognito.domain(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    delete aws.cognito.domains[spec.name]
    delete poolOf(aws, spec.userPoolId!).domain
  },
})

describe('Cognito kinds: what only they do', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    h.aws.restore()
    await h.manifest.unlock()
  })
  const writes = () => h.aws.writes().map((c) => c.command.replace(/Command$/, ''))
  const destroy = (disableDeletionProtection: boolean) =>
    h.ctx({ removal: { mode: 'destroy', deleteData: true, disableDeletionProtection } })
  const poolKey = keyOf(userPoolKind, POOL.logicalId)
  const destroyPool = (ctx: ResourceContext) =>
    remove(ctx, userPoolKind as never, poolKey, h.manifest.manifest.resources[poolKey]!)

  test('deletion protection is never switched off unasked: the delete stops and names the flag', async () => {
    await converge(h.ctx(), userPoolKind, { ...POOL, deletionProtection: true })
    expect(userPoolKind.deletionProtected!(h.manifest.manifest.resources[poolKey]!)).toBe(true)
    h.aws.resetCalls()
    await expect(destroyPool(destroy(false))).rejects.toMatchObject({
      code: 'DeletionProtectionOn',
      message: expect.stringContaining(POOL.name),
      hint: expect.stringContaining('--disable-deletion-protection'),
    })
    expect(writes()).toEqual([])
    expect(h.aws.cognito.poolsNamed(POOL.name)).toHaveLength(1)
  })

  test('asked to: one UpdateUserPool that carries every setting with protection off, then the delete', async () => {
    const { observed } = await converge(h.ctx(), userPoolKind, { ...POOL, deletionProtection: true })
    const pool = poolOf(h.aws, observed!.pool.Id!)
    const trigger = 'arn:aws:lambda:us-east-1:887078546492:function:pre-sign-up'
    pool.settings.LambdaConfig = { PreSignUp: trigger }
    h.aws.resetCalls()
    expect((await destroyPool(destroy(true))).action).toBe('deleted')
    expect(writes()).toEqual(['UpdateUserPool', 'DeleteUserPool'])
    expect(h.aws.writes()[0]?.input).toMatchObject({
      UserPoolId: pool.id,
      DeletionProtection: 'INACTIVE',
      MfaConfiguration: 'OPTIONAL',
      LambdaConfig: { PreSignUp: trigger },
      Policies: { PasswordPolicy: { MinimumLength: 12 } },
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    })
    expect(h.aws.cognito.poolsNamed(POOL.name)).toEqual([])
  })

  test('a pool with a domain: the domain is deleted first, and the domain kind then finds nothing to delete', async () => {
    const ctx = h.ctx()
    const { userPoolId } = await makePool(ctx)
    const domain: DomainSpec = { logicalId: 'hosted-ui', name: 'contract-auth', region: 'us-east-1', userPoolId }
    await converge(ctx, userPoolDomainKind, domain)
    const domainKey = keyOf(userPoolDomainKind, domain.logicalId)
    const domainRecord = h.manifest.manifest.resources[domainKey]!
    h.aws.resetCalls()
    expect((await destroyPool(destroy(false))).action).toBe('deleted')
    expect(writes()).toEqual(['DeleteUserPoolDomain', 'DeleteUserPool'])
    expect((await remove(destroy(false), userPoolDomainKind as never, domainKey, domainRecord)).action).toBe('deleted')
    expect(writes()).toEqual(['DeleteUserPoolDomain', 'DeleteUserPool'])
  })

  test('a domain create retried after a lost response meets Cognito\'s "already associated": ours, so created', async () => {
    const ctx = h.ctx()
    const { userPoolId } = await makePool(ctx)
    const taken = 'Domain already associated with another user pool.'
    h.aws.loseNextResponse('CreateUserPoolDomain', () =>
      h.aws.errorFor('CreateUserPoolDomain', 'InvalidParameterException', taken),
    )
    const domain: DomainSpec = { logicalId: 'hosted-ui', name: 'contract-auth', region: 'us-east-1', userPoolId }
    expect((await converge(ctx, userPoolDomainKind, domain)).result.action).toBe('created')
    expect(h.aws.cognito.domain(domain.name)).toMatchObject({ userPoolId, status: 'ACTIVE' })
  })

  test('a client whose pool is already gone: deleted, no error', async () => {
    const ctx = h.ctx()
    const { userPoolId } = await makePool(ctx)
    await converge(ctx, userPoolClientKind, { ...CLIENT, userPoolId })
    h.aws.cognito.deletePoolOutOfBand(userPoolId!)
    const key = keyOf(userPoolClientKind, CLIENT.logicalId)
    const result = await remove(destroy(false), userPoolClientKind as never, key, h.manifest.manifest.resources[key]!)
    expect(result.action).toBe('deleted')
  })

  test('two same-named pools of ours are refused, listing both ids; so are two same-named clients', async () => {
    const handler = (name: string) => h.aws.cognito.handlers().find(([c]) => c.name === `${name}Command`)![1]
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const made = (await handler('CreateUserPool')({ PoolName: POOL.name, UserPoolTags: OUR_TAGS })) as {
        UserPool: { Id: string }
      }
      ids.push(made.UserPool.Id)
    }
    await expect(converge(h.ctx(), userPoolKind, POOL)).rejects.toMatchObject({
      code: 'UserPoolAmbiguous',
      message: expect.stringContaining(`(${ids.join(', ')})`),
    })

    for (let i = 0; i < 2; i++) await handler('CreateUserPoolClient')({ UserPoolId: ids[0], ClientName: CLIENT.name })
    await expect(converge(h.ctx(), userPoolClientKind, { ...CLIENT, userPoolId: ids[0] })).rejects.toMatchObject({
      code: 'UserPoolClientAmbiguous',
    })
    expect(h.aws.writes()).toEqual([])
  })
})
