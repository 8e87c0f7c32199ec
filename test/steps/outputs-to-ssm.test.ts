// `infra outputs --to-ssm <prefix>` in-process against the fake: every recorded output written as <prefix>/<KEY>,
// reported; a second run writes nothing; an output that is gone is removed; destroy removes them; a bad prefix stops
// before any AWS call.
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { destroyEnvironment } from '../../src/cli/destroy-actions.js'
import { showOutputs } from '../../src/cli/outputs-actions.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { cognitoStep } from '../../src/steps/08-cognito.js'
import { deploy, editConfig } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { fastWorkspace } from './lambda-helpers.js'

const PREFIX = '/new-service/staging'
let fake: AllFakes
let root: string
beforeEach(async () => {
  fake = createFakeAws().install()
  root = fastWorkspace()
  expect((await deploy(root, { steps: [dynamodbStep, cognitoStep] })).ok).toBe(true)
  fake.resetCalls()
})
afterEach(() => fake.restore())

const toSsm = (prefix = PREFIX) =>
  showOutputs({ config: path.join(root, 'config.json'), env: 'staging', format: 'dotenv', toSsm: prefix })
const writes = () => fake.calls.filter((c) => c.write && c.service === 'ssm').map((c) => c.command)

describe('outputs --to-ssm', () => {
  test('writes every output under the prefix and reports each; a second run sends no write', async () => {
    const result = await toSsm(`${PREFIX}/`)
    const pool = result.values.COGNITO_USER_POOL_ID
    expect(pool).toMatch(/^us-east-1_/)
    expect(fake.ssm.parameter(`${PREFIX}/COGNITO_USER_POOL_ID`)).toMatchObject({
      type: 'String',
      value: pool,
      tags: { 'managed-by': 'infra', 'infra:env': 'staging' },
    })
    expect(fake.ssm.parameter(`${PREFIX}/DYNAMODB_TABLES_USAGE_NAME`)?.value).toBe('new-service-staging-usage')
    expect(result.ssm?.results.length).toBe(Object.keys(result.values).length)
    expect(result.ssm?.text).toContain(`+ ${PREFIX}/COGNITO_USER_POOL_ID (created)`)
    fake.resetCalls()
    const again = await toSsm()
    expect(writes()).toEqual([])
    expect(again.ssm?.results.every((r) => r.action === 'unchanged')).toBe(true)
  })

  test('an output that is gone is removed; destroy removes the rest', async () => {
    await toSsm()
    editConfig(root, (c) => {
      delete c.cognito
      c.functions['websocket-connect'].environment = {}
    })
    await deploy(root, { steps: [dynamodbStep, cognitoStep] })
    fake.resetCalls()
    const result = await toSsm()
    expect(result.ssm?.results.filter((r) => r.action === 'deleted').map((r) => r.name)).toContain(
      `${PREFIX}/COGNITO_USER_POOL_ID`,
    )
    expect(fake.ssm.parameter(`${PREFIX}/COGNITO_USER_POOL_ID`)).toBeUndefined()
    expect(fake.ssm.parameter(`${PREFIX}/DYNAMODB_TABLES_USAGE_NAME`)).toBeDefined()

    const request = { config: path.join(root, 'config.json'), env: 'staging', dryRun: false }
    await destroyEnvironment(
      { ...request, deleteData: true, disableDeletionProtection: true },
      async () => undefined,
      () => undefined,
    )
    expect(Object.keys(fake.ssm.parameters).filter((n) => n.startsWith(PREFIX))).toEqual([])
  })

  test('a prefix that is not a parameter path is refused before any AWS call', async () => {
    await expect(toSsm('new-service')).rejects.toMatchObject({ code: 'InvalidSsmPrefix', exitCode: 2 })
    await expect(toSsm('/aws/x')).rejects.toMatchObject({ code: 'InvalidSsmPrefix' })
    expect(fake.calls).toEqual([])
  })
})
