// Step 12 (parameters) and `${ssm:/name}` against the fake: written after the steps they read, a rerun sends no
// write, one changed value is one PutParameter, a dropped parameter is deleted, a stranger's is left alone; an existing
// String parameter is read into a function's environment, a SecureString is refused, an offline plan reads nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { cognitoStep } from '../../src/steps/08-cognito.js'
import { parametersStep } from '../../src/steps/12-parameters.js'
import { UNREAD_OFFLINE } from '../../src/steps/references.js'
import { loadContext } from '../../src/context/context.js'
import { outputsOf, runSteps } from '../../src/runner/run-steps.js'
import { deploy, editConfig, plan, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { fastWorkspace, LAMBDA_STEPS } from './lambda-helpers.js'

const steps = [dynamodbStep, cognitoStep, parametersStep]
const PARAMETERS = {
  '/new-service/${ENVIRONMENT}/usage-table': '${tables.usage.name}',
  '/new-service/${ENVIRONMENT}/auth': '${cognito.userPoolId},${cognito.clientId}',
  '/new-service/${ENVIRONMENT}/vpc': '${ssm:/shared/vpc-id}',
}

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  fake.ssm.load({
    parameters: {
      '/shared/vpc-id': {
        name: '/shared/vpc-id',
        type: 'String',
        value: 'vpc-123',
        version: 1,
        lastModified: 0,
        tags: {},
      },
      '/shared/token': {
        name: '/shared/token',
        type: 'SecureString',
        value: 's3cret',
        version: 1,
        lastModified: 0,
        tags: {},
      },
    },
  })
  root = fastWorkspace((c) => (c.parameters = PARAMETERS))
})
afterEach(() => fake.restore())

const run = (opts: Parameters<typeof deploy>[1] = {}) => deploy(root, { steps, ...opts })
const writes = () => fake.calls.filter((c) => c.write).map((c) => c.command.replace(/Command$/, ''))
const value = (name: string) => fake.ssm.parameter(name)?.value

describe('parameters step', () => {
  test('writes the outputs it reads as tagged String parameters; a second run sends no write', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(value('/new-service/staging/usage-table')).toBe('new-service-staging-usage')
    expect(value('/new-service/staging/auth')).toMatch(/^us-east-1_\w+,\w+$/)
    expect(value('/new-service/staging/vpc')).toBe('vpc-123')
    expect(fake.ssm.parameter('/new-service/staging/vpc')).toMatchObject({
      type: 'String',
      tags: { 'managed-by': 'infra', 'infra:env': 'staging' },
    })
    expect(outputsOf(outcome, 'parameters')?.parameters['/new-service/staging/vpc']).toMatch(
      /^arn:aws:ssm:us-east-1:\d{12}:parameter\/new-service\/staging\/vpc$/,
    )
    fake.resetCalls()
    const again = await run()
    expect(again.ok).toBe(true)
    expect(writes()).toEqual([])
  })

  test('a plan shows the changed value; applied it is one PutParameter; a dropped parameter is deleted', async () => {
    await run()
    fake.resetCalls()
    fake.ssm.parameters['/shared/vpc-id']!.value = 'vpc-456'
    const planned = await plan(root, { steps })
    expect(resultsOf(planned).find((r) => r.name === '/new-service/staging/vpc')).toMatchObject({
      action: 'would-update',
      changes: [{ field: 'Value', from: 'vpc-123', to: 'vpc-456' }],
    })
    expect(writes()).toEqual([])
    await run()
    expect(writes()).toEqual(['PutParameter'])
    expect(value('/new-service/staging/vpc')).toBe('vpc-456')

    editConfig(root, (c) => delete c.parameters['/new-service/${ENVIRONMENT}/vpc'])
    fake.resetCalls()
    await run()
    expect(writes()).toEqual(['DeleteParameter'])
    expect(fake.ssm.parameter('/new-service/staging/vpc')).toBeUndefined()
  })

  test("a stranger's same-named parameter is left alone and the step fails naming --adopt", async () => {
    fake.ssm.parameters['/new-service/staging/usage-table'] = {
      name: '/new-service/staging/usage-table',
      type: 'String',
      value: 'theirs',
      version: 1,
      lastModified: 0,
      tags: {},
    }
    const outcome = await run()
    const step = outcome.steps.find((s) => s.id === 'parameters')
    expect(step?.status).toBe('failed')
    expect(step?.error).toMatchObject({ code: 'ResourceNotManaged', hint: expect.stringContaining('--adopt') })
    expect(value('/new-service/staging/usage-table')).toBe('theirs')
  })

  test('${ssm:…} of a SecureString is refused, pointing at secrets; nothing is written', async () => {
    editConfig(root, (c) => (c.parameters = { '/new-service/token': '${ssm:/shared/token}' }))
    const outcome = await run()
    const step = outcome.steps.find((s) => s.id === 'parameters')
    expect(step?.error).toMatchObject({
      code: 'SecureParameterReference',
      hint: expect.stringContaining('"secrets"'),
    })
    expect(fake.ssm.parameter('/new-service/token')).toBeUndefined()
  })

  test('a missing parameter is named', async () => {
    editConfig(root, (c) => (c.parameters = { '/new-service/x': '${ssm:/shared/nope}' }))
    const step = (await run()).steps.find((s) => s.id === 'parameters')
    expect(step?.error).toMatchObject({
      code: 'ReferencedParameterMissing',
      message: expect.stringContaining('/shared/nope'),
    })
  })
})

describe('${ssm:…} in a function environment', () => {
  test('read at plan time into the variable; offline, shown as unread', async () => {
    editConfig(root, (c) => {
      c.parameters = {}
      c.functions['usage-handler'].environment = { VPC: '${ssm:/shared/vpc-id}' }
    })
    expect((await deploy(root, { steps: LAMBDA_STEPS })).ok).toBe(true)
    const fn = fake.lambda.toJSON() as any
    expect(JSON.stringify(fn)).toContain('"VPC":"vpc-123"')
    fake.resetCalls()
    const ctx = await loadContext({ root, env: 'staging', command: 'test', mode: 'plan', offline: true })
    const offline = await runSteps(ctx, [...LAMBDA_STEPS, parametersStep], 'silent').finally(() => ctx.close())
    expect(offline.ok).toBe(true)
    expect(fake.calls).toEqual([])
  })

  test('an offline plan of a parameter reading SSM shows it unread', async () => {
    const ctx = await loadContext({ root, env: 'staging', command: 'test', mode: 'plan', offline: true })
    const offline = await runSteps(ctx, steps, 'silent').finally(() => ctx.close())
    expect(resultsOf(offline).find((r) => r.name === '/new-service/staging/vpc')).toMatchObject({
      action: 'would-create',
      detail: `String = ${UNREAD_OFFLINE}`,
    })
    expect(fake.calls).toEqual([])
  })
})
