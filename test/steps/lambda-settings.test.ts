// Step 03 against the fake AWS: log group retention, tags, reserved and provisioned concurrency, and functions
// that are not ours (left alone unless --adopt).
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { editConfig, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { ALIAS, deployWith, fastWorkspace, fnName, SERVICE, stepOf, writeLines } from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const ROLE_ARN = `arn:aws:iam::887078546492:role/${SERVICE}-lambda-role`

describe('lambda step: log groups, concurrency, ownership', () => {
  test('a retention change is one PutRetentionPolicy', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editConfig(root, (c) => {
      c.functions['prompt-crud'].log_retention_days = 14
    })
    fake.resetCalls()
    await deployWith(root)
    expect(writeLines(fake.calls)).toEqual([`PutRetentionPolicy /aws/lambda/${fnName('prompt-crud')}`])
    expect(fake.logs.group(`/aws/lambda/${fnName('prompt-crud')}`)?.retentionInDays).toBe(14)
  })

  test('reserved concurrency on the function, provisioned concurrency on the alias; removed when the config drops them', async () => {
    const root = fastWorkspace((c) => {
      Object.assign(c.functions['prompt-crud'], { reserved_concurrency: 5, provisioned_concurrency: 2 })
    })
    await deployWith(root)
    const name = fnName('prompt-crud')
    expect(fake.lambda.fn(name)?.reservedConcurrency).toBe(5)
    expect(fake.lambda.fn(name)?.provisioned[ALIAS]).toMatchObject({ requested: 2, status: 'READY' })
    fake.resetCalls()
    await deployWith(root)
    expect(fake.writes()).toEqual([])

    editConfig(root, (c) => {
      delete c.functions['prompt-crud'].reserved_concurrency
      delete c.functions['prompt-crud'].provisioned_concurrency
    })
    fake.resetCalls()
    const dropped = await deployWith(root)
    // No longer in config: removed like any recorded resource, the one on the alias first (it was made last).
    expect(writeLines(fake.calls)).toEqual([
      `DeleteProvisionedConcurrencyConfig ${name}`,
      `DeleteFunctionConcurrency ${name}`,
    ])
    expect(
      resultsOf(dropped)
        .filter((r) => r.action === 'deleted')
        .map((r) => r.kind),
    ).toEqual(['lambda-provisioned-concurrency', 'lambda-reserved-concurrency'])
    expect(fake.lambda.fn(name)?.reservedConcurrency).toBeUndefined()
    expect(fake.lambda.fn(name)?.provisioned).toEqual({})
  })

  test('a same-named function without our tags is left alone (and its log group): the step fails; --adopt takes it', async () => {
    const root = fastWorkspace()
    // The manual's bash script made these: no tags, and Lambda's own log group.
    const name = fnName('usage-handler')
    const call = (command: string, input: object) =>
      fake.lambda
        .handlers()
        .find(([cmd]) => cmd.name === command)![1](input)
    await call('CreateFunctionCommand', {
      FunctionName: name,
      Runtime: 'python3.9',
      Handler: 'h.handler',
      Role: ROLE_ARN,
      Code: { ZipFile: Buffer.from('old') },
    })
    await fake.logs
      .handlers()
      .find(([cmd]) => cmd.name === 'CreateLogGroupCommand')![1]({ logGroupName: `/aws/lambda/${name}` })
    const outcome = await deployWith(root)
    // Nothing is wired to it, and the run says so with exit 1 (the other functions are deployed).
    expect(stepOf(outcome, 'lambda')).toMatchObject({
      status: 'failed',
      error: { code: 'ResourceNotManaged', exitCode: 1, hint: expect.stringContaining('--adopt') },
    })
    expect(fake.lambda.fn(fnName('prompt-crud'))?.aliases[ALIAS]).toBeDefined()
    const mine = resultsOf(outcome).filter((r) => r.name.includes('usage-handler'))
    expect(mine.map((r) => `${r.action} ${r.kind}`)).toEqual(['unmanaged log-group', 'unmanaged lambda-function'])
    expect(mine[1]?.note).toContain('--adopt')
    expect(fake.lambda.fn(name)?.latest.config.Runtime).toBe('python3.9')
    expect(fake.calls.filter((c) => c.write && c.service !== 'iam' && JSON.stringify(c.input).includes(name))).toEqual(
      [],
    )

    fake.resetCalls()
    const adopted = await deployWith(root, { adopt: true })
    expect(stepOf(adopted, 'lambda')?.status).toBe('done')
    expect(fake.lambda.fn(name)?.latest.config.Runtime).toBe('nodejs24.x')
    expect(fake.lambda.fn(name)?.tags).toMatchObject({ 'managed-by': 'infra' })
    expect(fake.lambda.fn(name)?.aliases[ALIAS]).toMatchObject({ functionVersion: '1' })
    expect(fake.logs.group(`/aws/lambda/${name}`)).toMatchObject({
      retentionInDays: 30,
      tags: expect.objectContaining({ 'managed-by': 'infra' }),
    })
  })
})

test('a tag-only change tags the function and publishes nothing', async () => {
  const root = fastWorkspace()
  await deployWith(root)
  editConfig(root, (c) => {
    c.functions['prompt-crud'].tags = { team: 'chat' }
  })
  fake.resetCalls()
  const outcome = await deployWith(root)
  expect(stepOf(outcome, 'lambda')?.status).toBe('done')
  const name = fnName('prompt-crud')
  // The log group takes the function's tags too; no configuration, code, version or alias call.
  expect(fake.writes().map((c) => `${c.service} ${c.command}`)).toEqual([
    'logs TagResourceCommand',
    'lambda TagResourceCommand',
  ])
  expect(fake.lambda.fn(name)?.tags).toMatchObject({ team: 'chat' })
  expect(Object.keys(fake.lambda.fn(name)!.versions)).toEqual(['1'])
})
