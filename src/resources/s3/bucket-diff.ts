// Pure: the frontend bucket's desired shape, what S3 reports of it, and what must change. Unit-tested without AWS.
import type { LifecycleRule, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface BucketSpec {
  /** Manifest key `s3-bucket:<logicalId>`. */
  logicalId: string
  name: string
  region: string
  /** SSE-KMS with this key (id, alias or ARN); SSE-S3 when absent. */
  kmsKeyId?: string
  /** Days a replaced or deleted object's old version is kept (versioning is always on). */
  noncurrentVersionDays: number
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
  /** Every lifecycle rule: ours is replaced by ID, the others are kept as they are. */
  lifecycleRules: LifecycleRule[]
  tags: Tags
}

/** Our lifecycle rule's ID: a rule someone else added to the bucket is kept. */
export const NONCURRENT_RULE_ID = 'infra-noncurrent-versions'

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

const blocksAll = (pab: PublicAccessBlockConfiguration | undefined) =>
  Object.keys(BLOCK_ALL_PUBLIC_ACCESS).every((k) => pab?.[k as keyof PublicAccessBlockConfiguration] === true)

const showEncryption = (e: BucketEncryption | undefined) =>
  e ? `${e.algorithm}${e.kmsKeyId ? ` (${e.kmsKeyId})` : ''}` : 'none'

export function diffBucket(have: ObservedBucket, want: BucketSpec): Change[] {
  const changes: Change[] = []
  if (!blocksAll(have.publicAccessBlock)) {
    changes.push({ field: 'PublicAccessBlock', from: have.publicAccessBlock ?? 'none', to: 'all blocked' })
  }
  if (have.ownership !== OBJECT_OWNERSHIP) {
    changes.push({ field: 'ObjectOwnership', from: have.ownership ?? 'none', to: OBJECT_OWNERSHIP })
  }
  const encryption = wantedEncryption(want)
  if (have.encryption?.algorithm !== encryption.algorithm || have.encryption.kmsKeyId !== encryption.kmsKeyId) {
    changes.push({ field: 'Encryption', from: showEncryption(have.encryption), to: showEncryption(encryption) })
  }
  if (have.versioning !== 'Enabled') {
    changes.push({ field: 'Versioning', from: have.versioning ?? 'never enabled', to: 'Enabled' })
  }
  const days = ourNoncurrentDays(have.lifecycleRules)
  if (days !== want.noncurrentVersionDays) {
    changes.push({ field: 'NoncurrentVersionExpiration', from: days ?? 'none', to: want.noncurrentVersionDays })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}

/** S3's REST endpoint in the bucket's region: what CloudFront's origin names (never the website endpoint). */
export function regionalDomainName(name: string, region: string): string {
  return `${name}.s3.${region}.amazonaws.com`
}
