// The final summary of a run: per step what changed, what was skipped and why, and how long it took.
import Table from 'cli-table3'
import type { StepStatus } from '../manifest/types.js'
import type { RunOutcome, StepOutcome } from '../runner/run-steps.js'
import { summarize } from '../runner/run-steps.js'
import { plain, type Paint } from './color.js'
import { paintResult } from './plan.js'
import { formatWaits } from './waits.js'

export interface OutcomeView {
  paint?: Paint
  /** Why an offline plan was offline: --offline was given, or no credentials were found. */
  offlineBecause?: 'flag' | 'no-credentials'
  /** Each step's status in the manifest before this run (absent: it never ran). */
  before?: Partial<Record<string, StepStatus>>
}

const OFFLINE_BANNERS = {
  flag: 'Offline plan (--offline): AWS was not contacted, so this plan comes from the manifest alone and nothing was checked against AWS.',
  'no-credentials':
    'Offline plan: no AWS credentials were found, so AWS was not contacted; this plan comes from the manifest alone and nothing was checked against AWS.',
}

/** What a plan says about a step's inputs: nothing on its first run, nothing when they are as last time. */
function inputsNote(step: StepOutcome, before: OutcomeView['before']): string {
  const last = before?.[step.id]
  if (!step.inputsChanged || last === undefined) return ''
  return last === 'done' ? ' (inputs changed since the last run)' : ' (its last run did not finish)'
}

export function formatOutcome(outcome: RunOutcome, view: OutcomeView = {}): string {
  const paint = view.paint ?? plain
  const lines: string[] = []
  if (outcome.offline) lines.push(OFFLINE_BANNERS[view.offlineBecause ?? 'no-credentials'], '')
  // The manual's order, whatever order the dependency graph finished them in.
  const steps = [...outcome.steps].sort((a, b) => a.number - b.number)
  for (const step of steps) {
    const label = `${String(step.number).padStart(2, '0')} ${step.id}`
    if (step.status === 'skipped') lines.push(`${label}: ${step.reason}`)
    else if (step.status === 'failed')
      lines.push(`${label}: failed: ${step.error?.message}${step.error?.hint ? `\n    hint: ${step.error.hint}` : ''}`)
    // A plan lists no-ops too; after an apply, only what changed or needs attention.
    const shown = outcome.dryRun ? step.results : step.results.filter((r) => r.action !== 'unchanged' || r.note)
    if (step.status === 'done' && (shown.length > 0 || outcome.dryRun)) {
      const empty = shown.length === 0 ? ' nothing to do' : ''
      lines.push(`${label}:${empty}${outcome.dryRun ? inputsNote(step, view.before) : ''}`)
    }
    for (const r of shown) lines.push(`  ${paintResult(r, paint)}`)
  }
  const table = new Table({ head: ['step', 'status', 'resources', 'time'], style: { head: [], border: [] } })
  for (const step of steps) {
    table.push([
      `${String(step.number).padStart(2, '0')} ${step.id}`,
      step.status,
      step.status === 'done' ? summarize(step.results) : (step.error?.code ?? step.reason ?? ''),
      `${(step.durationMs / 1000).toFixed(1)} s`,
    ])
  }
  lines.push('', table.toString(), '', totals(outcome))
  const waits = formatWaits(outcome.waits)
  if (waits) lines.push(waits)
  const endpoints = steps.flatMap((s) => Object.entries((s.outputs.endpoints ?? {}) as Record<string, string>))
  if (endpoints.length > 0) lines.push('', 'Endpoints:', ...endpoints.map(([name, url]) => `  ${name}: ${url}`))
  return lines.join('\n')
}

/** A plan that would change something: a create, an update or a delete (for `plan --detailed-exitcode`). */
export function planHasChanges(outcome: RunOutcome): boolean {
  return outcome.steps.some((s) => s.results.some((r) => r.action.startsWith('would-')))
}

function totals(outcome: RunOutcome): string {
  const all = outcome.steps.flatMap((s) => s.results)
  const count = (...actions: string[]) => all.filter((r) => actions.includes(r.action)).length
  const seconds = (outcome.durationMs / 1000).toFixed(1)
  const extra = () =>
    [
      count('retained') ? `, ${count('retained')} retained` : '',
      count('unmanaged') ? `, ${count('unmanaged')} not managed` : '',
    ].join('')
  if (outcome.dryRun) {
    return `Plan: ${count('would-create')} to create, ${count('would-update')} to update, ${count('would-delete')} to delete, ${count('unchanged', 'unverified')} unchanged${extra()}. No change was made.`
  }
  const failed = outcome.steps.filter((s) => s.status !== 'done').length
  return `${outcome.ok ? 'Done' : `Finished with ${failed} step(s) failed or skipped`} in ${seconds} s: ${count('created')} created, ${count('updated')} updated, ${count('deleted')} deleted, ${count('unchanged')} unchanged${extra()}.`
}
