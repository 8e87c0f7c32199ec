// The built CLI as a process against the fake AWS: the lambda step killed right after CreateFunction and resumed,
// then a canary, status, promote and rollback as a user types them.
import { appendFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 120_000 })
const manifest = () => JSON.parse(readFileSync(path.join(ws.dir, '.infra/staging/manifest.json'), 'utf8'))
const FUNCTIONS = [
  'conversation-api',
  'prompt-crud',
  'usage-handler',
  'websocket-connect',
  'websocket-disconnect',
  'websocket-message',
].map((f) => `new-service-staging-${f}`)
const PROMPT = 'new-service-staging-prompt-crud'

describe('lambda step as a process', () => {
  test('killed right after the first CreateFunction, the next run makes no second copy and finishes every function', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateFunction:1' })
    expect(crashed.signal).toBe('SIGKILL')
    expect(manifest().steps.lambda.status).toBe('running')

    const resumed = await cli(['deploy-all', '--env', 'staging'])
    expect(resumed.code, resumed.stderr).toBe(0)
    // Each function made once. The creates sent beside the first may have reached AWS with their answers lost to the
    // kill (the fake logs a call when it answers): the next run finds those, and sends no create twice.
    const creates = readCalls(ws.state).filter((c) => c.command === 'CreateFunctionCommand')
    const names = creates.map((c) => c.input.FunctionName)
    expect(creates.filter((c) => c.error)).toEqual([])
    expect(new Set(names).size).toBe(names.length)
    const fake = readFakeState(ws.state)
    expect(Object.keys(fake.lambda.functions).sort()).toEqual(FUNCTIONS)
    for (const name of FUNCTIONS) {
      expect(Object.keys(fake.lambda.fn(name)!.aliases)).toEqual(['staging'])
      expect(Object.keys(fake.lambda.fn(name)!.versions)).toEqual(['1'])
    }
    expect(manifest().steps.lambda.status).toBe('done')
  }, 180_000)

  test('canary, status, promote, rollback', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    appendFileSync(path.join(ws.dir, 'handlers/prompt-crud/index.ts'), '\nexport const canaryMarker = 1\n')

    expect((await cli(['step', 'lambda', '--env', 'staging', '--canary', '0'])).code).toBe(2)
    const canary = await cli(['step', 'lambda', '--env', 'staging', '--canary', '10'])
    expect(canary.code, canary.stderr).toBe(0)
    expect(readFakeState(ws.state).lambda.fn(PROMPT)!.aliases.staging).toMatchObject({
      functionVersion: '1',
      weights: { '2': 0.1 },
    })

    const status = await cli(['status', '--env', 'staging'])
    expect(status.stdout).toContain(`${PROMPT}:staging → version 1 (90%), version 2 (10%, canary)`)

    const promoted = await cli(['promote', '--alias', 'staging', '--env', 'staging', '--function', 'prompt-crud'])
    expect(promoted.code, promoted.stderr).toBe(0)
    expect(promoted.stdout).toContain(`prompt-crud (${PROMPT}): 1 + 2 at 10% → 2`)
    expect(readFakeState(ws.state).lambda.fn(PROMPT)!.aliases.staging).toMatchObject({ functionVersion: '2' })

    const dry = await cli([
      'rollback',
      '--alias',
      'staging',
      '--env',
      'staging',
      '--function',
      'prompt-crud',
      '--dry-run',
    ])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('2 → 1')
    expect(readFakeState(ws.state).lambda.fn(PROMPT)!.aliases.staging?.functionVersion).toBe('2')

    const rolled = await cli([
      'rollback',
      '--alias',
      'staging',
      '--env',
      'staging',
      '--function',
      'prompt-crud',
      '--json',
    ])
    expect(rolled.code, rolled.stderr).toBe(0)
    expect(JSON.parse(rolled.stdout)).toMatchObject({
      command: 'rollback',
      functions: [{ function: 'prompt-crud', from: { version: '2' }, to: { version: '1' }, action: 'changed' }],
    })
    expect(readFakeState(ws.state).lambda.fn(PROMPT)!.aliases.staging?.functionVersion).toBe('1')

    const nothing = await cli(['rollback', '--alias', 'staging', '--env', 'staging', '--function', 'usage-handler'])
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toContain('NothingToRollBack')
    expect(nothing.stderr).toContain('new-service-staging-usage-handler')
  }, 240_000)
})
