// Bundle one Lambda handler with esbuild, in memory, into ESM that only depends on the source and the options:
// never on where the repo is checked out (paths are relative to a stable root) nor on the clock.
import { access } from 'node:fs/promises'
import path from 'node:path'
import { build, type BuildFailure, type Message } from 'esbuild'
import { ConfigError, InfraError } from '../errors/index.js'

/** What every handler bundled in one esbuild build has in common. */
export interface BundleOptions {
  /** esbuild target, e.g. 'node22'. */
  target: string
  /** esbuild's working directory: every path esbuild writes into the output is relative to it. */
  root: string
  bundleAwsSdk: boolean
}

export interface HandlerEntry {
  entry: string
  /** The handler's module path without extension, e.g. 'index' or 'src/app'. */
  module: string
}

export interface BundledFile {
  /** Path inside the package, with forward slashes. */
  name: string
  contents: Uint8Array
}

/** One handler's bundle: its output files and every source file that went into them (relative to the root). */
export interface Bundle {
  files: BundledFile[]
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
const MAX_REPORTED_MESSAGES = 3

/** 'nodejs22.x' → 'node22'. Any other runtime family cannot run an esbuild bundle. */
export function esbuildTarget(runtime: string): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime)
  if (!match) {
    throw new ConfigError(
      'UnsupportedRuntime',
      `packaging Lambda function: runtime ${runtime} is not a Node.js runtime; only nodejs<version>.x handlers can be bundled`,
      {
        hint: 'Set `runtime` to a Node.js runtime such as nodejs22.x in config.json (lambda_defaults or the function)',
      },
    )
  }
  return `node${match[1]}`
}

/** 'index.handler' → 'index'; 'src/app.main' → 'src/app'. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.')
  const module = dot > 0 ? handler.slice(0, dot) : ''
  const exported = handler.slice(dot + 1)
  const segments = module.split('/')
  if (!module || !exported || segments.some((s) => s === '' || s === '.' || s === '..') || module.includes('\\')) {
    throw new ConfigError(
      'InvalidHandler',
      `packaging Lambda function: handler ${JSON.stringify(handler)} is not <module>.<export>, e.g. index.handler`,
      { hint: 'Fix `handler` of the function in config.json' },
    )
  }
  return module
}

async function exists(file: string): Promise<boolean> {
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

function formatMessage(m: Message): string {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''
  return `${where}${m.text}`
}

function isBuildFailure(e: unknown): e is BuildFailure {
  return e instanceof Error && Array.isArray((e as Partial<BuildFailure>).errors)
}

function buildFailed(entry: string, messages: Message[], cause: unknown): InfraError {
  const shown = messages.slice(0, MAX_REPORTED_MESSAGES).map(formatMessage)
  const more = messages.length > shown.length ? ` (and ${messages.length - shown.length} more)` : ''
  const reason = shown.length > 0 ? shown.join('; ') + more : String(cause)
  return new InfraError('PackageBuildFailed', `bundling Lambda handler (${entry}): ${reason}`, {
    hint: 'Fix the handler source, then rerun the lambda step (`infra step lambda --env <env>`)',
    cause,
  })
}

async function checkEntry(entry: string): Promise<void> {
  if (!path.isAbsolute(entry)) {
    throw new ConfigError('PackageEntryNotAbsolute', `packaging Lambda handler (${entry}): entry is not absolute`)
  }
  if (!(await exists(entry))) {
    throw new ConfigError('PackageEntryMissing', `packaging Lambda handler (${entry}): file not found`, {
      hint: 'Check `source` of the function in config.json (it is relative to config.json)',
    })
  }
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
  const bundles = handlers.map((): Bundle => ({ files: [], inputs: [] }))
  for (const f of result.outputFiles) {
    const [index, ...rest] = path.relative(outdir, f.path).split(path.sep)
    bundles[Number(index)]!.files.push({ name: rest.join('/'), contents: f.contents })
  }
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const [index] = path.relative(outdir, path.resolve(options.root, output)).split(path.sep)
    bundles[Number(index)]!.inputs.push(...Object.keys(meta.inputs))
  }
  return bundles
}

async function bundleOne(options: BundleOptions, handler: HandlerEntry): Promise<Bundle> {
  try {
    const [bundle] = await runEsbuild(options, [handler])
    return bundle!
  } catch (e) {
    throw buildFailed(handler.entry, isBuildFailure(e) ? e.errors : [], e)
  }
}

/**
 * Bundles several handlers in one esbuild build: the files they share (the AWS SDK, handlers/lib) are parsed once,
 * and each handler's output is byte-for-byte what a build of its own gives. A failed build is retried one handler at
 * a time, so that the error names the entry file that caused it.
 */
export async function bundleHandlers(options: BundleOptions, handlers: HandlerEntry[]): Promise<Bundle[]> {
  for (const h of handlers) await checkEntry(h.entry)
  if (handlers.length <= 1) return Promise.all(handlers.map((h) => bundleOne(options, h)))
  try {
    return await runEsbuild(options, handlers)
  } catch (batchError) {
    for (const h of handlers) await bundleOne(options, h)
    throw buildFailed(
      handlers.map((h) => h.entry).join(', '),
      isBuildFailure(batchError) ? batchError.errors : [],
      batchError,
    )
  }
}
