// Benchmarks: printed figures, never asserted in tests. Run with `npm run bench` (builds first).
import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { ensureFreshBundle, fakeChildEnv, readCalls, runCli } from '../test/support/cli.js'
import { workspace, REPO_ROOT } from '../test/support/context.js'
import { benchPackage } from './package.js'

type Row = { label: string; value: string }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

interface ColdStart {
  cwd?: string
  env?: NodeJS.ProcessEnv
  runs?: number
}

/** The median wall time of `runs` fresh node processes with these arguments. */
function coldStartMs(args: string[], { cwd, env, runs = 7 }: ColdStart = {}): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd, env })
    times.push(performance.now() - started)
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`)
  }
  return median(times)
}

const CLI = path.join(REPO_ROOT, 'bin/run.js')
// Every SDK client the project depends on, most of which a full deploy loads: the harness has already loaded them
// when the CLI asks, a run against AWS loads them itself.
const SDK_CLIENTS = Object.keys(
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).dependencies,
).filter((name) => name.startsWith('@aws-sdk/client-'))

interface StartUp {
  bareMs: number
  /** node with the fake preloaded (its state file loaded), less bare node: what the harness adds to every process. */
  harnessMs: number
  /** Every SDK client, required as the CLI's bundle requires them, less bare node. */
  sdkClientsMs: number
  /** The CLI's commands that make no AWS call, as processes without the fake: [label, ms]. */
  commands: Array<[string, number]>
}

function measureStartUp(root: string, state: string): StartUp {
  const bareMs = coldStartMs(['-e', '0'])
  const harnessMs = coldStartMs(['-e', '0'], { cwd: root, env: fakeChildEnv(state) }) - bareMs
  const requireAll = SDK_CLIENTS.map((name) => `require('${name}')`).join(';')
  const sdkClientsMs = coldStartMs(['-e', requireAll], { cwd: REPO_ROOT }) - bareMs
  const commands: Array<[string, number]> = [
    ['--help', coldStartMs([CLI, '--help'])],
    ['validate --env staging', coldStartMs([CLI, 'validate', '--env', 'staging'], { cwd: root })],
    ['plan --env staging --offline', coldStartMs([CLI, 'plan', '--env', 'staging', '--offline'], { cwd: root })],
  ]
  return { bareMs, harnessMs, sdkClientsMs, commands }
}

// Issue 11's yardstick: the dependency chain a deploy cannot shorten (account check → role → function → version →
// alias → API → deployment → stage), about a dozen round trips, at the benchmark's latency per call.
const LATENCY_MS = 50
const LIMIT_ROUND_TRIPS = 12
const LIMIT_MS = LIMIT_ROUND_TRIPS * LATENCY_MS

interface Scenario {
  label: string
  target: string
  /** Done to the workspace before the run (e.g. a handler edited); `round` makes each round's edit its own. */
  before?: (root: string, round: number) => void
}

const SCENARIOS: Scenario[] = [
  { label: 'fresh `deploy-all` of the default config', target: '≤ 5 s' },
  { label: 'no-op `deploy-all`', target: '≤ 1.2 s, 0 writes, ≤ 1.5 reads per resource' },
  {
    label: 'one handler changed',
    target: '≤ 1.5 s, ≤ 4 writes',
    before: (root, round) =>
      appendFileSync(path.join(root, 'handlers/prompt-crud/index.ts'), `\nexport const benchEdit = ${round}\n`),
  },
]

// Single runs on a shared 2-core machine vary by a few tenths of a second: each figure is the median of this many
// rounds, each on a new workspace (BENCH_ROUNDS to change it).
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

interface Measured {
  label: string
  processMs: number
  /** Every round's process time, in the order run. */
  processRounds: number[]
  runMs: number
  writes: number
  reads: number
  resources: number
  target: string
  readsByCall: string
}

type Round = Omit<Measured, 'processRounds'>

/** deploy-all as a real process against the fake AWS with LATENCY_MS added to every call. */
async function deployOnce(scenario: Scenario, root: string, state: string): Promise<Round> {
  const before = readCalls(state).length
  const started = performance.now()
  const run = await runCli(['deploy-all', '--env', 'staging', '--json'], {
    cwd: root,
    state,
    env: { FAKE_AWS_LATENCY_MS: String(LATENCY_MS) },
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
  return {
    label: scenario.label,
    processMs,
    runMs: outcome.durationMs,
    writes: calls.length - reads.length,
    reads: reads.length,
    resources: Object.keys(manifest.resources).length,
    target: scenario.target,
    readsByCall: [...byCommand].map(([command, n]) => `${command.replace(/Command$/, '')} ${n}`).join(', '),
  }
}

/** Every scenario in order, ROUNDS times; the times are medians, the calls those of the last round. */
async function benchDeploy(): Promise<{ measured: Measured[]; root: string; state: string }> {
  const rounds: Round[][] = SCENARIOS.map(() => [])
  let root = ''
  for (let round = 0; round < ROUNDS; round++) {
    root = workspace()
    // The harness's one-off work (the CLI bundle checked, the fake's preload bundled) is kept out of the figures.
    ensureFreshBundle()
    fakeChildEnv(path.join(root, 'fake-aws.json'))
    for (const [i, scenario] of SCENARIOS.entries()) {
      scenario.before?.(root, round)
      rounds[i]!.push(await deployOnce(scenario, root, path.join(root, 'fake-aws.json')))
    }
  }
  const measured = rounds.map((runs) => ({
    ...runs.at(-1)!,
    processMs: median(runs.map((r) => r.processMs)),
    processRounds: runs.map((r) => r.processMs),
    runMs: median(runs.map((r) => r.runMs)),
  }))
  return { measured, root, state: path.join(root, 'fake-aws.json') }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const ratio = (ms: number) => `${(ms / LIMIT_MS).toFixed(1)}×`

const ms = (value: number) => `${value.toFixed(0)} ms`

/** The issue's table: each figure, its target, and how far it is from the limit. */
function issueTable(measured: Measured[], startUp: StartUp): string {
  const { bareMs, harnessMs, sdkClientsMs } = startUp
  const helpMs = startUp.commands[0]![1]
  const lines = [
    `| scenario (${LATENCY_MS} ms per call) | process (net of the harness) | run | calls | target | process ÷ limit (${seconds(LIMIT_MS)}) |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...measured.map(
      (m) =>
        `| ${m.label} | ${seconds(m.processMs)} (${seconds(m.processMs - harnessMs)}) | ${seconds(m.runMs)} | ${m.writes} writes, ${m.reads} reads (${(m.reads / m.resources).toFixed(2)} per resource, ${m.resources} resources) | ${m.target} | ${ratio(m.processMs)} |`,
    ),
    `| \`infra --help\` | ${ms(helpMs - bareMs)} over bare node (${ms(helpMs)}, node alone ${ms(bareMs)}) | | | ≤ 150 ms over bare node | |`,
  ]
  return [
    ...lines,
    '',
    `Each process time includes the fake harness's own start-up, ${ms(harnessMs)} over bare node (the preload requires every SDK client the fake stubs and the fake, and loads the fake's state); "net" takes it off. The harness has then already loaded the clients the CLI calls, which a run against AWS loads itself: ${ms(sdkClientsMs)} for all ${SDK_CLIENTS.length} clients in package.json, most of which a full deploy calls.`,
  ].join('\n')
}

const { measured, root, state } = await benchDeploy()
// After the deploys: the offline plan reads a real manifest, the harness loads a real state.
const startUp = measureStartUp(root, state)
console.log(issueTable(measured, startUp))
console.log()
const noop = measured.find((m) => m.label.startsWith('no-op'))!
const rows: Row[] = [
  { label: 'no-op reads by call', value: noop.readsByCall },
  ...measured.map((m) => ({
    label: `rounds: ${m.label}`,
    value: m.processRounds.map((value) => seconds(value)).join(', '),
  })),
  ...startUp.commands.map(([command, value]) => ({
    label: `start-up \`infra ${command}\` (no fake)`,
    value: `${ms(value)} (${ms(value - startUp.bareMs)} over bare node)`,
  })),
  { label: 'start-up of the fake harness alone', value: `${ms(startUp.harnessMs)} over bare node` },
  ...(await benchPackage()),
]
const width = Math.max(...rows.map((r) => r.label.length))
for (const row of rows) console.log(`${row.label.padEnd(width)}  ${row.value}`)
