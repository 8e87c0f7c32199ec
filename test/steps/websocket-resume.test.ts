// Step 05 when things go wrong: API Gateway throttling, a create whose response is lost, a lost manifest, a same-named
// API that is not ours, a plan, and the account without API Gateway's CloudWatch role.
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { ApiGatewayV2Client, CreateApiCommand } from '@aws-sdk/client-apigatewayv2'
import { plan, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { describeResult } from '../../src/output/plan.js'
import { fastWorkspace, manifestOf, SERVICE } from './lambda-helpers.js'
import {
  API_NAME,
  ROUTE_FUNCTION,
  ROUTE_KEYS,
  aliasUri,
  routeUris,
  runAll,
  stepOutcome,
  theApi,
  writeCommands,
} from './websocket-helpers.js'

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = fastWorkspace()
})
afterEach(() => fake.restore())

const converged = () =>
  expect(routeUris(fake)).toEqual(Object.fromEntries(ROUTE_KEYS.map((k) => [k, aliasUri(fake, ROUTE_FUNCTION[k]!)])))
const creates = (command: string) => fake.calls.filter((c) => c.command === `${command}Command` && !c.error)

describe('websocket step: throttling', () => {
  test('storms of TooManyRequestsException at the start and between writes: retried, converges, nothing twice', async () => {
    fake.apigatewayv2.throttleStorm(5)
    // Two more storms in the middle of the run, so that creates are throttled too (the SDK's own retries do not run
    // under the fake: this is the resource modules' retry): once the API is made, met by its integrations (sent side
    // by side), and once the last integration is made, met by the routes.
    const storms = new Map([
      ['CreateApiCommand', 8],
      ['CreateIntegrationCommand', 10],
    ])
    let integrations = 0
    fake.onCall((call) => {
      if (call.error || (call.command === 'CreateIntegrationCommand' && ++integrations < ROUTE_KEYS.length)) return
      const size = storms.get(call.command)
      if (size === undefined) return
      storms.delete(call.command)
      fake.apigatewayv2.throttleStorm(size)
    })
    const outcome = await runAll(root)
    expect(stepOutcome(outcome), JSON.stringify(stepOutcome(outcome).error)).toMatchObject({ status: 'done' })
    const throttled = fake.calls.filter((c) => c.error === 'TooManyRequestsException')
    expect(throttled).toHaveLength(23)
    expect(new Set(throttled.map((c) => c.command))).toEqual(
      new Set(['GetApisCommand', 'CreateIntegrationCommand', 'CreateRouteCommand']),
    )
    converged()
    expect(creates('CreateApi')).toHaveLength(1)
    expect(creates('CreateIntegration')).toHaveLength(4)
    expect(creates('CreateRoute')).toHaveLength(4)
    expect(creates('CreateDeployment')).toHaveLength(1)
  })
})

describe('websocket step: crash and resume', () => {
  test('CreateApi carried out but its answer lost: found by its tags in the same run and adopted, never made twice', async () => {
    fake.loseNextResponse('CreateApi')
    const outcome = await runAll(root)
    expect(stepOutcome(outcome)).toMatchObject({ status: 'done' })
    const api = theApi(fake)
    expect(resultsOf(outcome).find((r) => r.kind === 'websocket-api')).toMatchObject({
      action: 'created',
      id: api.ApiId,
      note: expect.stringContaining('response was lost'),
    })
    expect(fake.calls.filter((c) => c.command === 'CreateApiCommand')).toHaveLength(1)
    converged()
    const manifest = manifestOf(root)
    expect(manifest.resources['websocket-api:websocket']).toMatchObject({ id: api.ApiId })
    expect(manifest.pending).toEqual({})
  })

  test('a run that dies after CreateDeployment, before the stage: the next run points the stage at that deployment', async () => {
    // Not a 5xx: the engine would look, find no stage and send CreateStage again in the same run.
    fake.failNext('CreateStage', () => new Error('simulated crash'))
    expect(stepOutcome(await runAll(root)).status).toBe('failed')
    const api = theApi(fake)
    expect(Object.keys(api.deployments)).toHaveLength(1)
    fake.resetCalls()
    expect(stepOutcome(await runAll(root)).status).toBe('done')
    expect(writeCommands(fake.calls)).toEqual(['CreateStage'])
    expect(fake.apigatewayv2.stage(api.ApiId, 'staging')?.DeploymentId).toBe(Object.keys(api.deployments)[0])
  })

  test('an integration made side by side with the others, its answer lost: found in the same run and used, never made twice', async () => {
    fake.loseNextResponse('CreateIntegration')
    expect(stepOutcome(await runAll(root)).status).toBe('done')
    converged()
    expect(fake.calls.filter((c) => c.command === 'CreateIntegrationCommand')).toHaveLength(ROUTE_KEYS.length)
    expect(Object.keys(theApi(fake).integrations)).toHaveLength(ROUTE_KEYS.length)
    expect(creates('CreateRoute')).toHaveLength(ROUTE_KEYS.length)
  })

  test('a run that dies while its routes are made side by side: the next run makes only the missing route', async () => {
    fake.failNext('CreateRoute', () => new Error('simulated crash'))
    expect(stepOutcome(await runAll(root)).status).toBe('failed')
    fake.resetCalls()
    expect(stepOutcome(await runAll(root)).status).toBe('done')
    expect(writeCommands(fake.calls).filter((c) => c.startsWith('Create'))).toEqual([
      'CreateRoute',
      'CreateDeployment',
      'CreateStage',
    ])
    converged()
    expect(Object.keys(theApi(fake).integrations)).toHaveLength(ROUTE_KEYS.length)
  })

  test('the manifest lost: the API is found again by name and tags, nothing is created', async () => {
    await runAll(root)
    const api = theApi(fake)
    rmSync(path.join(root, '.infra'), { recursive: true, force: true })
    fake.resetCalls()
    const again = await runAll(root)
    expect(again.ok).toBe(true)
    expect(fake.writes()).toEqual([])
    expect(manifestOf(root).resources['websocket-api:websocket'].id).toBe(api.ApiId)
  })
})

describe('websocket step: ownership', () => {
  // A same-named API made with the SDK: someone else's without tags, or a copy with this service's tags.
  const sameNamed = (Tags?: Record<string, string>) =>
    new ApiGatewayV2Client({ region: 'us-east-1' }).send(
      new CreateApiCommand({
        Name: API_NAME,
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
        Tags,
      }),
    )
  const foreign = () => sameNamed()

  test('a same-named API without our tags is reported and left alone; --adopt takes it over and tags it', async () => {
    const theirs = (await foreign()).ApiId!
    fake.resetCalls()
    const outcome = await runAll(root)
    const api = resultsOf(outcome).find((r) => r.kind === 'websocket-api')!
    expect(api.action).toBe('unmanaged')
    expect(stepOutcome(outcome)).toMatchObject({ status: 'failed', error: { code: 'ResourceNotManaged' } })
    expect(fake.writes().filter((c) => c.service === 'apigatewayv2')).toEqual([])
    expect(fake.apigatewayv2.apisNamed(API_NAME)).toHaveLength(1)

    const adopted = await runAll(root, { adopt: true })
    expect(stepOutcome(adopted).status).toBe('done')
    expect(theApi(fake).ApiId).toBe(theirs)
    expect(theApi(fake).tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
    converged()
  })

  test('two same-named APIs with this service’s tags and none recorded: refused, listing both; nothing is written', async () => {
    const tags = { 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': 'staging' }
    const [one, two] = [(await sameNamed(tags)).ApiId, (await sameNamed(tags)).ApiId]
    fake.resetCalls()
    const outcome = await runAll(root)
    expect(stepOutcome(outcome)).toMatchObject({
      status: 'failed',
      error: { code: 'WebSocketApiAmbiguous', message: expect.stringContaining(`2 match (${one}, ${two})`) },
    })
    expect(fake.writes().filter((c) => c.service === 'apigatewayv2')).toEqual([])
  })
})

describe('websocket step: plan and account settings', () => {
  test('a plan of a fresh account sends no write and lists what would be made', async () => {
    const outcome = await plan(root)
    expect(fake.writes()).toEqual([])
    const lines = stepOutcome(outcome).results.map(describeResult)
    expect(lines).toEqual([
      `+ create log-group /aws/apigateway/${API_NAME}: retention 30 days`,
      `+ create websocket-api ${API_NAME}: WEBSOCKET, route selection $request.body.action`,
      `+ create websocket-route ${API_NAME} $connect: → new-service-staging-websocket-connect:staging`,
      `+ create websocket-route ${API_NAME} $disconnect: → new-service-staging-websocket-disconnect:staging`,
      `+ create websocket-route ${API_NAME} $default: → new-service-staging-websocket-message:staging`,
      `+ create websocket-route ${API_NAME} sendMessage: → new-service-staging-websocket-message:staging`,
      '+ create lambda-permission new-service-staging-websocket-connect:staging/infra-websocket-api: allows apigateway.amazonaws.com',
      '+ create lambda-permission new-service-staging-websocket-disconnect:staging/infra-websocket-api: allows apigateway.amazonaws.com',
      '+ create lambda-permission new-service-staging-websocket-message:staging/infra-websocket-api: allows apigateway.amazonaws.com',
      '+ create iam-role-policy new-service-staging-lambda-role/websocket-manage-connections: AnswerOnWebSocketConnections: execute-api:ManageConnections',
      `+ create websocket-deployment ${API_NAME}: of routes definition 2678b2501204c6bd`,
      `+ create websocket-stage ${API_NAME}/staging: throttling 50/s burst 100, JSON access log, no auto-deploy`,
    ])
  })

  test('a plan after a deploy: every WebSocket resource unchanged', async () => {
    await runAll(root)
    fake.resetCalls()
    const outcome = await plan(root)
    expect(fake.writes()).toEqual([])
    expect(stepOutcome(outcome).results.filter((r) => r.action !== 'unchanged')).toEqual([])
  })

  test('an account without API Gateway’s CloudWatch role: the stage fails with AWS’s reason and how to set it', async () => {
    fake.apigatewayv2.cloudWatchRoleConfigured = false
    const outcome = await runAll(root)
    expect(stepOutcome(outcome).error).toMatchObject({
      code: 'WebSocketStageCreateFailed',
      message: expect.stringContaining('CloudWatch Logs role ARN must be set in account settings'),
      hint: expect.stringContaining('aws apigateway update-account'),
    })
    fake.apigatewayv2.cloudWatchRoleConfigured = true
    fake.resetCalls()
    expect((await runAll(root)).ok).toBe(true)
    expect(writeCommands(fake.calls)).toEqual(['CreateStage'])
  })
})
