// A private S3 bucket (or, only when config opts in, a public website: bucket-website.ts): Block Public Access all
// on, ACLs disabled, encrypted, versioned (or not, for a general bucket that says so), its lifecycle and CORS rules, tagged: the frontend's (step 06) and the general buckets of config. Found by HeadBucket before any create: in us-east-1 a CreateBucket on one's own bucket answers 200 and
// resets its ACL, so "create to check" is never safe.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3'
import {
  isBucketAlreadyOwnedByYou,
  isBucketForbidden,
  isBucketNameTaken,
  isNotFound,
  isS3SettingMissing,
} from '../../aws/errors.js'
import { StepError } from '../../errors/index.js'
import { partitionOf } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import {
  OBJECT_OWNERSHIP,
  diffBucket,
  isLifecycleChange,
  mergedRules,
  regionalDomainName,
  wantedEncryption,
  wantedPublicAccessBlock,
  wantedVersioning,
  type BucketSpec,
  type ObservedBucket,
} from './bucket-diff.js'
import { findWebsite, putWebsite } from './bucket-website.js'

export type { BucketSpec, ObservedBucket } from './bucket-diff.js'
export const BUCKET_KIND = 's3-bucket'
// DeleteObjects takes at most 1000 keys.
const DELETE_BATCH = 1000

/** A setting S3 has never had set reads as undefined. */
function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  return read.catch((e: unknown) => {
    if (isS3SettingMissing(e)) return undefined
    throw e
  })
}

/** The name is another account's: nothing in the step is created, and the message offers a name that is free. */
function nameTaken(ctx: ResourceContext, name: string, cause: unknown, configField = FRONTEND_FIELD): StepError {
  const suggestion = `${name}-${ctx.identity.accountId}`.slice(0, 63)
  return new StepError(
    'BucketNameTaken',
    `creating S3 bucket (${name}): the name is taken by another AWS account (bucket names are global), or this identity may not read the bucket`,
    {
      hint: `Set ${configField} in config.json to a free name, e.g. "${suggestion}" (add \${ACCOUNT_ID} to its template), then rerun \`infra step s3 --env ${ctx.identity.env}\`.`,
      cause,
    },
  )
}

const FRONTEND_FIELD = 'frontend.bucket'

export interface FindBucketOptions {
  /** The spec manages CORS, so it is read too (the frontend's does not: one call fewer). */
  withCors?: boolean
  /** The spec manages website hosting, so it is read too. */
  withWebsite?: boolean
  /** Where config names the bucket, for the error when the name is another account's. */
  configField?: string
}

export async function findBucket(
  ctx: ResourceContext,
  name: string,
  { withCors = false, withWebsite = false, configField }: FindBucketOptions = {},
): Promise<ObservedBucket | undefined> {
  const s3 = ctx.aws.get(S3Client)
  let region: string
  try {
    region = (await s3.send(new HeadBucketCommand({ Bucket: name }))).BucketRegion ?? ctx.identity.region
  } catch (e) {
    if (isNotFound(e)) return undefined
    if (isBucketForbidden(e)) throw nameTaken(ctx, name, e, configField)
    throw e
  }
  const Bucket = name
  const [pab, ownership, encryption, versioning, lifecycle, tagging, cors, website] = await Promise.all([
    unlessMissing(s3.send(new GetPublicAccessBlockCommand({ Bucket }))),
    unlessMissing(s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))),
    unlessMissing(s3.send(new GetBucketEncryptionCommand({ Bucket }))),
    s3.send(new GetBucketVersioningCommand({ Bucket })),
    unlessMissing(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))),
    unlessMissing(s3.send(new GetBucketTaggingCommand({ Bucket }))),
    withCors ? unlessMissing(s3.send(new GetBucketCorsCommand({ Bucket }))) : undefined,
    withWebsite ? findWebsite(s3, Bucket) : undefined,
  ])
  const sse = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
  return {
    name,
    region,
    publicAccessBlock: pab?.PublicAccessBlockConfiguration,
    ownership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
    encryption: sse?.SSEAlgorithm
      ? { algorithm: sse.SSEAlgorithm, ...(sse.KMSMasterKeyID && { kmsKeyId: sse.KMSMasterKeyID }) }
      : undefined,
    versioning: versioning.Status,
    lifecycleRules: lifecycle?.Rules ?? [],
    ...(withCors && { cors: cors?.CORSRules ?? [] }),
    ...(website && { website }),
    tags: Object.fromEntries((tagging?.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  }
}

const bucketArn = (ctx: ResourceContext, name: string) => `arn:${partitionOf(ctx.identity.region)}:s3:::${name}`

/** Deletes every object version and delete marker, a page at a time (a versioned bucket keeps them all). */
export async function emptyBucket(ctx: ResourceContext, name: string): Promise<number> {
  const s3 = ctx.aws.get(S3Client)
  let deleted = 0
  for (;;) {
    // Each round lists from the start again: what the previous round deleted is gone from the listing.
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: DELETE_BATCH }))
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }))
    if (objects.length === 0) return deleted
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: objects, Quiet: true } }))
    const failed = out.Errors ?? []
    if (failed.length > 0) {
      throw new StepError(
        'BucketEmptyFailed',
        `emptying S3 bucket (${name}): ${failed.length} objects were not deleted, e.g. ${failed[0]?.Key}: ${failed[0]?.Code} ${failed[0]?.Message ?? ''}`.trim(),
      )
    }
    deleted += objects.length
    ctx.log(`emptying bucket ${name}: ${deleted} object versions deleted`)
  }
}

/** What a spec's bucket is read with: recorded, so that the run can read it before the step. */
const readsFor = (spec: BucketSpec): FindBucketOptions => ({
  withCors: spec.cors !== undefined,
  withWebsite: spec.website !== undefined,
  ...(spec.configField !== undefined ? { configField: spec.configField } : {}),
})

async function observeBucket(
  ctx: ResourceContext,
  name: string,
  reads: FindBucketOptions | undefined,
): Promise<Array<Observation<ObservedBucket>>> {
  const found = await findBucket(ctx, name, reads)
  return found ? [{ observed: found, id: name, arn: bucketArn(ctx, name), tags: found.tags }] : []
}

export const bucketKind: ResourceKind<BucketSpec, ObservedBucket> = {
  kind: BUCKET_KIND,
  label: 'S3 bucket',
  codePrefix: 'Bucket',
  identity: 'name',
  dataBearing: true,
  find: (ctx, spec) => observeBucket(ctx, spec.name, readsFor(spec)),
  // Read early with the settings the record says its spec manages (and its config field, for the errors).
  early: {
    service: 's3',
    read: (ctx, recorded) => observeBucket(ctx, recorded.name, recorded.attributes?.reads as FindBucketOptions),
    covers: (recorded, spec) => JSON.stringify(recorded.attributes?.reads) === JSON.stringify(readsFor(spec)),
  },
  diff: diffBucket,
  async create(ctx, spec) {
    const constraint = spec.region === 'us-east-1' ? undefined : (spec.region as BucketLocationConstraint)
    await ctx.aws
      .get(S3Client)
      .send(
        new CreateBucketCommand({
          Bucket: spec.name,
          ObjectOwnership: OBJECT_OWNERSHIP,
          // Tagged as it is made: a run killed right after the create finds it as ours.
          CreateBucketConfiguration: {
            ...(constraint && { LocationConstraint: constraint }),
            Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
          },
        }),
      )
      .catch((e: unknown) => {
        if (isBucketNameTaken(e)) throw nameTaken(ctx, spec.name, e, spec.configField)
        // Our own create whose response was lost, resent: it is the bucket we asked for.
        if (!isBucketAlreadyOwnedByYou(e)) throw e
      })
    // Every other setting is then put explicitly (the engine applies the diff): S3's defaults for new buckets have
    // changed before, and an account may have its own. Object ownership was set by the create itself.
    const observed: ObservedBucket = {
      name: spec.name,
      region: spec.region,
      ownership: OBJECT_OWNERSHIP,
      lifecycleRules: [],
      ...(spec.cors && { cors: [] }),
      tags: spec.tags,
    }
    return { observed, id: spec.name, arn: bucketArn(ctx, spec.name), tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const s3 = ctx.aws.get(S3Client)
    const Bucket = spec.name
    const changed = (field: string) => changes.some((c) => c.field === field)
    if (changed('PublicAccessBlock')) {
      await s3.send(
        new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: wantedPublicAccessBlock(spec) }),
      )
    }
    if (changed('ObjectOwnership')) {
      await s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: OBJECT_OWNERSHIP }] },
        }),
      )
    }
    if (changed('Encryption')) {
      const { algorithm, kmsKeyId } = wantedEncryption(spec)
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: algorithm as 'AES256' | 'aws:kms',
                  ...(kmsKeyId && { KMSMasterKeyID: kmsKeyId }),
                },
                // An S3 bucket key cuts KMS requests (and their cost) by orders of magnitude.
                BucketKeyEnabled: algorithm === 'aws:kms',
              },
            ],
          },
        }),
      )
    }
    const versioning = changed('Versioning') && wantedVersioning(observed, spec)
    if (versioning) {
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: versioning } }))
    }
    if (changes.some(isLifecycleChange)) {
      // The configuration is replaced as a whole: rules others added are sent back as they were.
      const rules = mergedRules(observed.lifecycleRules, spec)
      // S3 refuses an empty rule list: no rule left is no configuration.
      if (rules.length === 0) await s3.send(new DeleteBucketLifecycleCommand({ Bucket }))
      else
        await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }))
    }
    if (changed('CORSRules') && spec.cors) {
      if (spec.cors.length === 0) await s3.send(new DeleteBucketCorsCommand({ Bucket }))
      else await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: spec.cors } }))
    }
    if (changed('Website') && spec.website !== undefined) await putWebsite(s3, Bucket, spec.website)
    if (changes.some((c) => c.field.startsWith('Tags['))) {
      // PutBucketTagging replaces the set: tags someone else added are kept.
      const tags = { ...observed.tags, ...spec.tags }
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      )
    }
  },
  async delete(ctx, record) {
    await emptyBucket(ctx, record.name)
    await ctx.aws.get(S3Client).send(new DeleteBucketCommand({ Bucket: record.name }))
  },
  attributes: (observed, spec) => ({
    regionalDomainName: regionalDomainName(observed.name, observed.region),
    reads: readsFor(spec),
  }),
  describe: (spec) =>
    [
      spec.website ? 'PUBLIC website' : 'private',
      spec.versioning === false
        ? 'unversioned'
        : `versioned${spec.noncurrentVersionDays === undefined ? '' : ` (old versions kept ${spec.noncurrentVersionDays} days)`}`,
      spec.kmsKeyId ? 'SSE-KMS' : 'SSE-S3',
      spec.lifecycleRules?.length && `${spec.lifecycleRules.length} lifecycle rule(s)`,
      spec.cors?.length && `${spec.cors.length} CORS rule(s)`,
    ]
      .filter(Boolean)
      .join(', '),
}
