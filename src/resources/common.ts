// Pieces every resource module shares: ownership by tags, tag diffs, ARNs, and the dry-run/offline outcomes.
import type { Tags } from '../config/types.js'
import { awsFailure } from '../aws/errors.js'
import type { Change, Ensured, ResourceContext } from './types.js'

export const MANAGED_BY_TAG = 'managed-by'
export const SERVICE_TAG = 'infra:service'
export const ENV_TAG = 'infra:env'

/** A resource is ours when it carries this service's and this environment's tags. */
export function isOurs(tags: Tags | undefined, identity: ResourceContext['identity']): boolean {
  return tags?.[MANAGED_BY_TAG] === 'infra' && tags[SERVICE_TAG] === identity.service && tags[ENV_TAG] === identity.env
}

/** The tags that make a resource this service's and this environment's (what isOurs checks). */
export function ownershipTags(identity: ResourceContext['identity']): Tags {
  return { [MANAGED_BY_TAG]: 'infra', [SERVICE_TAG]: identity.service, [ENV_TAG]: identity.env }
}

/** Tags to add or change. Tags someone else added are left alone. */
export function diffTags(have: Tags, want: Tags): Change[] {
  return Object.entries(want)
    .filter(([k, v]) => have[k] !== v)
    .map(([k, v]) => ({ field: `Tags[${k}]`, from: have[k], to: v }))
}

export function changedTags(changes: Change[]): Tags {
  return Object.fromEntries(
    changes.filter((c) => c.field.startsWith('Tags[')).map((c) => [c.field.slice(5, -1), String(c.to)]),
  )
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export function arn(ctx: ResourceContext, service: string, resource: string, region = ctx.identity.region): string {
  return `arn:${partitionOf(ctx.identity.region)}:${service}:${region}:${ctx.identity.accountId}:${resource}`
}

/** Offline plan: what the manifest says, unverified; anything it does not know would be created. */
export function offlineOutcome(
  ctx: ResourceContext,
  kind: string,
  key: string,
  name: string,
  detail?: string,
): Ensured {
  const known = ctx.record.manifest.resources[key]
  return known
    ? {
        kind,
        key,
        name,
        action: 'unverified',
        changes: [],
        arn: known.arn,
        id: known.id,
        note: 'offline: not checked against AWS',
      }
    : { kind, key, name, action: 'would-create', changes: [], detail }
}

/** A same-named resource that lacks our tags: reported and left alone unless --adopt. */
export function unmanagedOutcome(label: string, key: string, name: string, arnValue?: string): Ensured {
  return {
    kind: key.slice(0, key.indexOf(':')), // keys are `<kind>:<logical id>`
    key,
    name,
    action: 'unmanaged',
    changes: [],
    arn: arnValue,
    note: `${label} ${name} exists but was not created by infra for this service and environment (no infra tags); it is left alone. Rerun with --adopt to manage it.`,
  }
}

/** Records a resource only when what we know of it changed, so a no-op run leaves the manifest as it was. */
export async function recordIfChanged(
  ctx: ResourceContext,
  key: string,
  rec: { kind: string; name: string; id?: string; arn?: string; attributes?: Record<string, unknown> },
): Promise<void> {
  if (ctx.dryRun || ctx.offline) return
  const known = ctx.record.manifest.resources[key]
  // Attributes merge into what is known: a caller records only the attributes it owns (e.g. a Lambda alias's target).
  const attributes = { ...known?.attributes, ...rec.attributes }
  const same =
    known &&
    known.name === rec.name &&
    known.arn === rec.arn &&
    known.id === rec.id &&
    JSON.stringify(known.attributes ?? {}) === JSON.stringify(attributes)
  if (!same) await ctx.record.recordResource(key, { ...rec, step: ctx.stepId, attributes })
}

/** One attribute of a recorded resource, or undefined (the manifest may be missing or older than the attribute). */
export function recordedAttribute(ctx: Pick<ResourceContext, 'record'>, key: string, attribute: string): unknown {
  return ctx.record.manifest.resources[key]?.attributes?.[attribute]
}

/**
 * A `.catch` handler factory for one resource: `.catch(fail('creating', 'TableCreateFailed'))` turns an AWS error
 * into `<doing> <kind> (<name>): <AWS reason>` with a hint that names the command to rerun.
 */
export function failureFor(ctx: ResourceContext, kind: string, name: string, hint?: string) {
  const rerun = `\`infra step ${ctx.stepId} --env ${ctx.identity.env}\``
  return (doing: string, code: string) =>
    (e: unknown): never => {
      throw awsFailure(e, {
        code,
        doing,
        kind,
        name,
        hint: hint ?? `Fix the cause, then rerun ${rerun}; what exists is kept.`,
      })
    }
}

/** Journal before a create that has no idempotency token: a run that dies before recording the ID resolves it by lookup. */
export function journalCreate(ctx: ResourceContext, key: string, kind: string, name: string): Promise<void> {
  return ctx.record.journal(key, { operation: 'create', kind, name, startedAt: new Date().toISOString() })
}
