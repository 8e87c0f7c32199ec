// Step 06's general buckets: each bucket, then the Lambda permissions S3 triggers need, then each bucket's
// notifications (S3 tests every destination when they are put, so the permissions come first).
import type { ResolvedConfig } from '../config/types.js'
import { converge } from '../resources/engine/converge.js'
import { ensurePermission } from '../resources/lambda/permission.js'
import { bucketKind } from '../resources/s3/bucket.js'
import { notificationsKind } from '../resources/s3/bucket-notifications.js'
import {
  bucketArn,
  bucketOutputs,
  generalBucketSpec,
  notificationsSpecs,
  s3PermissionSpecs,
  type BucketOutput,
} from './bucket-specs.js'
import type { StepContext } from './types.js'

/** What the step converges for them: part of its inputs (empty without general buckets, as before they existed). */
export function generalBucketsInputs(config: ResolvedConfig): Record<string, unknown> {
  if (config.buckets.length === 0) return {}
  return {
    buckets: config.buckets.map((b) => generalBucketSpec(config, b)),
    permissions: s3PermissionSpecs(config),
    notifications: notificationsSpecs(config),
  }
}

/** The buckets' outputs by key; undefined when config has none. */
export async function convergeGeneralBuckets(ctx: StepContext): Promise<Record<string, BucketOutput> | undefined> {
  const { config } = ctx
  if (config.buckets.length === 0) return undefined
  const results = await Promise.all(
    config.buckets.map(async (bucket) => {
      const { result } = await converge(ctx, bucketKind, generalBucketSpec(config, bucket))
      ctx.report(result)
      return { bucket, result }
    }),
  )
  // A same-named bucket left alone (no --adopt) is not ours: nothing is wired to it.
  const strangers = new Set(results.filter((r) => r.result.action === 'unmanaged').map((r) => r.bucket.logicalId))
  const strangerArns = new Set(
    config.buckets.filter((b) => strangers.has(b.logicalId)).map((b) => bucketArn(config, b.name)),
  )
  const permissions = s3PermissionSpecs(config).filter((p) => !strangerArns.has(p.sourceArn))
  // Serialised per function by ensurePermission (parallel AddPermission calls may drop statements).
  for (const result of await Promise.all(permissions.map((p) => ensurePermission(ctx, p)))) ctx.report(result)
  for (const spec of notificationsSpecs(config).filter((n) => !strangers.has(n.logicalId)))
    ctx.report((await converge(ctx, notificationsKind, spec)).result)
  return bucketOutputs(config)
}
