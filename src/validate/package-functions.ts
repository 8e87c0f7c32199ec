// Every configured handler packaged, or every reason it cannot be, as config issues that point at the line to fix:
// config.json's runtime or handler field, or the handler source's own line for a build error. The runtime is checked
// against the table of Lambda runtimes first, so a deprecated or unsupported one never reaches esbuild or AWS.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { formatPath, issuesError, type ConfigIssue, type FieldPath, type Locate } from '../config/issues.js'
import { parseJsonSource } from '../config/json-source.js'
import { shown } from '../config/load.js'
import { runtimeFamily, runtimeProblem } from '../config/runtimes.js'
import type { FunctionConfig, ResolvedConfig } from '../config/types.js'
import { packagePythonFunction } from '../package/python.js'
import {
  PackageError,
  packageFunctions,
  type FunctionPackage,
  type PackageProblem,
  type PackageSpec,
} from '../package/index.js'

export interface PackageCheckOptions {
  /** The day runtimes are checked on (default: today). */
  now?: Date
}

/** Where packages are cached: shared by every environment, reused while no input changes. */
export const packageCacheDir = (config: ResolvedConfig): string =>
  path.join(config.files.root, '.infra', 'cache', 'packages')

/** A zip function's resolved code settings (an image function has none). */
type ZipFunction = FunctionConfig & { source: string; handler: string; runtime: string }
const isZip = (fn: FunctionConfig): fn is ZipFunction =>
  fn.source !== undefined && fn.handler !== undefined && fn.runtime !== undefined

export function packageSpecOf(fn: ZipFunction, config: ResolvedConfig): PackageSpec {
  return {
    entry: fn.source,
    handler: fn.handler,
    runtime: fn.runtime,
    architecture: fn.architecture,
    bundleAwsSdk: fn.bundleAwsSdk,
    root: config.files.root,
  }
}

const RUNTIME_HINT =
  'Set `runtime` in config.json (in lambda_defaults, or in the function) as the message says, then rerun; `infra validate` checks every environment without AWS.'
const MIXED_HINT =
  'Fix config.json and the handlers as each line says, then rerun; `infra validate` checks every environment without AWS.'

interface ConfigSource {
  file: string
  /** config.json's value as written (no defaults), to tell whether a field is set. */
  value: unknown
  locate?: Locate
}

async function readConfigSource(config: ResolvedConfig): Promise<ConfigSource> {
  const file = shown(config.files.config)
  const text = await readFile(config.files.config, 'utf8').catch(() => '')
  const parsed = parseJsonSource(text, file)
  return 'issues' in parsed ? { file, value: undefined } : { file, ...parsed }
}

function isWritten(value: unknown, at: FieldPath): boolean {
  let v = value
  for (const key of at) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined
  return v !== undefined
}

/** Node.js handlers bundled (several per esbuild build), Python folders zipped; results in the order given. */
async function packageZipFunctions(functions: ZipFunction[], config: ResolvedConfig): Promise<FunctionPackage[]> {
  const cacheDir = packageCacheDir(config)
  const python = functions.map((fn) => runtimeFamily(fn.runtime) === 'python')
  const nodeIndexes = functions.flatMap((_, i) => (python[i] ? [] : [i]))
  const problems: PackageProblem[] = []
  const [bundled, zipped] = await Promise.all([
    packageFunctions(
      nodeIndexes.map((i) => packageSpecOf(functions[i]!, config)),
      { cacheDir },
    ).catch((e: unknown) => {
      if (!(e instanceof PackageError)) throw e
      problems.push(...e.problems.map((p) => ({ ...p, index: nodeIndexes[p.index]! })))
      return []
    }),
    Promise.all(functions.map((fn, i) => (python[i] ? packagePythonFunction(i, fn, { cacheDir }) : undefined))),
  ])
  const results: FunctionPackage[] = []
  nodeIndexes.forEach((index, n) => bundled[n] && (results[index] = bundled[n]))
  zipped.forEach((z, i) => {
    if (z && 'code' in z) problems.push(z)
    else if (z) results[i] = z
  })
  if (problems.length > 0) throw new PackageError(problems.sort((a, b) => a.index - b.index))
  return results
}

/**
 * Packages every function of the config, reusing unchanged packages from the cache, after checking each runtime; an
 * image function has no package (undefined). Throws one ConfigError (exit code 2) listing every problem, each naming
 * the file and line to fix.
 */
export async function packageConfiguredFunctions(
  config: ResolvedConfig,
  opts: PackageCheckOptions = {},
): Promise<Array<FunctionPackage | undefined>> {
  const now = opts.now ?? new Date()
  const source = await readConfigSource(config)
  const issue = (at: FieldPath, message: string): ConfigIssue => ({
    file: source.file,
    position: source.locate?.(at),
    field: formatPath(at),
    message,
  })

  // A function without a runtime of its own uses lambda_defaults': that line is reported once.
  const runtimeIssues = new Map<string, ConfigIssue>()
  const packable = config.functions.filter(isZip).filter((fn) => {
    const problem = runtimeProblem(fn.runtime, now)
    if (!problem) return true
    const own: FieldPath = ['functions', fn.logicalId, 'runtime']
    const at = isWritten(source.value, own) ? own : ['lambda_defaults', 'runtime']
    runtimeIssues.set(formatPath(at), issue(at, problem))
    return false
  })
  const packaged = await packageZipFunctions(packable, config).catch((e: unknown) => {
    if (e instanceof PackageError) return e
    throw e
  })
  if (!(packaged instanceof PackageError) && runtimeIssues.size === 0) {
    const byId = new Map(packable.map((fn, i) => [fn.logicalId, packaged[i]]))
    return config.functions.map((fn) => byId.get(fn.logicalId))
  }
  const problems = packaged instanceof PackageError ? packaged.problems : []
  const issues = [
    ...runtimeIssues.values(),
    ...problems.flatMap((p) => packageIssues(p, packable[p.index]!, config, issue)),
  ]
  const hints = new Set([...(runtimeIssues.size > 0 ? [RUNTIME_HINT] : []), ...problems.map((p) => p.hint)])
  const code = runtimeIssues.size > 0 ? 'UnsupportedRuntime' : problems[0]!.code
  throw issuesError(code, issues, hints.size === 1 ? [...hints][0]! : MIXED_HINT)
}

/** One problem as config issues: at the config field it comes from, or at each source line esbuild names. */
function packageIssues(
  p: PackageProblem,
  fn: FunctionConfig,
  config: ResolvedConfig,
  issue: (at: FieldPath, message: string) => ConfigIssue,
): ConfigIssue[] {
  const at: FieldPath = ['functions', fn.logicalId, p.field]
  if (!p.buildErrors?.length) return [issue(at, p.reason)]
  // esbuild's paths are relative to the package root, which is config.json's folder.
  return p.buildErrors.map(({ text, location }) =>
    location
      ? {
          file: shown(path.resolve(config.files.root, location.file)),
          position: { line: location.line, col: location.column },
          message: `does not bundle: ${text} (the handler of ${formatPath(at)})`,
        }
      : issue(at, `does not bundle: ${text}`),
  )
}
