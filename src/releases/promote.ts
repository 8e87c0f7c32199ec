// `infra promote`: end a canary by moving all of the alias's traffic to the canary version (routing removed).
import type { FunctionConfig } from '../config/types.js'
import type { Context } from '../context/context.js'
import { StepError } from '../errors/index.js'
import { aliasState, type AliasState } from '../resources/lambda/alias-diff.js'
import type { ResourceContext } from '../resources/types.js'
import {
  applyMoves,
  readAlias,
  refuseIfAny,
  releaseContext,
  selectFunctions,
  type AliasMove,
  type ReleaseOutcome,
  type ReleaseRequest,
} from './common.js'

/** Pure: the alias with the canary version as its only version; unchanged when no canary runs. */
export function promotedAlias(current: AliasState): AliasState {
  return current.canary ? { name: current.name, version: current.canary.version } : current
}

async function planOne(ctx: ResourceContext, fn: FunctionConfig, alias: string): Promise<AliasMove> {
  try {
    const found = await readAlias(ctx, fn, alias)
    const from = aliasState(found)
    return { fn, found, from, to: promotedAlias(from), ...(from.canary ? {} : { note: 'no canary in progress' }) }
  } catch (e) {
    if (e instanceof StepError) return { fn, error: e }
    throw e
  }
}

export async function promote(ctx: Context, req: ReleaseRequest): Promise<ReleaseOutcome> {
  const functions = selectFunctions(ctx.config, req.functions)
  const rctx = releaseContext(ctx)
  const moves = refuseIfAny(await Promise.all(functions.map((fn) => planOne(rctx, fn, req.alias))), 'promoting')
  if (!moves.some((m) => m.from.canary)) {
    throw new StepError(
      'NothingToPromote',
      `promoting Lambda alias ${req.alias}: no canary is in progress on ${functions.length === 1 ? functions[0]!.name : `any of the ${functions.length} functions`}`,
      {
        hint: `Start one with \`infra step lambda --env ${ctx.config.env} --canary <percent>\`; \`infra status --env ${ctx.config.env}\` shows each alias.`,
      },
    )
  }
  const lines = await applyMoves(rctx, moves)
  return { command: 'promote', env: ctx.config.env, alias: req.alias, dryRun: ctx.dryRun, functions: lines }
}
