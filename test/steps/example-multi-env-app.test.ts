// examples/multi-env-app in-process: both environments planned offline (no AWS call), dev deployed against the fake
// (a layer, a function reading the table and the identity pool, the REST API, the user and identity pools, the
// parameters shared with other stacks), deployed again with zero writes, and destroyed.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { deploy, destroyInProcess, exampleWorkspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws({ account: '123456789012' }).install()
  root = exampleWorkspace('multi-env-app')
})
afterEach(() => fake.restore())

const run = (env: string, mode: 'apply' | 'plan', offline = false) => deploy(root, { env, mode, offline })
const failed = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.steps.filter((s) => s.status === 'failed').map((s) => `${s.id}: ${s.error?.message}`)

test('planned offline for dev and production, deployed twice (the second run writes nothing), destroyed', async () => {
  for (const env of ['dev', 'production']) expect(failed(await run(env, 'plan', true))).toEqual([])
  expect(fake.calls).toEqual([])

  const first = await run('dev', 'apply')
  expect(failed(first)).toEqual([])
  const [pool] = fake.cognitoIdentity.poolsNamed('multi-env-app-dev-identities')
  expect(pool?.roles.authenticated).toMatch(/:role\/multi-env-app-dev-identity-users$/)
  const fn = fake.lambda.fn('multi-env-app-dev-notes')!
  expect(fn.latest.config.Environment?.Variables).toMatchObject({
    NOTES_TABLE: 'multi-env-app-dev-notes',
    IDENTITY_POOL_ID: pool!.id,
  })
  expect(JSON.stringify(fn.latest.config.Layers)).toMatch(/:layer:multi-env-app-dev-common:1\b/)
  expect(fake.ssm.parameter('/multi-env-app/dev/identity-pool-id')?.value).toBe(pool!.id)
  expect(fake.ssm.parameter('/multi-env-app/dev/api-url')?.value).toMatch(/^https:\/\/.+\/dev$/)

  fake.resetCalls()
  expect(failed(await run('dev', 'apply'))).toEqual([])
  expect(fake.writes().map((c) => c.command)).toEqual([])

  await destroyInProcess(root, { env: 'dev', deleteData: true })
  expect(fake.lambda.fn('multi-env-app-dev-notes')).toBeUndefined()
  expect(fake.cognitoIdentity.poolsNamed('multi-env-app-dev-identities')).toEqual([])
  expect(Object.keys(fake.ssm.parameters).filter((n) => n.startsWith('/multi-env-app/'))).toEqual([])
})
