// The built CLI as a process against the fake AWS: killed right after CreateApi returned (before the id could be
// recorded), the next run finds the API by its tags and finishes it; no second API.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'
import type { AllFakes } from '../support/fake-aws/index.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 120_000 })
const manifest = () => JSON.parse(readFileSync(path.join(ws.dir, '.infra/staging/manifest.json'), 'utf8'))
const API_NAME = 'new-service-staging-websocket-api'
const websocketOf = (stdout: string) => JSON.parse(stdout).steps.find((s: { id: string }) => s.id === 'websocket')

describe('websocket step as a process', () => {
  test('SIGKILL right after CreateApi: journaled, not recorded; the next run adopts the API by its tags', async () => {
    const crashed = await cli(['deploy-all', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateApi:1' })
    expect(crashed.signal).toBe('SIGKILL')
    const api = (readFakeState(ws.state) as AllFakes).apigatewayv2.apisNamed(API_NAME)
    expect(api).toHaveLength(1)
    const journaled = manifest()
    expect(journaled.steps.websocket.status).toBe('running')
    expect(journaled.pending['websocket-api:websocket']).toMatchObject({ operation: 'create', name: API_NAME })
    expect(journaled.resources['websocket-api:websocket']).toBeUndefined()

    const resumed = await cli(['deploy-all', '--env', 'staging', '--json'])
    expect(websocketOf(resumed.stdout), resumed.stderr).toMatchObject({ status: 'done' })
    const creates = readCalls(ws.state).filter((c) => c.command === 'CreateApiCommand')
    expect(creates).toHaveLength(1)
    const fake = readFakeState(ws.state) as AllFakes
    expect(fake.apigatewayv2.apisNamed(API_NAME).map((a) => a.ApiId)).toEqual([api[0]!.ApiId])
    expect(Object.values(api[0]!.routes)).toEqual([])
    const after = manifest()
    expect(after.resources['websocket-api:websocket'].id).toBe(api[0]!.ApiId)
    expect(after.pending).toEqual({})
    const url = `wss://${api[0]!.ApiId}.execute-api.us-east-1.amazonaws.com/staging`
    expect(after.steps.websocket.outputs).toMatchObject({ url, endpoints: { 'WebSocket API': url } })
    expect(
      fake.apigatewayv2
        .served(api[0]!.ApiId, 'staging')
        ?.map((r) => r.RouteKey)
        .sort(),
    ).toEqual(['$connect', '$default', '$disconnect', 'sendMessage'].sort())

    // The summary names the endpoint, and a third run changes nothing.
    const again = await cli(['deploy-all', '--env', 'staging'])
    expect(again.stdout).toContain(`WebSocket API: ${url}`)
    const before = readCalls(ws.state).length
    const quiet = await cli(['deploy-all', '--env', 'staging', '--json'])
    expect(websocketOf(quiet.stdout).results.every((r: { action: string }) => r.action === 'unchanged')).toBe(true)
    const apiWrites = readCalls(ws.state)
      .slice(before)
      .filter((c) => c.write && c.service === 'apigatewayv2')
    expect(apiWrites).toEqual([])
  }, 240_000)
})
