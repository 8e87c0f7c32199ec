// The built CLI as a real child process, with the fake AWS preloaded into it: exit codes, output, the
// manifest on disk, SIGKILL mid-run and resume, concurrent runs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  editFakeState,
  fakeChildEnv,
  makeWorkspace,
  readCalls,
  readFakeState,
  REPO_ROOT,
  runCli,
  type Workspace,
} from '../support/cli.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 90_000 })
const manifestOf = (env = 'staging') =>
  JSON.parse(readFileSync(path.join(ws.dir, '.infra', env, 'manifest.json'), 'utf8'))
const writes = () => readCalls(ws.state).filter((c) => c.write)
const TABLES = ['conversations', 'prompts', 'usage', 'websocket-connections'].map((t) => `new-service-staging-${t}`)

describe('help', () => {
  test('lists every command with a one-line summary, and each command shows examples', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['deploy-all', 'plan', 'status', 'step'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\s+\\S`))
    for (const command of ['deploy-all', 'plan', 'status', 'step']) {
      const own = await cli([command, '--help'])
      expect(own.stdout).toContain('EXAMPLES')
      expect(own.stdout).toContain(`$ infra ${command}`)
    }
  })
})

describe('deploy-all', () => {
  test('creates everything, records it on disk, and a second run sends no write', async () => {
    const first = await cli(['deploy-all', '--env', 'staging'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/Done in [\d.]+ s: \d+ created, \d+ updated, 0 deleted, 0 unchanged/)
    const fake = readFakeState(ws.state)
    expect(fake.dynamodb.tableNames().sort()).toEqual(TABLES)
    // The Lambda role, the Bedrock logging role, and API Gateway's CloudWatch role for access logs.
    expect(fake.iam.roleNames()).toHaveLength(3)
    const manifest = manifestOf()
    expect(manifest.steps.iam.status).toBe('done')
    expect(manifest.steps.dynamodb.status).toBe('done')
    expect(manifest.history.at(-1).status).toBe('succeeded')
    expect(existsSync(path.join(ws.dir, '.infra/staging/lock'))).toBe(false)

    const before = writes().length
    const second = await cli(['deploy-all', '--env', 'staging'])
    expect(second.code).toBe(0)
    expect(writes().length).toBe(before)
    expect(second.stdout).toMatch(/0 created, 0 updated, 0 deleted, \d+ unchanged/)
  })

  test('--json prints the outcome as one document', async () => {
    const run = await cli(['deploy-all', '--env', 'staging', '--json'])
    expect(run.code).toBe(0)
    const outcome = JSON.parse(run.stdout)
    expect(outcome).toMatchObject({ command: 'deploy-all', env: 'staging', dryRun: false, ok: true })
    expect(outcome.steps.find((s: { id: string }) => s.id === 'dynamodb').results).toHaveLength(4)
  })

  test('killed right after a CreateTable succeeded, the next run completes with no duplicate', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateTable:2' })
    expect(crashed.signal).toBe('SIGKILL')
    expect(readFakeState(ws.state).dynamodb.tableNames().length).toBeGreaterThanOrEqual(2)
    const manifest = manifestOf()
    expect(manifest.steps.dynamodb.status).toBe('running')

    const resumed = await cli(['deploy-all', '--env', 'staging'])
    expect(resumed.code, resumed.stderr).toBe(0)
    // Calls in flight when the process died may have landed in AWS without the client seeing the answer;
    // the resume must find them by name: no create is repeated and none fails with "already exists".
    const creates = readCalls(ws.state).filter((c) => c.command === 'CreateTableCommand')
    const names = creates.map((c) => c.input.TableName)
    expect(new Set(names).size).toBe(names.length)
    expect(creates.filter((c) => c.error)).toEqual([])
    expect(readFakeState(ws.state).dynamodb.tableNames().sort()).toEqual(TABLES)
    const after = manifestOf()
    expect(Object.keys(after.resources).filter((k) => k.startsWith('dynamodb-table:'))).toHaveLength(4)
    expect(after.steps.dynamodb.status).toBe('done')
  })

  test('killed right after CreateRole, the next run adopts the role it made instead of failing', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateRole:1' })
    expect(crashed.signal).toBe('SIGKILL')
    const resumed = await cli(['deploy-all', '--env', 'staging'])
    expect(resumed.code, resumed.stderr).toBe(0)
    const creates = readCalls(ws.state).filter((c) => c.command === 'CreateRoleCommand')
    expect(creates.filter((c) => c.error)).toEqual([])
    expect(new Set(creates.map((c) => c.input.RoleName)).size).toBe(creates.length)
    expect(readFakeState(ws.state).iam.roleNames()).toHaveLength(3)
    expect(readFakeState(ws.state).iam.role('new-service-staging-lambda-role')!.inline['service-access']).toBeDefined()
  })

  test('two concurrent runs on one environment: one proceeds, the other exits 3 naming the holder', async () => {
    const env = { FAKE_AWS_LATENCY_MS: '40' }
    const [a, b] = await Promise.all([
      cli(['deploy-all', '--env', 'staging'], env),
      cli(['deploy-all', '--env', 'staging'], env),
    ])
    expect([a.code, b.code].sort()).toEqual([0, 3])
    const loser = a.code === 3 ? a : b
    expect(loser.stderr).toMatch(/is locked by pid \d+ on .* \(deploy-all/)
    expect(loser.stderr).toContain('StateLocked')
  })

  test('a corrupt manifest stops the run with exit 3 and the way out; --refresh rebuilds it from AWS', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    const file = path.join(ws.dir, '.infra/staging/manifest.json')
    writeFileSync(file, '{"version": 1, "steps": ')
    const before = readCalls(ws.state).length
    const run = await cli(['deploy-all', '--env', 'staging'])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('ManifestCorrupt')
    expect(run.stderr).toContain('--refresh')
    expect(readCalls(ws.state).length).toBe(before)
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "steps": ')

    const writesBefore = writes().length
    const rebuilt = await cli(['deploy-all', '--env', 'staging', '--refresh'])
    expect(rebuilt.code, rebuilt.stderr).toBe(0)
    expect(Object.keys(manifestOf().resources).filter((k) => k.startsWith('dynamodb-table:'))).toHaveLength(4)
    expect(readdirSync(path.join(ws.dir, '.infra/staging')).some((f) => f.startsWith('manifest.json.corrupt-'))).toBe(
      true,
    )
    // Rebuilt by observing AWS: everything was found, nothing created or changed.
    expect(writes().slice(writesBefore)).toEqual([])
  })

  test('credentials of another account: exit 4 with both numbers, before any write', async () => {
    const run = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_ACCOUNT: '111122223333' })
    expect(run.code).toBe(4)
    expect(run.stderr).toContain('111122223333')
    expect(run.stderr).toContain('887078546492')
    expect(writes()).toEqual([])
    expect(existsSync(path.join(ws.dir, '.infra/staging/manifest.json'))).toBe(false)
  })
})

describe('step', () => {
  test('one step by number runs alone', async () => {
    const run = await cli(['step', '02', '--env', 'staging'])
    expect(run.code, run.stderr).toBe(0)
    expect(readFakeState(ws.state).iam.roleNames()).toEqual([])
    expect(readFakeState(ws.state).dynamodb.tableNames()).toHaveLength(4)
  })

  test('refuses a step whose dependencies never ran, naming the command to run', async () => {
    const run = await cli(['step', 'lambda', '--env', 'staging'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('step lambda needs step iam, which has never run')
    expect(run.stderr).toContain('infra step iam --env staging')
    expect(writes()).toEqual([])
  })

  test('an unknown step lists the real ones', async () => {
    const run = await cli(['step', 'database', '--env', 'staging'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('dynamodb (02)')
  })
})

describe('plan and status', () => {
  test('plan of the default config (reviewed snapshot): every create, and no write', async () => {
    const run = await cli(['plan', '--env', 'production'])
    expect(run.code, run.stderr).toBe(0)
    expect(writes()).toEqual([])
    const summary = run.stdout
      .slice(run.stdout.indexOf('01 iam:'))
      .replace(/\d+\.\d s/g, 'N s')
      .replace(/code \S+… \(\d+ KiB\)/g, 'code <sha256> (<size>)')
      .replace(/[─┌┐└┘├┤┬┴┼│]+/g, '|')
    expect(summary).toMatchSnapshot()
  })

  test('without credentials, plan works offline from the manifest and says so', async () => {
    const run = await runCli(['plan', '--env', 'production'], {
      cwd: ws.dir,
      state: ws.state,
      env: { FAKE_AWS_FAIL: 'GetCallerIdentity:CredentialsProviderError' },
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Offline plan: no AWS credentials were found, so AWS was not contacted')
    expect(run.stdout).toMatch(/Plan: \d+ to create/)
  })

  test('status shows each step; --refresh reports a table deleted out of band, and deploy puts it back', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    const status = await cli(['status', '--env', 'staging'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/02 dynamodb\s*│\s*done/)
    for (const step of ['01 iam', '06 s3', '09 dns', '11 monitoring']) expect(status.stdout).toContain(step)

    editFakeState(ws.state, (aws) => aws.dynamodb.deleteTableOutOfBand('new-service-staging-usage'))
    const before = writes().length
    const refreshed = await cli(['status', '--env', 'staging', '--refresh'])
    expect(refreshed.code).toBe(0)
    expect(refreshed.stdout).toContain('Drift (1)')
    expect(refreshed.stdout).toContain('+ create dynamodb-table new-service-staging-usage')
    expect(writes().length).toBe(before)

    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    expect(readFakeState(ws.state).dynamodb.table('new-service-staging-usage')).toBeDefined()
  })
})

describe('the demo needs no AWS account at all', () => {
  test('deploy-all --dry-run with no credentials and no fake: an offline plan, exit 0', async () => {
    // No credentials anywhere, and no fake preloaded: exactly a fresh machine.
    const env: NodeJS.ProcessEnv = { ...fakeChildEnv(ws.state), NODE_OPTIONS: '' }
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) Reflect.deleteProperty(env, key)
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/run.js'), 'deploy-all', '--env', 'production', '--dry-run'],
      { cwd: ws.dir, env },
    )
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(stdout).toContain('Offline plan')
    expect(stdout).toContain('+ create dynamodb-table new-service-conversations')
  })

  test('the README’s demo: --offline makes no AWS call at all, even with credentials at hand', async () => {
    const run = await cli(['deploy-all', '--env', 'production', '--dry-run', '--offline'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Offline plan (--offline): AWS was not contacted')
    expect(readCalls(ws.state)).toEqual([])
  })
})
