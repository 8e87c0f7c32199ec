// One object of the remote state (the manifest, the lock) read and written with S3's conditional requests: a write
// names the ETag it replaces (If-Match) or asks that nothing be there yet (If-None-Match: *), so two writers can never
// both succeed and a write based on a stale copy is refused instead of lost.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { AwsClients } from '../../aws/clients.js'
import { isConditionalRequestConflict, isNoSuchKey, isPreconditionFailed } from '../../aws/errors.js'

export interface StateObject {
  text: string
  etag: string
  /** S3's clock, not the writer's: leases are judged against it so that a skewed laptop clock cannot stretch one. */
  lastModified: Date
}

export interface StateObjectAddress {
  s3: S3Client
  bucket: string
  key: string
}

/** The object `key` of the state bucket, through the run's clients (the bucket's own region). */
export function stateObjectAt(aws: AwsClients, region: string, bucket: string, key: string): StateObjectAddress {
  return { s3: aws.get(S3Client, region), bucket, key }
}

/** What the write replaces: the version read (its ETag), or nothing at all. */
export type WriteCondition = { ifMatch: string } | { ifAbsent: true }

/** The condition no longer held: another writer changed (or created, or deleted) the object first. */
export class ConditionFailed extends Error {
  constructor(cause: unknown) {
    super('the object changed since it was read', { cause })
  }
}

// S3 answers 409 ConditionalRequestConflict when another conditional write to the key is in flight, and asks for a
// retry; the retry then meets the winner's ETag (412) or succeeds. A few immediate attempts are enough.
const CONFLICT_ATTEMPTS = 3

export async function readStateObject(at: StateObjectAddress): Promise<StateObject | undefined> {
  try {
    const out = await at.s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }))
    return {
      text: (await out.Body?.transformToString('utf8')) ?? '',
      etag: out.ETag ?? '',
      lastModified: out.LastModified ?? new Date(0),
    }
  } catch (e) {
    // Only a missing key is "no state yet"; a missing bucket is an error for the caller to name.
    if (isNoSuchKey(e)) return undefined
    throw e
  }
}

/** Writes the object if `condition` holds and returns its new ETag; throws ConditionFailed when it does not. */
export async function writeStateObject(
  at: StateObjectAddress,
  text: string,
  condition: WriteCondition,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await at.s3.send(
        new PutObjectCommand({
          Bucket: at.bucket,
          Key: at.key,
          Body: text,
          ContentType: 'application/json',
          ...('ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: '*' }),
        }),
      )
      return out.ETag ?? ''
    } catch (e) {
      if (isConditionalRequestConflict(e) && attempt < CONFLICT_ATTEMPTS) continue
      // If-Match on a key deleted meanwhile answers 404 NoSuchKey: stale all the same.
      if (isPreconditionFailed(e) || isConditionalRequestConflict(e) || isNoSuchKey(e)) throw new ConditionFailed(e)
      throw e
    }
  }
}

/** Deletes the object only while it is still the version read (If-Match); in a versioned bucket the old one stays. */
export async function deleteStateObject(at: StateObjectAddress, etag: string): Promise<void> {
  try {
    await at.s3.send(new DeleteObjectCommand({ Bucket: at.bucket, Key: at.key, IfMatch: etag }))
  } catch (e) {
    if (isPreconditionFailed(e) || isConditionalRequestConflict(e) || isNoSuchKey(e)) throw new ConditionFailed(e)
    throw e
  }
}
