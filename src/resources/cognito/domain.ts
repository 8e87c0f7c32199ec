// Cognito hosted UI prefix domain (<prefix>.auth.<region>.amazoncognito.com). Prefixes are unique per region across
// every AWS account, so one can be taken by someone else: that is a clear error naming the config key to change. A
// pool holds one prefix domain, so a new prefix in config replaces the old one (a domain holds no data).
import {
  CognitoIdentityProviderClient,
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  type DomainDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider'
import { isCognitoDomainTaken, isNotFound } from '../../aws/errors.js'
import { pollUntil, type PollVerdict } from '../../aws/poll.js'
import { StepError } from '../../errors/index.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import { recordedString } from '../engine/early.js'
import type { ResourceContext } from '../types.js'

export const DOMAIN_KIND = 'cognito-user-pool-domain'
// A prefix domain is ready within a minute (CreateUserPoolDomain reference; terraform-provider-aws waits 1 min).
const PREFIX_DOMAIN_MS = 60_000

/** What config says: `name` is the prefix. */
export interface DomainSettings {
  /** Manifest key `cognito-user-pool-domain:<logicalId>`. */
  logicalId: string
  name: string
}

/** The prefix, its region (for the URL) and its pool: undefined while a dry run would create the pool. */
export interface DomainSpec extends DomainSettings {
  region: string
  userPoolId: string | undefined
}

/** A domain as DescribeUserPoolDomain shows it; a pool's other domain (to be replaced) has no status here. */
export interface ObservedDomain {
  prefix: string
  userPoolId: string
  status?: DomainDescriptionType['Status']
}

/** https://<prefix>.auth.<region>.amazoncognito.com */
export const hostedUiHost = (prefix: string, region: string) => `${prefix}.auth.${region}.amazoncognito.com`

/** DescribeUserPoolDomain answers an unknown prefix (or another account's) with an empty description, not an error. */
async function describeDomain(idp: CognitoIdentityProviderClient, prefix: string) {
  const out = await idp.send(new DescribeUserPoolDomainCommand({ Domain: prefix }))
  return out.DomainDescription?.Status ? out.DomainDescription : undefined
}

const observed = (d: DomainDescriptionType): ObservedDomain => ({
  prefix: d.Domain!,
  userPoolId: d.UserPoolId!,
  status: d.Status,
})

function verdict(d: DomainDescriptionType | undefined): PollVerdict {
  if (d?.Status === 'ACTIVE') return 'done'
  if (d?.Status === 'FAILED') return { failed: 'Cognito reports the domain FAILED' }
  return 'waiting'
}

async function waitForActive(ctx: ResourceContext, prefix: string): Promise<ObservedDomain> {
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const active = await pollUntil({
    read: () => describeDomain(idp, prefix),
    judge: verdict,
    describe: (d) => (d ? `status ${d.Status}` : 'not visible yet'),
    label: `waiting for Cognito domain (${prefix}) to become ACTIVE`,
    timeoutMs: PREFIX_DOMAIN_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `Cognito domain ${prefix}`, state: 'ACTIVE' },
  })
  return observed(active!)
}

function taken(ctx: ResourceContext, prefix: string, owner: string, cause?: unknown): StepError {
  return new StepError(
    'DomainPrefixTaken',
    `creating Cognito domain (${prefix}): the prefix "${prefix}" is taken by ${owner} (prefixes are unique per region across all AWS accounts)`,
    {
      hint: `Set cognito.domain_prefix in config.json to another prefix (e.g. "\${SERVICE_NAME}-auth-<something unique>"), then rerun \`infra step ${ctx.stepId} --env ${ctx.identity.env}\`.`,
      cause,
    },
  )
}

/** The prefix domain the pool has now (DescribeUserPool's Domain); undefined when it has none or is gone. */
async function poolDomain(idp: CognitoIdentityProviderClient, poolId: string): Promise<string | undefined> {
  try {
    return (await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Domain
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/**
 * A create retried after a lost response meets "Domain already associated with another user pool": when the pool
 * holding it is ours, it is the one that create made.
 */
async function createDomain(ctx: ResourceContext, spec: DomainSpec): Promise<Observation<ObservedDomain>> {
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const userPoolId = spec.userPoolId!
  try {
    await idp.send(new CreateUserPoolDomainCommand({ Domain: spec.name, UserPoolId: userPoolId }))
    return { observed: { prefix: spec.name, userPoolId, status: 'CREATING' } }
  } catch (e) {
    if (!isCognitoDomainTaken(e)) throw e
    const have = await describeDomain(idp, spec.name)
    if (have?.UserPoolId === userPoolId) return { observed: observed(have) }
    throw taken(ctx, spec.name, have ? `user pool ${have.UserPoolId} in this account` : 'another user pool', e)
  }
}

/** The prefix, when our pool holds it; else the pool's other domain, which the prefix replaces. */
async function findDomain(
  ctx: ResourceContext,
  prefix: string,
  userPoolId: string | undefined,
): Promise<Array<Observation<ObservedDomain>>> {
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const have = await describeDomain(idp, prefix)
  // Checked in plans too: a taken prefix is better found before anything is created.
  if (have && have.UserPoolId !== userPoolId) throw taken(ctx, prefix, `user pool ${have.UserPoolId} in this account`)
  if (have) return [{ observed: observed(have) }]
  const other = userPoolId ? await poolDomain(idp, userPoolId) : undefined
  return other && userPoolId ? [{ observed: { prefix: other, userPoolId } }] : []
}

export const userPoolDomainKind: ResourceKind<DomainSpec, ObservedDomain> = {
  kind: DOMAIN_KIND,
  label: 'Cognito domain',
  codePrefix: 'Domain',
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => findDomain(ctx, spec.name, spec.userPoolId),
  // Read early for the pool recorded.
  early: {
    service: 'cognito-idp',
    read: (ctx, recorded) => findDomain(ctx, recorded.name, recordedString(recorded, 'userPoolId')),
    covers: (recorded, spec) => recordedString(recorded, 'userPoolId') === spec.userPoolId,
  },
  diff: (have, spec) => (have.prefix === spec.name ? [] : [{ field: 'Domain', from: have.prefix, to: spec.name }]),
  create: createDomain,
  /** The only change is a new prefix: the old domain is deleted (a pool holds one), the new one made. */
  async apply(ctx, have, spec) {
    ctx.log(`replacing domain ${have.prefix} with ${spec.name}`)
    await ctx.aws
      .get(CognitoIdentityProviderClient)
      .send(new DeleteUserPoolDomainCommand({ Domain: have.prefix, UserPoolId: have.userPoolId }))
    await createDomain(ctx, spec)
    return { observed: await waitForActive(ctx, spec.name) }
  },
  busy: (have) => have.status !== undefined && have.status !== 'ACTIVE',
  waitFor: (ctx, _have, spec) => waitForActive(ctx, spec.name),
  /** Only while the recorded pool still holds the prefix: DeleteUserPoolDomain answers a missing one with an error. */
  async delete(ctx, record) {
    const idp = ctx.aws.get(CognitoIdentityProviderClient)
    const have = await describeDomain(idp, record.name)
    if (!have || have.UserPoolId !== record.attributes?.userPoolId) return
    await idp.send(new DeleteUserPoolDomainCommand({ Domain: record.name, UserPoolId: have.UserPoolId }))
  },
  attributes: (have) => ({ userPoolId: have.userPoolId }),
  describe: (spec) => `https://${hostedUiHost(spec.name, spec.region)}`,
}
