// What `infra destroy` does, behind a dynamic import so the SDK loads only when it runs.
import path from 'node:path'
import { loadContext } from '../context/context.js'
import { describeResult } from '../output/plan.js'
import { destroy, destroyPlan, type DestroyOutcome, type DestroyPlan } from '../runner/destroy.js'
import type { CommonOptions } from './actions.js'
import type { EventSink } from '../output/events.js'

export interface DestroyRequest extends CommonOptions {
  dryRun: boolean
  deleteData: boolean
  disableDeletionProtection: boolean
  only?: string
  /** `--json-events`: where the run's events go. */
  events?: EventSink
}

export interface DestroyResult {
  outcome: DestroyOutcome
  text: string
}

/** Plans, asks `confirm` (the command prompts, or --yes answers), then deletes. */
export async function destroyEnvironment(
  req: DestroyRequest,
  confirm: (plan: { text: string; plan: DestroyPlan; production: boolean }) => Promise<void>,
  log: (line: string) => void,
): Promise<DestroyResult> {
  const ctx = await loadContext({
    root: path.dirname(path.resolve(req.config)),
    env: req.env,
    profile: req.profile,
    region: req.region,
    command: 'destroy',
    mode: req.dryRun ? 'plan' : 'apply',
    removal: { mode: 'destroy', deleteData: req.deleteData, disableDeletionProtection: req.disableDeletionProtection },
  })
  try {
    const plan = await destroyPlan(ctx, req.only)
    if (!req.dryRun) {
      const preview = await destroy({ ...ctx, dryRun: true }, plan, () => undefined)
      await confirm({ text: formatDestroy(preview), plan, production: ctx.config.production })
    }
    const outcome = await destroy(ctx, plan, log, req.events)
    return { outcome, text: formatDestroy(outcome) }
  } finally {
    await ctx.close()
  }
}

export function formatDestroy(outcome: DestroyOutcome): string {
  if (outcome.results.length === 0)
    return `Nothing to destroy in environment ${outcome.env}: the manifest records no resource.`
  const count = (a: string) => outcome.results.filter((r) => r.action === a).length
  const lines = outcome.results.map((r) => `  ${describeResult(r)}`)
  const total = outcome.dryRun
    ? `Destroy plan: ${count('would-delete')} to delete, ${count('retained')} retained. No change was made.`
    : `Destroyed in ${(outcome.durationMs / 1000).toFixed(1)} s: ${count('deleted')} deleted, ${count('retained')} retained.`
  return [`Environment ${outcome.env}:`, ...lines, '', total].join('\n')
}
