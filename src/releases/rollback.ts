// `infra rollback`: point each function's alias back at the version before the one it serves (or `--to`), after
// checking that version still exists; during a canary, remove the canary instead (the alias never left the old
// version). The previous version comes from the manifest, or from Lambda when the manifest knows none.
import type { FunctionConfig } from '../config/types.js'
import type { Context } from '../context/context.js'
import { ConfigError, StepError } from '../errors/index.js'
import { awsFailure } from '../aws/errors.js'
import type { RollbackHold } from '../resources/lambda/alias.js'
import { aliasState, type AliasState } from '../resources/lambda/alias-diff.js'
import { findVersion, isPublishedVersion, listVersionNumbers, recordedVersions } from '../resources/lambda/version.js'
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

export interface RollbackRequest extends ReleaseRequest {
  /** A version number to go to instead of the previous one (one function at a time). */
  to?: string
}

/** Pure: the highest version below `current` among `versions`; undefined when there is none. */
export function previousVersion(current: string, versions: string[]): string | undefined {
  if (!isPublishedVersion(current)) return undefined
  const below = versions
    .filter(isPublishedVersion)
    .map(Number)
    .filter((v) => v < Number(current))
  return below.length > 0 ? String(Math.max(...below)) : undefined
}

export type RollbackTarget =
  | { kind: 'remove-canary' }
  | { kind: 'version'; version: string; source: '--to' | 'manifest' | 'aws' }
  | { kind: 'none' }

/**
 * Pure: where to go. A canary is removed (unless --to says otherwise); else --to; else the previous version the
 * manifest records; else, when the manifest records none before the current one, the previous one Lambda lists
 * (`available` undefined: not listed yet, the caller lists and asks again).
 */
export function rollbackTarget(
  current: AliasState,
  opts: { to?: string; recorded: string[]; available?: string[] },
): RollbackTarget | 'list-versions' {
  if (opts.to) return { kind: 'version', version: opts.to, source: '--to' }
  if (current.canary) return { kind: 'remove-canary' }
  const fromManifest = previousVersion(current.version, opts.recorded)
  if (fromManifest) return { kind: 'version', version: fromManifest, source: 'manifest' }
  if (!opts.available) return 'list-versions'
  const fromAws = previousVersion(current.version, opts.available)
  return fromAws ? { kind: 'version', version: fromAws, source: 'aws' } : { kind: 'none' }
}

/** The hold a move from `leaving` back to `going` leaves: none when rolling forward or when both run the same code. */
async function holdFor(
  ctx: ResourceContext,
  name: string,
  leaving: string,
  going: string,
): Promise<RollbackHold | undefined> {
  if (Number(going) > Number(leaving)) return undefined // rolling forward: nothing is being rolled back
  const [left, kept] = await Promise.all([findVersion(ctx, name, leaving), findVersion(ctx, name, going)])
  if (!left?.CodeSha256 || left.CodeSha256 === kept?.CodeSha256) return undefined
  return { version: leaving, codeSha256: left.CodeSha256 }
}

async function planOne(ctx: ResourceContext, fn: FunctionConfig, req: RollbackRequest): Promise<AliasMove> {
  const fail = (doing: string) => (e: unknown) => {
    throw awsFailure(e, { code: 'RollbackReadFailed', doing, kind: 'Lambda function', name: fn.name })
  }
  try {
    const found = await readAlias(ctx, fn, req.alias)
    const from = aliasState(found)
    const recorded = recordedVersions(ctx, fn.logicalId).map((v) => v.version)
    let target = rollbackTarget(from, { to: req.to, recorded })
    if (target === 'list-versions') {
      const available = await listVersionNumbers(ctx, fn.name).catch(fail('listing the versions of'))
      target = rollbackTarget(from, { recorded, available }) as Exclude<RollbackTarget, 'list-versions'>
    }
    if (target.kind === 'remove-canary') {
      return {
        fn,
        found,
        from,
        to: { name: from.name, version: from.version },
        hold: await holdFor(ctx, fn.name, from.canary!.version, from.version).catch(fail('reading a version of')),
        note: `canary on version ${from.canary?.version} removed`,
      }
    }
    if (target.kind === 'none') {
      throw new StepError(
        'NothingToRollBack',
        `rolling back Lambda alias (${fn.name}:${req.alias}): it serves version ${from.version} and no earlier version exists to roll back to`,
        {
          hint: `Pass --to <version> --function ${fn.logicalId} to choose one (\`aws lambda list-versions-by-function --function-name ${fn.name}\` lists them), or deploy a fix.`,
        },
      )
    }
    // The manifest and --to may name a version deleted since; Lambda's list is current.
    if (
      target.source !== 'aws' &&
      !(await findVersion(ctx, fn.name, target.version).catch(fail('reading a version of')))
    ) {
      throw new StepError(
        'RollbackVersionGone',
        `rolling back Lambda alias (${fn.name}:${req.alias}): version ${target.version} (${target.source === '--to' ? 'from --to' : 'the previous one in the manifest'}) no longer exists`,
        {
          hint: `Pass --to <version> --function ${fn.logicalId} with a version that exists (\`aws lambda list-versions-by-function --function-name ${fn.name}\`).`,
        },
      )
    }
    return {
      fn,
      found,
      from,
      to: { name: from.name, version: target.version },
      hold: await holdFor(ctx, fn.name, from.version, target.version).catch(fail('reading a version of')),
      note: target.source === 'aws' ? 'previous version read from Lambda (the manifest records none)' : undefined,
    }
  } catch (e) {
    if (e instanceof StepError) return { fn, error: e }
    throw e
  }
}

export async function rollback(ctx: Context, req: RollbackRequest): Promise<ReleaseOutcome> {
  const functions = selectFunctions(ctx.config, req.functions)
  if (req.to !== undefined && !isPublishedVersion(req.to)) {
    throw new ConfigError('InvalidVersion', `--to ${req.to} is not a published version number`, {
      hint: 'Pass a version number such as --to 3.',
    })
  }
  if (req.to !== undefined && functions.length !== 1) {
    throw new ConfigError(
      'AmbiguousRollbackTarget',
      `--to ${req.to} names one version, but ${functions.length} functions would roll back (version numbers are per function)`,
      {
        hint: `Add --function <name> to choose the function: ${functions.map((f) => f.logicalId).join(', ')}.`,
      },
    )
  }
  const rctx = releaseContext(ctx)
  const moves = refuseIfAny(await Promise.all(functions.map((fn) => planOne(rctx, fn, req))), 'rolling back')
  const lines = await applyMoves(rctx, moves)
  return { command: 'rollback', env: ctx.config.env, alias: req.alias, dryRun: ctx.dryRun, functions: lines }
}
