// Cognito user pool: found by the manifest's ID, else by name and tags (names are not unique and CreateUserPool has no
// client token), then diffed and converged. Journal before the create, the ID recorded right after it.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
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
import {
  changedTags,
  isOurs,
  offlineOutcome,
  recordIfChanged,
  unmanagedOutcome,
  failureFor,
  journalCreate,
} from '../common.js'
import {
  MFA_FIELDS,
  describeUserPoolSpec,
  diffUserPool,
  refusedUserPoolChanges,
  toCreateUserPoolInput,
  toSetMfaConfigInput,
  toUpdateUserPoolInput,
  type ObservedUserPool,
  type UserPoolSpec,
} from './user-pool-diff.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const USER_POOL_KIND = 'cognito-user-pool'
// ListUserPools's largest page.
const LIST_PAGE = 60

export const userPoolKey = (logicalId: string) => `${USER_POOL_KIND}:${logicalId}`

/** What ensureUserPool did, and the pool as it is now (undefined in a dry run that would create it). */
export interface EnsuredUserPool {
  result: Ensured
  pool?: UserPoolType
  /** The pool is ours to converge (not a same-named pool left alone, not an offline plan). */
  managed: boolean
}

async function describePool(idp: CognitoIdentityProviderClient, id: string): Promise<UserPoolType | undefined> {
  try {
    return (await idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

export async function observeUserPool(
  idp: CognitoIdentityProviderClient,
  pool: UserPoolType,
): Promise<ObservedUserPool> {
  const mfa = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.Id }))
  return {
    pool,
    mfa: {
      configuration: mfa.MfaConfiguration ?? 'OFF',
      softwareToken: mfa.SoftwareTokenMfaConfiguration?.Enabled ?? false,
    },
    tags: pool.UserPoolTags ?? {},
  }
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

type Found = { pool: UserPoolType; ours: boolean } | undefined

/** By the manifest's ID; if it is gone (or never recorded), by name and tags. Two candidates are an error, not a guess. */
async function findUserPool(
  ctx: ResourceContext,
  idp: CognitoIdentityProviderClient,
  spec: UserPoolSpec,
): Promise<Found> {
  const key = userPoolKey(spec.logicalId)
  const recorded = ctx.record.manifest.resources[key]?.id
  if (recorded) {
    const pool = await describePool(idp, recorded)
    if (pool) return { pool, ours: true }
    ctx.log(`user pool ${recorded} (recorded in the manifest) is gone; looking for ${spec.name} by its tags`)
  }
  const named = await poolsNamed(idp, spec.name)
  const ours = named.filter((p) => isOurs(p.UserPoolTags, ctx.identity))
  const candidates = ours.length > 0 ? ours : ctx.adopt ? named : []
  if (candidates.length > 1) {
    throw new StepError(
      'UserPoolAmbiguous',
      `finding Cognito user pool (${spec.name}): ${candidates.length} pools match (${candidates.map((p) => p.Id).join(', ')}); infra will not guess which one holds your users`,
      {
        hint: `Delete the pool that should not exist (after checking its users), or remove its infra tags, then rerun \`infra step cognito --env ${ctx.identity.env}\`.`,
      },
    )
  }
  if (candidates[0]) return { pool: candidates[0], ours: true }
  return named[0] ? { pool: named[0], ours: false } : undefined
}

export async function ensureUserPool(ctx: ResourceContext, spec: UserPoolSpec): Promise<EnsuredUserPool> {
  const key = userPoolKey(spec.logicalId)
  const base = { kind: USER_POOL_KIND, key, name: spec.name }
  if (ctx.offline)
    return { result: offlineOutcome(ctx, USER_POOL_KIND, key, spec.name, describeUserPoolSpec(spec)), managed: false }
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const fail = failureFor(ctx, 'Cognito user pool', spec.name)
  const found = await findUserPool(ctx, idp, spec).catch(fail('reading', 'UserPoolReadFailed'))
  const pending = (ctx.record.manifest as { pending?: Record<string, unknown> }).pending?.[key]

  if (!found) {
    if (ctx.dryRun)
      return {
        result: {
          ...base,
          action: 'would-create',
          changes: [],
          arn: KNOWN_AFTER_APPLY,
          detail: describeUserPoolSpec(spec),
        },
        managed: true,
      }
    // No client token exists for CreateUserPool: the journal says a create was sent, and the pool carries our tags
    // from its first moment, so a run that dies before recording finds it by tag instead of making a second one.
    await journalCreate(ctx, key, USER_POOL_KIND, spec.name)
    const created = await idp
      .send(new CreateUserPoolCommand(toCreateUserPoolInput(spec)))
      .then((out) => out.UserPool as UserPoolType)
      .catch(fail('creating', 'UserPoolCreateFailed'))
    await ctx.record.recordResource(key, {
      kind: USER_POOL_KIND,
      step: ctx.stepId,
      name: spec.name,
      id: created.Id,
      arn: created.Arn,
    })
    ctx.log(`created user pool ${created.Id}`)
    if (spec.mfa !== 'OFF')
      await idp
        .send(new SetUserPoolMfaConfigCommand(toSetMfaConfigInput(spec, created.Id!)))
        .catch(fail('configuring MFA of', 'UserPoolUpdateFailed'))
    return {
      result: { ...base, action: 'created', changes: [], id: created.Id, arn: created.Arn },
      pool: created,
      managed: true,
    }
  }

  const { pool } = found
  const ids = { id: pool.Id, arn: pool.Arn }
  if (!found.ours)
    return {
      result: { ...unmanagedOutcome('Cognito user pool', key, spec.name, pool.Arn), id: pool.Id },
      pool,
      managed: false,
    }
  if (pending) ctx.log(`resuming an interrupted create: found user pool ${pool.Id} by its tags`)
  refuseImpossible(spec, pool)
  const observed = await observeUserPool(idp, pool).catch(fail('reading', 'UserPoolReadFailed'))
  const changes = diffUserPool(observed, spec)
  const record = () =>
    pending
      ? ctx.record.recordResource(key, { kind: USER_POOL_KIND, step: ctx.stepId, name: spec.name, ...ids })
      : recordIfChanged(ctx, key, { kind: USER_POOL_KIND, name: spec.name, ...ids })
  if (changes.length === 0) {
    await record()
    return { result: { ...base, action: 'unchanged', changes, ...ids }, pool, managed: true }
  }
  if (ctx.dryRun) return { result: { ...base, action: 'would-update', changes, ...ids }, pool, managed: true }
  await applyUserPoolChanges(idp, spec, pool, changes).catch(fail('updating', 'UserPoolUpdateFailed'))
  await record()
  return { result: { ...base, action: 'updated', changes, ...ids }, pool, managed: true }
}

function refuseImpossible(spec: UserPoolSpec, pool: UserPoolType): void {
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
async function applyUserPoolChanges(
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
