import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import os from 'node:os'
import lockfile from 'proper-lockfile'
import { StateError } from '../errors/index.js'
import { inspectLock, lockFs, readHolder, removeLockDirSync, type LockHolder, type LockState } from './lock-dir.js'
import { displayPath, manifestPaths, shellQuote, type ManifestPaths } from './paths.js'

export type { LockHolder, LockState } from './lock-dir.js'

// One writer per `.infra/<env>`. proper-lockfile owns the lock directory (mkdir is atomic; its mtime is refreshed every
// LOCK_UPDATE_MS and a lock not refreshed for LOCK_STALE_MS is stale) and removes it on exit through signal-exit, so
// we add no exit handler of our own. We add the holder record (lock-dir.ts) and the takeover of a dead holder's lock.

export const LOCK_STALE_MS = 10_000
export const LOCK_UPDATE_MS = 2_000
/** Other takers wait this long for the one replacing a dead holder's lock. */
const TAKEOVER_RETRIES = { retries: 20, factor: 1.5, minTimeout: 10, maxTimeout: 100 }
// Locks this process holds (or is acquiring). A holder with our own pid but an unknown token is an earlier process
// whose pid we were given again, as containers do when every run is pid 1.
const ownTokens = new Set<string>()

/** What is in the lock dir right now, or undefined when nobody holds the lock. For `status`. */
export async function readLock(dir: string): Promise<LockState | undefined> {
  return inspectLock(manifestPaths(dir))
}

export class ManifestLock {
  private release?: () => Promise<void>
  private holder?: LockHolder
  private lost?: Error

  constructor(private readonly paths: ManifestPaths) {}

  get held(): boolean {
    return this.release !== undefined && this.lost === undefined
  }

  /** Returns false when this instance already held the lock. */
  async acquire(command: string): Promise<boolean> {
    this.assertNotLost()
    if (this.release) return false
    await mkdir(this.paths.dir, { recursive: true })
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      command,
      startedAt: new Date().toISOString(),
      token: randomUUID(),
    }
    ownTokens.add(holder.token)
    try {
      this.release = await this.lockOrTakeOver(holder)
    } catch (e) {
      ownTokens.delete(holder.token)
      throw e
    }
    this.holder = holder
    return true
  }

  async unlock(): Promise<void> {
    const { release, holder } = this
    this.release = undefined
    this.holder = undefined
    if (!release) return
    try {
      await release()
    } catch (e) {
      // ERELEASED: the lock was compromised and may be someone else's by now; it is not ours to remove.
      if (errorCode(e) !== 'ERELEASED') throw lockError('StateUnlockFailed', this.paths, 'unlocking', e)
    } finally {
      if (holder) ownTokens.delete(holder.token)
    }
  }

  /** Cheap check before applying a change in memory. */
  assertHeld(): void {
    this.assertNotLost()
    if (!this.release) {
      throw new StateError(
        'ManifestNotLocked',
        `writing manifest (${displayPath(this.paths.manifest)}): the manifest is not locked by this run`,
        {
          hint: 'This is a bug in infra (a change without lock()); rerun the command and report it with `infra --version`.',
        },
      )
    }
  }

  /** Before each write: the lock dir still carries our holder record, so nobody took the lock over. */
  async verify(): Promise<void> {
    this.assertHeld()
    const now = readHolder(this.paths.lock)
    if (now?.token !== this.holder?.token) {
      this.markLost(new Error(now ? `it is now held by pid ${now.pid} on ${now.host}` : 'the lock directory is gone'))
      this.assertNotLost()
    }
  }

  private async lockOrTakeOver(holder: LockHolder): Promise<() => Promise<void>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await lockfile.lock(this.paths.lock, {
          lockfilePath: this.paths.lock,
          stale: LOCK_STALE_MS,
          update: LOCK_UPDATE_MS,
          retries: 0,
          realpath: false,
          fs: lockFs(holder),
          onCompromised: (err) => this.markLost(err),
        })
      } catch (e) {
        if (errorCode(e) !== 'ELOCKED') throw lockError('StateLockFailed', this.paths, 'locking', e)
        const seen = await inspectLock(this.paths)
        if (attempt < 2 && !seen) continue // released meanwhile
        if (attempt < 2 && seen && isAbandoned(seen.holder)) {
          await takeOver(this.paths, seen)
          continue
        }
        throw lockedError(this.paths, seen?.holder)
      }
    }
  }

  private markLost(err: Error): void {
    if (this.lost) return
    this.lost = err
    process.stderr.write(
      `infra: lost the lock on ${displayPath(this.paths.dir)} (${err.message}); nothing more will be written to its manifest\n`,
    )
  }

  private assertNotLost(): void {
    if (!this.lost) return
    throw new StateError(
      'LockCompromised',
      `writing manifest (${displayPath(this.paths.manifest)}): the lock was lost during the run (${this.lost.message})`,
      {
        hint: 'Another run may be changing this environment: check with `infra status`, then rerun with `--refresh` to bring the manifest up to date from AWS.',
        cause: this.lost,
      },
    )
  }
}

/** Our holder is dead if it ran on this host and its pid is gone (or is ours, reused by this process). */
function isAbandoned(holder: LockHolder | undefined): boolean {
  if (!holder || holder.host !== os.hostname()) return false
  if (holder.pid === process.pid) return !ownTokens.has(holder.token)
  try {
    process.kill(holder.pid, 0)
    return false
  } catch (e) {
    return errorCode(e) === 'ESRCH' // EPERM: alive, owned by another user
  }
}

// Replaces the lock we judged dead, unless it changed meanwhile: like proper-lockfile's own stale check, compare the
// lock dir's mtime (a live holder refreshes it) and the holder's token (a new holder has another one).
async function takeOver(paths: ManifestPaths, seen: LockState): Promise<void> {
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(paths.takeover, {
      lockfilePath: paths.takeover,
      stale: LOCK_STALE_MS,
      retries: TAKEOVER_RETRIES,
      realpath: false,
      onCompromised: () => {},
    })
  } catch (e) {
    if (errorCode(e) === 'ELOCKED') return // another taker is stuck; the caller reports the lock as held
    throw lockError('StateLockFailed', paths, 'locking', e)
  }
  try {
    const now = await inspectLock(paths)
    if (!now || now.mtimeMs !== seen.mtimeMs || now.holder?.token !== seen.holder?.token) return
    // A lock placed by proper-lockfile's stale logic between our check and now is put back.
    removeLockDirSync(paths.lock, seen.holder?.token)
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw lockError('StateLockFailed', paths, 'locking', e)
  } finally {
    await release().catch(() => {})
  }
}

function lockedError(paths: ManifestPaths, holder: LockHolder | undefined): StateError {
  const lockDir = shellQuote(displayPath(paths.lock))
  const who = holder
    ? `pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.startedAt})`
    : `an unknown process (no holder record in ${displayPath(paths.lock)})`
  const local = holder?.host === os.hostname()
  return new StateError('StateLocked', `${displayPath(paths.dir)} is locked by ${who}`, {
    hint:
      `Wait for that run to finish, then rerun${local ? ` (or stop it: \`kill ${holder?.pid}\`)` : ''}. ` +
      `A lock its holder no longer refreshes expires after ${LOCK_STALE_MS / 1000} s; if that process is gone on ` +
      `another machine and the lock remains, remove it with \`rm -r ${lockDir}\` and rerun.`,
  })
}

function lockError(code: string, paths: ManifestPaths, doing: string, cause: unknown): StateError {
  return new StateError(code, `${doing} manifest (${displayPath(paths.dir)}): ${(cause as Error).message}`, {
    hint: `Check that ${displayPath(paths.dir)} is writable, then rerun the command.`,
    cause,
  })
}

function errorCode(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code
}
