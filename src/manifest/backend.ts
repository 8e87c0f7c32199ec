// Where a manifest is kept: `.infra/<env>/` (local, the default) or one S3 object (state.backend "s3"). The store
// (store.ts) owns the manifest's rules — validation, ordering, the journal — and a backend only reads, writes and
// locks; each keeps the store's promise that a write never silently replaces another run's.

/** One writer at a time, with a named holder. */
export interface StateLock {
  /** Held and not lost: changes may be written. */
  readonly held: boolean
  /** Returns false when this instance already held the lock; throws StateLocked naming a live holder. */
  acquire(command: string): Promise<boolean>
  unlock(): Promise<void>
  /** Cheap check before applying a change in memory. */
  assertHeld(): void
  /** Before each write: nobody took the lock over. */
  verify(): Promise<void>
}

export interface ManifestBackend {
  /** The manifest as the user finds it: an absolute path, or `s3://bucket/key`. */
  readonly file: string
  /** The manifest as messages show it (a path relative to the working directory when inside it). */
  readonly location: string
  readonly lock: StateLock
  /** The stored text, undefined when there is none. A backend with conditional writes remembers what it read. */
  read(): Promise<string | undefined>
  /** Stores a new version; `firstOfLock` is the run's first write. Failures are StateErrors naming what to do. */
  write(text: string, firstOfLock: boolean): Promise<void>
  /** Keeps a corrupt manifest for inspection before a fresh one replaces it; says where. */
  setAsideCorrupt(stamp: string): Promise<string>
  /** The first half of a corrupt manifest's hint: how to restore the previous version, ending in "or rerun". */
  restoreAdvice(): Promise<string>
  /** How to put aside a manifest that belongs to another service or environment. */
  moveAsideAdvice(): string
  /** Releases what the backend holds open (its SDK clients). */
  close?(): void
}
