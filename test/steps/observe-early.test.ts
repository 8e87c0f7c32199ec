// Observation before the steps (issue 11): what the manifest records is read at the start of the run, in parallel,
// and each step takes its reads; a failing early read is the failure of the step that needed it.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { deployWith, editHandler, fastWorkspace, fnName, FUNCTIONS, stepOf } from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const commands = () => fake.calls.map((c) => c.command)
const callsOf = (command: string) => fake.calls.filter((c) => c.command === command)

describe('observation before the steps', () => {
  test('recorded functions and tables are read before the first step calls AWS, each once, and used', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editHandler(root, 'prompt-crud')
    fake.resetCalls()
    const outcome = await deployWith(root)
    expect(outcome.steps.every((s) => s.status === 'done')).toBe(true)
    // Before: the lambda step read its functions only after the IAM step (it needs the roles).
    const firstIamRead = commands().indexOf('GetRoleCommand')
    expect(commands().indexOf('GetFunctionCommand')).toBeLessThan(firstIamRead)
    expect(commands().indexOf('DescribeTableCommand')).toBeLessThan(firstIamRead)
    // Every function's early read was taken: none read twice by its name before the code update.
    const firstWrite = fake.calls.findIndex((c) => c.write)
    const readsBeforeWrite = fake.calls.slice(0, firstWrite).filter((c) => c.command === 'GetFunctionCommand')
    expect(readsBeforeWrite.map((c) => c.input.FunctionName).sort()).toEqual(FUNCTIONS.map(fnName).sort())
    expect(fake.writes().map((c) => c.command)).toContain('UpdateFunctionCodeCommand')
  })

  test('a second run writes nothing and reads each table and function once', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    await deployWith(root)
    expect(fake.writes()).toEqual([])
    const byName = (command: string, field: string) => callsOf(command).map((c) => c.input[field]).sort()
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
    // The denied read was the early one, sent before any step ran.
    expect(callsOf('DescribeTableCommand')[0]?.error).toBe('AccessDeniedException')
    expect(commands().indexOf('DescribeTableCommand')).toBeLessThan(commands().indexOf('GetRoleCommand'))
    const step = stepOf(outcome, 'dynamodb')
    expect(step?.status).toBe('failed')
    expect(step?.error?.code).toBe('TableReadFailed')
    expect(step?.error?.message).toMatch(/^reading DynamoDB table \(.+\): .*not authorized/)
    expect(stepOf(outcome, 'iam')?.status).toBe('done')
    expect(stepOf(outcome, 'lambda')?.status).toBe('skipped')
  })
})
