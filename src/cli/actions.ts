// What the commands do, behind one dynamic import so the SDK loads only when a command runs.
import path from 'node:path'
import { AwsClients } from '../aws/clients.js'
import { sharedNameWarnings } from '../config/load.js'
import { DEFAULT_CONCURRENCY, loadContext, type Context, type ContextOptions } from '../context/context.js'
import { AwsAccessError } from '../errors/index.js'
import { plain, type Paint } from '../output/color.js'
import { confirmationReasons } from '../output/plan.js'
import { formatOutcome, type OutcomeView } from '../output/summary.js'
import type { EventSink } from '../output/events.js'
import { formatStatus, type StatusReport } from '../output/status.js'
import { runSteps, type Renderer, type RunOutcome } from '../runner/run-steps.js'
import { findStep, STEPS, withDependencies } from '../steps/index.js'
import type { Step } from '../steps/types.js'

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
  concurrency?: number
  /** Step ids or numbers; empty: every implemented step. */
  only?: string[]
  renderer: Renderer
  /** `--canary <percent>`: new Lambda versions get this share of the alias's traffic. */
  canary?: number
  /** `--take-over-logging`: the bedrock step may replace the account's invocation logging set by someone else. */
  takeOverLogging?: boolean
  /** `--cert-timeout <minutes>`: how long step 09 waits for ACM to issue a certificate. */
  certTimeout?: number
  /** `--wait`: step 07 waits until CloudFront has deployed the distribution. */
  wait?: boolean
  /** `--keep-old-files`: step 06 keeps the files the folder no longer has for one more deploy. */
  keepOldFiles?: boolean
  /** How the summary colours its markers. */
  paint?: Paint
  /** `--json-events`: where the run's events go. */
  events?: EventSink
  /** Where warnings go (stderr): environments sharing names. */
  warn?: (message: string) => void
}

/** A deploy's plan shown before it applies: returns to apply, throws to stop with nothing changed. */
export type Review = (plan: RunResult, reasons: string[]) => Promise<void>

export function contextOptions(
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

/**
 * deploy-all, step and plan: the same code path; a dry run only observes. With `review`, an apply first plans in the
 * same locked context (dry-run clients: they refuse writes) and asks before it changes anything.
 */
export async function runDeployment(req: RunRequest, selectDependencies: boolean, review?: Review): Promise<RunResult> {
  const selected = req.only?.length ? req.only.map((ref) => findStep(ref)) : STEPS
  const steps = selectDependencies ? withDependencies(selected) : selected
  const mode = req.dryRun ? 'plan' : 'apply'
  const opts = contextOptions(req, {
    command: req.command,
    mode,
    adopt: req.adopt,
    refresh: req.refresh,
    offline: req.offline,
    concurrency: req.concurrency ?? DEFAULT_CONCURRENCY,
    canaryPercent: req.canary,
    certTimeoutMinutes: req.certTimeout,
    waitForDeploy: req.wait,
    keepOldFiles: req.keepOldFiles,
    takeOverLogging: req.takeOverLogging,
    observe: steps,
  })
  return withContext(opts, async (ctx) => {
    for (const warning of await sharedNameWarnings(ctx.config)) req.warn?.(warning)
    const view: OutcomeView = {
      paint: req.paint ?? plain,
      offlineBecause: req.offline ? 'flag' : 'no-credentials',
      before: Object.fromEntries(Object.entries(ctx.manifest.manifest.steps).map(([id, s]) => [id, s.status])),
    }
    let applyCtx = ctx
    if (review && !ctx.dryRun) {
      const planned = await planWithin(ctx, steps)
      const reasons = confirmationReasons(planned.steps.flatMap((s) => s.results))
      if (reasons.length > 0) await review({ outcome: planned, text: formatOutcome(planned, view) }, reasons)
      // The plan took the early reads; the apply reads again, after however long the review took.
      applyCtx = { ...ctx, early: undefined }
    }
    const outcome = await runSteps(applyCtx, steps, req.renderer, req.events)
    return { outcome, text: formatOutcome(outcome, view) }
  })
}

/** The plan of an apply's own context: dry-run clients (writes refused) and a converged set of its own. */
async function planWithin(ctx: Context, steps: Step[]): Promise<RunOutcome> {
  const aws = new AwsClients({ ...ctx.aws.settings, dryRun: true })
  try {
    return await runSteps({ ...ctx, aws, dryRun: true, converged: new Set() }, steps, 'silent')
  } finally {
    aws.destroy()
  }
}

/** status: the manifest's record; with refresh, a read-only pass over AWS that reports drift. */
export async function showStatus(
  o: CommonOptions & { refresh: boolean },
): Promise<{ report: StatusReport; text: string }> {
  const mode = o.refresh ? 'plan' : 'read'
  const observe = o.refresh ? STEPS : undefined
  return withContext(contextOptions(o, { command: 'status', mode, observe }), async (ctx) => {
    // Checked before any step runs: without credentials there is nothing to compare with.
    if (o.refresh && ctx.offline)
      throw new AwsAccessError('NoCredentials', 'checking drift: status --refresh needs AWS credentials to read AWS', {
        hint: `Set AWS_PROFILE or pass --profile, or run \`infra status --env ${ctx.config.env}\` to see the manifest alone.`,
      })
    const drift = o.refresh ? await runSteps(ctx, STEPS, 'silent') : undefined
    const manifest = ctx.manifest.exists ? ctx.manifest.manifest : null
    const report: StatusReport = { env: ctx.config.env, manifest, ...(drift ? { drift } : {}) }
    return { report, text: formatStatus(report) }
  })
}
