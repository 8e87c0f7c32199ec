// What `infra rollback` and `infra promote` do, behind one dynamic import so the SDK loads only when they run.
// Like a deploy, a real run locks the manifest and checks the account first; a dry run only reads.
import path from 'node:path'
import { loadContext } from '../context/context.js'
import { AwsAccessError, isInfraError } from '../errors/index.js'
import { formatRelease, type ReleaseOutcome } from '../releases/common.js'
import { promote } from '../releases/promote.js'
import { rollback, type RollbackRequest } from '../releases/rollback.js'
import { formatStageRollback, rollbackStage, type StageRollbackOutcome } from '../releases/stage-rollback.js'
import type { CommonOptions } from './actions.js'

export interface ReleaseCommandOptions extends CommonOptions, RollbackRequest {
  dryRun: boolean
}

export async function runRelease(
  command: 'rollback' | 'promote',
  o: ReleaseCommandOptions,
): Promise<{ outcome: ReleaseOutcome; text: string }> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(o.config)),
    env: o.env,
    profile: o.profile,
    region: o.region,
    command,
    mode: o.dryRun ? 'plan' : 'apply',
  })
  try {
    if (ctx.offline) {
      throw new AwsAccessError('NoCredentials', `${command} --dry-run needs AWS credentials to read the aliases`, {
        hint: 'Set AWS_PROFILE or pass --profile.',
      })
    }
    const runId = ctx.dryRun ? undefined : await ctx.manifest.runStarted(command)
    try {
      const outcome = command === 'rollback' ? await rollback(ctx, o) : await promote(ctx, o)
      const summary = outcome.functions
        .map(
          (f) => `${f.function}: ${f.from.version}${f.from.canary ? `+${f.from.canary.version}` : ''}→${f.to.version}`,
        )
        .join(', ')
      if (runId) await ctx.manifest.runFinished(runId, 'succeeded', { lambda: summary })
      return { outcome, text: formatRelease(outcome) }
    } catch (e) {
      if (runId)
        await ctx.manifest.runFinished(runId, 'failed', { lambda: isInfraError(e) ? e.code : 'UnexpectedError' })
      throw e
    }
  } finally {
    await ctx.close()
  }
}

/** `infra rollback --stage`: the REST API's stage back to its previous deployment. */
export async function runStageRollback(
  o: CommonOptions & { stage: string; to?: string; dryRun: boolean },
): Promise<{ outcome: StageRollbackOutcome; text: string }> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(o.config)),
    env: o.env,
    profile: o.profile,
    region: o.region,
    command: 'rollback',
    mode: o.dryRun ? 'plan' : 'apply',
  })
  try {
    if (ctx.offline) {
      throw new AwsAccessError('NoCredentials', 'rollback --dry-run needs AWS credentials to read the stage', {
        hint: 'Set AWS_PROFILE or pass --profile.',
      })
    }
    const runId = ctx.dryRun ? undefined : await ctx.manifest.runStarted('rollback')
    try {
      const outcome = await rollbackStage(ctx, { stage: o.stage, to: o.to })
      if (runId)
        await ctx.manifest.runFinished(runId, 'succeeded', { api: `${o.stage}: ${outcome.from.id}→${outcome.to.id}` })
      return { outcome, text: formatStageRollback(outcome) }
    } catch (e) {
      if (runId) await ctx.manifest.runFinished(runId, 'failed', { api: isInfraError(e) ? e.code : 'UnexpectedError' })
      throw e
    }
  } finally {
    await ctx.close()
  }
}
