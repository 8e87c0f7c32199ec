// Step 03's triggers of one function, once its alias exists: queue and stream event source mappings, then schedules.
import type { FunctionConfig } from '../config/types.js'
import { converge } from '../resources/engine/converge.js'
import { eventSourceMappingKind } from '../resources/lambda/event-source-mapping.js'
import { scheduleKind } from '../resources/scheduler/schedule.js'
import type { Ensured } from '../resources/types.js'
import { mappingSpecs, scheduleSpecs } from './trigger-specs.js'
import type { StepContext } from './types.js'

export async function ensureTriggers(ctx: StepContext, fn: FunctionConfig): Promise<Ensured[]> {
  const planning = ctx.dryRun || ctx.offline
  const results: Ensured[] = []
  for (const spec of mappingSpecs(ctx.config, fn, ctx.upstream, planning))
    results.push((await converge(ctx, eventSourceMappingKind, spec)).result)
  for (const spec of scheduleSpecs(ctx.config, fn, ctx.upstream, planning))
    results.push((await converge(ctx, scheduleKind, spec)).result)
  return results
}
