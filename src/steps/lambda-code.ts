// What step 03 prepares before any step runs: every function's package (none for an image function, or in an offline
// plan) and every layer's, each in config order.
import type { FunctionPackage } from '../package/index.js'
import { packageConfiguredFunctions } from '../validate/package-functions.js'
import { packageConfiguredLayers } from '../validate/package-layers.js'
import type { PrepareContext } from './types.js'

export interface PreparedCode {
  functions: Array<FunctionPackage | undefined>
  layers: Array<FunctionPackage | undefined>
}

export const isPreparedCode = (x: unknown): x is PreparedCode =>
  typeof x === 'object' && x !== null && Array.isArray((x as PreparedCode).functions)

/** Packaged in parallel; offline plans skip it (there is nothing to compare with). */
export async function prepareLambdaCode(ctx: PrepareContext): Promise<PreparedCode> {
  const { functions, layers } = ctx.config
  if (ctx.offline) return { functions: functions.map(() => undefined), layers: layers.map(() => undefined) }
  ctx.log(`packaging ${functions.length} function(s)${layers.length > 0 ? ` and ${layers.length} layer(s)` : ''}`)
  // The same packages `validateLocally` built before the run: unchanged sources come from the content-hash cache.
  const [fns, lays] = await Promise.all([packageConfiguredFunctions(ctx.config), packageConfiguredLayers(ctx.config)])
  return { functions: fns, layers: lays }
}
