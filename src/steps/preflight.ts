// Every step's own config derivations, run before any AWS call (validateLocally, and offline plans): a step never
// raises a config error mid-run.
import type { ResolvedConfig } from '../config/types.js'
import { STEPS } from './index.js'
import { checkReferenceCycles } from './references.js'

export function preflightSteps(config: ResolvedConfig): void {
  checkReferenceCycles(config, STEPS)
  for (const step of STEPS) step.preflight?.(config)
}
