// What `infra rollback` and `infra promote` share: which functions they act on, the alias read, the write and its
// record, and how the outcome reads.
import type { FunctionConfig, ResolvedConfig } from '../config/types.js'
import { resourceContext, type Context } from '../context/context.js'
import { ConfigError, StepError } from '../errors/index.js'
import { findAlias, putAlias, recordAlias, type LiveAlias, type RollbackHold } from '../resources/lambda/alias.js'
import { formatAlias, type AliasState } from '../resources/lambda/alias-diff.js'
import { functionKey } from '../resources/lambda/function.js'
import type { ResourceContext } from '../resources/types.js'
import { awsFailure } from '../aws/errors.js'

export interface ReleaseRequest {
  alias: string
  /** Logical ids or physical names; empty: every function in the config. */
  functions?: string[]
}

export interface ReleaseLine {
  function: string
  name: string
  from: AliasState
  to: AliasState
  action: 'changed' | 'would-change' | 'unchanged'
  note?: string
}

export interface ReleaseOutcome {
  command: 'rollback' | 'promote'
  env: string
  alias: string
  dryRun: boolean
  functions: ReleaseLine[]
}

/** A planned alias move of one function, or why it cannot be made. */
export type AliasMove =
  | {
      fn: FunctionConfig
      found: LiveAlias
      from: AliasState
      to: AliasState
      note?: string
      hold?: RollbackHold
    }
  | { fn: FunctionConfig; error: StepError }

/** `--function` accepts a logical id (`prompt-crud`) or a physical name (`new-service-prompt-crud`). */
export function selectFunctions(config: ResolvedConfig, refs: string[] | undefined): FunctionConfig[] {
  if (!refs?.length) return config.functions
  return [...new Set(refs)].map((ref) => {
    const fn = config.functions.find((f) => f.logicalId === ref || f.name === ref)
    if (fn) return fn
    throw new ConfigError('UnknownFunction', `there is no function "${ref}" in ${config.files.config}`, {
      hint: `Use a logical id or a function name: ${config.functions.map((f) => `${f.logicalId} (${f.name})`).join(', ')}.`,
    })
  })
}

/** The resource modules' view of a command's context; what they record lands under step lambda. */
export const releaseContext = (ctx: Context): ResourceContext => resourceContext(ctx, 'lambda', () => undefined)

export async function readAlias(ctx: ResourceContext, fn: FunctionConfig, aliasName: string): Promise<LiveAlias> {
  const found = await findAlias(ctx, fn.name, aliasName).catch((e: unknown) => {
    throw awsFailure(e, {
      code: 'AliasReadFailed',
      doing: 'reading',
      kind: 'Lambda alias',
      name: `${fn.name}:${aliasName}`,
    })
  })
  if (found) return found
  throw new StepError(
    'AliasNotFound',
    `reading Lambda alias (${fn.name}:${aliasName}): the function or its alias does not exist`,
    {
      hint: `Check --alias (the lambda step names it after ENVIRONMENT, here "${aliasName}" was asked), or deploy first: \`infra step lambda --env ${ctx.identity.env}\`.`,
    },
  )
}

/** Every move is checked before any is made: one function that cannot move stops them all, with every reason. */
export function refuseIfAny(moves: AliasMove[], doing: string): Array<Extract<AliasMove, { found: LiveAlias }>> {
  const errors = moves.flatMap((m) => ('error' in m ? [m.error] : []))
  if (errors.length === 0) return moves as Array<Extract<AliasMove, { found: LiveAlias }>>
  const [first] = errors as [StepError, ...StepError[]]
  if (errors.length === 1) throw first
  const code = errors.every((e) => e.code === first.code)
    ? first.code
    : `${doing[0]!.toUpperCase()}${doing.slice(1)}Refused`
  throw new StepError(code, `${doing}: nothing was changed:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`, {
    hint: first.hint,
  })
}

const sameAlias = (a: AliasState, b: AliasState) => formatAlias(a) === formatAlias(b)

/** Makes the moves (a dry run only describes them) and records each alias's new target in the manifest. */
export async function applyMoves(
  ctx: ResourceContext,
  moves: Array<Extract<AliasMove, { found: LiveAlias }>>,
): Promise<ReleaseLine[]> {
  return Promise.all(
    moves.map(async ({ fn, found, from, to, note, hold }): Promise<ReleaseLine> => {
      const line = { function: fn.logicalId, name: fn.name, from, to, ...(note ? { note } : {}) }
      if (sameAlias(from, to)) return { ...line, action: 'unchanged' }
      if (ctx.dryRun) return { ...line, action: 'would-change' }
      await putAlias(ctx, fn.name, found, to).catch((e: unknown) => {
        throw awsFailure(e, {
          code: 'AliasUpdateFailed',
          doing: 'updating',
          kind: 'Lambda alias',
          name: `${fn.name}:${to.name}`,
        })
      })
      const arn =
        ctx.record.manifest.resources[functionKey(fn.logicalId)]?.arn ?? found.AliasArn?.replace(/:[^:]+$/, '')
      await recordAlias(ctx, { logicalId: fn.logicalId, name: fn.name, arn }, to, hold)
      return { ...line, action: 'changed' }
    }),
  )
}

export function formatRelease(outcome: ReleaseOutcome): string {
  const verb = outcome.command === 'rollback' ? 'Rollback' : 'Promotion'
  const lines = [
    `${verb} of Lambda alias ${outcome.alias} in environment ${outcome.env}${outcome.dryRun ? ' (dry run)' : ''}:`,
  ]
  for (const l of outcome.functions) {
    const marker = l.action === 'unchanged' ? '=' : '~'
    const what =
      l.action === 'unchanged' ? `stays on ${formatAlias(l.from)}` : `${formatAlias(l.from)} → ${formatAlias(l.to)}`
    lines.push(`  ${marker} ${l.function} (${l.name}): ${what}${l.note ? ` — ${l.note}` : ''}`)
  }
  const changed = outcome.functions.filter((l) => l.action !== 'unchanged').length
  lines.push(
    outcome.dryRun
      ? `Dry run: ${changed} alias(es) would change. No change was made.`
      : `${changed} alias(es) changed.`,
  )
  return lines.join('\n')
}
