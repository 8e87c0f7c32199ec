// FakeS3's objects: versions per key, listing in key order with continuation tokens, batch deletes. What it models:
// s3.md.
import { createHash } from 'node:crypto'
import type {
  DeleteObjectsOutput,
  ListObjectVersionsOutput,
  ListObjectsV2Output,
  ObjectIdentifier,
} from '@aws-sdk/client-s3'

export interface ObjectVersionState {
  versionId: string
  /** Base64 of the bytes (JSON-safe for cross-process runs); absent for a delete marker. */
  body?: string
  deleteMarker?: boolean
  etag: string
  size: number
  lastModified: number
  contentType?: string
  cacheControl?: string
  metadata: Record<string, string>
}

/** Newest version last. An unversioned bucket keeps one version with id 'null' per key. */
export type ObjectStore = Record<string, ObjectVersionState[]>

const MAX_KEYS = 1000

export function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  throw new Error('FakeS3: PutObject Body must be a string, Buffer or Uint8Array (streams are not modelled)')
}

export const md5Etag = (bytes: Buffer) => `"${createHash('md5').update(bytes).digest('hex')}"`

/** The current version of a key, unless it is a delete marker or there is none. */
export function current(store: ObjectStore, key: string): ObjectVersionState | undefined {
  const latest = store[key]?.at(-1)
  return latest && !latest.deleteMarker ? latest : undefined
}

export function liveKeys(store: ObjectStore): string[] {
  return Object.keys(store)
    .filter((k) => current(store, k))
    .sort()
}

/** A conditional request's failure as S3 answers it, or undefined when its conditions hold (or it has none). */
export function unmetCondition(
  found: ObjectVersionState | undefined,
  c: { IfMatch?: string; IfNoneMatch?: string },
): { name: string; message: string; status: number } | undefined {
  if (c.IfMatch !== undefined && !found)
    return { name: 'NoSuchKey', message: 'The specified key does not exist.', status: 404 }
  const mismatch = c.IfMatch !== undefined && c.IfMatch !== '*' && c.IfMatch !== found?.etag
  const exists = c.IfNoneMatch === '*' && found !== undefined
  if (mismatch || exists)
    return {
      name: 'PreconditionFailed',
      message: 'At least one of the pre-conditions you specified did not hold',
      status: 412,
    }
  return undefined
}

/** Adds a version: versioned buckets keep the old ones; the others replace the 'null' version. */
export function putVersion(store: ObjectStore, key: string, version: ObjectVersionState, versioned: boolean): void {
  const versions = versioned ? (store[key] ?? []) : (store[key] ?? []).filter((v) => v.versionId !== 'null')
  store[key] = [...versions, version]
}

const encodeToken = (key: string) => Buffer.from(key, 'utf8').toString('base64url')
const decodeToken = (token: string) => Buffer.from(token, 'base64url').toString('utf8')

export function listV2(
  store: ObjectStore,
  bucket: string,
  i: { Prefix?: string; MaxKeys?: number; ContinuationToken?: string; StartAfter?: string },
): ListObjectsV2Output {
  const limit = Math.min(i.MaxKeys ?? MAX_KEYS, MAX_KEYS)
  const after = i.ContinuationToken ? decodeToken(i.ContinuationToken) : (i.StartAfter ?? '')
  const keys = liveKeys(store).filter((k) => k.startsWith(i.Prefix ?? '') && k > after)
  const page = keys.slice(0, limit)
  const truncated = keys.length > limit
  return {
    Name: bucket,
    Prefix: i.Prefix ?? '',
    MaxKeys: limit,
    KeyCount: page.length,
    IsTruncated: truncated,
    ...(i.ContinuationToken && { ContinuationToken: i.ContinuationToken }),
    ...(truncated && { NextContinuationToken: encodeToken(page.at(-1)!) }),
    ...(page.length > 0 && {
      Contents: page.map((Key) => {
        const v = current(store, Key)!
        return { Key, ETag: v.etag, Size: v.size, LastModified: new Date(v.lastModified), StorageClass: 'STANDARD' }
      }),
    }),
  }
}

export function listVersions(
  store: ObjectStore,
  bucket: string,
  i: { Prefix?: string; MaxKeys?: number; KeyMarker?: string },
): ListObjectVersionsOutput {
  // Pages end on a key boundary (simpler than AWS, which may split a key's versions across pages).
  const limit = Math.min(i.MaxKeys ?? MAX_KEYS, MAX_KEYS)
  const keys = Object.keys(store)
    .filter((k) => k.startsWith(i.Prefix ?? '') && k > (i.KeyMarker ?? ''))
    .sort()
  const page: string[] = []
  let count = 0
  for (const k of keys) {
    if (page.length > 0 && count + store[k]!.length > limit) break
    page.push(k)
    count += store[k]!.length
  }
  const truncated = page.length < keys.length
  const entries = page.flatMap((Key) =>
    store[Key]!.map((v, n, all) => ({ Key, VersionId: v.versionId, IsLatest: n === all.length - 1, v })).reverse(),
  )
  return {
    Name: bucket,
    IsTruncated: truncated,
    ...(truncated && { NextKeyMarker: page.at(-1), NextVersionIdMarker: store[page.at(-1)!]!.at(-1)!.versionId }),
    Versions: entries
      .filter((e) => !e.v.deleteMarker)
      .map(({ Key, VersionId, IsLatest, v }) => ({ Key, VersionId, IsLatest, ETag: v.etag, Size: v.size })),
    DeleteMarkers: entries
      .filter((e) => e.v.deleteMarker)
      .map(({ Key, VersionId, IsLatest }) => ({ Key, VersionId, IsLatest })),
  }
}

/**
 * One delete: with a VersionId that version goes; without one, a versioned bucket gets a delete marker and an
 * unversioned one loses the key. A key that does not exist is a success, as in S3.
 */
export function deleteOne(
  store: ObjectStore,
  { Key, VersionId }: ObjectIdentifier,
  versioning: 'on' | 'off',
  newVersionId: () => string,
  now: number,
): { DeleteMarker?: boolean; VersionId?: string } {
  const key = Key ?? ''
  if (VersionId) {
    const kept = (store[key] ?? []).filter((v) => v.versionId !== VersionId)
    if (kept.length > 0) store[key] = kept
    else delete store[key]
    return { VersionId }
  }
  if (versioning === 'off') {
    delete store[key]
    return {}
  }
  const marker = { versionId: newVersionId(), deleteMarker: true, etag: '', size: 0, lastModified: now, metadata: {} }
  store[key] = [...(store[key] ?? []), marker]
  return { DeleteMarker: true, VersionId: marker.versionId }
}

export function deleteMany(
  objects: ObjectIdentifier[],
  quiet: boolean,
  deleteOneOf: (o: ObjectIdentifier) => { DeleteMarker?: boolean; VersionId?: string },
): DeleteObjectsOutput {
  const Deleted = objects.map((o) => ({ Key: o.Key, ...deleteOneOf(o) }))
  return quiet ? {} : { Deleted }
}
