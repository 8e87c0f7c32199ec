// What can be wrong with a handler before it runs: a runtime infra cannot bundle for, a malformed handler, a missing
// entry, a build error, a handler name the module does not export. All of them are the user's to fix (exit 2), and
// packageFunctions reports every one it finds, each tied to the spec (and the spec field) it comes from.
import type { Message } from 'esbuild'
import { ConfigError } from '../errors/index.js'

/** The spec field a problem is about, so that a caller that knows the config can point at the line. */
export type PackageField = 'source' | 'handler' | 'runtime'

export interface BuildMessage {
  text: string
  /** esbuild's location: the file relative to the package root, line 1-based, column 1-based. */
  location?: { file: string; line: number; column: number }
}

export interface PackageProblem {
  /** The spec's index in the list given to packageFunctions. */
  index: number
  field: PackageField
  code: string
  /** The whole message: `<verb-ing> Lambda handler (<entry>): <reason>`. */
  message: string
  /** What is wrong, for callers that say where themselves. */
  reason: string
  hint: string
  /** esbuild's errors, for a build failure. */
  buildErrors?: BuildMessage[]
}

/** Every problem found in one packageFunctions call; the code and hint are the first problem's. */
export class PackageError extends ConfigError {
  constructor(readonly problems: PackageProblem[]) {
    super(problems[0]!.code, problems.map((p) => p.message).join('\n'), { hint: problems[0]!.hint })
  }
}

const MAX_REPORTED_MESSAGES = 3
const CONFIG_FIX = 'in config.json (lambda_defaults or the function), then rerun'

export function unsupportedRuntime(index: number, runtime: string): PackageProblem {
  const reason = `runtime ${runtime} is not a Node.js runtime; only nodejs<version>.x handlers can be bundled`
  return {
    index,
    field: 'runtime',
    code: 'UnsupportedRuntime',
    message: `packaging Lambda function: ${reason}`,
    reason,
    hint: `Set \`runtime\` to a Node.js runtime such as nodejs22.x ${CONFIG_FIX}`,
  }
}

export function invalidHandler(index: number, handler: string): PackageProblem {
  const reason = `handler ${JSON.stringify(handler)} is not <module>.<export>, e.g. index.handler`
  return {
    index,
    field: 'handler',
    code: 'InvalidHandler',
    message: `packaging Lambda function: ${reason}`,
    reason,
    hint: 'Fix `handler` of the function in config.json, then rerun',
  }
}

export function entryProblem(index: number, entry: string, missing: boolean): PackageProblem {
  const reason = missing ? 'file not found' : 'entry is not absolute'
  return {
    index,
    field: 'source',
    code: missing ? 'PackageEntryMissing' : 'PackageEntryNotAbsolute',
    message: `packaging Lambda handler (${entry}): ${reason}`,
    reason,
    hint: 'Check `source` of the function in config.json (it is relative to config.json), then rerun',
  }
}

/** A folder is a Python function's source; a Node.js handler's is its entry file. */
export function entryIsFolder(index: number, entry: string): PackageProblem {
  const reason = "is a folder: a Node.js handler's source is its entry file (e.g. handlers/api/index.ts)"
  return {
    index,
    field: 'source',
    code: 'PackageEntryIsFolder',
    message: `packaging Lambda handler (${entry}): ${reason}`,
    reason,
    hint: 'Set `source` to the entry file, or `runtime` to a Python runtime for a Python function, in config.json, then rerun',
  }
}

function buildMessage(m: Message): BuildMessage {
  return m.location
    ? { text: m.text, location: { file: m.location.file, line: m.location.line, column: m.location.column + 1 } }
    : { text: m.text }
}

export const formatBuildMessage = (m: BuildMessage): string =>
  m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text

export function buildFailed(index: number, entry: string, messages: Message[], cause: unknown): PackageProblem {
  const shown = messages.slice(0, MAX_REPORTED_MESSAGES).map(buildMessage)
  const more = messages.length > shown.length ? ` (and ${messages.length - shown.length} more)` : ''
  const reason = shown.length > 0 ? shown.map(formatBuildMessage).join('; ') + more : String(cause)
  return {
    index,
    field: 'source',
    code: 'PackageBuildFailed',
    message: `bundling Lambda handler (${entry}): ${reason}`,
    reason,
    hint: 'Fix the handler source, then rerun (`infra validate` checks every handler without AWS)',
    buildErrors: shown,
  }
}

/** The handler names an export the bundled module does not have: Lambda would fail on the first invocation. */
export function notExported(index: number, entry: string, handler: string, exports: string[]): PackageProblem {
  const name = handler.slice(handler.lastIndexOf('.') + 1)
  const module = handler.slice(0, handler.lastIndexOf('.'))
  const named = exports.filter((e) => e !== 'default')
  const has =
    named.length > 0
      ? `it exports ${named.join(', ')}`
      : exports.length > 0
        ? `it has only a default export, which is what CommonJS \`module.exports\` becomes: export ${name} by name, e.g. \`export const ${name} = …\``
        : 'it exports nothing'
  const reason = `${JSON.stringify(handler)} names the export ${name}, but the module does not export it (${has})`
  const suggestion = named.length === 1 ? `${module}.${named[0]}` : undefined
  return {
    index,
    field: 'handler',
    code: 'HandlerNotExported',
    message: `checking Lambda handler (${entry}): ${reason}`,
    reason,
    hint: suggestion
      ? `Set \`handler\` to ${suggestion} in config.json, or export ${name} from the handler, then rerun`
      : `Export ${name} from the handler, or name an export it has in \`handler\` in config.json, then rerun`,
  }
}
