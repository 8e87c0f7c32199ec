import { access, readFile, rename } from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'
import { StateError } from '../errors/index.js'
import type { ManifestBackend } from './backend.js'
import { ManifestLock } from './lock.js'
import { displayPath, manifestPaths, shellQuote, type ManifestPaths } from './paths.js'

// `.infra/<env>/manifest.json`: written atomically (write-file-atomic: temp file, fsync, rename), the copy a run found
// kept as `manifest.json.backup` at its first write, guarded by the lock directory (lock.ts).
export class LocalBackend implements ManifestBackend {
  readonly lock: ManifestLock
  private readonly paths: ManifestPaths

  constructor(
    dir: string,
    private readonly env: string,
  ) {
    this.paths = manifestPaths(dir)
    this.lock = new ManifestLock(this.paths)
  }

  get file(): string {
    return this.paths.manifest
  }

  get location(): string {
    return displayPath(this.paths.manifest)
  }

  async read(): Promise<string | undefined> {
    try {
      return await readFile(this.paths.manifest, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new StateError('ManifestUnreadable', `reading manifest (${this.location}): ${(e as Error).message}`, {
        hint: `Check the permissions of ${displayPath(this.paths.dir)}, then rerun \`infra status --env ${this.env}\`.`,
        cause: e,
      })
    }
  }

  async write(text: string, firstOfLock: boolean): Promise<void> {
    try {
      // Once per lock (per run): the manifest as the run found it. Backing up before every write would only keep the
      // state one change ago, which the atomic rename already protects.
      if (firstOfLock) await this.backup()
      await writeFileAtomic(this.paths.manifest, text)
    } catch (e) {
      throw new StateError('ManifestWriteFailed', `writing manifest (${this.location}): ${(e as Error).message}`, {
        hint: `Check free space and permissions of ${displayPath(this.paths.dir)}, then rerun \`infra deploy-all --env ${this.env}\`; resources created meanwhile are found again by name and tags.`,
        cause: e,
      })
    }
  }

  async setAsideCorrupt(stamp: string): Promise<string> {
    // Only under the lock: the corrupt file is kept for inspection, never deleted.
    const keptAs = `${this.paths.manifest}.corrupt-${stamp}`
    await rename(this.paths.manifest, keptAs)
    return keptAs
  }

  /** After `state migrate --to s3`: the local copy is renamed, so that nothing reads it by mistake later. */
  async retire(stamp: string): Promise<string> {
    const keptAs = `${this.paths.manifest}.migrated-${stamp}`
    await rename(this.paths.manifest, keptAs)
    return displayPath(keptAs)
  }

  async restoreAdvice(): Promise<string> {
    const { backup, manifest } = this.paths
    const hasBackup = await access(backup).then(
      () => true,
      () => false,
    )
    return hasBackup
      ? `Restore the previous version with \`cp ${shellQuote(displayPath(backup))} ${shellQuote(displayPath(manifest))}\`, or rerun`
      : `There is no backup (${displayPath(backup)}) to restore; rerun`
  }

  moveAsideAdvice(): string {
    return `move ${shellQuote(displayPath(this.paths.dir))} aside`
  }

  private async backup(): Promise<void> {
    try {
      await writeFileAtomic(this.paths.backup, await readFile(this.paths.manifest))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
}
