import { randomBytes } from 'node:crypto'
import { StateError } from '../errors/index.js'
import type { ManifestBackend } from './backend.js'
import { LocalBackend } from './local-backend.js'
import { load, type Loaded, type OpenOptions } from './load.js'
import { parseManifestText, serializeManifest } from './schema.js'
import {
  HISTORY_LIMIT,
  type Manifest,
  type ManifestIdentity,
  type PendingOperation,
  type ResourceRecord,
} from './types.js'

export type { OpenOptions } from './load.js'

export type NewResourceRecord = Omit<ResourceRecord, 'createdAt' | 'updatedAt'> &
  Partial<Pick<ResourceRecord, 'createdAt'>>

interface Waiter {
  seq: number
  resolve: () => void
  reject: (e: unknown) => void
}

// The manifest of one environment, kept by a backend (local `.infra/<env>/manifest.json`, or an S3 object). Changes
// are applied in memory in call order and persisted before their promise resolves. Changes made while a write is in flight share the next write, so
// steps running in parallel cost one write per burst rather than one per change, and none is lost.
export class ManifestStore {
  private m: Manifest
  private text: string
  private loaded: Loaded
  private applied = 0
  private saved = 0
  private writing = false
  private waiters: Waiter[] = []
  private wroteUnderLock = false

  private constructor(
    readonly backend: ManifestBackend,
    private readonly identity: ManifestIdentity,
    private readonly opts: OpenOptions,
    loaded: Loaded,
  ) {
    this.loaded = loaded
    this.m = loaded.manifest
    this.text = serializeManifest(loaded.manifest)
  }

  /** Reads `<dir>/manifest.json` without locking it (enough for plan and status); call lock() before changing it. */
  static open(dir: string, identity: ManifestIdentity, opts: OpenOptions = {}): Promise<ManifestStore> {
    return ManifestStore.openWith(new LocalBackend(dir, identity.env), identity, opts)
  }

  /** The same, from any backend. */
  static async openWith(
    backend: ManifestBackend,
    identity: ManifestIdentity,
    opts: OpenOptions = {},
  ): Promise<ManifestStore> {
    return new ManifestStore(backend, identity, opts, await load(backend, identity, { setAside: false, ...opts }))
  }

  private get lockHandle() {
    return this.backend.lock
  }

  /** The current copy. Each change replaces it, so a reference kept across a change is a stable snapshot. */
  get manifest(): Readonly<Manifest> {
    return this.m
  }

  /** A manifest file was there when opened (or locked). */
  get exists(): boolean {
    return this.loaded.exists
  }

  /** Set when the file was corrupt and `discardCorrupt` started afresh; `keptAs` once lock() has set it aside. */
  get corruption(): Readonly<{ problem: string; keptAs?: string }> | undefined {
    return this.loaded.corruption
  }

  /** This store holds the lock and has not lost it: changes are allowed. */
  get locked(): boolean {
    return this.lockHandle.held
  }

  get file(): string {
    return this.backend.file
  }

  /**
   * Takes the lock, then reads the manifest again: another run may have changed it since open(). Resolves to whether
   * it had (what was read from the opened copy describes an older state).
   */
  async lock(holder: { command: string }): Promise<{ changed: boolean }> {
    if (!(await this.lockHandle.acquire(holder.command))) return { changed: false }
    try {
      this.loaded = await load(this.backend, this.identity, { ...this.opts, setAside: true })
    } catch (e) {
      await this.lockHandle.unlock()
      throw e
    }
    const opened = this.text
    this.m = this.loaded.manifest
    this.text = serializeManifest(this.m)
    this.wroteUnderLock = false
    return { changed: this.text !== opened }
  }

  /** Waits for pending writes, then releases the lock (its dir and holder record go together). */
  async unlock(): Promise<void> {
    await this.settled()
    await this.lockHandle.unlock()
  }

  /** The end of a run: pending writes, the lock, and what the backend holds open. */
  async close(): Promise<void> {
    try {
      await this.unlock()
    } finally {
      this.backend.close?.()
    }
  }

  update(mutate: (m: Manifest) => void): Promise<void> {
    return this.change(mutate)
  }

  /** Write-ahead: the operation about to be sent for `key`, resolved by lookup if the process dies before recording. */
  journal(key: string, op: PendingOperation): Promise<void> {
    return this.change((m) => {
      m.pending[key] = op
    })
  }

  recordResource(key: string, rec: NewResourceRecord): Promise<void> {
    return this.change((m) => {
      const now = new Date().toISOString()
      m.resources[key] = { ...rec, createdAt: rec.createdAt ?? m.resources[key]?.createdAt ?? now, updatedAt: now }
      delete m.pending[key]
    })
  }

  forgetResource(key: string): Promise<void> {
    return this.change((m) => {
      delete m.resources[key]
      delete m.pending[key]
    })
  }

  clearPending(key: string): Promise<void> {
    return this.change((m) => {
      delete m.pending[key]
    })
  }

  stepStarted(step: string, inputHash: string): Promise<void> {
    return this.change((m) => {
      const outputs = m.steps[step]?.outputs ?? {}
      m.steps[step] = { status: 'running', inputHash, startedAt: new Date().toISOString(), outputs }
    })
  }

  stepFinished(step: string, outputs: object, inputHash: string): Promise<void> {
    return this.change((m) => {
      const { startedAt } = m.steps[step] ?? {}
      m.steps[step] = {
        status: 'done',
        inputHash,
        startedAt,
        finishedAt: new Date().toISOString(),
        outputs: { ...outputs },
      }
    })
  }

  stepFailed(step: string, error: { code: string; message: string }): Promise<void> {
    return this.change((m) => {
      const prev = m.steps[step] ?? { outputs: {} }
      m.steps[step] = { ...prev, status: 'failed', error, finishedAt: new Date().toISOString() }
    })
  }

  async runStarted(command: string): Promise<string> {
    const startedAt = new Date().toISOString()
    const id = `${startedAt.replace(/[-:]|\.\d+/g, '')}-${randomBytes(3).toString('hex')}`
    await this.change((m) => {
      m.history.push({ id, command, startedAt, status: 'running', steps: {} })
      trimHistory(m)
    })
    return id
  }

  runFinished(runId: string, status: 'succeeded' | 'failed', steps: Record<string, string>): Promise<void> {
    return this.change((m) => {
      const finishedAt = new Date().toISOString()
      const run = m.history.find((r) => r.id === runId)
      if (run) Object.assign(run, { status, steps, finishedAt })
      else m.history.push({ id: runId, command: '', startedAt: finishedAt, finishedAt, status, steps })
      trimHistory(m)
    })
  }

  // Applies the change to a copy synchronously (so call order is the order of changes), checks that the result would
  // load again, then queues the write. A change that throws or yields an invalid manifest is rejected and leaves the
  // manifest as it was.
  private change(mutate: (m: Manifest) => void): Promise<void> {
    try {
      this.lockHandle.assertHeld()
      const draft = structuredClone(this.m)
      // An async function would go on changing the draft after it was written.
      if ((mutate(draft) as unknown) instanceof Promise)
        throw invalidChange(this.backend.location, 'update() needs a synchronous function')
      draft.updatedAt = new Date().toISOString()
      const text = serializeManifest(draft)
      const parsed = parseManifestText(text)
      if (!parsed.ok)
        throw invalidChange(this.backend.location, 'problem' in parsed ? parsed.problem : `version ${parsed.tooNew}`)
      this.m = parsed.manifest
      this.text = text
    } catch (e) {
      return Promise.reject(e)
    }
    const seq = ++this.applied
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }))
    if (!this.writing) void this.writeLoop()
    return done
  }

  private async writeLoop(): Promise<void> {
    this.writing = true
    try {
      while (this.saved < this.applied) {
        const seq = this.applied
        const text = this.text
        let failure: unknown
        try {
          await this.lockHandle.verify()
          await this.backend.write(text, !this.wroteUnderLock)
          this.wroteUnderLock = true
        } catch (e) {
          failure = e
        }
        // A failed write is reported to the changes it carried; they stay in memory and go out with the next write.
        this.saved = seq
        const batch = this.waiters.filter((w) => w.seq <= seq)
        this.waiters = this.waiters.filter((w) => w.seq > seq)
        for (const w of batch) {
          if (failure === undefined) w.resolve()
          else w.reject(failure)
        }
      }
    } finally {
      this.writing = false
    }
  }

  private settled(): Promise<void> {
    if (this.saved >= this.applied) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ seq: this.applied, resolve, reject: () => resolve() }))
  }
}

function trimHistory(m: Manifest): void {
  if (m.history.length > HISTORY_LIMIT) m.history.splice(0, m.history.length - HISTORY_LIMIT)
}

function invalidChange(location: string, problem: string): StateError {
  return new StateError('ManifestInvalidChange', `recording in manifest (${location}): ${problem}`, {
    hint: 'This is a bug in infra (the change was not written); rerun the command and report it with `infra --version`.',
  })
}
