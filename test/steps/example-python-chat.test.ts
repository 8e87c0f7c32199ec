// examples/python-chat end to end in-process: planned offline (no AWS call), deployed against the fake (a Python
// function zipped from its folder behind POST /chat, its secret as a parameter name), deployed again with zero
// writes, and destroyed.
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { deploy, destroyInProcess, exampleWorkspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const ENV = 'dev'
const FUNCTION = 'python-chat-dev-chat'
let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws({ account: '123456789012' }).install()
  root = exampleWorkspace('python-chat')
})
afterEach(() => fake.restore())

const run = (mode: 'apply' | 'plan', offline = false) => deploy(root, { env: ENV, mode, offline })

test('planned offline, deployed twice (the second run writes nothing), destroyed', async () => {
  const planned = await run('plan', true)
  expect(planned.steps.filter((s) => s.status === 'failed')).toEqual([])
  expect(fake.calls).toEqual([])

  await new SSMClient({ region: 'us-east-1' }).send(
    new PutParameterCommand({ Name: '/python-chat/dev/api-key', Type: 'SecureString', Value: 'sk-test' }),
  )
  const first = await run('apply')
  expect(first.steps.filter((s) => s.status === 'failed')).toEqual([])
  const fn = fake.lambda.fn(FUNCTION)!
  expect(fn.latest.config).toMatchObject({ Runtime: 'python3.13', Handler: 'app.handler', Architectures: ['arm64'] })
  expect(fn.latest.config.Environment?.Variables).toMatchObject({ API_KEY_PARAMETER: '/python-chat/dev/api-key' })
  expect(JSON.stringify(fn.latest.config)).not.toContain('sk-test')
  expect(fn.aliases[ENV]).toMatchObject({ functionVersion: '1' })
  const [api] = Object.values(fake.apigateway.state.apis)
  expect(fake.apigateway.methodKeys(api!.id).some((m) => m.startsWith('POST '))).toBe(true)

  fake.resetCalls()
  const second = await run('apply')
  expect(second.steps.filter((s) => s.status === 'failed')).toEqual([])
  expect(fake.writes().map((c) => c.command)).toEqual([])

  await destroyInProcess(root, { env: ENV })
  expect(fake.lambda.fn(FUNCTION)).toBeUndefined()
})
