// Observation before the steps (issue 11): what the manifest records is read at the start of the run, in parallel,
// and each step takes its reads; a failing early read is the failure of the step that needed it.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadContext } from '../../src/context/context.js'
import { runSteps } from '../../src/runner/run-steps.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { deploy, FAST_TIMING } from '../support/context.js'
import { STEPS } from '../../src/steps/index.js'
import {
  deployedWithEditedHandler,
  deployWith,
  ENV,
  fastWorkspace,
  fnName,
  FUNCTIONS,
  LAMBDA_STEPS,
  stepOf,
  writeHandler,
} from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const callsOf = (command: string) => fake.calls.filter((c) => c.command === command)

/** deployWith, noting how many calls were sent when the steps started (the run-start event, after packaging). */
async function deployNotingStart(root: string) {
  const ctx = await loadContext({ root, env: ENV, command: 'test', mode: 'apply', timing: FAST_TIMING })
  let callsBeforeSteps = -1
  try {
    const outcome = await runSteps(ctx, LAMBDA_STEPS, 'silent', (event) => {
      if (event.type === 'run-start') callsBeforeSteps = fake.calls.length
    })
    return { outcome, beforeSteps: fake.calls.slice(0, callsBeforeSteps) }
  } finally {
    await ctx.close()
  }
}

describe('observation before the steps', () => {
  test('recorded roles, functions and tables are read before the first step starts, each once, and used', async () => {
    const root = await deployedWithEditedHandler(fake)
    const { outcome, beforeSteps } = await deployNotingStart(root)
    expect(outcome.steps.every((s) => s.status === 'done')).toBe(true)
    // Before, the lambda step read its functions only once the IAM step had converged the roles.
    const sentEarly = (command: string, field: string) =>
      beforeSteps.filter((c) => c.command === command).map((c) => c.input[field])
    expect(sentEarly('GetFunctionCommand', 'FunctionName').sort()).toEqual(FUNCTIONS.map(fnName).sort())
    expect(sentEarly('DescribeTableCommand', 'TableName')).toHaveLength(4)
    expect(sentEarly('GetRoleCommand', 'RoleName').length).toBeGreaterThan(0)
    // Taken by the steps: nothing is read again by name, and the changed handler is still updated.
    expect(callsOf('GetFunctionCommand')).toHaveLength(FUNCTIONS.length)
    expect(callsOf('DescribeTableCommand')).toHaveLength(4)
    expect(fake.writes().map((c) => c.command)).toContain('UpdateFunctionCodeCommand')
  })

  test('a second run writes nothing and reads each table and function once', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    await deployWith(root)
    expect(fake.writes()).toEqual([])
    const byName = (command: string, field: string) =>
      callsOf(command)
        .map((c) => c.input[field])
        .sort()
    expect(byName('GetFunctionCommand', 'FunctionName')).toEqual(FUNCTIONS.map(fnName).sort())
    const tables = byName('DescribeTableCommand', 'TableName')
    expect(new Set(tables).size).toBe(tables.length)
  })

  test('an early read denied fails the step that needed it, with the usual message; the others run', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    fake.failNext('DescribeTable', () => fake.errorFor('DescribeTable', 'AccessDeniedException', 'not authorized'))
    const outcome = await deployWith(root)
    // The denied read was the early one (the step took it rather than reading again).
    expect(callsOf('DescribeTableCommand')[0]?.error).toBe('AccessDeniedException')
    expect(callsOf('DescribeTableCommand')).toHaveLength(4)
    const step = stepOf(outcome, 'dynamodb')
    expect(step?.status).toBe('failed')
    expect(step?.error?.code).toBe('TableReadFailed')
    expect(step?.error?.message).toMatch(/^reading DynamoDB table \(.+\): .*not authorized/)
    expect(stepOf(outcome, 'iam')?.status).toBe('done')
    expect(stepOf(outcome, 'lambda')?.status).toBe('skipped')
  })
})

describe('reads while the handlers are packaged', () => {
  const applyContext = (root: string) =>
    loadContext({ root, env: ENV, command: 'test', mode: 'apply', timing: FAST_TIMING, observe: LAMBDA_STEPS })

  test('the context comes with the early reads started, and the run takes them', async () => {
    const root = await deployedWithEditedHandler(fake)
    const ctx = await applyContext(root)
    try {
      expect(ctx.early?.pending().length).toBeGreaterThan(0)
      const outcome = await runSteps(ctx, LAMBDA_STEPS, 'silent')
      expect(outcome.steps.every((s) => s.status === 'done')).toBe(true)
    } finally {
      await ctx.close()
    }
    expect(callsOf('GetFunctionCommand')).toHaveLength(FUNCTIONS.length)
    expect(fake.writes().map((c) => c.command)).toContain('UpdateFunctionCodeCommand')
  })

  test('a handler that does not build stops the run with no write, no lock and the manifest as it was', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    const manifestFile = path.join(root, '.infra', ENV, 'manifest.json')
    const before = readFileSync(manifestFile, 'utf8')
    writeHandler(root, 'prompt-crud', 'export const handler = async () => {\n')
    fake.resetCalls()
    const error = await applyContext(root).then(
      () => expect.fail('loadContext resolved'),
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'PackageBuildFailed' })
    expect(fake.writes()).toEqual([])
    expect(readFileSync(manifestFile, 'utf8')).toBe(before)
    expect(existsSync(path.join(root, '.infra', ENV, 'lock'))).toBe(false)
  })
})

test('a no-op of the whole service reads the account setting, the hosted zone, the site files and the model list before the steps', async () => {
  const root = fastWorkspace()
  expect((await deploy(root)).ok).toBe(true)
  fake.resetCalls()
  const ctx = await loadContext({ root, env: ENV, command: 'test', mode: 'apply', timing: FAST_TIMING, observe: STEPS })
  let beforeSteps: string[] = []
  try {
    const outcome = await runSteps(ctx, STEPS, 'silent', (event) => {
      if (event.type === 'run-start') beforeSteps = fake.calls.map((c) => c.command)
    })
    expect(outcome.ok).toBe(true)
  } finally {
    await ctx.close()
  }
  expect(fake.writes()).toEqual([])
  for (const command of [
    'GetAccountCommand',
    'GetHostedZoneCommand',
    'ListObjectsV2Command',
    'ListFoundationModelsCommand',
  ]) {
    expect(beforeSteps).toContain(command)
    expect(callsOf(command)).toHaveLength(1) // taken by the step, not read again
  }
})

test('a fresh deploy does not look for the alias of a function, or the version of a guardrail, it has just created', async () => {
  const root = fastWorkspace()
  expect((await deployWith(root)).ok).toBe(true)
  expect(callsOf('CreateAliasCommand')).toHaveLength(FUNCTIONS.length)
  expect(callsOf('GetAliasCommand')).toEqual([])
  expect(callsOf('CreateGuardrailVersionCommand')).toHaveLength(1)
  // ListGuardrails with an identifier lists that guardrail's versions.
  expect(callsOf('ListGuardrailsCommand').filter((c) => c.input.guardrailIdentifier)).toEqual([])
})
