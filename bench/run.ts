// Benchmarks: printed figures, never asserted in tests. Run with `npm run bench` (builds first).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { readCalls, runCli } from '../test/support/cli.js'
import { workspace, REPO_ROOT } from '../test/support/context.js'
import { benchPackage } from './package.js'

type Row = { label: string; value: string }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Cold start of the CLI: a new node process each time, as a user types it. */
function benchHelp(): Row[] {
  const times: number[] = []
  for (let i = 0; i < 7; i++) {
    const started = performance.now()
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/run.js'), '--help'], { encoding: 'utf8' })
    times.push(performance.now() - started)
    if (run.status !== 0) throw new Error(`infra --help failed: ${run.stderr}`)
  }
  return [{ label: 'cold `infra --help` (median of 7)', value: `${median(times).toFixed(0)} ms (target < 300 ms)` }]
}

/** deploy-all as a real process against the fake AWS with 50 ms added to every call. */
async function benchDeploy(): Promise<Row[]> {
  const root = workspace()
  const state = path.join(root, 'fake-aws.json')
  const env = { FAKE_AWS_LATENCY_MS: '50' }
  const rows: Row[] = []
  for (const label of ['fresh deploy-all', 'no-op deploy-all']) {
    const before = readCalls(state).length
    const started = performance.now()
    const run = await runCli(['deploy-all', '--env', 'staging'], { cwd: root, state, env, timeoutMs: 120_000 })
    const ms = performance.now() - started
    if (run.code !== 0) throw new Error(`${label} failed (${run.code}): ${run.stderr}`)
    const calls = readCalls(state).slice(before)
    const writes = calls.filter((c) => c.write).length
    const reads = calls.length - writes
    const manifest = JSON.parse(
      (await import('node:fs')).readFileSync(path.join(root, '.infra/staging/manifest.json'), 'utf8'),
    )
    const resources = Object.keys(manifest.resources).length
    rows.push({
      label: `${label} (50 ms per call)`,
      value: `${(ms / 1000).toFixed(2)} s, ${writes} writes, ${reads} reads for ${resources} resources${label.startsWith('no-op') ? ' (target: 0 writes, < 2 s)' : ''}`,
    })
  }
  return rows
}

const rows: Row[] = [...benchHelp(), ...(await benchDeploy()), ...(await benchPackage())]
const width = Math.max(...rows.map((r) => r.label.length))
for (const row of rows) console.log(`${row.label.padEnd(width)}  ${row.value}`)
