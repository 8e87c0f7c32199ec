// The CLI people expect, run as a process: help, version, completion, "did you mean", JSON errors, one exit code per
// cause, errors that name the network or the endpoint, outputs, status, a plan a reviewer can read, the question
// before a widening deploy, and init.
import { spawn } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fakeChildEnv, makeWorkspace, readCalls, REPO_ROOT, runCli, type Workspace } from '../support/cli.js'

const CLI = path.join(REPO_ROOT, 'bin', 'run.js')
let ws: Workspace
beforeAll(() => {
  ws = makeWorkspace()
})
afterAll(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}, cwd = ws.dir) =>
  runCli(args, { cwd, state: ws.state, env, timeoutMs: 90_000 })
/** The CLI with no fake AWS preloaded: real SDK clients, real endpoints (or AWS_ENDPOINT_URL). */
const unfaked = (args: string[], env: Record<string, string>) => cli(args, { NODE_OPTIONS: '', ...env })
/** oclif wraps stderr at 80 columns behind ` ›   `: one line, single spaces, to compare with. */
const flat = (stderr: string) => stderr.replace(/\s*\n\s*›?\s*/g, ' ').replace(/\s+/g, ' ')
const json = (stdout: string) => JSON.parse(stdout) as { ok?: boolean; error?: { code: string; message: string } }

describe('help, version, completion, did you mean', () => {
  test('infra help, help <command>, -h and <command> -h; version and --version; autocomplete', async () => {
    const [help, helpPlan, short, planShort, version, dashVersion, complete] = await Promise.all([
      cli(['help']),
      cli(['help', 'plan']),
      cli(['-h']),
      cli(['plan', '-h']),
      cli(['version']),
      cli(['--version']),
      cli(['autocomplete', 'bash'], { XDG_CACHE_HOME: path.join(ws.dir, '.cache') }),
    ])
    for (const run of [help, helpPlan, short, planShort, version, dashVersion, complete])
      expect(run.code, run.stderr).toBe(0)
    for (const command of ['deploy-all', 'outputs', 'init', 'autocomplete'])
      expect(help.stdout).toMatch(new RegExp(`\\n {2}${command} +\\S`))
    expect(help.stdout).toMatch(/\n {2}version\n/)
    expect(short.stdout).toBe(help.stdout)
    expect(planShort.stdout).toBe(helpPlan.stdout)
    expect(helpPlan.stdout).toContain('--detailed-exitcode')
    expect(version.stdout).toMatch(/^infra\/\d+\.\d+\.\d+ /)
    expect(dashVersion.stdout).toBe(version.stdout)
    expect(complete.stdout).toContain('infra autocomplete script bash')
  })

  test('every command’s help has a description and examples; step and rollback say what they take', async () => {
    // A topic (`state`) lists its own commands (`state init`), which are the ones with help of their own.
    const listed = (help: string, section: string) =>
      [...(help.split(`${section}\n`)[1]?.split('\n\n')[0] ?? '').matchAll(/^ {2}([a-z][\w -]*?) {2,}/gm)].map(
        (m) => m[1]!,
      )
    const top = (await cli(['help'])).stdout
    const topics = listed(top, 'TOPICS')
    const topicCommands = await Promise.all(
      topics.map(async (t) => listed((await cli([t, '--help'])).stdout, 'COMMANDS')),
    )
    const commands = [...listed(top, 'COMMANDS'), ...topicCommands.flat()]
    expect(commands).toEqual(
      expect.arrayContaining(['deploy-all', 'plan', 'step', 'rollback', 'promote', 'outputs', 'init']),
    )
    const ours = commands.filter((c) => !['autocomplete', 'help', 'version'].includes(c))
    const helps = await Promise.all(ours.map((c) => cli([...c.split(' '), '--help'])))
    helps.forEach((h, i) => {
      expect(h.stdout, ours[i]).toContain('DESCRIPTION')
      expect(h.stdout, ours[i]).toContain(`$ infra ${ours[i]}`)
    })
    const step = helps[ours.indexOf('step')]!.stdout
    expect(step).toContain('--offline')
    expect(step).not.toContain('--concurrency')
    expect(helps[ours.indexOf('rollback')]!.stdout).toMatch(
      /Exactly one of --alias \(Lambda\) or --stage \(REST\s+API\)\s+is required/,
    )
  })

  test('a mistyped command or flag: one line with "did you mean", exit 2; with --json, JSON on stdout', async () => {
    const [command, flag, commandJson, flagJson] = await Promise.all([
      cli(['deploy', '--env', 'staging']),
      cli(['deploy-all', '--dryrun']),
      cli(['deploy', '--json']),
      cli(['deploy-all', '--dryrun', '--json']),
    ])
    expect(command.code).toBe(2)
    expect(flat(command.stderr)).toContain('deploy is not an infra command (did you mean deploy-all?)')
    expect(flag.code).toBe(2)
    expect(flat(flag.stderr)).toContain('unknown flag --dryrun (did you mean --dry-run?)')
    expect(flag.stderr).not.toContain('USAGE')
    expect(flag.stderr.split('\n').length).toBeLessThan(6)
    expect([commandJson.code, flagJson.code]).toEqual([2, 2])
    expect(json(commandJson.stdout)).toMatchObject({ ok: false, error: { code: 'UnknownCommand' } })
    expect(json(flagJson.stdout)).toMatchObject({ ok: false, error: { code: 'UnknownFlag' } })
  })

  test('npx infra works on a checkout that was never built: installing runs prepare, which builds dist/', async () => {
    const checkout = path.join(ws.dir, 'checkout')
    for (const item of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'bin',
      'src',
      'scripts',
    ])
      cpSync(path.join(REPO_ROOT, item), path.join(checkout, item), { recursive: true })
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules'), 'dir')
    // A cache of its own: npx links the project into it (running prepare); a shared one may hold a stale link.
    const env = fakeChildEnv(ws.state, { NODE_OPTIONS: '', npm_config_cache: path.join(ws.dir, '.npm') })
    const child = spawn('npx', ['--no-install', 'infra', '--version'], { cwd: checkout, env })
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0)
    expect(stdout).toMatch(/^infra\//)
    expect(existsSync(path.join(checkout, 'dist/bundle/infra.js'))).toBe(true)
  }, 180_000)
})

describe('errors: JSON with --json, one exit code per cause, named network and endpoint problems', () => {
  test('a config error with --json: {"ok":false,"error":{code,message,hint}} on stdout, exit 2', async () => {
    const run = await cli(['plan', '--env', 'stagign', '--json'])
    expect(run.code).toBe(2)
    expect(json(run.stdout)).toEqual({
      ok: false,
      error: {
        code: 'UnknownEnvironment',
        message: expect.stringContaining('did you mean staging?'),
        hint: expect.any(String),
      },
    })
  })

  test('no credentials: exit 5 from every command that needs them', async () => {
    const noCredentials = { FAKE_AWS_FAIL: 'GetCallerIdentity:CredentialsProviderError' }
    const runs = await Promise.all(
      [
        ['deploy-all', '--env', 'staging'],
        ['step', 'iam', '--env', 'staging'],
        ['rollback', '--alias', 'staging', '--env', 'staging'],
        ['promote', '--alias', 'staging', '--env', 'staging', '--json'],
        ['status', '--env', 'staging', '--refresh'],
      ].map((args) => cli(args, noCredentials)),
    )
    expect(runs.map((r) => r.code)).toEqual([5, 5, 5, 5, 5])
    expect(json(runs[3]!.stdout)).toMatchObject({ ok: false, error: { code: 'NoCredentials' } })
  })

  test('an endpoint that does not resolve: "cannot reach <host> (ENOTFOUND)", exit 5, and plan offers --offline', async () => {
    const run = await unfaked(['plan', '--env', 'staging'], { AWS_ENDPOINT_URL: 'https://aws.invalid' })
    expect(run.code).toBe(5)
    expect(flat(run.stderr)).toContain(
      'cannot reach aws.invalid (ENOTFOUND): check the network, the region, or AWS_ENDPOINT_URL',
    )
    expect(flat(run.stderr)).toContain('--offline')
  })

  test('an endpoint that does not implement an operation (an emulator): named as service:Operation', async () => {
    const identity =
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::887078546492:user/e2e</Arn><UserId>AIDAE2E</UserId><Account>887078546492</Account></GetCallerIdentityResult></GetCallerIdentityResponse>'
    const emulator = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        const sts = body.includes('Action=GetCallerIdentity')
        res.writeHead(sts ? 200 : 404, { 'content-type': sts ? 'text/xml' : 'text/html' })
        res.end(sts ? identity : '<html><body>not implemented</body></html>')
      })
    })
    await new Promise<void>((resolve) => emulator.listen(0, '127.0.0.1', resolve))
    const endpoint = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`
    try {
      const run = await unfaked(['step', 'dynamodb', '--env', 'staging'], { AWS_ENDPOINT_URL: endpoint })
      expect(run.code).toBe(1)
      expect(flat(run.stderr)).toContain(`the endpoint ${endpoint} does not support dynamodb:DescribeTable`)
      expect(run.stderr).not.toContain('SyntaxError')
    } finally {
      await new Promise((resolve) => emulator.close(resolve))
    }
  })

  test('an env file copied from another: a warning that they share names; a non-existent region: exit 2', async () => {
    copyFileSync(path.join(ws.dir, 'environments/dev.env'), path.join(ws.dir, 'environments/qa.env'))
    try {
      const [copied, region] = await Promise.all([
        cli(['plan', '--env', 'qa', '--offline']),
        cli(['plan', '--env', 'staging', '--offline', '--region', 'us-eest-1']),
      ])
      expect(copied.code, copied.stderr).toBe(0)
      expect(flat(copied.stderr)).toContain(
        'environments/qa.env and environments/dev.env share SERVICE_NAME new-service-dev',
      )
      expect(region.code).toBe(2)
      expect(flat(region.stderr)).toContain('"us-eest-1" is not an AWS region (did you mean us-east-1?')
    } finally {
      rmSync(path.join(ws.dir, 'environments/qa.env'))
    }
  })
})

describe('a deployed environment: outputs, status, plans a reviewer can read, the question before widening', () => {
  let env: Workspace
  beforeAll(() => {
    env = makeWorkspace()
  })
  afterAll(() => env.remove())
  const run = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { cwd: env.dir, state: env.state, env: extra, timeoutMs: 90_000 })
  /** deploy-all on a terminal (script(1) gives it one), answering `answer` to any question. */
  const onTerminal = (args: string[], answer: string) =>
    new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: env.dir,
        env: fakeChildEnv(env.state, { CI: '' }),
      })
      let output = ''
      child.stdout.on('data', (d) => (output += d))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, output }))
      child.stdin.end(`${answer}\n`)
    })
  const writes = () => readCalls(env.state).filter((c) => c.write).length

  test('never deployed: status says how to start, outputs exits 2, plan --detailed-exitcode exits 2', async () => {
    const [status, statusJson, outputs, plan] = await Promise.all([
      run(['status', '--env', 'staging']),
      run(['status', '--env', 'staging', '--json']),
      run(['outputs', '--env', 'staging']),
      run(['plan', '--env', 'staging', '--detailed-exitcode']),
    ])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('has never been deployed')
    expect(status.stdout).toContain('infra deploy-all --env staging')
    expect(JSON.parse(statusJson.stdout)).toEqual({ env: 'staging', manifest: null })
    expect(outputs.code).toBe(2)
    expect(flat(outputs.stderr)).toContain('Start with `infra plan --env staging`')
    expect(plan.code, plan.stderr).toBe(2)
    const labels = plan.stdout.split('\n').filter((l) => /^\d\d \w+:/.test(l))
    expect(labels.map((l) => l.slice(0, 2))).toEqual([...labels.map((l) => l.slice(0, 2))].sort())
    expect(plan.stdout).not.toContain('inputs changed since the last run')
  })

  test('after a deploy: plan exits 0; outputs from the manifest alone; status as a table with the endpoints', async () => {
    expect((await run(['deploy-all', '--env', 'staging'])).code).toBe(0)
    expect((await run(['plan', '--env', 'staging', '--detailed-exitcode'])).code).toBe(0)
    const calls = readCalls(env.state).length
    const file = path.join(env.dir, 'frontend.env')
    const [dotenv, asJson, shell, written, status, statusJson] = await Promise.all([
      run(['outputs', '--env', 'staging']),
      run(['outputs', '--env', 'staging', '--format', 'json']),
      run(['outputs', '--env', 'staging', '--format', 'shell']),
      run(['outputs', '--env', 'staging', '--output', file]),
      run(['status', '--env', 'staging']),
      run(['status', '--env', 'staging', '--json']),
    ])
    expect(readCalls(env.state)).toHaveLength(calls)
    for (const key of [
      'API_URL=https://',
      'WEBSOCKET_URL=wss://',
      'COGNITO_USER_POOL_ID=us-east-1_',
      'COGNITO_CLIENT_ID=',
      'COGNITO_HOSTED_UI_URL=https://',
    ])
      expect(dotenv.stdout).toContain(key)
    expect(dotenv.stdout).toContain('DYNAMODB_TABLES_USAGE_NAME=new-service-staging-usage')
    expect(JSON.parse(asJson.stdout).API_URL).toMatch(
      /^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/staging$/,
    )
    expect(shell.stdout).toMatch(/^export SERVICE_NAME='new-service-staging'$/m)
    expect(written.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(dotenv.stdout)
    expect(status.stdout).toMatch(/02 dynamodb\s*│\s*done\s*│[^│]*│\s*4 dynamodb-table/)
    expect(status.stdout).toMatch(/Endpoints:\n {2}REST API: https:\/\/\S+\/staging\n {2}WebSocket API: wss:\/\//)
    expect(status.stdout).not.toContain('...')
    const manifest = JSON.parse(readFileSync(path.join(env.dir, '.infra/staging/manifest.json'), 'utf8'))
    expect(JSON.parse(statusJson.stdout)).toEqual({ env: 'staging', manifest })
  })

  test('a wider IAM policy: the plan shows the statements added, coloured on request; a terminal deploy asks', async () => {
    const configPath = path.join(env.dir, 'config.json')
    const config = JSON.parse(readFileSync(configPath, 'utf8'))
    // Every table is written by some function already: a new one, written by one function, widens the shared role.
    config.tables.audit = { partition_key: 'id' }
    config.functions['usage-handler'].tables.audit = 'read-write'
    writeFileSync(configPath, JSON.stringify(config, null, 2))

    const [plain, coloured, noColour] = await Promise.all([
      run(['plan', '--env', 'staging', '--only', 'iam']),
      run(['plan', '--env', 'staging', '--only', 'iam'], { NO_COLOR: '', FORCE_COLOR: '1' }),
      run(['plan', '--env', 'staging', '--only', 'iam'], { NO_COLOR: '1', FORCE_COLOR: '1' }),
    ])
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout).toContain('~ update iam-role new-service-staging-lambda-role')
    expect(plain.stdout).toMatch(/^ {4}InlinePolicy\[service-access\]/m)
    expect(plain.stdout).toMatch(
      /^ {6,8}\+ Allow .*dynamodb:PutItem.* on arn:aws:dynamodb:us-east-1:\d+:table\/new-service-staging-audit$/m,
    )
    // Only what changed: the statements the policy already had are not repeated.
    expect(plain.stdout).not.toMatch(/table\/new-service-staging-usage$/m)
    expect(plain.stdout).not.toContain('\u001b[')
    expect(coloured.stdout).toContain('\u001b[33m~ update\u001b[39m iam-role')
    expect(noColour.stdout).not.toContain('\u001b[')

    const before = writes()
    const declined = await onTerminal(['deploy-all', '--env', 'staging'], 'no')
    expect(declined.code).toBe(2)
    expect(declined.output).toMatch(/IAM permissions widened on iam-role new-service-staging-lambda-role\. Apply it\?/)
    expect(declined.output).toContain('DeployCancelled')
    expect(writes()).toBe(before)

    const confirmed = await onTerminal(['deploy-all', '--env', 'staging', '--yes'], '')
    expect(confirmed.code).toBe(0)
    expect(confirmed.output).not.toContain('Apply it?')
    expect(writes()).toBeGreaterThan(before)
  })
})

describe('infra init', () => {
  test('writes a service that validate and plan --offline accept at once; refuses to overwrite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infra-init-e2e-'))
    try {
      const init = await cli(['init', '--name', 'my-service', '--with', 'rest,websocket,cognito'], {}, dir)
      expect(init.code, init.stderr).toBe(0)
      expect(init.stdout).toContain(
        'config.json, environments/dev.env, environments/production.env, handlers/api/index.ts',
      )
      const [validate, plan, again] = await Promise.all([
        cli(['validate'], {}, dir),
        cli(['plan', '--env', 'dev', '--offline'], {}, dir),
        cli(['init', '--name', 'my-service'], {}, dir),
      ])
      expect(validate.code, validate.stderr).toBe(0)
      expect(plan.code, plan.stderr).toBe(0)
      expect(plan.stdout).toContain('+ create dynamodb-table my-service-dev-items')
      expect(again.code).toBe(2)
      expect(flat(again.stderr)).toContain('already exist; nothing was written')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
