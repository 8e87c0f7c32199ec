// Bundle one Lambda handler with esbuild, in memory, into ESM that only depends on the source and the options:
// never on where the repo is checked out (paths are relative to a stable root) nor on the clock.
import { access } from 'node:fs/promises'
import path from 'node:path'
import { build, type BuildFailure } from 'esbuild'
import { ConfigError } from '../errors/index.js'
import { buildFailed, invalidHandler, unsupportedRuntime, type PackageProblem } from './problems.js'

/** What every handler bundled in one esbuild build has in common. */
export interface BundleOptions {
  /** esbuild target, e.g. 'node22'. */
  target: string
  /** esbuild's working directory: every path esbuild writes into the output is relative to it. */
  root: string
  bundleAwsSdk: boolean
}

export interface HandlerEntry {
  /** The spec's index, which a problem is reported under. */
  index: number
  entry: string
  /** The handler's module path without extension, e.g. 'index' or 'src/app'. */
  module: string
}

export interface BundledFile {
  /** Path inside the package, with forward slashes. */
  name: string
  contents: Uint8Array
}

/** One handler's bundle: its output files, what its module exports, and every source file that went into it. */
export interface Bundle {
  files: BundledFile[]
  /** The export names of the handler's module, e.g. ['handler']. */
  exports: string[]
  /** Relative to the root. */
  inputs: string[]
}

// The runtime provides SDK v3 (and the Smithy packages it is built on) to nodejs18.x and later.
export const RUNTIME_PROVIDED_PACKAGES = ['@aws-sdk/*', '@smithy/*']

// Bundled CommonJS code (parts of the AWS SDK among it) calls `require` for Node built-ins, which ESM lacks.
// The import is aliased so that a handler importing `createRequire` itself does not declare it twice.
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __infraCreateRequire } from 'node:module'; const require = __infraCreateRequire(import.meta.url);"

// esbuild needs an output location to name its files; nothing is written there (write: false).
const VIRTUAL_OUT_DIR = '.infra-package-out'

const thrown = (problem: PackageProblem): ConfigError =>
  new ConfigError(problem.code, problem.message, { hint: problem.hint })

/** 'nodejs22.x' → 'node22'; undefined for any other runtime family, which cannot run an esbuild bundle. */
export function nodeTarget(runtime: string): string | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime)
  return match ? `node${match[1]}` : undefined
}

export function esbuildTarget(runtime: string): string {
  const target = nodeTarget(runtime)
  if (!target) throw thrown(unsupportedRuntime(0, runtime))
  return target
}

/** 'index.handler' → 'index'; 'src/app.main' → 'src/app'; undefined when it is not <module>.<export>. */
export function moduleOf(handler: string): string | undefined {
  const dot = handler.lastIndexOf('.')
  const module = dot > 0 ? handler.slice(0, dot) : ''
  const exported = handler.slice(dot + 1)
  const segments = module.split('/')
  if (!module || !exported || segments.some((s) => s === '' || s === '.' || s === '..') || module.includes('\\'))
    return undefined
  return module
}

export function handlerModule(handler: string): string {
  const module = moduleOf(handler)
  if (module === undefined) throw thrown(invalidHandler(0, handler))
  return module
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/** The nearest directory above the entry holding a package.json, else the entry's own directory. */
export async function findPackageRoot(entry: string): Promise<string> {
  const start = path.dirname(entry)
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return start
  }
}

function isBuildFailure(e: unknown): e is BuildFailure {
  return e instanceof Error && Array.isArray((e as Partial<BuildFailure>).errors)
}

async function runEsbuild(options: BundleOptions, handlers: HandlerEntry[]): Promise<Bundle[]> {
  const outdir = path.join(options.root, VIRTUAL_OUT_DIR)
  const result = await build({
    absWorkingDir: options.root,
    // One output folder per handler, numbered: two handlers may share a module name or even an entry file.
    entryPoints: handlers.map((h, i) => ({ in: h.entry, out: `${i}/${h.module}` })),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target,
    // Prefer the ESM builds of packages (the AWS SDK ships both): they tree-shake far better.
    mainFields: ['module', 'main'],
    external: options.bundleAwsSdk ? [] : RUNTIME_PROVIDED_PACKAGES,
    banner: { js: ESM_REQUIRE_BANNER },
    minify: false,
    legalComments: 'none',
    sourcemap: false,
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const bundles = handlers.map((): Bundle => ({ files: [], exports: [], inputs: [] }))
  for (const f of result.outputFiles) {
    const [index, ...rest] = path.relative(outdir, f.path).split(path.sep)
    bundles[Number(index)]!.files.push({ name: rest.join('/'), contents: f.contents })
  }
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const [index] = path.relative(outdir, path.resolve(options.root, output)).split(path.sep)
    const bundle = bundles[Number(index)]!
    bundle.inputs.push(...Object.keys(meta.inputs))
    if (meta.entryPoint !== undefined) bundle.exports = [...meta.exports].sort()
  }
  return bundles
}

async function bundleOne(options: BundleOptions, handler: HandlerEntry): Promise<Bundle | PackageProblem> {
  try {
    const [bundle] = await runEsbuild(options, [handler])
    return bundle!
  } catch (e) {
    return buildFailed(handler.index, handler.entry, isBuildFailure(e) ? e.errors : [], e)
  }
}

/**
 * Bundles several handlers in one esbuild build: the files they share (the AWS SDK, handlers/lib) are parsed once,
 * and each handler's output is byte-for-byte what a build of its own gives. A failed build is retried one handler at
 * a time, so that each problem names the entry file that caused it and every broken handler is reported.
 */
export async function bundleHandlers(
  options: BundleOptions,
  handlers: HandlerEntry[],
): Promise<Array<Bundle | PackageProblem>> {
  if (handlers.length <= 1) return Promise.all(handlers.map((h) => bundleOne(options, h)))
  try {
    return await runEsbuild(options, handlers)
  } catch {
    const results: Array<Bundle | PackageProblem> = []
    for (const h of handlers) results.push(await bundleOne(options, h))
    return results
  }
}
