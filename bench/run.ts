// Benchmarks: printed figures, never asserted in tests. Run with `npm run bench` (builds first).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

/** The child's own start-up with the fake preloaded: what the harness adds to every CLI run measured below. */
async function harnessOverheadMs(root: string, state: string): Promise<number> {
  const started = performance.now()
  await runCli(['--version'], { cwd: root, state })
  return performance.now() - started
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
    const run = await runCli(['deploy-all', '--env', 'staging', '--json'], {
      cwd: root,
      state,
      env,
      timeoutMs: 120_000,
    })
    const wallMs = performance.now() - started
    if (run.code !== 0) throw new Error(`${label} failed (${run.code}): ${run.stderr}`)
    const outcome = JSON.parse(run.stdout) as { durationMs: number }
    const calls = readCalls(state).slice(before)
    const writes = calls.filter((c) => c.write).length
    const manifest = JSON.parse(readFileSync(path.join(root, '.infra/staging/manifest.json'), 'utf8'))
    const resources = Object.keys(manifest.resources).length
    const target = label.startsWith('no-op') ? ' (target: 0 writes, < 2 s)' : ''
    const byCommand = new Map<string, number>()
    for (const c of calls.filter((x) => !x.write)) byCommand.set(c.command, (byCommand.get(c.command) ?? 0) + 1)
    rows.push({
      label: `${label} (50 ms per call)`,
      value: `${(wallMs / 1000).toFixed(2)} s process, ${(outcome.durationMs / 1000).toFixed(2)} s run; ${writes} writes, ${calls.length - writes} reads for ${resources} resources${target}`,
    })
    if (label.startsWith('no-op')) {
      const reads = [...byCommand].map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`).join(', ')
      rows.push({ label: 'no-op reads by call', value: reads })
    }
  }
  const overhead = await harnessOverheadMs(root, state)
  rows.push({ label: 'of which the fake harness start-up', value: `${overhead.toFixed(0)} ms per process` })
  return rows
}

const rows: Row[] = [...benchHelp(), ...(await benchDeploy()), ...(await benchPackage())]
const width = Math.max(...rows.map((r) => r.label.length))
for (const row of rows) console.log(`${row.label.padEnd(width)}  ${row.value}`)
