import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { ManifestPaths } from './paths.js'

// The lock directory `.infra/<env>/lock` as proper-lockfile sees it, plus the holder record inside it. The lock dir is
// created from a temporary dir that already contains `holder.json`, so a lock never exists without the record that
// names its holder; it disappears in one step too (renamed away, then deleted).

const HOLDER_FILE = 'holder.json'

const lockHolderSchema = z.object({
  pid: z.int(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** Tells this acquisition apart from an earlier one by the same pid. */
  token: z.string(),
})
export type LockHolder = z.infer<typeof lockHolderSchema>

export interface LockState {
  holder?: LockHolder
  mtimeMs: number
}

export async function inspectLock(paths: ManifestPaths): Promise<LockState | undefined> {
  try {
    const { mtimeMs } = await stat(paths.lock)
    return { mtimeMs, holder: readHolder(paths.lock) }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/**
 * Renames the lock dir away, so it disappears in one step, and deletes it; with `onlyToken`, a lock dir found to belong
 * to another holder is put back instead. Synchronous because proper-lockfile's exit handler needs it.
 */
export function removeLockDirSync(target: string, onlyToken?: string): void {
  const aside = `${target}.${randomUUID()}.released`
  fs.renameSync(target, aside)
  if (onlyToken !== undefined && readHolder(aside)?.token !== onlyToken) {
    try {
      fs.renameSync(aside, target)
    } catch {
      // Someone locked meanwhile; the holder we moved finds out before its next write (verify()).
    }
    return
  }
  fs.rmSync(aside, { recursive: true, force: true })
}

export function readHolder(lockDir: string): LockHolder | undefined {
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(fs.readFileSync(path.join(lockDir, HOLDER_FILE), 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

// The fs proper-lockfile uses for the lock dir (stat and utimes are the real ones):
// - mkdir places a dir that already holds holder.json. It fails when the lock dir exists, even empty (a rename onto an
//   empty dir would succeed), as mkdir would.
// - rmdir, before we hold the lock, removes a stale lock (proper-lockfile's own staleness); once we hold it (release,
//   exit), it removes the lock dir only if it still carries our token: a lock that was taken from us is not ours to
//   remove (rule 25: unlock only if the stored lock ID matches).
export function lockFs(holder: LockHolder) {
  type Callback = (err: NodeJS.ErrnoException | null) => void
  let placed = false
  const exists = () => Object.assign(new Error('the lock directory exists'), { code: 'EEXIST' })
  const placeLockDir = async (target: string): Promise<void> => {
    if (fs.existsSync(target)) throw exists()
    const staging = `${target}.${holder.token}.tmp`
    await mkdir(staging)
    try {
      await writeFile(path.join(staging, HOLDER_FILE), `${JSON.stringify(holder, null, 2)}\n`)
      await rename(staging, target)
    } catch (e) {
      await rm(staging, { recursive: true, force: true })
      throw fs.existsSync(target) ? exists() : e
    }
    placed = true
  }
  const remove = (target: string) => removeLockDirSync(target, placed ? holder.token : undefined)
  return {
    ...fs,
    mkdir: (target: string, cb: Callback) => void placeLockDir(target).then(() => cb(null), cb),
    rmdir: (target: string, cb: Callback) => {
      try {
        remove(target)
        cb(null)
      } catch (e) {
        cb(e as NodeJS.ErrnoException)
      }
    },
    rmdirSync: remove,
  }
}
