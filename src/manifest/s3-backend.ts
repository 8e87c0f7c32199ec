import type { AwsClients } from '../aws/clients.js'
import { StateError } from '../errors/index.js'
import {
  ConditionFailed,
  readStateObject,
  stateObjectAt,
  writeStateObject,
  type StateObjectAddress,
} from '../resources/s3/state-object.js'
import type { ManifestBackend } from './backend.js'
import { stateFailure } from './s3-errors.js'
import { S3Lock, type LeaseOptions } from './s3-lock.js'

// The manifest as one S3 object (`<prefix>/manifest.json`) in a versioned bucket: every write names the ETag it
// replaces (the first one asks that nothing be there), so a write based on a stale copy is refused, never lost; the
// bucket's versions are the backup and the history. The lock is `<prefix>/lock.json` (s3-lock.ts).

export interface S3StateLocation {
  bucket: string
  /** Without leading or trailing slashes, e.g. `infra/chat/production`. */
  prefix: string
  region: string
}

export const stateKeys = (prefix: string) => ({ manifest: `${prefix}/manifest.json`, lock: `${prefix}/lock.json` })

export class S3Backend implements ManifestBackend {
  readonly lock: S3Lock
  private readonly object: StateObjectAddress
  /** The ETag of the version this run last read or wrote; undefined: there was none. */
  private etag?: string

  constructor(
    private readonly aws: AwsClients,
    private readonly where: S3StateLocation,
    private readonly env: string,
    lease: LeaseOptions = {},
  ) {
    const keys = stateKeys(where.prefix)
    this.object = stateObjectAt(aws, where.region, where.bucket, keys.manifest)
    const lockAt = stateObjectAt(aws, where.region, where.bucket, keys.lock)
    this.lock = new S3Lock(lockAt, `s3://${where.bucket}/${keys.lock}`, env, lease)
  }

  get file(): string {
    return `s3://${this.where.bucket}/${this.object.key}`
  }

  get location(): string {
    return this.file
  }

  async read(): Promise<string | undefined> {
    const found = await readStateObject(this.object).catch((e: unknown) => {
      throw stateFailure('reading', this.location, e, this.env)
    })
    this.etag = found?.etag
    return found?.text
  }

  async write(text: string): Promise<void> {
    try {
      this.etag = await writeStateObject(this.object, text, this.etag ? { ifMatch: this.etag } : { ifAbsent: true })
    } catch (e) {
      if (!(e instanceof ConditionFailed)) throw stateFailure('writing', this.location, e, this.env)
      // A write whose response was lost and that the SDK sent again meets its own ETag: it is there, and ours.
      const now = await readStateObject(this.object).catch(() => undefined)
      if (now?.text === text) {
        this.etag = now.etag
        return
      }
      throw new StateError(
        'ManifestChanged',
        `writing manifest (${this.location}): it changed since this run read it (another run wrote it); this change was not written`,
        {
          hint: `Another run may be changing this environment, or the lock was removed: check \`infra status --env ${this.env}\`, then rerun; resources created meanwhile are found again by name and tags.`,
          cause: e,
        },
      )
    }
  }

  setAsideCorrupt(): Promise<string> {
    // Versioning keeps it: the next write makes it a noncurrent version, nothing is deleted.
    return Promise.resolve(`${this.location} (the corrupt version stays in the bucket's version history)`)
  }

  restoreAdvice(): Promise<string> {
    const { bucket } = this.where
    return Promise.resolve(
      `Restore an earlier version from the bucket's history (\`aws s3api list-object-versions --bucket ${bucket} --prefix ${this.object.key}\`, then \`aws s3api copy-object --bucket ${bucket} --key ${this.object.key} --copy-source ${bucket}/${this.object.key}?versionId=<id>\`), or rerun`,
    )
  }

  moveAsideAdvice(): string {
    return `point state.prefix elsewhere (it is ${this.where.prefix})`
  }

  close(): void {
    this.aws.destroy()
  }
}
