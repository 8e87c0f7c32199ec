// Pure: a bucket's desired shape (the frontend's, or a general bucket of config), what S3 reports of it, and what
// must change. Unit-tested without AWS.
import type { CORSRule, LifecycleRule, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'
import { OUR_RULE_PREFIX, isOurRule, ruleMeaning, sameCors } from './bucket-lifecycle.js'
import { PUBLIC_POLICY_ALLOWED, diffWebsite, type BucketWebsite } from './bucket-website.js'

export interface BucketSpec {
  /** Manifest key `s3-bucket:<logicalId>`. */
  logicalId: string
  name: string
  region: string
  /** SSE-KMS with this key (id, alias or ARN); SSE-S3 when absent. */
  kmsKeyId?: string
  /** The frontend's one rule: days a replaced or deleted object's old version is kept. */
  noncurrentVersionDays?: number
  /** Default on; off suspends it (S3 never turns versioning off once it was on). */
  versioning?: boolean
  /** Lifecycle rules of config, IDs prefixed `infra-`; rules others put on the bucket are kept. */
  lifecycleRules?: LifecycleRule[]
  /** CORS rules, managed as a whole when present (empty: none); left as they are when absent. */
  cors?: CORSRule[]
  /** Where config names the bucket (default frontend.bucket), for the error when the name is another account's. */
  configField?: string
  /** Public website hosting (opt-in, the manual's design): managed when present (false: none, all public access
   * blocked); left as it is when absent. */
  website?: BucketWebsite | false
  tags: Tags
}

export interface BucketEncryption {
  algorithm: string
  kmsKeyId?: string
}

/** The settings infra converges, as read; undefined when S3 has none set. */
export interface ObservedBucket {
  name: string
  region: string
  publicAccessBlock?: PublicAccessBlockConfiguration
  ownership?: string
  encryption?: BucketEncryption
  versioning?: string
  /** Every lifecycle rule: ours are replaced by ID, the others are kept as they are. */
  lifecycleRules: LifecycleRule[]
  /** Read only for specs that manage CORS. */
  cors?: CORSRule[]
  /** Read only for specs that manage website hosting; undefined when the bucket has none. */
  website?: BucketWebsite
  tags: Tags
}

/** The frontend's lifecycle rule's ID: a rule someone else added to the bucket is kept. */
export const NONCURRENT_RULE_ID = `${OUR_RULE_PREFIX}noncurrent-versions`

export const BLOCK_ALL_PUBLIC_ACCESS: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
}

// ACLs disabled: the bucket owner owns every object, and only policies grant access.
export const OBJECT_OWNERSHIP = 'BucketOwnerEnforced'

export function wantedEncryption(spec: BucketSpec): BucketEncryption {
  return spec.kmsKeyId ? { algorithm: 'aws:kms', kmsKeyId: spec.kmsKeyId } : { algorithm: 'AES256' }
}

export function noncurrentRule(days: number): LifecycleRule {
  return {
    ID: NONCURRENT_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    NoncurrentVersionExpiration: { NoncurrentDays: days },
  }
}

export function ourNoncurrentDays(rules: LifecycleRule[]): number | undefined {
  const rule = rules.find((r) => r.ID === NONCURRENT_RULE_ID && r.Status === 'Enabled')
  return rule?.NoncurrentVersionExpiration?.NoncurrentDays
}

/** Every rule infra wants on the bucket. */
export function wantedRules(spec: BucketSpec): LifecycleRule[] {
  const noncurrent = spec.noncurrentVersionDays === undefined ? [] : [noncurrentRule(spec.noncurrentVersionDays)]
  return [...noncurrent, ...(spec.lifecycleRules ?? [])]
}

/** The rules to put: those of others as they are, and ours as wanted. */
export function mergedRules(have: LifecycleRule[], spec: BucketSpec): LifecycleRule[] {
  return [...have.filter((r) => !isOurRule(r)), ...wantedRules(spec)]
}

/** One change per rule of ours that is missing, differs, or is no longer wanted. */
function diffRules(have: LifecycleRule[], spec: BucketSpec): Change[] {
  const ours = new Map(have.filter(isOurRule).map((r) => [r.ID!, r]))
  const changes: Change[] = []
  for (const rule of wantedRules(spec)) {
    const current = ours.get(rule.ID!)
    ours.delete(rule.ID!)
    if (current && ruleMeaning(current) === ruleMeaning(rule)) continue
    // The frontend's rule is shown by its one setting.
    if (rule.ID === NONCURRENT_RULE_ID)
      changes.push({
        field: 'NoncurrentVersionExpiration',
        from: ourNoncurrentDays(have) ?? 'none',
        to: spec.noncurrentVersionDays,
      })
    else changes.push({ field: `LifecycleRules[${rule.ID}]`, from: current ? 'differs' : 'none', to: rule })
  }
  for (const id of ours.keys()) changes.push({ field: `LifecycleRules[${id}]`, from: 'present', to: 'none' })
  return changes
}

export const isLifecycleChange = (c: Change) =>
  c.field === 'NoncurrentVersionExpiration' || c.field.startsWith('LifecycleRules[')

/** Everything blocked, unless the bucket is a public website: then a bucket policy may make it public. */
export const wantedPublicAccessBlock = (spec: BucketSpec): Required<PublicAccessBlockConfiguration> =>
  spec.website ? PUBLIC_POLICY_ALLOWED : BLOCK_ALL_PUBLIC_ACCESS

const blocksAsWanted = (pab: PublicAccessBlockConfiguration | undefined, want: PublicAccessBlockConfiguration) =>
  Object.entries(want).every(([k, v]) => (pab?.[k as keyof PublicAccessBlockConfiguration] ?? false) === v)

const showEncryption = (e: BucketEncryption | undefined) =>
  e ? `${e.algorithm}${e.kmsKeyId ? ` (${e.kmsKeyId})` : ''}` : 'none'

/** The versioning status to set, or undefined when it is right (a bucket never versioned needs no suspending). */
export function wantedVersioning(have: ObservedBucket, want: BucketSpec): 'Enabled' | 'Suspended' | undefined {
  if (want.versioning ?? true) return have.versioning === 'Enabled' ? undefined : 'Enabled'
  return have.versioning === 'Enabled' ? 'Suspended' : undefined
}

export function diffBucket(have: ObservedBucket, want: BucketSpec): Change[] {
  const changes: Change[] = []
  const publicAccessBlock = wantedPublicAccessBlock(want)
  if (!blocksAsWanted(have.publicAccessBlock, publicAccessBlock)) {
    changes.push({
      field: 'PublicAccessBlock',
      from: have.publicAccessBlock ?? 'none',
      to: want.website ? 'ACLs blocked, public policy allowed' : 'all blocked',
    })
  }
  if (have.ownership !== OBJECT_OWNERSHIP) {
    changes.push({ field: 'ObjectOwnership', from: have.ownership ?? 'none', to: OBJECT_OWNERSHIP })
  }
  const encryption = wantedEncryption(want)
  if (have.encryption?.algorithm !== encryption.algorithm || have.encryption.kmsKeyId !== encryption.kmsKeyId) {
    changes.push({ field: 'Encryption', from: showEncryption(have.encryption), to: showEncryption(encryption) })
  }
  const versioning = wantedVersioning(have, want)
  if (versioning) changes.push({ field: 'Versioning', from: have.versioning ?? 'never enabled', to: versioning })
  changes.push(...diffRules(have.lifecycleRules, want))
  if (want.cors && !sameCors(have.cors ?? [], want.cors))
    changes.push({
      field: 'CORSRules',
      from: have.cors?.length ? have.cors : 'none',
      to: want.cors.length ? want.cors : 'none',
    })
  if (want.website !== undefined) changes.push(...diffWebsite(have.website, want.website))
  return [...changes, ...diffTags(have.tags, want.tags)]
}

/** S3's REST endpoint in the bucket's region: what CloudFront's origin names (never the website endpoint). */
export function regionalDomainName(name: string, region: string): string {
  return `${name}.s3.${region}.amazonaws.com`
}
