// The REST API step through the built CLI, as a process against the fake AWS: killed right after CreateRestApi and
// resumed (no second API), killed right after PutRestApi and resumed (the document not sent again, one deployment),
// the endpoint in the summary, and `infra rollback --stage` as a user types it.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { editConfig } from '../support/context.js'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const API_NAME = 'new-service-staging-rest-api'
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 120_000 })
const manifest = () => JSON.parse(readFileSync(path.join(ws.dir, '.infra/staging/manifest.json'), 'utf8'))
/** The api step of a `--json` run (other steps may be in any state: this file is about step 04). */
const apiStepOf = (stdout: string) => (JSON.parse(stdout) as { steps: any[] }).steps.find((s) => s.id === 'api')

describe('api step as a process', () => {
  test('SIGKILL right after CreateRestApi: the next run adopts the API by its tags and makes no second one', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateRestApi:1' })
    expect(crashed.signal).toBe('SIGKILL')
    expect(manifest().pending['rest-api:rest-api']).toMatchObject({ operation: 'create', name: API_NAME })
    expect(manifest().resources['rest-api:rest-api']).toBeUndefined()
    const [created] = readFakeState(ws.state).apigateway.apisNamed(API_NAME)
    expect(created).toBeDefined()

    const resumed = await cli(['deploy-all', '--env', 'staging', '--json'])
    const api = apiStepOf(resumed.stdout)
    expect(api.status, resumed.stderr).toBe('done')
    expect(readCalls(ws.state).filter((c) => c.command === 'CreateRestApiCommand' && !c.error)).toHaveLength(1)
    expect(
      readFakeState(ws.state)
        .apigateway.apisNamed(API_NAME)
        .map((a) => a.id),
    ).toEqual([created!.id])
    expect(manifest().resources['rest-api:rest-api'].id).toBe(created!.id)
    expect(manifest().pending).toEqual({})
    const url = `https://${created!.id}.execute-api.us-east-1.amazonaws.com/staging`
    expect(api.outputs).toMatchObject({ restApiId: created!.id, url, endpoints: { 'REST API': url } })

    // The summary prints the endpoint.
    const again = await cli(['deploy-all', '--env', 'staging'])
    expect(again.stdout).toContain(`REST API: ${url}`)
  }, 240_000)

  test('SIGKILL right after PutRestApi: the next run finds the definition in place and deploys it once', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'PutRestApi:1' })
    expect(crashed.signal).toBe('SIGKILL')
    const resumed = await cli(['deploy-all', '--env', 'staging', '--json'])
    expect(apiStepOf(resumed.stdout).status, resumed.stderr).toBe('done')
    const calls = readCalls(ws.state)
    expect(calls.filter((c) => c.command === 'PutRestApiCommand' && !c.error)).toHaveLength(1)
    const [api] = readFakeState(ws.state).apigateway.apisNamed(API_NAME)
    expect(readFakeState(ws.state).apigateway.deployments(api!.id)).toHaveLength(1)
    expect(manifest().pending).toEqual({})
  }, 240_000)

  test('rollback --stage: dry run, rollback, and the usage errors of the flags', async () => {
    expect(apiStepOf((await cli(['deploy-all', '--env', 'staging', '--json'])).stdout).status).toBe('done')
    editConfig(ws.dir, (c) => c.rest_api.endpoints[4].methods.push('POST'))
    expect(apiStepOf((await cli(['deploy-all', '--env', 'staging', '--json'])).stdout).status).toBe('done')
    const fake = readFakeState(ws.state).apigateway
    const [api] = fake.apisNamed(API_NAME)
    const [first, second] = fake.deployments(api!.id)
    expect(fake.stage(api!.id, 'staging')?.deploymentId).toBe(second!.id)

    const dry = await cli(['rollback', '--stage', 'staging', '--env', 'staging', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain(`~ deployment ${second!.id}`)
    expect(dry.stdout).toContain('No change was made')
    expect(readFakeState(ws.state).apigateway.stage(api!.id, 'staging')?.deploymentId).toBe(second!.id)

    const rolled = await cli(['rollback', '--stage', 'staging', '--env', 'staging', '--json'])
    expect(rolled.code, rolled.stderr).toBe(0)
    expect(JSON.parse(rolled.stdout)).toMatchObject({
      action: 'changed',
      from: { id: second!.id },
      to: { id: first!.id },
    })
    expect(readFakeState(ws.state).apigateway.stage(api!.id, 'staging')?.deploymentId).toBe(first!.id)

    const none = await cli(['rollback', '--env', 'staging'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/--alias|--stage/)
    const both = await cli(['rollback', '--env', 'staging', '--stage', 'staging', '--function', 'prompt-crud'])
    expect(both.code).toBe(2)
  }, 300_000)
})
