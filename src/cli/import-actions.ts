// What `infra import` does, behind a dynamic import so the SDK loads only when it runs: the steps run as a plan that
// finds what config describes by name (the engine's own lookups), the user reviews what would be adopted and chooses
// between same-named duplicates, then a second pass tags and records what was found. Every other call goes through
// dry-run clients, which refuse writes: the ownership tags are the only change an import can make.
import { AwsClients } from '../aws/clients.js'
import { ConfigError } from '../errors/index.js'
import { loadContext, type Context } from '../context/context.js'
import { plain, type Paint } from '../output/color.js'
import { paintResult } from '../output/plan.js'
import type { AmbiguousResource, Ensured, ImportOptions } from '../resources/types.js'
import { runSteps, type Renderer, type RunOutcome } from '../runner/run-steps.js'
import { findStep, STEPS, withDependencies } from '../steps/index.js'
import type { Step } from '../steps/types.js'
import { contextOptions, type CommonOptions, type RunResult } from './actions.js'

export interface ImportRequest extends CommonOptions {
  /** Manifest key → id of the candidate to adopt where several share a name (`--choose key=id`). */
  choices: Record<string, string>
  /** Step ids or numbers (with the steps they need); empty: every implemented step. */
  only?: string[]
  renderer: Renderer
  paint?: Paint
}

export interface ImportDecisions {
  /** Several same-named candidates: the ids the user picks (keyed like `choices`), or a throw (no terminal). */
  choose(ambiguous: AmbiguousResource[], env: string): Promise<Record<string, string>>
  /** The plan, before anything is written: returns to adopt, throws to stop. */
  confirm(plan: RunResult, toAdopt: number): Promise<void>
}

export async function importEnvironment(req: ImportRequest, decide: ImportDecisions): Promise<RunResult> {
  const ctx = await loadContext(contextOptions(req, { command: 'import', mode: 'apply' }))
  // Reads only: every call but the tagging of what is adopted goes through clients that refuse writes.
  const reader = new AwsClients({ ...ctx.aws.settings, dryRun: true })
  const paint = req.paint ?? plain
  const steps = req.only?.length ? withDependencies(req.only.map((ref) => findStep(ref))) : STEPS
  try {
    const choices = { ...req.choices }
    let planned = await importPass(ctx, steps, reader, { choices, ambiguous: [] }, 'silent')
    while (planned.ambiguous.length > 0) {
      refuseRejectedChoices(planned.ambiguous)
      Object.assign(choices, await decide.choose(planned.ambiguous, ctx.config.env))
      planned = await importPass(ctx, steps, reader, { choices, ambiguous: [] }, 'silent')
    }
    const plan = { outcome: planned.outcome, text: formatImport(planned.outcome, paint) }
    const toAdopt = count(planned.outcome, 'would-adopt')
    if (!planned.outcome.ok || toAdopt === 0) return plan
    await decide.confirm(plan, toAdopt)
    const applied = await importPass(ctx, steps, reader, { choices, ambiguous: [], writer: ctx.aws }, req.renderer)
    return { outcome: applied.outcome, text: formatImport(applied.outcome, paint) }
  } finally {
    reader.destroy()
    await ctx.close()
  }
}

/** A --choose whose id is none of the candidates: refused before anything is asked or written. */
function refuseRejectedChoices(ambiguous: AmbiguousResource[]): void {
  const wrong = ambiguous.find((a) => a.rejectedChoice !== undefined)
  if (!wrong) return
  const ids = wrong.candidates.map((c) => c.id)
  throw new ConfigError(
    'ImportChoiceNotFound',
    `importing ${wrong.label} (${wrong.name}): --choose ${wrong.key}=${wrong.rejectedChoice} names none of its candidates (${ids.join(', ')})`,
    { hint: `Pass one of these ids, e.g. \`--choose ${wrong.key}=${ids[0]}\`; nothing was changed.` },
  )
}

/** Every step as a plan whose converge calls adopt what they find (see resources/engine/adopt.ts). */
async function importPass(
  ctx: Context,
  steps: Step[],
  reader: AwsClients,
  importing: ImportOptions,
  renderer: Renderer,
): Promise<{ outcome: RunOutcome; ambiguous: AmbiguousResource[] }> {
  const outcome = await runSteps(
    { ...ctx, aws: reader, dryRun: true, converged: new Set(), importing },
    steps,
    renderer,
  )
  return { outcome, ambiguous: importing.ambiguous }
}

const count = (outcome: RunOutcome, action: Ensured['action']) =>
  outcome.steps.flatMap((s) => s.results).filter((r) => r.action === action).length

/** What an import found per step: adopted, already this service's, or missing (deploy-all creates it). */
export function formatImport(outcome: RunOutcome, paint: Paint = plain): string {
  const lines: string[] = []
  for (const step of [...outcome.steps].sort((a, b) => a.number - b.number)) {
    const label = `${String(step.number).padStart(2, '0')} ${step.id}`
    if (step.status === 'skipped') lines.push(`${label}: ${step.reason}`)
    else lines.push(step.status === 'failed' ? `${label}: failed: ${step.error?.message}` : `${label}:`)
    for (const r of step.results) lines.push(`  ${describeFound(r, paint)}`)
  }
  const applied = count(outcome, 'adopted') > 0
  const adopt = applied ? `${count(outcome, 'adopted')} adopted` : `${count(outcome, 'would-adopt')} to adopt`
  lines.push(
    '',
    `${applied ? 'Imported' : 'Import plan'}: ${adopt} (ownership tags and manifest records only), ${count(outcome, 'unchanged')} already managed, ${count(outcome, 'would-create')} not found (deploy-all creates them).${applied ? '' : ' No change was made.'}`,
  )
  if (applied) lines.push(`Next: \`infra plan --env ${outcome.env}\` shows what else differs from config.`)
  return lines.join('\n')
}

function describeFound(r: Ensured, paint: Paint): string {
  if (r.action === 'would-create') return `? not found ${r.kind} ${r.name}: import makes nothing; deploy-all creates it`
  // A record config no longer describes: import removes nothing, the next deploy-all does.
  if (r.action === 'would-delete') return `${paintResult(r, paint)} — by the next deploy-all; import leaves it`
  return paintResult(r, paint)
}
