// Pure: config (and the values its references hold) → the SSM parameters of `parameters` and `outputs --to-ssm`; and
// converging a list of them, a few at a time.
import type { ResolvedConfig } from '../config/types.js'
import { converge } from '../resources/engine/converge.js'
import { parameterKind, type ParameterSpec } from '../resources/ssm/parameter.js'
import type { Ensured, ResourceContext } from '../resources/types.js'
import { withReferences } from './references.js'

// SSM's PutParameter default throughput is a few dozen calls a second per account and region, shared with others.
const PARAMETERS_AT_ONCE = 5

export function parameterSpecs(config: ResolvedConfig, references: Record<string, string>): ParameterSpec[] {
  return config.parameters.map((p) => ({
    logicalId: p.name,
    name: p.name,
    value: withReferences(p.value, references),
    description: `Written by infra for ${config.serviceName} (${config.env}) from config.json parameters`,
    tags: config.tags,
  }))
}

/** Converges each parameter; returns the results in order. */
export async function ensureParameters(ctx: ResourceContext, specs: ParameterSpec[]): Promise<Ensured[]> {
  const results: Ensured[] = []
  for (let i = 0; i < specs.length; i += PARAMETERS_AT_ONCE) {
    const batch = specs.slice(i, i + PARAMETERS_AT_ONCE)
    results.push(...(await Promise.all(batch.map(async (s) => (await converge(ctx, parameterKind, s)).result))))
  }
  return results
}
