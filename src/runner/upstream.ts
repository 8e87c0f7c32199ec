// Outputs of the steps the selected ones need but that do not run now: from the manifest, where a step
// that has never finished is an error naming the command that runs it.
import type { Context } from '../context/context.js'
import { ConfigError } from '../errors/index.js'
import type { Step, Upstream } from '../steps/types.js'

export function upstreamOutputs(ctx: Context, selected: Step[]): Upstream {
  const running = new Set(selected.map((s) => s.id))
  const upstream: Upstream = {}
  for (const step of selected) {
    for (const need of step.needs) {
      if (running.has(need) || upstream[need]) continue
      const record = ctx.manifest.manifest.steps[need]
      if (!record || record.status !== 'done') {
        throw new ConfigError(
          'DependencyNotDeployed',
          `step ${step.id} needs step ${need}, which has ${record ? `status ${record.status}` : 'never run'} in environment ${ctx.config.env}`,
          {
            hint: `Run \`infra step ${need} --env ${ctx.config.env}\` first, or \`infra deploy-all --env ${ctx.config.env}\`.`,
          },
        )
      }
      // The manifest holds what this step returned when it last finished: its StepOutputs shape.
      Object.assign(upstream, { [need]: record.outputs })
    }
    // A soft need's last finished outputs are used when there are any; without them the step runs all the same.
    for (const want of step.softNeeds ?? []) {
      const record = ctx.manifest.manifest.steps[want]
      if (!running.has(want) && record?.status === 'done') Object.assign(upstream, { [want]: record.outputs })
    }
  }
  return upstream
}
