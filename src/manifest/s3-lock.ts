import { randomUUID } from 'node:crypto'
import os from 'node:os'
import { z } from 'zod'
import { StateError } from '../errors/index.js'
import {
  ConditionFailed,
  deleteStateObject,
  readStateObject,
  writeStateObject,
  type StateObject,
  type StateObjectAddress,
} from '../resources/s3/state-object.js'
import type { StateLock } from './backend.js'
import { stateFailure } from './s3-errors.js'

// The remote state's lock: an object created with If-None-Match: *, naming its holder and the length of its lease.
// The holder renews the lease (a conditional rewrite, on a timer) while it runs; a lock not renewed within its lease
// belongs to a run that died (a CI job killed mid-run) and is taken over with a message naming it. Expiry is judged
// from the object's LastModified (S3's clock), so only this machine's clock matters, never the old holder's.

export const LEASE_MS = 60_000
/** Renewed three times per lease: one failed renewal (a network blip) does not lose the lock. */
const RENEWALS_PER_LEASE = 3
/** Two takers may race for an expired lock, and a lock may be released between two reads. */
const ACQUIRE_ATTEMPTS = 3

export interface Clock {
  now(): number
}

const holderSchema = z.object({
  user: z.string(),
  host: z.string(),
  pid: z.int(),
  command: z.string(),
  startedAt: z.string(),
  token: z.string(),
})
export type RemoteLockHolder = z.infer<typeof holderSchema>

const lockRecordSchema = z.object({ holder: holderSchema, leaseMs: z.int().positive() })

/** A lock as found: its holder (undefined when the object does not parse), lease and when it was last renewed. */
export interface RemoteLockState {
  holder?: RemoteLockHolder
  leaseMs: number
  renewedAt: Date
  expired: boolean
  etag: string
}

export interface LeaseOptions {
  leaseMs?: number
  clock?: Clock
  /** Where the takeover notice and a lost lease are reported (stderr). */
  warn?: (message: string) => void
}

export function describeHolder(h: RemoteLockHolder): string {
  return `${h.user} (pid ${h.pid} on ${h.host}, ${h.command}, since ${h.startedAt})`
}

export class S3Lock implements StateLock {
  private etag?: string
  private body?: string
  private renewedAt = 0
  private timer?: NodeJS.Timeout
  private lost?: string
  private readonly leaseMs: number
  private readonly clock: Clock
  private readonly warn: (message: string) => void

  constructor(
    private readonly at: StateObjectAddress,
    /** `s3://bucket/key` of the lock, for messages. */
    readonly location: string,
    private readonly env: string,
    opts: LeaseOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS
    this.clock = opts.clock ?? { now: () => Date.now() }
    this.warn = opts.warn ?? ((m) => process.stderr.write(`infra: ${m}\n`))
  }

  get held(): boolean {
    return this.etag !== undefined && this.lost === undefined
  }

  /** What the lock object holds now, or undefined when nobody holds the lock. For `infra unlock`. */
  async inspect(): Promise<RemoteLockState | undefined> {
    const seen = await this.guard('reading', readStateObject(this.at))
    return seen && this.judge(seen)
  }

  /** `infra unlock`: removes the lock as it was inspected; one that changed meanwhile (renewed, replaced) is kept. */
  async remove(seen: RemoteLockState): Promise<boolean> {
    try {
      await this.guard('unlocking', deleteStateObject(this.at, seen.etag))
      return true
    } catch (e) {
      if (e instanceof ConditionFailed) return false
      throw e
    }
  }

  async acquire(command: string): Promise<boolean> {
    this.assertNotLost()
    if (this.etag) return false
    const holder: RemoteLockHolder = {
      user: currentUser(),
      host: os.hostname(),
      pid: process.pid,
      command,
      startedAt: new Date(this.clock.now()).toISOString(),
      token: randomUUID(),
    }
    const body = `${JSON.stringify({ holder, leaseMs: this.leaseMs }, null, 2)}\n`
    for (let attempt = 1; ; attempt++) {
      const seen = attempt === 1 ? undefined : await this.inspect()
      if (seen?.holder?.token === holder.token) {
        // Our own create, whose response was lost and which the SDK sent again.
        this.etag = seen.etag
        break
      }
      if (seen && !seen.expired) throw this.lockedError(seen)
      try {
        this.etag = await this.guard(
          'locking',
          writeStateObject(this.at, body, seen ? { ifMatch: seen.etag } : { ifAbsent: true }),
        )
      } catch (e) {
        if (e instanceof ConditionFailed && attempt < ACQUIRE_ATTEMPTS) continue
        if (e instanceof ConditionFailed) throw this.lockedError(await this.inspect())
        throw e
      }
      if (seen) this.warn(`took over the lock on ${this.location} from ${this.who(seen)}: ${this.expiry(seen)}`)
      break
    }
    this.body = body
    this.renewedAt = this.clock.now()
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / RENEWALS_PER_LEASE)))
    this.timer.unref()
    return true
  }

  /** Extends the lease (the timer calls it). A lock taken over or removed meanwhile is lost: nothing more is written. */
  async renew(): Promise<void> {
    if (!this.etag || !this.body || this.lost) return
    try {
      this.etag = await writeStateObject(this.at, this.body, { ifMatch: this.etag })
      this.renewedAt = this.clock.now()
    } catch (e) {
      if (e instanceof ConditionFailed) this.markLost('it was removed or taken over by another run')
      // Anything else (the network): verify() refuses to write once the lease may have run out.
    }
  }

  async unlock(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    const etag = this.etag
    this.etag = undefined
    this.body = undefined
    if (!etag || this.lost) return
    try {
      await deleteStateObject(this.at, etag)
    } catch (e) {
      // Taken over meanwhile: it is not ours to remove.
      if (e instanceof ConditionFailed) return
      throw new StateError('StateUnlockFailed', `unlocking state (${this.location}): ${(e as Error).message}`, {
        hint: `The lock expires ${this.leaseMs / 1000} s after its last renewal; or remove it now with \`infra unlock --env ${this.env}\`.`,
        cause: e,
      })
    }
  }

  assertHeld(): void {
    this.assertNotLost()
    if (!this.etag) {
      throw new StateError(
        'ManifestNotLocked',
        `writing state (${this.location}): the state is not locked by this run`,
        {
          hint: 'This is a bug in infra (a change without lock()); rerun the command and report it with `infra --version`.',
        },
      )
    }
  }

  /** No call to S3: past its lease without a renewal, another run may have taken the lock, so nothing is written. */
  async verify(): Promise<void> {
    this.assertHeld()
    const silentMs = this.clock.now() - this.renewedAt
    if (silentMs > this.leaseMs) {
      this.markLost(`the lease was not renewed for ${Math.round(silentMs / 1000)} s`)
      this.assertNotLost()
    }
  }

  private judge(seen: StateObject): RemoteLockState {
    let record: z.infer<typeof lockRecordSchema> | undefined
    try {
      const parsed = lockRecordSchema.safeParse(JSON.parse(seen.text))
      record = parsed.success ? parsed.data : undefined
    } catch {
      record = undefined
    }
    // A lock object that does not parse (written by hand?) gets the default lease: it expires like any other.
    const leaseMs = record?.leaseMs ?? this.leaseMs
    return {
      ...(record ? { holder: record.holder } : {}),
      leaseMs,
      renewedAt: seen.lastModified,
      expired: seen.lastModified.getTime() + leaseMs < this.clock.now(),
      etag: seen.etag,
    }
  }

  private who(seen: RemoteLockState | undefined): string {
    return seen?.holder ? describeHolder(seen.holder) : `an unknown holder (${this.location} has no holder record)`
  }

  private expiry(seen: RemoteLockState): string {
    const until = new Date(seen.renewedAt.getTime() + seen.leaseMs).toISOString()
    return seen.expired ? `its lease expired at ${until}` : `its lease runs until ${until} unless renewed`
  }

  private lockedError(seen: RemoteLockState | undefined): StateError {
    return new StateError('StateLocked', `the state (${this.location}) is locked by ${this.who(seen)}`, {
      hint:
        `Wait for that run to finish, then rerun${seen ? `; ${this.expiry(seen)}` : ''}. ` +
        `If that run is gone, its lock expires on its own; to remove it now: \`infra unlock --env ${this.env}\`.`,
    })
  }

  private markLost(reason: string): void {
    if (this.lost) return
    this.lost = reason
    clearInterval(this.timer)
    this.warn(`lost the lock on ${this.location} (${reason}); nothing more will be written to the state`)
  }

  private assertNotLost(): void {
    if (!this.lost) return
    throw new StateError(
      'LockCompromised',
      `writing state (${this.location}): the lock was lost during the run (${this.lost})`,
      {
        hint: 'Another run may be changing this environment: check with `infra status`, then rerun with `--refresh` to bring the manifest up to date from AWS.',
      },
    )
  }

  private async guard<T>(doing: string, call: Promise<T>): Promise<T> {
    return call.catch((e: unknown) => {
      throw stateFailure(doing, this.location, e, this.env)
    })
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username
  } catch {
    // No passwd entry for the uid (some containers).
    return process.env.USER ?? 'unknown'
  }
}
