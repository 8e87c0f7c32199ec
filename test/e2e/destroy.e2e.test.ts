// Removal and destroy with the built CLI as a process against the fake AWS: what config drops is deleted by the
// next deploy and nothing else is touched; destroy deletes everything but data, finishes after a SIGKILL, and a second
// destroy is a no-op.
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { editConfig } from '../support/context.js'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 180_000 })
const manifestOf = (env = 'staging') =>
  JSON.parse(readFileSync(path.join(ws.dir, '.infra', env, 'manifest.json'), 'utf8')) as {
    resources: Record<string, { kind: string; name: string }>
    pending: Record<string, unknown>
  }
const writesSince = (n: number) =>
  readCalls(ws.state)
    .filter((c) => c.write)
    .slice(n)
const writeCount = () => readCalls(ws.state).filter((c) => c.write).length
const PREFIX = 'new-service-staging'
const CLOUDWATCH_ROLE = `${PREFIX}-apigateway-cloudwatch`

/** What the fake holds, by kind, as names or ids. */
function inventory() {
  const state = readFakeState(ws.state).toJSON() as Record<string, any>
  return {
    tables: state.dynamodb.tables.map((t: { name: string }) => t.name).sort(),
    roles: state.iam.roles.map((r: { name: string }) => r.name).sort(),
    functions: Object.keys(state.lambda.functions).sort(),
    logGroups: Object.keys(state.logs.groups).sort(),
    restApis: Object.keys(state.apigateway.apis ?? {}),
    websocketApis: Object.keys(state.apigatewayv2.state.apis ?? {}),
    userPools: Object.keys(state['cognito-idp'].pools),
  }
}

describe('removal: what config drops', () => {
  test('a function and an endpoint removed from config are deleted by the next deploy; nothing else is touched', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    editConfig(ws.dir, (config) => {
      delete config.functions['usage-handler']
      config.rest_api.endpoints = config.rest_api.endpoints.filter(
        (e: { path: string }) => e.path !== '/usage' && e.path !== '/prompts/{id}',
      )
    })
    const plan = await cli(['plan', '--env', 'staging'])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toContain(`- delete lambda-function ${PREFIX}-usage-handler`)
    expect(plan.stdout).toContain(`! retained log-group /aws/lambda/${PREFIX}-usage-handler`)

    const before = writeCount()
    const run = await cli(['deploy-all', '--env', 'staging'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const after = inventory()
    expect(after.functions).not.toContain(`${PREFIX}-usage-handler`)
    expect(after.functions).toHaveLength(5)
    // Its logs outlive it until destroy.
    expect(after.logGroups).toContain(`/aws/lambda/${PREFIX}-usage-handler`)
    const state = readFakeState(ws.state)
    const apiId = after.restApis[0]!
    expect(state.apigateway.resourceAt(apiId, '/usage')).toBeUndefined()
    expect(state.apigateway.resourceAt(apiId, '/prompts/{id}')).toBeUndefined()
    expect(state.apigateway.resourceAt(apiId, '/prompts')).toBeDefined()

    // The other functions got no new code, configuration or version; no table was changed.
    const writes = writesSince(before)
    const touchedFunctions = writes
      .filter((c) => c.service === 'lambda' && /^(Update|Publish)/.test(c.command))
      .map((c) => c.input.FunctionName)
    expect(touchedFunctions).toEqual([])
    expect(writes.filter((c) => c.service === 'dynamodb')).toEqual([])
    expect(
      Object.keys(manifestOf().resources).some((k) => k.includes('usage-handler') && k.startsWith('lambda-function')),
    ).toBe(false)

    // And the next deploy is a no-op again.
    const quiet = writeCount()
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    expect(writesSince(quiet).map((c) => c.command)).toEqual([])
  })
})

describe('destroy', () => {
  test('deletes everything but the tables, the user pool and the frontend bucket; a second destroy is a no-op', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)

    const dry = await cli(['destroy', '--env', 'staging', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain(`- delete lambda-function ${PREFIX}-conversation-api`)
    expect(dry.stdout).toContain(`! retained dynamodb-table ${PREFIX}-conversations`)
    expect(inventory().functions).toHaveLength(6)

    const run = await cli(['destroy', '--env', 'staging', '--yes'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    const left = inventory()
    expect(left.tables).toHaveLength(4)
    expect(left.userPools).toHaveLength(1)
    // API Gateway's account-wide CloudWatch role outlives the environment: every API in the region logs with it.
    expect(left).toMatchObject({
      roles: [CLOUDWATCH_ROLE],
      functions: [],
      logGroups: [],
      restApis: [],
      websocketApis: [],
    })
    const kinds = new Set(Object.values(manifestOf().resources).map((r) => r.kind))
    // The frontend bucket holds data too: it and its files stay until --delete-data; so does the hosted zone (the
    // registrar points at its name servers).
    expect([...kinds].sort()).toEqual([
      'cognito-user-pool',
      'dynamodb-table',
      'iam-role',
      'route53-hosted-zone',
      's3-bucket',
      's3-site-files',
    ])

    const before = writeCount()
    const again = await cli(['destroy', '--env', 'staging', '--yes'])
    expect(again.code, again.stderr).toBe(0)
    expect(writesSince(before)).toEqual([])
    expect(again.stdout).toContain('0 deleted')
  })

  test('killed mid-way, the next destroy finishes it', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    const crashed = await cli(['destroy', '--env', 'staging', '--yes'], { FAKE_AWS_KILL_AFTER: 'DeleteFunction:2' })
    expect(crashed.signal).toBe('SIGKILL')
    expect(inventory().functions.length).toBeGreaterThan(0)

    const rerun = await cli(['destroy', '--env', 'staging', '--yes'])
    expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0)
    expect(inventory()).toMatchObject({ functions: [], restApis: [], websocketApis: [], roles: [CLOUDWATCH_ROLE] })
    expect(manifestOf().pending).toEqual({})
  })

  test('--delete-data deletes the tables and the pool too; without a terminal or --yes it refuses', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    const before = writeCount()
    const refused = await cli(['destroy', '--env', 'staging'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--yes')
    expect(writesSince(before)).toEqual([])

    const run = await cli(['destroy', '--env', 'staging', '--yes', '--delete-data'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(inventory()).toMatchObject({ tables: [], userPools: [], functions: [], roles: [CLOUDWATCH_ROLE] })
    expect(Object.keys(manifestOf().resources)).toEqual(['iam-role:apigateway-cloudwatch'])
  })

  test('a lost manifest: destroy finds what carries this environment’s tags and deletes it', async () => {
    expect((await cli(['deploy-all', '--env', 'staging'])).code).toBe(0)
    rmSync(path.join(ws.dir, '.infra', 'staging'), { recursive: true })
    const run = await cli(['destroy', '--env', 'staging', '--yes'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain(`- deleted lambda-function ${PREFIX}-conversation-api`)
    const left = inventory()
    expect(left).toMatchObject({ functions: [], logGroups: [], restApis: [], websocketApis: [] })
    // Data is retained as always; IAM roles cannot be listed by tag (GetResources does not cover IAM).
    expect(left.tables).toHaveLength(4)
    expect(left.userPools).toHaveLength(1)
  })
})
