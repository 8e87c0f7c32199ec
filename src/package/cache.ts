// A package is reused when nothing that went into it changed: the key covers the build settings, and the entry
// records the content hash of every source file esbuild read (its metafile inputs, SDK files included). Hashing
// those files takes a fraction of a rebuild, which is what makes a no-op deploy fast.
import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { version as esbuildVersion } from 'esbuild'
import writeFileAtomic from 'write-file-atomic'
import type { FunctionPackage } from './index.js'

// Bump when the zip layout, the bundle settings or the entry's fields change in a way the key does not capture.
const CACHE_FORMAT = 2

interface CacheEntry {
  format: number
  /** Input path (relative to the root) → sha256 of its contents. */
  inputs: Record<string, string>
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

/**
 * Content hashes, each file read once per packaging run: the functions of one config share most of their inputs
 * (the SDK's files), so six handlers cost about the reads of one and a half.
 */
export class FileHashes {
  private readonly known = new Map<string, Promise<string>>()

  of(file: string): Promise<string> {
    let hash = this.known.get(file)
    if (!hash) {
      hash = readFile(file).then((data) => sha256(data))
      this.known.set(file, hash)
    }
    return hash
  }
}

async function hashInputs(
  root: string,
  inputs: string[],
  files: FileHashes,
): Promise<Record<string, string> | undefined> {
  try {
    const hashes = await Promise.all(
      inputs.map(async (input) => [input, await files.of(path.resolve(root, input))] as const),
    )
    return Object.fromEntries(hashes)
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
    const now = await hashInputs(this.root, Object.keys(entry.inputs), this.files)
    if (!now || Object.entries(entry.inputs).some(([input, hash]) => now[input] !== hash)) return undefined
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
      inputs: hashes,
      codeSha256: pkg.codeSha256,
      files: pkg.files,
      exports,
    }
    try {
      await mkdir(this.dir, { recursive: true })
      await writeFileAtomic(path.join(this.dir, `${key}.zip`), pkg.zip)
      await writeFileAtomic(path.join(this.dir, `${key}.json`), JSON.stringify(entry))
    } catch {
      // ignored on purpose, see above
    }
  }
}
