// `infra destroy`: every resource the manifest records for the environment (or for one step and the steps that
// depend on it), deleted in reverse dependency order — a step's resources newest first, the steps that need a step
// before it. Each delete is journalled and forgotten right after, so a destroy killed at any point finishes on the
// next run and a second destroy is a no-op. Data-bearing resources are retained unless --delete-data.
import { resourceContext, type Context } from '../context/context.js'
import type { ResourceRecord } from '../manifest/types.js'
import type { Ensured } from '../resources/types.js'
import { findStep, orderByNeeds, STEPS } from '../steps/index.js'
import type { Step, StepId } from '../steps/types.js'
import { awsFailure } from '../aws/errors.js'
import { findTaggedArns, recordFromArn, type Discovered } from '../resources/tagging/discover.js'
import { removeRecords } from './prune.js'
import { eventError, stepEvents, type EventSink } from '../output/events.js'

export interface DestroyPlan {
  env: string
  /** Steps in the order their resources are deleted. */
  steps: Array<{ id: string; records: Array<[string, ResourceRecord]> }>
}

export interface DestroyOutcome {
  env: string
  dryRun: boolean
  results: Ensured[]
  durationMs: number
}

/** The step and every step that needs it, transitively. */
export function withDependents(step: Step, steps: Step[] = STEPS): Step[] {
  const chosen = new Set<StepId>([step.id])
  for (let grew = true; grew;) {
    grew = false
    for (const s of steps) {
      if (!chosen.has(s.id) && s.needs.some((n) => chosen.has(n))) {
        chosen.add(s.id)
        grew = true
      }
    }
  }
  return steps.filter((s) => chosen.has(s.id))
}

/**
 * What destroy deletes: the manifest's records, and — for the whole environment — what carries this service's and
 * environment's tags but the manifest lost (deleted first: nothing recorded hangs on it).
 */
export async function destroyPlan(ctx: Context, only?: string): Promise<DestroyPlan> {
  const recorded = recordedPlan(ctx, only)
  if (only || ctx.offline) return recorded
  const found = await findTaggedArns(resourceContext(ctx, 'destroy', () => undefined)).catch((e: unknown) => {
    throw awsFailure(e, {
      code: 'TaggedResourcesReadFailed',
      doing: 'listing',
      kind: 'resources tagged for',
      name: ctx.config.env,
    })
  })
  const known = new Set(
    Object.values(ctx.manifest.manifest.resources).flatMap((r) => [r.arn, `${r.kind}:${r.id ?? r.name}`]),
  )
  const now = new Date().toISOString()
  const lost = found
    .map((arn) => recordFromArn(arn, now))
    .filter(
      (d): d is Discovered =>
        !!d && !known.has(d.record.arn) && !known.has(`${d.record.kind}:${d.record.id ?? d.record.name}`),
    )
  if (lost.length === 0) return recorded
  return {
    ...recorded,
    steps: [{ id: 'found-by-tags', records: lost.map((d) => [d.key, d.record]) }, ...recorded.steps],
  }
}

function recordedPlan(ctx: Context, only?: string): DestroyPlan {
  const resources = ctx.manifest.manifest.resources
  const recordedSteps = new Set(Object.values(resources).map((r) => r.step))
  const known = only ? withDependents(findStep(only)) : STEPS
  // Dependents first; a step the registry does not know (an older manifest) goes last.
  const order: string[] = orderByNeeds(known)
    .map((s) => s.id as string)
    .reverse()
  if (!only) order.push(...[...recordedSteps].filter((id) => !order.includes(id)))
  return {
    env: ctx.config.env,
    steps: order
      .map((id) => ({
        id,
        records: Object.entries(resources)
          .filter(([, r]) => r.step === id)
          .sort(([, a], [, b]) => b.createdAt.localeCompare(a.createdAt)),
      }))
      .filter((s) => s.records.length > 0),
  }
}

/**
 * In a dry run, what would happen; otherwise deletes step by step and stops at the first failure. `events`:
 * `--json-events`' sink, told of each step and each resource as it goes.
 */
export async function destroy(
  ctx: Context,
  plan: DestroyPlan,
  log: (line: string) => void,
  events?: EventSink,
): Promise<DestroyOutcome> {
  const started = Date.now()
  const runId = ctx.dryRun ? undefined : await ctx.manifest.runStarted(ctx.command)
  events?.({
    type: 'run-start',
    command: ctx.command,
    env: plan.env,
    dryRun: ctx.dryRun,
    steps: plan.steps.map((s) => s.id),
  })
  const results: Ensured[] = []
  let failed: unknown
  for (const step of plan.steps) {
    try {
      results.push(...(await destroyStep(ctx, step, log, events)))
    } catch (e) {
      failed = e
      break
    }
  }
  if (runId) {
    const left = new Set(Object.values(ctx.manifest.manifest.resources).map((r) => r.step))
    // A step with nothing left in AWS has no outputs any more: the next deploy starts it from scratch.
    await ctx.manifest.update((m) => {
      for (const step of plan.steps) if (!left.has(step.id)) delete m.steps[step.id]
    })
    await ctx.manifest.runFinished(runId, failed ? 'failed' : 'succeeded', { destroy: summary(results) })
  }
  if (failed) throw failed
  return { env: plan.env, dryRun: ctx.dryRun, results, durationMs: Date.now() - started }
}

/** One step's records, in the plan's order, told to `events` as they go. */
async function destroyStep(
  ctx: Context,
  step: DestroyPlan['steps'][number],
  log: (line: string) => void,
  events: EventSink | undefined,
): Promise<Ensured[]> {
  const known = STEPS.find((s) => s.id === step.id)
  const emit = stepEvents(events, { id: step.id, number: known?.number, title: known?.title ?? step.id })
  const started = Date.now()
  const done: Ensured[] = []
  emit.start()
  const show = (line: string) => {
    log(line)
    emit.log(line)
  }
  try {
    await removeRecords(resourceContext(ctx, step.id, show), step.records, (r) => {
      done.push(r)
      emit.resource(r)
    })
    emit.end({ status: 'done', durationMs: Date.now() - started, results: done })
    return done
  } catch (e) {
    emit.end({ status: 'failed', durationMs: Date.now() - started, results: done, error: eventError(e) })
    throw e
  }
}

function summary(results: Ensured[]): string {
  const count = (a: string) => results.filter((r) => r.action === a).length
  return `${count('deleted')} deleted, ${count('retained')} retained`
}
