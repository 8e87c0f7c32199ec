// The state bucket (`infra state init`): private, versioned (every manifest version kept), encrypted, tagged. It is
// the bucket kind's settings, converged outside the engine on purpose: the bucket holds the manifests, so it is recorded
// in none of them, is shared by every environment (and service) whose state.bucket names it, and `infra destroy` never
// deletes it. A same-named bucket infra did not make is left alone unless `--adopt`.
import { StepError } from '../../errors/index.js'
import type { Change, ResourceContext } from '../types.js'
import { bucketKind, findBucket, type BucketSpec } from './bucket.js'
import { diffBucket } from './bucket-diff.js'

export const STATE_BUCKET_TAG = 'infra:role'
export const STATE_BUCKET_ROLE = 'state'
/** Replaced manifest versions are kept this long: the history of the state, and what a restore can go back to. */
export const STATE_NONCURRENT_DAYS = 90

export interface StateBucketResult {
  bucket: string
  action: 'created' | 'updated' | 'unchanged' | 'would-create' | 'would-update'
  changes: Change[]
}

export function stateBucketSpec(name: string, region: string, tags: Record<string, string>): BucketSpec {
  return {
    logicalId: 'state',
    name,
    region,
    noncurrentVersionDays: STATE_NONCURRENT_DAYS,
    tags: { ...tags, 'managed-by': 'infra', [STATE_BUCKET_TAG]: STATE_BUCKET_ROLE },
  }
}

export async function ensureStateBucket(ctx: ResourceContext, spec: BucketSpec): Promise<StateBucketResult> {
  const found = await findBucket(ctx, spec.name)
  if (found && found.tags[STATE_BUCKET_TAG] !== STATE_BUCKET_ROLE && !ctx.adopt) {
    throw new StepError(
      'StateBucketUnmanaged',
      `creating state bucket (${spec.name}): a bucket of that name exists in this account without the tag ${STATE_BUCKET_TAG}=${STATE_BUCKET_ROLE}; infra leaves it as it is`,
      {
        hint: `Name another bucket in state.bucket, or rerun \`infra state init --env ${ctx.identity.env} --adopt\` to make this one private, versioned, encrypted and tagged.`,
      },
    )
  }
  if (ctx.dryRun) {
    const changes = found ? diffBucket(found, spec) : []
    const action = !found ? 'would-create' : changes.length > 0 ? 'would-update' : 'unchanged'
    return { bucket: spec.name, action, changes }
  }
  const observed = found ?? (await bucketKind.create(ctx, spec)).observed
  const changes = diffBucket(observed, spec)
  if (changes.length > 0) await bucketKind.apply(ctx, observed, spec, changes)
  return { bucket: spec.name, action: !found ? 'created' : changes.length > 0 ? 'updated' : 'unchanged', changes }
}
