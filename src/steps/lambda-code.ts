// What step 03 prepares before any step runs: every function's package (none for an image function, or in an offline
// plan) and every layer's, each in config order.
import { packageConfiguredCode, type ConfiguredCode } from '../validate/index.js'
import type { PrepareContext } from './types.js'

export type PreparedCode = ConfiguredCode

export const isPreparedCode = (x: unknown): x is PreparedCode =>
  typeof x === 'object' && x !== null && Array.isArray((x as PreparedCode).functions)

/** Packaged in parallel; offline plans skip it (there is nothing to compare with). */
export async function prepareLambdaCode(ctx: PrepareContext): Promise<PreparedCode> {
  const { functions, layers } = ctx.config
  if (ctx.offline) return { functions: functions.map(() => undefined), layers: layers.map(() => undefined) }
  ctx.log(`packaging ${functions.length} function(s)${layers.length > 0 ? ` and ${layers.length} layer(s)` : ''}`)
  // The packages `validateLocally` built before the run, if it ran on this config; else built now.
  return packageConfiguredCode(ctx.config)
}
