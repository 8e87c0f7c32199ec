// Cognito user pool: names are not unique and CreateUserPool has no client token, so it is found by the manifest's ID,
// else by name and this service's tags (the engine journals the create and sends it once). It holds the users: never
// replaced, deleted only on purpose, and its deletion protection is switched off only when the user asks.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UpdateUserPoolCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider'
import { isNotFound } from '../../aws/errors.js'
import { StepError } from '../../errors/index.js'
import { changedTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'
import {
  MFA_FIELDS,
  describeUserPoolSpec,
  diffUserPool,
  refusedUserPoolChanges,
  toCreateUserPoolInput,
  toSetMfaConfigInput,
  toUnprotectUserPoolInput,
  toUpdateUserPoolInput,
  type ObservedUserPool,
  type UserPoolSpec,
} from './user-pool-diff.js'

export const USER_POOL_KIND = 'cognito-user-pool'
// ListUserPools's largest page.
const LIST_PAGE = 60

async function describePool(idp: CognitoIdentityProviderClient, id: string): Promise<UserPoolType | undefined> {
  try {
    return (await idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function observe(idp: CognitoIdentityProviderClient, pool: UserPoolType): Promise<Observation<ObservedUserPool>> {
  const mfa = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.Id }))
  const tags = pool.UserPoolTags ?? {}
  const observed: ObservedUserPool = {
    pool,
    mfa: {
      configuration: mfa.MfaConfiguration ?? 'OFF',
      softwareToken: mfa.SoftwareTokenMfaConfiguration?.Enabled ?? false,
    },
    tags,
  }
  return { observed, id: pool.Id, arn: pool.Arn, tags }
}

/** Every pool named `name` (ListUserPools does not filter), described to read its tags. */
async function poolsNamed(idp: CognitoIdentityProviderClient, name: string): Promise<UserPoolType[]> {
  const ids: string[] = []
  let NextToken: string | undefined
  do {
    const page = await idp.send(new ListUserPoolsCommand({ MaxResults: LIST_PAGE, NextToken }))
    for (const p of page.UserPools ?? []) if (p.Name === name && p.Id) ids.push(p.Id)
    NextToken = page.NextToken
  } while (NextToken)
  const pools = await Promise.all(ids.map((id) => describePool(idp, id)))
  return pools.filter((p): p is UserPoolType => p !== undefined)
}

function refuseReplacement(pool: UserPoolType, spec: UserPoolSpec): void {
  const refused = refusedUserPoolChanges(pool, spec)
  if (refused.length === 0) return
  const what = refused.map((r) => `${r.field} is ${JSON.stringify(r.from)}, config says ${JSON.stringify(r.to)}`)
  throw new StepError(
    'UserPoolReplacementRefused',
    `Cognito user pool (${spec.name}, ${pool.Id}): ${what.join('; ')}. Cognito cannot change this on an existing pool and infra never replaces a pool (its users would be lost); nothing was changed`,
    {
      hint: 'Revert cognito.username_attributes / cognito.required_attributes in config.json, or create a new pool under another user_pool_name and migrate the users yourself.',
    },
  )
}

/** MFA first (UpdateUserPool then names the same mode), then the full settings in one update, then tags. */
async function applyChanges(
  idp: CognitoIdentityProviderClient,
  spec: UserPoolSpec,
  pool: UserPoolType,
  changes: Change[],
): Promise<void> {
  const isTag = (c: Change) => c.field.startsWith('Tags[')
  if (changes.some((c) => MFA_FIELDS.includes(c.field)))
    await idp.send(new SetUserPoolMfaConfigCommand(toSetMfaConfigInput(spec, pool.Id!)))
  if (changes.some((c) => !isTag(c) && !MFA_FIELDS.includes(c.field)))
    await idp.send(new UpdateUserPoolCommand(toUpdateUserPoolInput(spec, pool)))
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) await idp.send(new TagResourceCommand({ ResourceArn: pool.Arn, Tags: tags }))
}

function protectedPool(ctx: ResourceContext, pool: UserPoolType): StepError {
  return new StepError(
    'DeletionProtectionOn',
    `deleting Cognito user pool (${pool.Name}, ${pool.Id}): its deletion protection is on; infra never switches it off unasked, and the pool was left as it is`,
    {
      hint: `To delete it and its users, rerun \`infra destroy --env ${ctx.identity.env} --delete-data --disable-deletion-protection\`.`,
    },
  )
}

/** The recorded pool while it exists, else every pool of the name. */
async function findPools(ctx: ResourceContext, name: string, recordedId: string | undefined) {
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const byId = recordedId ? await describePool(idp, recordedId) : undefined
  const pools = byId ? [byId] : await poolsNamed(idp, name)
  return Promise.all(pools.map((p) => observe(idp, p)))
}

export const userPoolKind: ResourceKind<UserPoolSpec, ObservedUserPool> = {
  kind: USER_POOL_KIND,
  label: 'Cognito user pool',
  codePrefix: 'UserPool',
  identity: 'recorded-id',
  dataBearing: true,
  deletionProtected: (record) => record.attributes?.deletionProtection === true,
  find: (ctx, spec, recorded) => findPools(ctx, spec.name, recorded?.id),
  early: { service: 'cognito-idp', read: (ctx, recorded) => findPools(ctx, recorded.name, recorded.id) },
  diff: diffUserPool,
  refuse: (observed, spec) => refuseReplacement(observed.pool, spec),
  async create(ctx, spec) {
    const out = await ctx.aws
      .get(CognitoIdentityProviderClient)
      .send(new CreateUserPoolCommand(toCreateUserPoolInput(spec)))
    const pool = out.UserPool!
    // MFA cannot be set by the create (see toCreateUserPoolInput): the engine's diff right after it sets it.
    const observed: ObservedUserPool = {
      pool,
      mfa: { configuration: pool.MfaConfiguration ?? 'OFF', softwareToken: false },
      tags: pool.UserPoolTags ?? spec.tags,
    }
    return { observed, id: pool.Id, arn: pool.Arn, tags: observed.tags }
  },
  async apply(ctx, observed, spec, changes) {
    await applyChanges(ctx.aws.get(CognitoIdentityProviderClient), spec, observed.pool, changes)
  },
  /**
   * The prefix domain goes first (Cognito refuses to delete a pool that has one). Deletion protection is switched off
   * only when the user asked for it (--disable-deletion-protection); otherwise the delete stops, naming the flag.
   */
  async delete(ctx, record) {
    const idp = ctx.aws.get(CognitoIdentityProviderClient)
    const pool = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: record.id }))).UserPool!
    const isProtected = pool.DeletionProtection === 'ACTIVE'
    if (isProtected && !ctx.removal?.disableDeletionProtection) throw protectedPool(ctx, pool)
    if (pool.Domain) await idp.send(new DeleteUserPoolDomainCommand({ Domain: pool.Domain, UserPoolId: pool.Id }))
    if (isProtected) {
      ctx.log(`${pool.Name}: switching deletion protection off, as --disable-deletion-protection asks`)
      await idp.send(new UpdateUserPoolCommand(toUnprotectUserPoolInput(pool)))
    }
    await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }))
  },
  attributes: (_observed, spec) => ({ deletionProtection: spec.deletionProtection }),
  describe: describeUserPoolSpec,
}
