// A site's files in its bucket, as one resource of the engine: observed (one listing, and a HEAD only for objects
// the manifest cannot vouch for), diffed by content hash, changed (uploads in parallel, deletes in batches),
// recorded (key → sha256 and the ETag S3 gave back). ETags are never compared with content: they are not an MD5 for
// multipart or KMS-encrypted objects. The ETag only tells whether an object is still the one recorded.
import { readFile } from 'node:fs/promises'
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'

export const SITE_FILES_KIND = 's3-site-files'
/** Object metadata key (x-amz-meta-sha256) holding the hex sha256 of the content. */
export const SHA256_METADATA = 'sha256'
const PARALLEL_REQUESTS = 8
const DELETE_BATCH = 1000

export interface SiteFile {
  sha256: string
  contentType: string
  cacheControl: string
  /** A file of the build folder, or text generated at deploy time (config.js). */
  source: { path: string } | { text: string }
}

export interface SiteFilesSpec {
  /** Manifest key `s3-site-files:<logicalId>`. */
  logicalId: string
  /** The bucket's name. */
  name: string
  /** By object key. */
  files: Record<string, SiteFile>
  /** Files the folder no longer has stay one more release (pages still open may load them), then go. */
  keepOldFiles: boolean
  /** The bucket was created by this run: it holds nothing, so it is not listed (neither found nor read to create). */
  newBucket?: boolean
}

export interface RecordedFile {
  sha256: string
  etag: string
  /** No longer in the folder; kept for this release, deleted by the next one. */
  kept?: true
}

export interface ObservedSiteFiles {
  /** The bucket's objects by key: ETag, and sha256 when the manifest or the object's metadata knows it. */
  objects: Record<string, { etag: string; sha256?: string }>
  /** What the manifest records as uploaded by infra: only these are ever deleted. */
  recorded: Record<string, RecordedFile>
}

export const UPLOAD = 'upload'
export const DELETE = 'delete'
export const KEEP = 'kept one release'
const fieldOf = (key: string) => `Objects[${key}]`
export const keyOfField = (field: string) => field.slice('Objects['.length, -1)

/** Runs `fn` over `items`, at most `limit` at a time; after a failure no new item starts, and the first error is thrown. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      await fn(items[next++]!).catch((e: unknown) => {
        failed = true
        throw e
      })
    }
  }
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker))
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (rejected) throw rejected.reason
}

export function diffSiteFiles(have: ObservedSiteFiles, want: SiteFilesSpec): Change[] {
  const changes: Change[] = []
  for (const [key, file] of Object.entries(want.files).sort(([a], [b]) => a.localeCompare(b))) {
    const object = have.objects[key]
    if (!object) changes.push({ field: fieldOf(key), from: 'absent', to: UPLOAD })
    else if (object.sha256 !== file.sha256) changes.push({ field: fieldOf(key), from: 'changed', to: UPLOAD })
  }
  for (const [key, rec] of Object.entries(have.recorded).sort(([a], [b]) => a.localeCompare(b))) {
    if (want.files[key] || !have.objects[key]) continue
    const keep = want.keepOldFiles && !rec.kept
    changes.push({ field: fieldOf(key), from: 'not in the folder', to: keep ? KEEP : DELETE })
  }
  return changes
}

async function listObjects(ctx: ResourceContext, bucket: string): Promise<Record<string, string>> {
  const s3 = ctx.aws.get(S3Client)
  const etags: Record<string, string> = {}
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }))
    for (const o of page.Contents ?? []) if (o.Key && o.ETag) etags[o.Key] = o.ETag
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return etags
}

/** What a read of the bucket needs from a spec: its name, and which keys are the site's. */
type FilesWanted = Pick<SiteFilesSpec, 'name'> & { files: Record<string, unknown> }

export async function findSiteFiles(
  ctx: ResourceContext,
  spec: FilesWanted,
  recordedFiles: Record<string, RecordedFile>,
): Promise<ObservedSiteFiles> {
  const etags = await listObjects(ctx, spec.name).catch((e: unknown) => {
    // No bucket yet (a dry run before its create): every file would be uploaded.
    if (isNotFound(e)) return {} as Record<string, string>
    throw e
  })
  const objects: ObservedSiteFiles['objects'] = {}
  const unknown: string[] = []
  for (const [key, etag] of Object.entries(etags)) {
    const rec = recordedFiles[key]
    objects[key] = rec?.etag === etag ? { etag, sha256: rec.sha256 } : { etag }
    if (rec?.etag !== etag && spec.files[key]) unknown.push(key)
  }
  // Changed behind infra's back, or a manifest that was lost: the object's own metadata says what it holds.
  const s3 = ctx.aws.get(S3Client)
  await inParallel(unknown, PARALLEL_REQUESTS, async (key) => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: spec.name, Key: key }))
    const sha256 = head.Metadata?.[SHA256_METADATA]
    if (sha256) objects[key] = { etag: objects[key]!.etag, sha256 }
  })
  return { objects, recorded: recordedFiles }
}

async function upload(ctx: ResourceContext, spec: SiteFilesSpec, keys: string[], into: ObservedSiteFiles) {
  const s3 = ctx.aws.get(S3Client)
  const every = Math.max(1, Math.ceil(keys.length / 10))
  let done = 0
  await inParallel(keys, PARALLEL_REQUESTS, async (key) => {
    const file = spec.files[key]!
    const Body = 'path' in file.source ? await readFile(file.source.path) : Buffer.from(file.source.text, 'utf8')
    const out = await s3.send(
      new PutObjectCommand({
        Bucket: spec.name,
        Key: key,
        Body,
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
        Metadata: { [SHA256_METADATA]: file.sha256 },
      }),
    )
    into.objects[key] = { etag: out.ETag ?? '', sha256: file.sha256 }
    done++
    if (done % every === 0 || done === keys.length) ctx.log(`uploaded ${done}/${keys.length} files to ${spec.name}`)
  })
}

async function deleteObjects(ctx: ResourceContext, bucket: string, keys: string[], from: ObservedSiteFiles) {
  const s3 = ctx.aws.get(S3Client)
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH)
    // Versioning keeps the old content as a noncurrent version (expired by the bucket's lifecycle rule).
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    )
    for (const key of batch) delete from.objects[key]
  }
  ctx.log(`deleted ${keys.length} files the folder no longer has from ${bucket}`)
}

/** The site's files in the bucket; none of them there: nothing of ours yet, and the create uploads them all. */
async function siteFilesIn(
  ctx: ResourceContext,
  spec: FilesWanted,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<ObservedSiteFiles>>> {
  const observed = await findSiteFiles(ctx, spec, recordedFiles(recorded))
  const any = Object.keys(spec.files).some((key) => observed.objects[key])
  return any ? [{ observed, id: spec.name }] : []
}

const sameKeys = (a: object, b: object) => {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key))
}

const recordedFiles = (record: ResourceRecord | undefined) =>
  (record?.attributes?.files ?? {}) as Record<string, RecordedFile>

const keysFor = (changes: Change[], to: string) => changes.filter((c) => c.to === to).map((c) => keyOfField(c.field))

export const siteFilesKind: ResourceKind<SiteFilesSpec, ObservedSiteFiles> = {
  kind: SITE_FILES_KIND,
  label: 'site files',
  codePrefix: 'SiteFiles',
  identity: 'name',
  ownership: 'parent',
  // The files are the site's content: kept unless the user asks for data to go (the bucket keeps them anyway).
  dataBearing: true,
  find: async (ctx, spec, recorded) => (spec.newBucket ? [] : siteFilesIn(ctx, spec, recorded)),
  // Read early as the recorded files, which is what find reads while the folder has the same files.
  early: {
    service: 's3',
    read: (ctx, recorded) => siteFilesIn(ctx, { name: recorded.name, files: recordedFiles(recorded) }, recorded),
    covers: (recorded, spec) => sameKeys(recordedFiles(recorded), spec.files),
  },
  diff: diffSiteFiles,
  async create(ctx, spec) {
    // What an earlier release recorded is kept in view, so that the engine's diff after the create deletes it.
    const recorded = recordedFiles(ctx.record.manifest.resources[`${SITE_FILES_KIND}:${spec.logicalId}`])
    const observed = spec.newBucket ? { objects: {}, recorded } : await findSiteFiles(ctx, spec, recorded)
    await upload(ctx, spec, Object.keys(spec.files).sort(), observed)
    return { observed, id: spec.name }
  },
  async apply(ctx, observed, spec, changes) {
    const next: ObservedSiteFiles = { objects: { ...observed.objects }, recorded: { ...observed.recorded } }
    await upload(ctx, spec, keysFor(changes, UPLOAD), next)
    const gone = keysFor(changes, DELETE)
    if (gone.length > 0) await deleteObjects(ctx, spec.name, gone, next)
    for (const key of keysFor(changes, KEEP)) next.recorded[key] = { ...next.recorded[key]!, kept: true }
    return { observed: next }
  },
  async delete(ctx, record) {
    const keys = Object.keys(recordedFiles(record))
    const observed: ObservedSiteFiles = { objects: {}, recorded: {} }
    if (keys.length > 0) await deleteObjects(ctx, record.name, keys, observed)
  },
  attributes(observed, spec) {
    const files: Record<string, RecordedFile> = {}
    for (const key of Object.keys({ ...spec.files, ...observed.recorded }).sort()) {
      const object = observed.objects[key]
      if (!object?.sha256) continue
      if (spec.files[key]) files[key] = { sha256: object.sha256, etag: object.etag }
      else if (observed.recorded[key]?.kept) files[key] = { sha256: object.sha256, etag: object.etag, kept: true }
    }
    return { files }
  },
  describe: (spec) => `${Object.keys(spec.files).length} files`,
}
