// `infra status`: per step what the manifest records; with --refresh, what differs in AWS (drift).
import Table from 'cli-table3'
import type { Manifest } from '../manifest/types.js'
import type { RunOutcome } from '../runner/run-steps.js'
import { STEP_IDS } from '../steps/types.js'
import { MANUAL_NUMBERS } from '../steps/index.js'
import { describeResult } from './plan.js'

export interface StatusReport {
  env: string
  /** The manifest as recorded on disk; null when the environment was never deployed. */
  manifest: Readonly<Manifest> | null
  drift?: RunOutcome
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

/** `4 dynamodb-table` and `1 log-group`, one per line: what the manifest records for one step. */
function resourceCounts(manifest: Readonly<Manifest>, stepId: string): string {
  const counts = new Map<string, number>()
  for (const r of Object.values(manifest.resources)) {
    if (r.step === stepId) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join('\n')
}

function endpointLines(manifest: Readonly<Manifest>): string[] {
  const endpoints = STEP_IDS.flatMap((id) =>
    Object.entries((manifest.steps[id]?.outputs.endpoints ?? {}) as Record<string, string>),
  )
  return endpoints.length > 0 ? ['Endpoints:', ...endpoints.map(([name, url]) => `  ${name}: ${url}`)] : []
}

export function neverDeployed(env: string): string {
  return `Environment ${env} has never been deployed: infra has no record of it (.infra/${env}/manifest.json). Start with \`infra plan --env ${env}\` to see what would be created, then \`infra deploy-all --env ${env}\`.`
}

export function formatStatus(report: StatusReport): string {
  const { manifest } = report
  if (!manifest) return neverDeployed(report.env)
  const table = new Table({
    head: ['step', 'status', 'finished', 'resources'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [16, 11, 26, 40],
  })
  for (const id of STEP_IDS) {
    const step = manifest.steps[id]
    table.push([
      `${String(MANUAL_NUMBERS[id]).padStart(2, '0')} ${id}`,
      step?.status ?? 'never run',
      step?.finishedAt ?? step?.startedAt ?? '',
      step?.error ? `${step.error.code} (below)` : resourceCounts(manifest, id),
    ])
  }
  // Whole, under the table: a cell would cut a long message (an ARN) mid-value.
  const errors = STEP_IDS.flatMap((id) => {
    const error = manifest.steps[id]?.error
    return error ? [`  ${id}: ${error.code}: ${error.message}`] : []
  })
  const lines = [
    `Environment ${report.env} (${manifest.service}, ${manifest.region}${manifest.account ? `, account ${manifest.account}` : ''})`,
    table.toString(),
    ...(errors.length > 0 ? ['Errors of the last run:', ...errors] : []),
    ...endpointLines(manifest),
    ...aliasLines(manifest),
  ]
  const last = manifest.history.at(-1)
  if (last) lines.push(`Last run: ${last.command} ${last.status} at ${last.finishedAt ?? last.startedAt}`)
  lines.push(`Every id, name and URL for other tools: \`infra outputs --env ${report.env}\`.`)
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
