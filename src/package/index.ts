// Turn a handler's source into the zip Lambda runs, and the CodeSha256 Lambda will report for it.
import { createHash } from 'node:crypto'
import path from 'node:path'
import {
  bundleHandlers,
  exists,
  findPackageRoot,
  moduleOf,
  nodeTarget,
  type Bundle,
  type BundleOptions,
  type HandlerEntry,
} from './bundle.js'
import { cacheKey, FileHashes, PackageCache, type CachedPackage } from './cache.js'
import {
  entryIsFolder,
  entryProblem,
  invalidHandler,
  notExported,
  PackageError,
  unsupportedRuntime,
  type PackageProblem,
} from './problems.js'
import { loadZipper, zipDeterministic } from './zip.js'
import { isDirectory } from './folder.js'

export { ESM_REQUIRE_BANNER, RUNTIME_PROVIDED_PACKAGES, esbuildTarget, handlerModule } from './bundle.js'
export {
  PackageError,
  formatBuildMessage,
  type BuildMessage,
  type PackageField,
  type PackageProblem,
} from './problems.js'
export { ZIP_COMPRESSION_LEVEL, ZIP_DATE, ZIP_FILE_MODE, zipDeterministic } from './zip.js'

export interface PackageSpec {
  /** Absolute path of the handler's entry .ts/.js file. */
  entry: string
  /** e.g. 'index.handler': the file part names the bundled module (index.mjs). */
  handler: string
  /** Lambda runtime id, e.g. 'nodejs22.x'. */
  runtime: string
  architecture: 'arm64' | 'x86_64'
  /** false: '@aws-sdk/*' and '@smithy/*' stay external, the runtime provides SDK v3. */
  bundleAwsSdk: boolean
  /**
   * Directory the output's paths are relative to (the repo or config root). Defaults to the nearest directory
   * above the entry with a package.json. Any directory inside the checkout keeps the bytes checkout-independent.
   */
  root?: string
}

export interface FunctionPackage {
  zip: Buffer
  /** base64 SHA-256 of the zip bytes: exactly what Lambda reports as CodeSha256. */
  codeSha256: string
  size: number
  /** Entries in the zip, sorted. */
  files: string[]
}

export const DEFAULT_PACKAGE_CONCURRENCY = 4

export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64')
}

interface Prepared {
  index: number
  options: BundleOptions
  handler: HandlerEntry
  /** The export Lambda calls: the part of `handler` after the last dot. */
  exportName: string
}

const isProblem = (x: object): x is PackageProblem => 'code' in x

// Checks a spec before anything is built: a bad runtime, handler or entry is reported without bundling.
async function prepare(spec: PackageSpec, index: number): Promise<Prepared | PackageProblem> {
  // Pure JS output: `architecture` does not change the bytes. It is in the spec so that callers key packages by
  // everything Lambda runs them with.
  const target = nodeTarget(spec.runtime)
  if (!target) return unsupportedRuntime(index, spec.runtime)
  const module = moduleOf(spec.handler)
  if (module === undefined) return invalidHandler(index, spec.handler)
  if (!path.isAbsolute(spec.entry)) return entryProblem(index, spec.entry, false)
  if (!(await exists(spec.entry))) return entryProblem(index, spec.entry, true)
  if (await isDirectory(spec.entry)) return entryIsFolder(index, spec.entry)
  const root = spec.root ?? (await findPackageRoot(spec.entry))
  return {
    index,
    options: { target, root, bundleAwsSdk: spec.bundleAwsSdk },
    handler: { index, entry: spec.entry, module },
    exportName: spec.handler.slice(module.length + 1),
  }
}

// Handlers that share a root, a target and the SDK choice can share one esbuild build.
function groupByOptions(prepared: Prepared[]): Prepared[][] {
  const groups = new Map<string, Prepared[]>()
  for (const p of prepared) {
    const key = JSON.stringify([p.options.root, p.options.target, p.options.bundleAwsSdk])
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  return [...groups.values()]
}

async function toCachedPackage({ files, exports }: Bundle): Promise<CachedPackage> {
  const zip = await zipDeterministic(files)
  const names = files.map((f) => f.name).sort()
  return { pkg: { zip, codeSha256: codeSha256(zip), size: zip.length, files: names }, exports }
}

/** Runs `work` on each item, at most `limit` at a time; stops taking new items after the first failure. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const item = items[next++]!
      await work(item).catch((e: unknown) => {
        failed = true
        throw e
      })
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export interface PackageOptions {
  /** How many esbuild builds run at once. */
  concurrency?: number
  /** Reuse packages whose inputs have not changed, kept in this folder. */
  cacheDir?: string
}

export async function packageFunction(spec: PackageSpec, opts: PackageOptions = {}): Promise<FunctionPackage> {
  const [pkg] = await packageFunctions([spec], opts)
  return pkg!
}

/**
 * Packages every spec; results in the order of `specs`. Specs sharing a root, a runtime and `bundleAwsSdk` are
 * bundled in one esbuild build (same bytes as one by one, about twice as fast); `concurrency` caps how many builds
 * run at once. Every problem found (runtime, handler, entry, build error, handler not exported) is reported in one
 * PackageError (exit code 2), which names the spec each one comes from.
 */
export async function packageFunctions(specs: PackageSpec[], opts: PackageOptions = {}): Promise<FunctionPackage[]> {
  const concurrency = opts.concurrency ?? DEFAULT_PACKAGE_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`packaging Lambda functions: concurrency must be a positive integer, got ${concurrency}`)
  }
  const checked = await Promise.all(specs.map(prepare))
  const problems = checked.filter(isProblem)
  const prepared = checked.filter((c): c is Prepared => !isProblem(c))
  const results = new Array<FunctionPackage>(specs.length)
  const files = new FileHashes()
  const cacheFor = (p: Prepared) => (opts.cacheDir ? new PackageCache(opts.cacheDir, p.options.root, files) : undefined)
  const keyOf = (p: Prepared) => cacheKey([p.options, path.relative(p.options.root, p.handler.entry), p.handler.module])
  // The module must export what Lambda will call, whether it was just built or comes from the cache.
  const accept = (p: Prepared, { pkg, exports }: CachedPackage): void => {
    if (exports.includes(p.exportName)) results[p.index] = pkg
    else problems.push(notExported(p.index, p.handler.entry, specs[p.index]!.handler, exports))
  }
  const misses: Prepared[] = []
  await Promise.all(
    prepared.map(async (p) => {
      const cached = await cacheFor(p)?.lookup(keyOf(p))
      if (cached) accept(p, cached)
      else misses.push(p)
    }),
  )
  if (misses.length > 0) void loadZipper().catch(() => undefined) // zipDeterministic reports a failure to load
  await eachLimited(groupByOptions(misses), concurrency, async (group) => {
    const bundles = await bundleHandlers(
      group[0]!.options,
      group.map((p) => p.handler),
    )
    await Promise.all(
      group.map(async (p, i) => {
        const bundle = bundles[i]!
        if (isProblem(bundle)) return void problems.push(bundle)
        const built = await toCachedPackage(bundle)
        await cacheFor(p)?.store(keyOf(p), bundle.inputs, built)
        accept(p, built)
      }),
    )
  })
  if (problems.length > 0) throw new PackageError(problems.sort((a, b) => a.index - b.index))
  return results
}
