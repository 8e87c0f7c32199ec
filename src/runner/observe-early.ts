// Issue 11: a run observes what the manifest records all at once, before the dependency-ordered steps, so a no-op
// deploy is not a chain of read round trips. Each step's converge then takes its resources' reads (engine/early.ts);
// a step waits only for what it reads.
import { limitConcurrency } from '../aws/concurrency.js'
import { resourceContext, type Context } from '../context/context.js'
import { EarlyObservations } from '../resources/engine/early.js'
import { kindNamed } from '../resources/kinds.js'
import type { EarlyRead, SpecBase } from '../resources/engine/kind.js'
import type { ResourceRecord } from '../manifest/types.js'
import type { Step } from '../steps/types.js'

/** Observations in flight at once per service: its reads sent together, well inside its burst (a throttle is retried). */
export const EARLY_READS_PER_SERVICE = 8

/**
 * Starts reading every resource the selected steps recorded whose kind can be read from its record alone; undefined
 * when the run reads nothing (offline) or chooses between candidates itself (`infra import`).
 */
export function observeEarly(ctx: Context, steps: Step[]): EarlyObservations | undefined {
  if (ctx.offline || ctx.importing) return undefined
  const early = new EarlyObservations()
  const selected = new Set<string>(steps.map((s) => s.id))
  const limits = new Map<string, ReturnType<typeof limitConcurrency>>()
  const bulk = new Map<EarlyRead<SpecBase, unknown>, Array<[string, ResourceRecord]>>()
  const { resources, pending } = ctx.manifest.manifest
  const readCtx = (step: string) => ({ ...resourceContext(ctx, step, () => undefined), early })
  for (const [key, recorded] of Object.entries(resources)) {
    const read = kindNamed(recorded.kind)?.early
    // An interrupted operation is resolved by the step's own lookup.
    if (!read || !selected.has(recorded.step) || pending[key]) continue
    if (read.readAll) {
      bulk.set(read, [...(bulk.get(read) ?? []), [key, recorded]])
      continue
    }
    let limit = limits.get(read.service)
    if (!limit) limits.set(read.service, (limit = limitConcurrency(EARLY_READS_PER_SERVICE)))
    early.start(key, recorded, () => limit(() => read.read(readCtx(recorded.step), recorded)))
  }
  for (const step of steps)
    if (step.readAhead) early.startAhead(step.id, () => step.readAhead!(readCtx(step.id), ctx.config))
  for (const [read, entries] of bulk) {
    const reads = read.readAll!(
      readCtx(entries[0]![1].step),
      entries.map(([, recorded]) => recorded),
    )
    entries.forEach(([key, recorded], i) => early.start(key, recorded, () => reads[i]!))
  }
  return early
}
