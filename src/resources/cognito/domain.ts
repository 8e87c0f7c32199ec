// Cognito hosted UI prefix domain (<prefix>.auth.<region>.amazoncognito.com). Prefixes are unique per region across
// every AWS account, so one can be taken by someone else: that is a clear error naming the config key to change.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolDomainCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolDomainCommand,
  type DomainDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider'
import { awsFailure, isCognitoDomainTaken } from '../../aws/errors.js'
import { pollUntil, type PollVerdict } from '../../aws/poll.js'
import { StepError } from '../../errors/index.js'
import { offlineOutcome, recordIfChanged } from '../common.js'
import type { Ensured, ResourceContext } from '../types.js'

export const DOMAIN_KIND = 'cognito-user-pool-domain'
// A prefix domain is ready within a minute (CreateUserPoolDomain reference; terraform-provider-aws waits 1 min).
const PREFIX_DOMAIN_MS = 60_000

export interface DomainSpec {
  /** Manifest key `cognito-user-pool-domain:<logicalId>`. */
  logicalId: string
  prefix: string
}

export const domainKey = (logicalId: string) => `${DOMAIN_KIND}:${logicalId}`

/** https://<prefix>.auth.<region>.amazoncognito.com */
export const hostedUiHost = (prefix: string, region: string) => `${prefix}.auth.${region}.amazoncognito.com`

/** DescribeUserPoolDomain answers an unknown prefix (or another account's) with an empty description, not an error. */
async function describeDomain(idp: CognitoIdentityProviderClient, prefix: string) {
  const out = await idp.send(new DescribeUserPoolDomainCommand({ Domain: prefix }))
  return out.DomainDescription?.Status ? out.DomainDescription : undefined
}

function verdict(d: DomainDescriptionType | undefined): PollVerdict {
  if (d?.Status === 'ACTIVE') return 'done'
  if (d?.Status === 'FAILED') return { failed: 'Cognito reports the domain FAILED' }
  return 'waiting'
}

export async function waitForDomainActive(ctx: ResourceContext, idp: CognitoIdentityProviderClient, prefix: string) {
  return pollUntil({
    read: () => describeDomain(idp, prefix),
    judge: verdict,
    describe: (d) => (d ? `status ${d.Status}` : 'not visible yet'),
    label: `waiting for Cognito domain (${prefix}) to become ACTIVE`,
    timeoutMs: PREFIX_DOMAIN_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
  })
}

function taken(ctx: ResourceContext, prefix: string, owner: string, cause?: unknown): StepError {
  return new StepError(
    'DomainPrefixTaken',
    `creating Cognito domain (${prefix}): the prefix "${prefix}" is taken by ${owner} (prefixes are unique per region across all AWS accounts)`,
    {
      hint: `Set cognito.domain_prefix in config.json to another prefix (e.g. "\${SERVICE_NAME}-auth-<something unique>"), then rerun \`infra step cognito --env ${ctx.identity.env}\`.`,
      cause,
    },
  )
}

/**
 * `pool.domain` is the prefix the pool has now (DescribeUserPool's Domain): a pool holds one prefix domain, so a new
 * prefix replaces the old one (a domain holds no data; the hosted UI moves to the new address).
 */
export async function ensureUserPoolDomain(
  ctx: ResourceContext,
  spec: DomainSpec,
  pool: { id?: string; domain?: string },
): Promise<Ensured> {
  const key = domainKey(spec.logicalId)
  const base = { kind: DOMAIN_KIND, key, name: spec.prefix, id: spec.prefix }
  const detail = `https://${hostedUiHost(spec.prefix, ctx.identity.region)}`
  if (ctx.offline) return offlineOutcome(ctx, DOMAIN_KIND, key, spec.prefix, detail)
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const fail = (doing: string, code: string) => (e: unknown) => {
    if (isCognitoDomainTaken(e)) throw taken(ctx, spec.prefix, 'another user pool', e)
    throw awsFailure(e, {
      code,
      doing,
      kind: 'Cognito domain',
      name: spec.prefix,
      hint: `Fix the cause, then rerun \`infra step cognito --env ${ctx.identity.env}\`; what exists is kept.`,
    })
  }
  const have = await describeDomain(idp, spec.prefix).catch(fail('reading', 'DomainReadFailed'))
  // Checked in plans too: a taken prefix is better found before anything is created.
  if (have && have.UserPoolId !== pool.id) throw taken(ctx, spec.prefix, `user pool ${have.UserPoolId} in this account`)
  const replaces = pool.domain && pool.domain !== spec.prefix ? pool.domain : undefined
  const changes = replaces ? [{ field: 'Domain', from: replaces, to: spec.prefix }] : []
  const record = () =>
    recordIfChanged(ctx, key, {
      kind: DOMAIN_KIND,
      name: spec.prefix,
      id: spec.prefix,
      attributes: { userPoolId: pool.id },
    })

  if (have) {
    if (have.Status !== 'ACTIVE' && !ctx.dryRun) await waitForDomainActive(ctx, idp, spec.prefix)
    await record()
    return { ...base, action: 'unchanged', changes: [] }
  }
  if (ctx.dryRun || !pool.id) return { ...base, action: replaces ? 'would-update' : 'would-create', changes, detail }
  if (replaces) {
    ctx.log(`replacing domain ${replaces} with ${spec.prefix}`)
    await idp
      .send(new DeleteUserPoolDomainCommand({ Domain: replaces, UserPoolId: pool.id }))
      .catch(fail('deleting', 'DomainDeleteFailed'))
  }
  // A prefix domain is unique by name: a create retried after a crash finds it with DescribeUserPoolDomain first.
  await idp
    .send(new CreateUserPoolDomainCommand({ Domain: spec.prefix, UserPoolId: pool.id }))
    .catch(fail('creating', 'DomainCreateFailed'))
  await record()
  ctx.log(`created domain ${spec.prefix}; waiting for ACTIVE`)
  await waitForDomainActive(ctx, idp, spec.prefix)
  return { ...base, action: replaces ? 'updated' : 'created', changes }
}
