// Step 07 (the manual's CloudFront distribution): an origin access control, the distribution in front of step 06's
// private bucket (its REST endpoint, never the public website endpoint the manual used), the bucket policy that lets
// only this distribution read it, and one invalidation of what step 06 changed. The run does not wait for CloudFront
// to deploy (minutes): it records InProgress, and the next run or `infra status` shows Deployed.
import { distributionKind, waitForDeployed } from '../resources/cloudfront/distribution.js'
import {
  invalidationKind,
  invalidationPaths,
  invalidationReference,
  type InvalidationSpec,
} from '../resources/cloudfront/invalidation.js'
import { originAccessControlKind } from '../resources/cloudfront/origin-access-control.js'
import { converge, keyOf } from '../resources/engine/converge.js'
import { bucketPolicyKind } from '../resources/s3/bucket-policy.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import {
  bucketPolicySpec,
  cloudFrontOutputs,
  cloudFrontSettings,
  distributionSpec,
  originAccessControlSpec,
} from './cloudfront-specs.js'
import type { CloudFrontOutputs } from './outputs.js'
import type { StepContext, Step } from './types.js'

export const cloudfrontStep: Step<'cloudfront'> = {
  id: 'cloudfront',
  number: 7,
  title: 'CloudFront distribution',
  needs: ['s3'],
  inputs: (config) => cloudFrontSettings(config) ?? null,
  preflight(config) {
    cloudFrontSettings(config)
  },
  async run(ctx) {
    const settings = cloudFrontSettings(ctx.config)
    const bucket = ctx.upstream.s3?.bucket
    if (!settings || !bucket) return {}
    const oac = await converge(ctx, originAccessControlKind, originAccessControlSpec(settings))
    ctx.report(oac.result)
    const oacId = oac.observed?.Id ?? oac.result.id ?? KNOWN_AFTER_APPLY
    const distribution = await converge(ctx, distributionKind, distributionSpec(settings, bucket, oacId))
    ctx.report(distribution.result)
    // One that is not ours (no --adopt) gets no bucket policy and no invalidation.
    if (!distribution.managed && !ctx.offline) return {}
    const arn = distribution.result.arn ?? KNOWN_AFTER_APPLY
    ctx.report((await converge(ctx, bucketPolicyKind, bucketPolicySpec(bucket, arn))).result)
    const observed =
      ctx.waitForDeploy && distribution.observed && !ctx.dryRun
        ? await waitForDeployed(ctx, distribution.observed)
        : distribution.observed
    const recorded = ctx.record.manifest.resources[distribution.result.key]
    const outputs = cloudFrontOutputs({
      id: observed?.id ?? distribution.result.id,
      domainName: observed?.domainName ?? (recorded?.attributes?.domainName as string | undefined),
      status: observed?.status,
    })
    // A distribution made now has nothing cached yet: only one that existed needs the changed files invalidated.
    const existing = distribution.result.action === 'created' ? undefined : observed?.id
    await invalidateChanged(ctx, existing, ctx.upstream.s3?.changedPaths ?? [])
    return outputs satisfies CloudFrontOutputs
  },
}

/**
 * One invalidation of the changed paths (or `/*` past the threshold) of a distribution that existed; none when nothing
 * changed, when the distribution is new, or in an offline plan.
 */
async function invalidateChanged(
  ctx: StepContext,
  distributionId: string | undefined,
  changed: string[],
): Promise<void> {
  const paths = invalidationPaths(changed)
  const logicalId = 'frontend'
  const key = keyOf(invalidationKind, logicalId)
  if (!distributionId || paths.length === 0) {
    // The last invalidation stays recorded while none is made: it is history, not something config dropped.
    if (ctx.record.manifest.resources[key]) ctx.converged?.add(key)
    return
  }
  const spec: InvalidationSpec = {
    logicalId,
    name: distributionId,
    distributionId,
    paths,
    reference: invalidationReference(distributionId, paths, new Date()),
  }
  ctx.report((await converge(ctx, invalidationKind, spec)).result)
}
