// A bucket's policy: one document per bucket, ours because the bucket is. Compared by meaning (S3 gives back the
// text as it stored it, whose key order and spacing are not ours). Step 07 converges the CloudFront-only statement.
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3'
import { isNotFound, isS3SettingMissing } from '../../aws/errors.js'
import { converge } from '../engine/converge.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import { samePolicy, type PolicyDocument } from '../policy-document.js'
import type { Ensured, ResourceContext } from '../types.js'

export const BUCKET_POLICY_KIND = 's3-bucket-policy'

export interface BucketPolicySpec {
  /** Manifest key `s3-bucket-policy:<logicalId>`. */
  logicalId: string
  /** The bucket's name: what delete reads back from the manifest. */
  name: string
  document: PolicyDocument
}

export async function findBucketPolicy(ctx: ResourceContext, bucket: string): Promise<string | undefined> {
  try {
    return (await ctx.aws.get(S3Client).send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy
  } catch (e) {
    // A bucket not made yet (a plan of a new environment) has no policy either.
    if (isS3SettingMissing(e) || isNotFound(e)) return undefined
    throw e
  }
}

function putPolicy(ctx: ResourceContext, spec: BucketPolicySpec) {
  return ctx.aws
    .get(S3Client)
    .send(new PutBucketPolicyCommand({ Bucket: spec.name, Policy: JSON.stringify(spec.document) }))
}

export const bucketPolicyKind: ResourceKind<BucketPolicySpec, string> = {
  kind: BUCKET_POLICY_KIND,
  label: 'S3 bucket policy',
  codePrefix: 'BucketPolicy',
  identity: 'name',
  ownership: 'parent',
  // One policy per bucket, whichever key holds it (the public website's or the distribution's): a write by either
  // makes the other's early read stale.
  ...foundByName(
    's3',
    async (ctx, name) => {
      const policy = await findBucketPolicy(ctx, name)
      return policy === undefined ? [] : [{ observed: policy, id: name }]
    },
    (recorded) => [`s3-bucket-policy:${recorded.name}`],
  ),
  diff: (policy, spec) =>
    samePolicy(policy, spec.document) ? [] : [{ field: 'Policy', from: 'differs', to: spec.document }],
  async create(ctx, spec) {
    await putPolicy(ctx, spec)
    return { observed: JSON.stringify(spec.document), id: spec.name }
  },
  async apply(ctx, _policy, spec) {
    await putPolicy(ctx, spec)
  },
  async delete(ctx, record) {
    // A policy already gone is a success (204); a bucket already gone is NoSuchBucket, which the engine ignores.
    await ctx.aws.get(S3Client).send(new DeleteBucketPolicyCommand({ Bucket: record.name }))
  },
  describe: (spec) =>
    spec.document.Statement.map((s) => `${s.Sid ?? s.Effect}: ${[s.Action].flat().join(', ')}`).join('; '),
}

export async function ensureBucketPolicy(ctx: ResourceContext, spec: BucketPolicySpec): Promise<Ensured> {
  return (await converge(ctx, bucketPolicyKind, spec)).result
}
