// `infra status`: per step what the manifest records; with --refresh, what differs in AWS (drift).
import Table from 'cli-table3'
import type { Manifest } from '../manifest/types.js'
import type { RunOutcome } from '../runner/run-steps.js'
import { STEP_IDS } from '../steps/types.js'
import { MANUAL_NUMBERS } from '../steps/index.js'
import { describeResult } from './plan.js'

export interface StatusReport {
  env: string
  manifest: Readonly<Manifest>
  drift?: RunOutcome
}

function outputsLine(outputs: Record<string, unknown>): string {
  const text = JSON.stringify(outputs)
  return text === '{}' ? '' : text.length > 100 ? `${text.slice(0, 97)}...` : text
}

/** Where each Lambda alias sends its traffic, with a canary's split (recorded by the lambda step, rollback, promote). */
function aliasLines(manifest: Readonly<Manifest>): string[] {
  const lines: string[] = []
  for (const r of Object.values(manifest.resources)) {
    const alias = r.attributes?.alias as
      { name?: string; version?: string; canary?: { version?: string; weight?: number } } | undefined
    if (r.kind !== 'lambda-function' || !alias?.version) continue
    const percent = Math.round((alias.canary?.weight ?? 0) * 10_000) / 100
    const split = alias.canary
      ? `version ${alias.version} (${100 - percent}%), version ${alias.canary.version} (${percent}%, canary)`
      : `version ${alias.version}`
    lines.push(`  ${r.name}:${alias.name} → ${split}`)
  }
  return lines.length > 0 ? ['Lambda aliases:', ...lines.sort()] : []
}

export function formatStatus(report: StatusReport): string {
  const { manifest } = report
  const table = new Table({
    head: ['step', 'status', 'finished', 'outputs'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [16, 11, 26, 60],
  })
  for (const id of STEP_IDS) {
    const step = manifest.steps[id]
    table.push([
      `${String(MANUAL_NUMBERS[id]).padStart(2, '0')} ${id}`,
      step?.status ?? 'never run',
      step?.finishedAt ?? step?.startedAt ?? '',
      step ? (step.error ? `${step.error.code}: ${step.error.message}` : outputsLine(step.outputs)) : '',
    ])
  }
  const lines = [
    `Environment ${report.env} (${manifest.service}, ${manifest.region}${manifest.account ? `, account ${manifest.account}` : ''})`,
    table.toString(),
  ]
  lines.push(...aliasLines(manifest))
  const last = manifest.history.at(-1)
  if (last) lines.push(`Last run: ${last.command} ${last.status} at ${last.finishedAt ?? last.startedAt}`)
  if (report.drift) {
    const drifted = report.drift.steps.flatMap((s) => s.results).filter((r) => r.action !== 'unchanged')
    lines.push(
      '',
      drifted.length === 0
        ? 'No drift: AWS matches the config.'
        : `Drift (${drifted.length}): what the next deploy would change`,
    )
    for (const r of drifted) lines.push(`  ${describeResult(r)}`)
    for (const s of report.drift.steps.filter((x) => x.status === 'failed'))
      lines.push(`  ${s.id}: could not check: ${s.error?.message}`)
  }
  return lines.join('\n')
}
