// Benchmarks: printed figures, never asserted in tests. Run with `npm run bench` (builds first).
import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
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

/** The median wall time of `runs` fresh node processes with these arguments. */
function coldStartMs(args: string[], runs = 7): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' })
    times.push(performance.now() - started)
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`)
  }
  return median(times)
}

/** The child's own start-up with the fake preloaded: what the harness adds to every CLI run measured below. */
async function harnessOverheadMs(root: string, state: string): Promise<number> {
  const started = performance.now()
  await runCli(['--version'], { cwd: root, state })
  return performance.now() - started
}

// Issue 11's yardstick: the dependency chain a deploy cannot shorten (account check → role → function → version →
// alias → API → deployment → stage), about a dozen round trips, at the benchmark's latency per call.
const LATENCY_MS = 50
const LIMIT_ROUND_TRIPS = 12
const LIMIT_MS = LIMIT_ROUND_TRIPS * LATENCY_MS

interface Scenario {
  label: string
  target: string
  /** Done to the workspace before the run (e.g. a handler edited). */
  before?: (root: string) => void
}

const SCENARIOS: Scenario[] = [
  { label: 'fresh `deploy-all` of the default config', target: '≤ 5 s' },
  { label: 'no-op `deploy-all`', target: '≤ 1.2 s, 0 writes, ≤ 1.5 reads per resource' },
  {
    label: 'one handler changed',
    target: '≤ 1.5 s, ≤ 4 writes',
    before: (root) =>
      appendFileSync(path.join(root, 'handlers/prompt-crud/index.ts'), '\nexport const benchEdit = 1\n'),
  },
]

interface Measured {
  label: string
  processMs: number
  runMs: number
  writes: number
  reads: number
  resources: number
  target: string
  readsByCall: string
}

/** deploy-all as a real process against the fake AWS with LATENCY_MS added to every call, once per scenario. */
async function benchDeploy(): Promise<{ measured: Measured[]; harnessMs: number }> {
  const root = workspace()
  const state = path.join(root, 'fake-aws.json')
  const env = { FAKE_AWS_LATENCY_MS: String(LATENCY_MS) }
  const measured: Measured[] = []
  for (const scenario of SCENARIOS) {
    scenario.before?.(root)
    const before = readCalls(state).length
    const started = performance.now()
    const run = await runCli(['deploy-all', '--env', 'staging', '--json'], {
      cwd: root,
      state,
      env,
      timeoutMs: 120_000,
    })
    const processMs = performance.now() - started
    if (run.code !== 0) throw new Error(`${scenario.label} failed (${run.code}): ${run.stderr}`)
    const outcome = JSON.parse(run.stdout) as { durationMs: number }
    const calls = readCalls(state).slice(before)
    const reads = calls.filter((c) => !c.write)
    const byCommand = new Map<string, number>()
    for (const c of reads) byCommand.set(c.command, (byCommand.get(c.command) ?? 0) + 1)
    const manifest = JSON.parse(readFileSync(path.join(root, '.infra/staging/manifest.json'), 'utf8'))
    measured.push({
      label: scenario.label,
      processMs,
      runMs: outcome.durationMs,
      writes: calls.length - reads.length,
      reads: reads.length,
      resources: Object.keys(manifest.resources).length,
      target: scenario.target,
      readsByCall: [...byCommand].map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`).join(', '),
    })
  }
  return { measured, harnessMs: await harnessOverheadMs(root, state) }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const ratio = (ms: number) => `${(ms / LIMIT_MS).toFixed(1)}×`

/** The issue's table: each figure, its target, and how far it is from the limit. */
function issueTable(measured: Measured[], harnessMs: number, helpMs: number, bareMs: number): string {
  const lines = [
    `| scenario (${LATENCY_MS} ms per call) | process | run | calls | target | process ÷ limit (${seconds(LIMIT_MS)}) |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...measured.map(
      (m) =>
        `| ${m.label} | ${seconds(m.processMs)} | ${seconds(m.runMs)} | ${m.writes} writes, ${m.reads} reads (${(m.reads / m.resources).toFixed(2)} per resource, ${m.resources} resources) | ${m.target} | ${ratio(m.processMs)} |`,
    ),
    `| \`infra --help\` | ${(helpMs - bareMs).toFixed(0)} ms over bare node (${helpMs.toFixed(0)} ms, node alone ${bareMs.toFixed(0)} ms) | | | ≤ 150 ms over bare node | |`,
  ]
  return [
    ...lines,
    '',
    `Each process time includes the fake harness's own start-up (${harnessMs.toFixed(0)} ms: the preload loads every SDK client and the fake), which the CLI does not pay against AWS.`,
  ].join('\n')
}

const helpMs = coldStartMs([path.join(REPO_ROOT, 'bin/run.js'), '--help'])
const bareMs = coldStartMs(['-e', '0'])
const { measured, harnessMs } = await benchDeploy()
console.log(issueTable(measured, harnessMs, helpMs, bareMs))
console.log()
const noop = measured.find((m) => m.label.startsWith('no-op'))!
const rows: Row[] = [{ label: 'no-op reads by call', value: noop.readsByCall }, ...(await benchPackage())]
const width = Math.max(...rows.map((r) => r.label.length))
for (const row of rows) console.log(`${row.label.padEnd(width)}  ${row.value}`)
