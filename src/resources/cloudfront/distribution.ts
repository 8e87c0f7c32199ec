// CloudFront distribution: created with a CallerReference that the engine writes to the manifest first (a create sent
// again after a crash returns the same distribution), found by the manifest's id, else by its `infra:id` tag. Updates
// carry the ETag and are retried with a fresh one when someone changed it meanwhile. A run does not wait for
// `Deployed` (minutes): it records InProgress. A delete disables, waits until that is deployed, then deletes.
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateDistributionCommand,
  type Distribution,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront'
import { isNotFound, isPreconditionFailed } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { StepError } from '../../errors/index.js'
import { changedTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { ResourceContext } from '../types.js'
import {
  callerReferenceFor,
  describeDistribution,
  diffDistribution,
  toDistributionConfig,
  toUpdatedConfig,
  type DistributionSpec,
  type ObservedDistribution,
} from './distribution-config.js'

export const DISTRIBUTION_KIND = 'cloudfront-distribution'
/** The tag that finds a distribution again when the manifest lost its id (distributions have no name). */
export const DISTRIBUTION_ID_TAG = 'infra:id'
// CloudFront propagates a change "reliably within 5 minutes" (reliability rules, S85); terraform allows 90.
const DEPLOY_TIMEOUT_MS = 15 * 60_000
// CloudFront deploys in minutes and is slow to poll (reliability rules, rule 15: Terraform polls every 15 s or more),
// so these waits keep to 15–30 s between reads rather than the run's fast schedule; scaled with the deadlines so that
// tests stay fast.
const DEPLOYED_POLL_MS = 15_000
const deployedPoll = (ctx: ResourceContext) => {
  const minMs = DEPLOYED_POLL_MS * ctx.timing.deadlineScale
  return { minMs, maxMs: 2 * minMs }
}
// A concurrent writer (the console, another run) changed the ETag between our read and our update.
const ETAG_ATTEMPTS = 3

function observe(d: Distribution, tags: Record<string, string>): Observation<ObservedDistribution> {
  const observed = {
    id: d.Id!,
    arn: d.ARN!,
    domainName: d.DomainName!,
    status: d.Status!,
    config: d.DistributionConfig!,
    tags,
  }
  return { observed, id: observed.id, arn: observed.arn, tags }
}

async function tagsOf(cf: CloudFrontClient, arn: string): Promise<Record<string, string>> {
  const { Tags } = await cf.send(new ListTagsForResourceCommand({ Resource: arn }))
  return Object.fromEntries((Tags?.Items ?? []).map((t) => [t.Key!, t.Value ?? '']))
}

async function getDistribution(cf: CloudFrontClient, id: string): Promise<Distribution | undefined> {
  try {
    return (await cf.send(new GetDistributionCommand({ Id: id }))).Distribution
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** What the kinds that read or write a distribution's config share: an early read of it is stale after a write. */
export const distributionObject = (id: string) => `cloudfront-distribution:${id}`

/** The recorded one when it still exists, else every one tagged with this name. */
async function findDistribution(
  ctx: ResourceContext,
  name: string,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<ObservedDistribution>>> {
  const cf = ctx.aws.get(CloudFrontClient)
  const byId = recorded?.id ? await getDistribution(cf, recorded.id) : undefined
  if (byId) return [observe(byId, await tagsOf(cf, byId.ARN!))]
  return distributionsTagged(cf, name)
}

/** Every distribution of the account tagged with this name (ListDistributions has no tag filter). */
async function distributionsTagged(
  cf: CloudFrontClient,
  name: string,
): Promise<Array<Observation<ObservedDistribution>>> {
  const found: Array<Observation<ObservedDistribution>> = []
  let Marker: string | undefined
  do {
    const { DistributionList: page } = await cf.send(new ListDistributionsCommand({ Marker }))
    for (const summary of page?.Items ?? []) {
      const tags = await tagsOf(cf, summary.ARN!)
      if (tags[DISTRIBUTION_ID_TAG] !== name) continue
      const d = await getDistribution(cf, summary.Id!)
      if (d) found.push(observe(d, tags))
    }
    Marker = page?.IsTruncated ? page.NextMarker : undefined
  } while (Marker)
  return found
}

/** Read the config with its ETag, change it, send it; a stale ETag is read again (rule: never a blind overwrite). */
export async function updateConfig(
  cf: CloudFrontClient,
  id: string,
  change: (config: DistributionConfig) => DistributionConfig,
): Promise<Distribution> {
  for (let attempt = 1; ; attempt++) {
    const current = await cf.send(new GetDistributionConfigCommand({ Id: id }))
    try {
      const out = await cf.send(
        new UpdateDistributionCommand({
          Id: id,
          IfMatch: current.ETag,
          DistributionConfig: change(current.DistributionConfig!),
        }),
      )
      return out.Distribution!
    } catch (e) {
      if (!isPreconditionFailed(e) || attempt >= ETAG_ATTEMPTS) throw e
    }
  }
}

async function waitDeployed(ctx: ResourceContext, id: string): Promise<{ ETag?: string }> {
  const cf = ctx.aws.get(CloudFrontClient)
  const out = await pollUntil({
    read: () => cf.send(new GetDistributionCommand({ Id: id })),
    judge: (o) => (o.Distribution?.Status === 'Deployed' ? 'done' : 'waiting'),
    describe: (o) => o.Distribution?.Status ?? 'unknown',
    label: `CloudFront distribution ${id} being disabled`,
    timeoutMs: DEPLOY_TIMEOUT_MS * ctx.timing.deadlineScale,
    backoff: deployedPoll(ctx),
    report: { to: ctx, resource: `distribution ${id}`, state: 'Deployed (disabled)' },
  }).catch((e: unknown) => {
    if (!(e instanceof StepError) || e.code !== 'WaitTimedOut') throw e
    throw new StepError(
      'DistributionStillDeploying',
      `deleting CloudFront distribution (${id}): it is disabled, but CloudFront is still deploying that after ${Math.round(DEPLOY_TIMEOUT_MS / 60_000)} min; it can only be deleted once deployed`,
      { hint: `Rerun \`infra destroy --env ${ctx.identity.env}\` in a few minutes: it finishes the delete.`, cause: e },
    )
  })
  return out
}

/** `--wait`: the distribution once CloudFront reports it Deployed; past the deadline the step fails and says so. */
export async function waitForDeployed(
  ctx: ResourceContext,
  distribution: ObservedDistribution,
): Promise<ObservedDistribution> {
  if (distribution.status === 'Deployed') return distribution
  ctx.log(`waiting for CloudFront to deploy distribution ${distribution.id} (--wait)`)
  const cf = ctx.aws.get(CloudFrontClient)
  const out = await pollUntil({
    read: () => cf.send(new GetDistributionCommand({ Id: distribution.id })),
    judge: (o) => (o.Distribution?.Status === 'Deployed' ? 'done' : 'waiting'),
    describe: (o) => o.Distribution?.Status ?? 'unknown',
    label: `CloudFront distribution ${distribution.id} being deployed`,
    timeoutMs: DEPLOY_TIMEOUT_MS * ctx.timing.deadlineScale,
    backoff: deployedPoll(ctx),
    report: { to: ctx, resource: `distribution ${distribution.id}`, state: 'Deployed' },
  }).catch((e: unknown) => {
    if (!(e instanceof StepError) || e.code !== 'WaitTimedOut') throw e
    throw new StepError(
      'DistributionStillDeploying',
      `waiting for CloudFront distribution ${distribution.id}: still InProgress after ${Math.round(DEPLOY_TIMEOUT_MS / 60_000)} min (everything is created; CloudFront is propagating it)`,
      {
        hint: `\`infra status --env ${ctx.identity.env}\` shows when it is Deployed; rerun without --wait to move on.`,
        cause: e,
      },
    )
  })
  return { ...distribution, status: out.Distribution!.Status! }
}

export const distributionKind: ResourceKind<DistributionSpec, ObservedDistribution> = {
  kind: DISTRIBUTION_KIND,
  label: 'CloudFront distribution',
  codePrefix: 'Distribution',
  identity: 'token',
  find: (ctx, spec, recorded) => findDistribution(ctx, spec.name, recorded),
  early: {
    service: 'cloudfront',
    read: (ctx, recorded) => findDistribution(ctx, recorded.name, recorded),
    // Step 09's custom domain (aliases) and the redirect function's removal write to it too.
    objects: (recorded) => (recorded.id ? [distributionObject(recorded.id)] : []),
  },
  diff: diffDistribution,
  token: (spec) => callerReferenceFor(spec),
  async create(ctx, spec, token) {
    const Items = Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value }))
    const out = await ctx.aws.get(CloudFrontClient).send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: {
          DistributionConfig: toDistributionConfig(spec, token ?? callerReferenceFor(spec)),
          Tags: { Items },
        },
      }),
    )
    return observe(out.Distribution!, spec.tags)
  },
  async apply(ctx, observed, spec, changes) {
    const cf = ctx.aws.get(CloudFrontClient)
    let distribution: ObservedDistribution = observed
    if (changes.some((c) => !c.field.startsWith('Tags['))) {
      const updated = await updateConfig(cf, observed.id, (config) => toUpdatedConfig(config, spec))
      distribution = observe(updated, observed.tags).observed
    }
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0) {
      const Items = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
      await cf.send(new TagResourceCommand({ Resource: observed.arn, Tags: { Items } }))
    }
    return { observed: { ...distribution, tags: { ...observed.tags, ...tags } } }
  },
  /** Disable (unless it already is), wait for that to be deployed, then delete with the ETag read last. */
  async delete(ctx, record) {
    const cf = ctx.aws.get(CloudFrontClient)
    const id = record.id!
    const { DistributionConfig: config } = await cf.send(new GetDistributionConfigCommand({ Id: id }))
    if (config?.Enabled) {
      ctx.log(`disabling CloudFront distribution ${id} (it can only be deleted once disabled and deployed)`)
      await updateConfig(cf, id, (c) => ({ ...c, Enabled: false }))
    }
    const { ETag } = await waitDeployed(ctx, id)
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: ETag }))
  },
  attributes: (observed) => ({ domainName: observed.domainName }),
  describe: describeDistribution,
}
