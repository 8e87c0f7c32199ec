// A package is reused when nothing that went into it changed: the key covers the build settings, and the entry
// records the content hash of every source file esbuild read (its metafile inputs, SDK files included). An input
// whose stat (size, change time, inode) is what it was when it was hashed, and had been still for a while before, is
// not read again: hashing the ~600 files of six handlers was a tenth of a second on every run.
import { createHash } from 'node:crypto'
import { mkdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { version as esbuildVersion } from 'esbuild'
import writeFileAtomic from 'write-file-atomic'
import type { FunctionPackage } from './index.js'

// Bump when the zip layout, the bundle settings or the entry's fields change in a way the key does not capture.
const CACHE_FORMAT = 2
// A file changed within this long before it was hashed may change again within the same tick of its change time
// (git's "racy" case): its stat is not trusted, and it is read again next time.
const STILL_FOR_MS = 2_000

/** size, change time (ms), inode, and when the stat was taken: what says a file is the one that was hashed. */
type FileStat = [size: number, ctimeMs: number, ino: number, statAt: number]

interface CacheEntry {
  format: number
  /** Input path (relative to the root) → sha256 of its contents. */
  inputs: Record<string, string>
  /** Input path → its stat just before it was read for that hash (absent in entries written before it existed). */
  stats?: Record<string, FileStat>
  codeSha256: string
  files: string[]
  /** What the handler's module exports, checked against the handler name without a rebuild. */
  exports: string[]
}

export interface CachedPackage {
  pkg: FunctionPackage
  exports: string[]
}

const sha256 = (data: Uint8Array | string, encoding: 'hex' | 'base64' = 'hex') =>
  createHash('sha256').update(data).digest(encoding)

export function cacheKey(settings: unknown): string {
  return sha256(JSON.stringify([CACHE_FORMAT, esbuildVersion, settings])).slice(0, 32)
}

async function statOf(file: string): Promise<FileStat> {
  const at = Date.now()
  const s = await stat(file)
  return [s.size, s.ctimeMs, s.ino, at]
}

const sameFile = (now: FileStat, then: FileStat | undefined): boolean =>
  then !== undefined &&
  now[0] === then[0] &&
  now[1] === then[1] &&
  now[2] === then[2] &&
  then[1] < then[3] - STILL_FOR_MS

/** A file's hash, and the stat taken before it was read (a change after it shows as a newer change time next time). */
interface Hashed {
  hash: Promise<string>
  stat: Promise<FileStat>
}

/**
 * Content hashes, each file read once per packaging run: the functions of one config share most of their inputs
 * (the SDK's files), so six handlers cost about the reads of one and a half. `known` (a cache entry's stat and hash
 * of the file) lets a file whose stat is unchanged skip the read.
 */
export class FileHashes {
  private readonly hashed = new Map<string, Hashed>()

  of(file: string, known?: { hash: string; stat: FileStat }): Promise<string> {
    return this.entry(file, known).hash
  }

  statOf(file: string): Promise<FileStat> {
    return this.entry(file).stat
  }

  private entry(file: string, known?: { hash: string; stat: FileStat }): Hashed {
    let entry = this.hashed.get(file)
    if (!entry) {
      const both = statOf(file).then(async (now) =>
        known && sameFile(now, known.stat)
          ? { hash: known.hash, stat: known.stat }
          : { hash: sha256(await readFile(file)), stat: now },
      )
      entry = { hash: both.then((b) => b.hash), stat: both.then((b) => b.stat) }
      // Whichever of the two a caller does not take must not reject unhandled.
      entry.stat.catch(() => undefined)
      this.hashed.set(file, entry)
    }
    return entry
  }
}

interface HashedInputs {
  inputs: Record<string, string>
  stats: Record<string, FileStat>
}

async function hashInputs(
  root: string,
  inputs: string[],
  files: FileHashes,
  known?: CacheEntry,
): Promise<HashedInputs | undefined> {
  try {
    const hashed = await Promise.all(
      inputs.map(async (input) => {
        const file = path.resolve(root, input)
        const was = known?.stats?.[input]
        const hash = await files.of(file, was && { hash: known!.inputs[input]!, stat: was })
        return [input, hash, await files.statOf(file)] as const
      }),
    )
    return {
      inputs: Object.fromEntries(hashed.map(([input, hash]) => [input, hash])),
      stats: Object.fromEntries(hashed.map(([input, , fileStat]) => [input, fileStat])),
    }
  } catch {
    return undefined // an input is gone: the package must be rebuilt
  }
}

export class PackageCache {
  constructor(
    private readonly dir: string,
    private readonly root: string,
    private readonly files = new FileHashes(),
  ) {}

  async lookup(key: string): Promise<CachedPackage | undefined> {
    let entry: CacheEntry
    let zip: Buffer
    try {
      entry = JSON.parse(await readFile(path.join(this.dir, `${key}.json`), 'utf8')) as CacheEntry
      zip = await readFile(path.join(this.dir, `${key}.zip`))
    } catch {
      return undefined
    }
    if (entry.format !== CACHE_FORMAT || sha256(zip, 'base64') !== entry.codeSha256) return undefined
    const now = await hashInputs(this.root, Object.keys(entry.inputs), this.files, entry)
    if (!now || Object.entries(entry.inputs).some(([input, hash]) => now.inputs[input] !== hash)) return undefined
    // Inputs read again (an entry from before stats were kept, or a file touched but unchanged) are recorded with
    // their new stat, so that the next run can trust it.
    const restated = Object.entries(now.stats).some(([input, st]) => String(st) !== String(entry.stats?.[input]))
    if (restated) await this.write(key, { ...entry, stats: now.stats })
    return {
      pkg: { zip, codeSha256: entry.codeSha256, size: zip.length, files: entry.files },
      exports: entry.exports,
    }
  }

  /** Best effort: a cache that cannot be written only makes the next run slower. */
  async store(key: string, inputs: string[], { pkg, exports }: CachedPackage): Promise<void> {
    const hashes = await hashInputs(this.root, inputs, this.files)
    if (!hashes) return
    const entry: CacheEntry = {
      format: CACHE_FORMAT,
      ...hashes,
      codeSha256: pkg.codeSha256,
      files: pkg.files,
      exports,
    }
    try {
      await mkdir(this.dir, { recursive: true })
      await writeFileAtomic(path.join(this.dir, `${key}.zip`), pkg.zip)
    } catch {
      return // ignored on purpose, see above
    }
    await this.write(key, entry)
  }

  /** Best effort too: the entry is written after its zip, so an entry never names a zip that is not there. */
  private async write(key: string, entry: CacheEntry): Promise<void> {
    await writeFileAtomic(path.join(this.dir, `${key}.json`), JSON.stringify(entry)).catch(() => undefined)
  }
}
