// What the commands do, behind one dynamic import so the SDK loads only when a command runs.
import path from 'node:path'
import { loadContext, type Context, type ContextOptions } from '../context/context.js'
import { ConfigError } from '../errors/index.js'
import { formatOutcome } from '../output/summary.js'
import { formatStatus, type StatusReport } from '../output/status.js'
import { runSteps, type Renderer, type RunOutcome } from '../runner/run-steps.js'
import { findStep, STEPS, withDependencies } from '../steps/index.js'

export interface CommonOptions {
  env?: string
  config: string
  profile?: string
  region?: string
}

export interface RunRequest extends CommonOptions {
  command: string
  dryRun: boolean
  adopt: boolean
  refresh?: boolean
  /** A dry run that makes no AWS call at all: planned from the manifest. */
  offline?: boolean
  concurrency: number
  /** Step ids or numbers; empty: every implemented step. */
  only?: string[]
  renderer: Renderer
  /** `--canary <percent>`: new Lambda versions get this share of the alias's traffic. */
  canary?: number
}

function contextOptions(
  o: CommonOptions,
  extra: Pick<ContextOptions, 'command' | 'mode'> & Partial<ContextOptions>,
): ContextOptions {
  return { root: path.dirname(path.resolve(o.config)), env: o.env, profile: o.profile, region: o.region, ...extra }
}

async function withContext<T>(opts: ContextOptions, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await loadContext(opts)
  try {
    return await fn(ctx)
  } finally {
    await ctx.close()
  }
}

export interface RunResult {
  outcome: RunOutcome
  text: string
}

/** deploy-all, step and plan: the same code path; a dry run only observes. */
export async function runDeployment(req: RunRequest, selectDependencies: boolean): Promise<RunResult> {
  const selected = req.only?.length ? req.only.map((ref) => findStep(ref)) : STEPS
  const steps = selectDependencies ? withDependencies(selected) : selected
  const mode = req.dryRun ? 'plan' : 'apply'
  const outcome = await withContext(
    contextOptions(req, {
      command: req.command,
      mode,
      adopt: req.adopt,
      refresh: req.refresh,
      offline: req.offline,
      concurrency: req.concurrency,
      canaryPercent: req.canary,
    }),
    (ctx) => runSteps(ctx, steps, req.renderer),
  )
  return { outcome, text: formatOutcome(outcome) }
}

/** status: the manifest's record; with refresh, a read-only pass over AWS that reports drift. */
export async function showStatus(
  o: CommonOptions & { refresh: boolean },
): Promise<{ report: StatusReport; text: string }> {
  const mode = o.refresh ? 'plan' : 'read'
  return withContext(contextOptions(o, { command: 'status', mode }), async (ctx) => {
    // Checked before any step runs: without credentials there is nothing to compare with.
    if (o.refresh && ctx.offline)
      throw new ConfigError('NoCredentials', 'checking drift: status --refresh needs AWS credentials to read AWS', {
        hint: `Set AWS_PROFILE or pass --profile, or run \`infra status --env ${ctx.config.env}\` to see the manifest alone.`,
      })
    const drift = o.refresh ? await runSteps(ctx, STEPS, 'silent') : undefined
    const report: StatusReport = { env: ctx.config.env, manifest: ctx.manifest.manifest, drift }
    return { report, text: formatStatus(report) }
  })
}
