// Step 12: `parameters` — chosen outputs written to SSM Parameter Store as String parameters, for other stacks to read.
// A step of its own, after the steps whose outputs the values read (references.ts adds them to `needs`): a value
// may combine several steps' outputs, it is written once they are all known, and destroy removes the parameters
// before what they point at.
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import type { ParametersOutputs } from './outputs.js'
import { ensureParameters, parameterSpecs } from './parameters-specs.js'
import { referenceValues } from './references.js'
import type { Step } from './types.js'

export const parametersStep: Step<'parameters'> = {
  id: 'parameters',
  number: 12,
  title: 'SSM parameters',
  // Plus every step a value reads (`${api.url}` → api): config decides, see withReferenceNeeds.
  needs: [],
  inputs: (config) => config.parameters,
  async run(ctx) {
    const references = await referenceValues(
      ctx,
      ctx.config.parameters.map((p) => p.value),
    )
    const specs = parameterSpecs(ctx.config, references)
    const results = await ensureParameters(ctx, specs)
    results.forEach((r) => ctx.report(r))
    const parameters: ParametersOutputs['parameters'] = {}
    results.forEach((r) => (parameters[r.name] = r.arn ?? KNOWN_AFTER_APPLY))
    return { parameters }
  },
}
