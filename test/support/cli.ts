// Runs the built CLI (bin/run.js) as a child process against the fake AWS, in a throwaway workspace.
import { execFileSync, spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { buildSync } from 'esbuild'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFakeAws, type AllFakes, type CallRecord } from './fake-aws/index.js'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const PRELOAD_PATH = fileURLToPath(new URL('./fake-aws-preload.ts', import.meta.url))
const CHILD_SEND_STUB = fileURLToPath(new URL('./fake-aws/child-send-stub.ts', import.meta.url))
const CLI_PATH = join(REPO_ROOT, 'bin', 'run.js')
const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'bundle', 'infra.js')
const DEFAULT_TIMEOUT_MS = 60_000

let bundleChecked = false

/**
 * bin/run.js runs the bundle (scripts/bundle-cli.mjs), which a plain `tsc` build does not refresh: rebuilt once per
 * process when a file of src/ or scripts/ is newer, so a CLI process always runs the code under test.
 */
export function ensureFreshBundle(): void {
  if (bundleChecked) return
  bundleChecked = true
  const built = existsSync(CLI_BUNDLE) ? statSync(CLI_BUNDLE).mtimeMs : 0
  // The bundling script and its plugin shape the bundle as much as src/ does.
  const inputs = ['src', 'scripts'].flatMap((dir) =>
    readdirSync(join(REPO_ROOT, dir), { recursive: true }).map((f) => join(REPO_ROOT, dir, String(f))),
  )
  const stale = inputs.some((file) => statSync(file).mtimeMs > built)
  if (stale) execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle-cli.mjs')], { stdio: 'inherit' })
}

let preloadBundle: string | undefined

/**
 * The fake and its preload, bundled once per process into plain JavaScript beside node_modules (so its `@aws-sdk/*`
 * imports resolve to the very classes the CLI uses). A child then starts without compiling TypeScript. CommonJS, so
 * the SDK is required as the CLI's bundle requires it: Node's ESM loader would first scan every client's big
 * dist-cjs file for its exports (most of the harness's start-up). aws-sdk-client-mock, there, is the small stub
 * fake-aws/child-send-stub.ts: nothing else in the child mocks the SDK, and sinon is slow to load.
 */
function bundledPreload(): string {
  if (preloadBundle) return preloadBundle
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'infra-fake-aws')
  mkdirSync(dir, { recursive: true })
  const out = join(dir, `preload-${process.pid}.cjs`)
  buildSync({
    entryPoints: [PRELOAD_PATH],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    alias: { 'aws-sdk-client-mock': CHILD_SEND_STUB },
    outfile: `${out}.tmp`,
    logLevel: 'error',
  })
  renameSync(`${out}.tmp`, out)
  process.once('exit', () => rmSync(out, { force: true }))
  return (preloadBundle = out)
}

/** NODE_OPTIONS that load the fake into a node process (an absolute path: the same from any working directory). */
export function fakeNodeOptions(): string {
  return `--require "${bundledPreload()}"`
}

/**
 * The environment of a child that talks to the fake: this process's environment without anything AWS, vitest or
 * node-options related (so no real credentials or profile leak in, and the CLI does not think it runs under
 * vitest), plus dummy credentials and the fake's settings.
 */
export function fakeChildEnv(state: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([k]) => !/^(AWS_|FAKE_AWS_|VITEST|NODE_OPTIONS$|NODE_ENV$|FORCE_COLOR$|TEST$)/.test(k),
  )
  const nowhere = join(tmpdir(), 'infra-fake-aws-no-such-file')
  return {
    ...Object.fromEntries(inherited),
    CI: 'true',
    NO_COLOR: '1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK warns on stderr under Node < 22; the CLI's stderr is asserted on.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // A service without a fake must fail on a closed loopback port, never reach the network.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    NODE_OPTIONS: fakeNodeOptions(),
    FAKE_AWS_STATE: state,
    ...extra,
  }
}

export interface CliResult {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

export interface RunCliOptions {
  /** Working directory; default: the folder of `state` (the workspace of makeWorkspace). */
  cwd?: string
  /** The fake's state file (FAKE_AWS_STATE). */
  state: string
  /** More environment, e.g. `{ FAKE_AWS_KILL_AFTER: 'CreateTable:2' }`. */
  env?: Record<string, string>
  timeoutMs?: number
}

/** Runs `node bin/run.js ...args` with the fake AWS preloaded. Rejects only when it outlives `timeoutMs`. */
export function runCli(args: string[], opts: RunCliOptions): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  ensureFreshBundle()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: opts.cwd ?? dirname(opts.state),
      env: fakeChildEnv(opts.state, opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`infra ${args.join(' ')} ran over ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`),
      )
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** The fake AWS as a process left it (not installed), to assert on resources. Empty if nothing was saved. */
export function readFakeState(statePath: string): AllFakes {
  const aws = createFakeAws()
  if (existsSync(statePath)) aws.load(JSON.parse(readFileSync(statePath, 'utf8')))
  return aws
}

/** Changes the fake between two CLI runs, e.g. `(aws) => aws.dynamodb.deleteTableOutOfBand(name)`. */
export function editFakeState(statePath: string, edit: (aws: AllFakes) => void): void {
  const aws = readFakeState(statePath)
  edit(aws)
  writeFileSync(statePath, JSON.stringify(aws))
}

/** Every call the child processes made, in order (binary inputs appear as `{ $bytes: n }`). */
export function readCalls(statePath: string): CallRecord[] {
  const path = `${statePath}.calls.jsonl`
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CallRecord)
}

export interface Workspace {
  /** A fresh temp dir with the repo's config.json, environments/, handlers/ and web/: the CLI's cwd. */
  dir: string
  /** The fake's state file, inside `dir`. */
  state: string
  remove(): void
}

export function makeWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'infra-e2e-'))
  cpSync(join(REPO_ROOT, 'config.json'), join(dir, 'config.json'))
  for (const folder of ['environments', 'handlers', 'web']) {
    const from = join(REPO_ROOT, folder)
    if (existsSync(from)) cpSync(from, join(dir, folder), { recursive: true })
  }
  // The lambda step bundles handlers/ with esbuild, which resolves their packages from here.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, state: join(dir, 'fake-aws-state.json'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}
