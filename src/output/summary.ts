// The final summary of a run: per step what changed, what was skipped and why, and how long it took.
import Table from 'cli-table3'
import type { RunOutcome } from '../runner/run-steps.js'
import { summarize } from '../runner/run-steps.js'
import { describeResult } from './plan.js'

export function formatOutcome(outcome: RunOutcome): string {
  const lines: string[] = []
  if (outcome.offline)
    lines.push(
      'Offline plan: AWS was not contacted (--offline, or no credentials found), so this plan comes from the manifest alone and nothing was checked against AWS.',
      '',
    )
  for (const step of outcome.steps) {
    const label = `${String(step.number).padStart(2, '0')} ${step.id}`
    if (step.status === 'skipped') lines.push(`${label}: ${step.reason}`)
    else if (step.status === 'failed')
      lines.push(`${label}: failed: ${step.error?.message}${step.error?.hint ? `\n    hint: ${step.error.hint}` : ''}`)
    // A plan lists no-ops too; after an apply, only what changed or needs attention.
    const shown = outcome.dryRun ? step.results : step.results.filter((r) => r.action !== 'unchanged' || r.note)
    if (step.status === 'done' && (shown.length > 0 || outcome.dryRun)) {
      lines.push(`${label}:${outcome.dryRun && step.inputsChanged ? ' (inputs changed since the last run)' : ''}`)
    }
    for (const r of shown) lines.push(`  ${describeResult(r)}`)
  }
  const table = new Table({ head: ['step', 'status', 'resources', 'time'], style: { head: [], border: [] } })
  for (const step of outcome.steps) {
    table.push([
      `${String(step.number).padStart(2, '0')} ${step.id}`,
      step.status,
      step.status === 'done' ? summarize(step.results) : (step.error?.code ?? step.reason ?? ''),
      `${(step.durationMs / 1000).toFixed(1)} s`,
    ])
  }
  lines.push('', table.toString(), '', totals(outcome))
  const endpoints = outcome.steps.flatMap((s) => Object.entries((s.outputs.endpoints ?? {}) as Record<string, string>))
  if (endpoints.length > 0) lines.push('', 'Endpoints:', ...endpoints.map(([name, url]) => `  ${name}: ${url}`))
  return lines.join('\n')
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
