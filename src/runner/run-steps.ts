// Runs steps as a dependency graph: independent steps concurrently, each waiting for the steps it needs;
// a step whose dependency failed is skipped with the reason. The only code that knows listr2.
import { Listr, type ListrRendererValue } from 'listr2'
import { resourceContext, type Context } from '../context/context.js'
import { isInfraError, StepError } from '../errors/index.js'
import { stepEvents, type EventSink, type StepEvents } from '../output/events.js'
import type { Ensured } from '../resources/types.js'
import type { Outputs, Step, StepContext, StepId, StepOutputs, Upstream } from '../steps/types.js'
import { hashOf } from './hash.js'
import { orderByNeeds } from '../steps/index.js'
import { removeRecords, staleRecords } from './prune.js'
import { upstreamOutputs } from './upstream.js'
import { withReferenceNeeds } from '../steps/references.js'
import { StepReadiness } from './readiness.js'
import type { WaitRecord } from '../aws/waits.js'
import { observeEarly } from './observe-early.js'

export interface StepOutcome {
  id: StepId
  number: number
  title: string
  status: 'done' | 'failed' | 'skipped'
  /** The step's inputs differ from its last recorded run (or it never ran). */
  inputsChanged: boolean
  results: Ensured[]
  outputs: Outputs
  durationMs: number
  reason?: string
  error?: { code: string; message: string; hint?: string; exitCode: number }
}

export interface RunOutcome {
  command: string
  env: string
  dryRun: boolean
  offline: boolean
  ok: boolean
  durationMs: number
  steps: StepOutcome[]
  /** Every wait of this run, in the order they ended (the summary names those that waited). */
  waits: WaitRecord[]
}

export type Renderer = 'default' | 'plain' | 'silent'

interface Deferred {
  promise: Promise<StepOutcome>
  resolve: (o: StepOutcome) => void
}

function deferred(): Deferred {
  let resolve!: (o: StepOutcome) => void
  const promise = new Promise<StepOutcome>((r) => (resolve = r))
  return { promise, resolve }
}

const RENDERERS: Record<Renderer, ListrRendererValue> = { default: 'default', plain: 'simple', silent: 'silent' }

/** `events`: `--json-events`' sink; the run reports each step and resource to it as it goes. */
export async function runSteps(
  ctx: Context,
  selected: Step[],
  renderer: Renderer,
  events?: EventSink,
): Promise<RunOutcome> {
  const started = Date.now()
  // A value that reads another step's outputs (`${api.url}` in parameters) makes its step wait for that one.
  const steps = withReferenceNeeds(selected, ctx.config)
  const finished = new Map(steps.map((s) => [s.id, deferred()]))
  // A step's dependents start once it has published its outputs, which may be before it has finished.
  const readiness = new StepReadiness(finished)
  const waitsBefore = ctx.waits.records.length
  const stopWaitEvents = events && ctx.waits.listen((wait) => events({ type: 'wait', ...wait }))
  const upstream = upstreamOutputs(ctx, steps)
  // What the manifest records is read at once (loadContext started it while the local checks ran, else now); steps
  // take their reads as they run.
  const early = ctx.early ?? observeEarly(ctx, steps)
  const runCtx = early ? { ...ctx, early } : ctx
  // Local work (packaging, which also checks every handler) finishes before the first step: a handler that does not
  // build stops the run before any AWS write, with nothing recorded.
  const prepared = await prepareAll(ctx, steps)
  const runId = ctx.dryRun ? undefined : await ctx.manifest.runStarted(ctx.command)
  events?.({
    type: 'run-start',
    command: ctx.command,
    env: ctx.config.env,
    dryRun: ctx.dryRun,
    steps: steps.map((s) => s.id),
  })

  // Tasks start in this order, `concurrency` at a time: dependencies first, so a waiting task never holds a slot that
  // the step it waits for needs.
  const list = new Listr(
    orderByNeeds(steps).map((step) => ({
      title: `${String(step.number).padStart(2, '0')} ${step.title}`,
      rendererOptions: { persistentOutput: true, outputBar: Infinity },
      task: async (_: unknown, task: { output: string; title: string; skip(message?: string): void }) => {
        const emit = stepEvents(events, step)
        const outcome = await runOne(runCtx, step, upstream, readiness, prepared.get(step.id), emit, (line) => {
          task.output = line
          emit.log(line)
        })
        emit.end(outcome)
        finished.get(step.id)!.resolve(outcome)
        const seconds = (outcome.durationMs / 1000).toFixed(1)
        if (outcome.status === 'skipped') task.skip(`${task.title}: ${outcome.reason}`)
        else if (outcome.status === 'failed') throw new Error(`${outcome.error?.message}`)
        else task.title = `${task.title} (${summarize(outcome.results)}, ${seconds} s)`
      },
    })),
    {
      concurrent: ctx.concurrency,
      exitOnError: false,
      renderer: RENDERERS[renderer],
      fallbackRenderer: 'simple',
      collectErrors: false,
    },
  )
  await list.run().catch(() => undefined)
  const outcomes = await Promise.all(steps.map((s) => finished.get(s.id)!.promise))
  stopWaitEvents?.()
  const ok = outcomes.every((o) => o.status === 'done')
  if (runId) {
    await ctx.manifest.runFinished(
      runId,
      ok ? 'succeeded' : 'failed',
      Object.fromEntries(outcomes.map((o) => [o.id, o.error?.code ?? o.reason ?? summarize(o.results)])),
    )
  }
  return {
    command: ctx.command,
    env: ctx.config.env,
    dryRun: ctx.dryRun,
    offline: ctx.offline,
    ok,
    durationMs: Date.now() - started,
    steps: outcomes,
    waits: ctx.waits.records.slice(waitsBefore),
  }
}

/** Every step's prepare(), in parallel; the first failure (a ConfigError naming the handler) ends the run. */
async function prepareAll(ctx: Context, steps: Step[]): Promise<Map<StepId, unknown>> {
  const made = await Promise.all(
    steps.map(
      async (s) =>
        [s.id, await s.prepare?.({ config: ctx.config, offline: ctx.offline, log: () => undefined })] as const,
    ),
  )
  return new Map(made)
}

async function runOne(
  ctx: Context,
  step: Step,
  upstream: Upstream,
  readiness: StepReadiness,
  made: unknown,
  emit: StepEvents,
  show: (line: string) => void,
): Promise<StepOutcome> {
  const base = { id: step.id, number: step.number, title: step.title, results: [] as Ensured[], outputs: {} as Outputs }
  const [needed, wanted] = await Promise.all([readiness.of(step.needs), readiness.of(step.softNeeds ?? [])])
  const broken = needed.find((o) => o.status !== 'done')
  if (broken)
    return {
      ...base,
      status: 'skipped',
      inputsChanged: false,
      durationMs: 0,
      reason: `skipped: ${broken.id} ${broken.status === 'failed' ? 'failed' : 'was skipped'}`,
    }
  // Each outcome carries the outputs of its own step: StepOutputs[o.id]. A soft need that failed gives none.
  for (const o of [...needed, ...wanted.filter((w) => w.status === 'done')])
    Object.assign(upstream, { [o.id]: o.outputs })

  const read = [...step.needs, ...(step.softNeeds ?? [])]
  const inputHash = hashOf({ inputs: step.inputs(ctx.config, made), upstream: read.map((id) => upstream[id]) })
  // stepStarted records the hash of each attempt, so only a finished step's hash says "unchanged".
  const last = ctx.manifest.manifest.steps[step.id]
  const inputsChanged = last?.status !== 'done' || last.inputHash !== inputHash
  const started = Date.now()
  emit.start()
  const readAhead = ctx.early?.takeAhead(step.id)
  const stepCtx: StepContext = {
    ...resourceContext(ctx, step.id, show),
    ...(readAhead ? { readAhead } : {}),
    config: ctx.config,
    upstream,
    ...(ctx.canaryPercent !== undefined ? { canaryPercent: ctx.canaryPercent } : {}),
    ...(ctx.certTimeoutMinutes !== undefined ? { certTimeoutMinutes: ctx.certTimeoutMinutes } : {}),
    ...(ctx.waitForDeploy ? { waitForDeploy: true } : {}),
    ...(ctx.keepOldFiles ? { keepOldFiles: true } : {}),
    ...(ctx.takeOverLogging ? { takeOverLogging: true } : {}),
    publish: (outputs) => readiness.publish(step.id, outputs),
    // Results are listed once, in the final summary; the task output carries progress lines.
    report: (result) => {
      base.results.push(result)
      emit.resource(result)
    },
  }
  // The attempt is recorded without waiting for the write: the step's first journal entry (before any AWS write) is
  // written after it, and the step's end waits for it. A failed write fails the step, as before.
  const recorded = ctx.dryRun ? Promise.resolve() : ctx.manifest.stepStarted(step.id, inputHash)
  recorded.catch(() => undefined)
  try {
    if (step.prepare) stepCtx.prepared = made
    const outputs = await step.run(stepCtx)
    await recorded
    refuseUnmanaged(ctx, step, base.results)
    // What the manifest records for this step and this run did not converge is no longer in config.
    const live = new Set([...ctx.converged, ...base.results.map((r) => r.key)])
    const stale = staleRecords(ctx.manifest.manifest.resources, step.id, live)
    base.results.push(...(await removeRecords(stepCtx, stale, emit.resource)))
    if (!ctx.dryRun) await ctx.manifest.stepFinished(step.id, outputs, inputHash)
    return { ...base, outputs, status: 'done', inputsChanged, durationMs: Date.now() - started }
  } catch (e) {
    const error = isInfraError(e)
      ? { code: e.code, message: e.message, hint: e.hint, exitCode: e.exitCode }
      : { code: 'UnexpectedError', message: e instanceof Error ? e.message : String(e), exitCode: 1 }
    if (!ctx.dryRun) await ctx.manifest.stepFailed(step.id, { code: error.code, message: error.message })
    return { ...base, status: 'failed', inputsChanged, durationMs: Date.now() - started, error }
  }
}

/**
 * A same-named resource without this service's tags was left alone and nothing was wired to it; the step fails so
 * that the steps that would use it do not run, and the user decides.
 */
function refuseUnmanaged(ctx: Context, step: Step, results: Ensured[]): void {
  const strangers = results.filter((r) => r.action === 'unmanaged')
  if (strangers.length === 0) return
  throw new StepError(
    'ResourceNotManaged',
    `checking ${strangers.map((r) => `${r.kind} ${r.name}`).join(', ')}: ${strangers.length === 1 ? 'it exists' : 'they exist'} without this service's infra tags and ${strangers.length === 1 ? 'was' : 'were'} left alone; nothing was wired to ${strangers.length === 1 ? 'it' : 'them'}`,
    {
      hint: `If ${strangers.length === 1 ? 'it is' : 'they are'} yours (e.g. made by the manual's scripts), rerun with --adopt: \`infra deploy-all --env ${ctx.config.env} --adopt\`; otherwise choose another name in config.json.`,
    },
  )
}

/** A finished step's outputs, typed by its id: what its run() returned (undefined when it did not finish). */
export function outputsOf<Id extends StepId>(outcome: RunOutcome, id: Id): StepOutputs[Id] | undefined {
  const step = outcome.steps.find((s) => s.id === id && s.status === 'done')
  return step?.outputs as StepOutputs[Id] | undefined
}

export function summarize(results: Ensured[]): string {
  const counts = new Map<string, number>()
  for (const r of results) counts.set(r.action, (counts.get(r.action) ?? 0) + 1)
  return counts.size === 0 ? 'nothing to do' : [...counts].map(([action, n]) => `${n} ${action}`).join(', ')
}
