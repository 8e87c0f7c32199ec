// Step 05 against the fake AWS, in process, with the real iam, dynamodb, lambda (and what lambda needs) steps: a fresh
// create (reviewed request snapshot), the no-op rerun, one new route, drift, and step 01 leaving step 05's policy be.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { deploy, editConfig, plan, resultsOf } from '../support/context.js'
import { describeResult } from '../../src/output/plan.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { parsePolicy } from '../../src/resources/policy-document.js'
import { ACCESS_LOG_FORMAT } from '../../src/steps/websocket-specs.js'
import { editHandler, fastWorkspace, fnName, manifestOf, release, SERVICE } from './lambda-helpers.js'
import {
  ACCOUNT,
  API_NAME,
  ROUTE_FUNCTION,
  ROUTE_KEYS,
  UPSTREAM,
  aliasUri,
  routeUris,
  runAll,
  stepOutcome,
  theApi,
  writeCommands,
  writeRequests,
} from './websocket-helpers.js'

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = fastWorkspace()
})
afterEach(() => fake.restore())

describe('websocket step: create from empty', () => {
  test('the API, one integration per route on the alias, permissions, role policy, one deployment, the stage', async () => {
    // The steps it needs first, so that the second run's writes are exactly step 05's.
    expect((await deploy(root, { steps: UPSTREAM })).ok).toBe(true)
    fake.resetCalls()
    const outcome = await runAll(root)
    expect(stepOutcome(outcome)).toMatchObject({ status: 'done' })

    const api = theApi(fake)
    expect(api).toMatchObject({
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
      tags: { 'infra:service': SERVICE, 'infra:env': 'staging', 'managed-by': 'infra', project: 'new-service' },
    })
    // Exactly the configured routes, each on its own AWS_PROXY integration invoking the function's alias.
    expect(routeUris(fake)).toEqual(Object.fromEntries(ROUTE_KEYS.map((k) => [k, aliasUri(fake, ROUTE_FUNCTION[k]!)])))
    expect(Object.values(api.integrations)).toHaveLength(4)
    for (const i of Object.values(api.integrations))
      expect(i).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationMethod: 'POST' })

    // One deployment, serving the four routes; the stage named after the environment.
    expect(Object.values(api.deployments)).toHaveLength(1)
    expect(
      fake.apigatewayv2
        .served(api.ApiId, 'staging')
        ?.map((r) => r.RouteKey)
        .sort(),
    ).toEqual([...ROUTE_KEYS].sort())
    const stage = fake.apigatewayv2.stage(api.ApiId, 'staging')!
    expect(stage).toMatchObject({
      AutoDeploy: false,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/${API_NAME}`,
        Format: ACCESS_LOG_FORMAT,
      },
    })
    expect(fake.logs.group(`/aws/apigateway/${API_NAME}`)).toMatchObject({ retentionInDays: 30 })

    // Each routed function accepts this API's calls on its alias, and nothing else's.
    for (const fn of ['websocket-connect', 'websocket-disconnect', 'websocket-message']) {
      expect(fake.lambda.fn(fnName(fn))!.policies.staging).toEqual([
        expect.objectContaining({
          Sid: 'infra-websocket-api',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: fake.lambda.arn(fnName(fn), 'staging'),
          Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.ApiId}/*` } },
        }),
      ])
    }
    const role = fake.iam.role(`${SERVICE}-lambda-role`)!
    expect(Object.keys(role.inline).sort()).toEqual(['service-access', 'websocket-manage-connections'])
    expect(parsePolicy(role.inline['websocket-manage-connections']!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AnswerOnWebSocketConnections',
          Effect: 'Allow',
          Action: 'execute-api:ManageConnections',
          Resource: [
            `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.ApiId}/staging/POST/@connections/*`,
            `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.ApiId}/staging/DELETE/@connections/*`,
          ],
        },
      ],
    })

    const manifest = manifestOf(root)
    expect(manifest.resources['websocket-api:websocket']).toMatchObject({ id: api.ApiId, step: 'websocket' })
    expect(manifest.pending).toEqual({})
    const url = `wss://${api.ApiId}.execute-api.us-east-1.amazonaws.com/staging`
    expect(manifest.steps.websocket.outputs).toEqual({
      websocketApiId: api.ApiId,
      stage: 'staging',
      url,
      endpoints: { 'WebSocket API': url },
    })

    // The reviewed request log: every write step 05 sends on a fresh account, sorted (what needs only the API's id is
    // sent side by side, in no fixed order), then the order that matters.
    const log = writeRequests(fake.calls).map((line) => line.replaceAll(api.ApiId, '<api>'))
    expect([...log].sort()).toMatchSnapshot()
    const at = (call: string) => log.flatMap((line, i) => (line.startsWith(`${call} `) ? [i] : []))
    const before = (first: string, then: string) => expect(Math.max(...at(first))).toBeLessThan(Math.min(...at(then)))
    before('apigatewayv2 CreateApi', 'apigatewayv2 CreateIntegration')
    before('apigatewayv2 CreateIntegration', 'apigatewayv2 CreateRoute')
    for (const call of ['apigatewayv2 CreateRoute', 'lambda AddPermission', 'iam PutRolePolicy'])
      before(call, 'apigatewayv2 CreateDeployment')
    before('apigatewayv2 CreateDeployment', 'apigatewayv2 CreateStage')
    before('apigateway UpdateAccount', 'apigatewayv2 CreateStage')
  })
})

describe('websocket step: reruns and changes', () => {
  test('a second run sends no write and makes no deployment', async () => {
    await runAll(root)
    const deployments = Object.keys(theApi(fake).deployments)
    fake.resetCalls()
    const again = await runAll(root)
    expect(fake.writes()).toEqual([])
    expect(Object.keys(theApi(fake).deployments)).toEqual(deployments)
    // About one read per resource: the API by its recorded id, routes, integrations, the stage and its deployment.
    const reads = fake.calls.filter((c) => c.service === 'apigatewayv2').map((c) => c.command.replace(/Command$/, ''))
    expect(reads.sort()).toEqual(['GetApi', 'GetDeployment', 'GetIntegrations', 'GetRoutes', 'GetStage'])
    const results = stepOutcome(again).results
    expect(results.filter((r) => r.action !== 'unchanged')).toEqual([])
    expect(results.map((r) => r.kind).sort()).toEqual(
      [
        // API Gateway's account-wide CloudWatch role: this step converges it when step 04 does not run.
        'apigateway-account',
        'iam-role',
        'iam-role-policy',
        'lambda-permission',
        'lambda-permission',
        'lambda-permission',
        'log-group',
        'websocket-api',
        'websocket-deployment',
        'websocket-route',
        'websocket-route',
        'websocket-route',
        'websocket-route',
        'websocket-stage',
      ].sort(),
    )
  })

  test('a new custom route in config: exactly its integration, its route, one deployment and the stage moved to it', async () => {
    await runAll(root)
    editConfig(root, (c) => (c.websocket_api.routes.typing = 'websocket-message'))
    fake.resetCalls()
    const outcome = await runAll(root)
    expect(writeCommands(fake.calls)).toEqual(['CreateIntegration', 'CreateRoute', 'CreateDeployment', 'UpdateStage'])
    const api = theApi(fake)
    expect(routeUris(fake).typing).toBe(aliasUri(fake, 'websocket-message'))
    expect(Object.values(api.deployments)).toHaveLength(2)
    expect(fake.apigatewayv2.served(api.ApiId, 'staging')?.map((r) => r.RouteKey)).toContain('typing')
    const changed = resultsOf(outcome).filter((r) => r.action !== 'unchanged')
    expect(changed.map((r) => `${r.action} ${r.kind} ${r.name}`)).toEqual([
      `created websocket-route ${API_NAME} typing`,
      `created websocket-deployment ${API_NAME}`,
      `updated websocket-stage ${API_NAME}/staging`,
    ])
  })

  test('a route removed from config: its route and integration are deleted, and the change is deployed', async () => {
    await runAll(root)
    editConfig(root, (c) => delete c.websocket_api.routes.sendMessage)
    fake.resetCalls()
    const planned = await plan(root)
    expect(fake.writes()).toEqual([])
    expect(stepOutcome(planned).results.map(describeResult)).toContain(
      `- delete websocket-route ${API_NAME} sendMessage (Route: sendMessage → deleted (not in websocket_api.routes))`,
    )
    const outcome = await runAll(root)
    // Deleted before the deployment, so the stage no longer serves it.
    expect(writeCommands(fake.calls)).toEqual(['DeleteRoute', 'DeleteIntegration', 'CreateDeployment', 'UpdateStage'])
    expect(fake.apigatewayv2.served(theApi(fake).ApiId, 'staging')?.map((r) => r.RouteKey)).not.toContain('sendMessage')
    expect(resultsOf(outcome).find((r) => r.name === `${API_NAME} sendMessage`)).toMatchObject({ action: 'deleted' })
    expect(Object.keys(routeUris(fake)).sort()).toEqual(['$connect', '$default', '$disconnect'])
    expect(Object.values(theApi(fake).integrations)).toHaveLength(3)
  })

  test('throttling changed in config: one UpdateStage, no deployment', async () => {
    await runAll(root)
    editConfig(root, (c) => (c.websocket_api.throttling = { rate_limit: 20, burst_limit: 40 }))
    fake.resetCalls()
    await runAll(root)
    const updates = fake.calls.filter((c) => c.write)
    expect(updates.map((c) => [c.command, c.input.DefaultRouteSettings])).toEqual([
      [
        'UpdateStageCommand',
        {
          DataTraceEnabled: false,
          DetailedMetricsEnabled: false,
          LoggingLevel: 'OFF',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        },
      ],
    ])
  })

  test('a new Lambda version and its rollback move WebSocket traffic through the alias: no API call, no permission', async () => {
    await runAll(root)
    const message = fnName('websocket-message')
    editHandler(root, 'websocket-message')
    fake.resetCalls()
    await runAll(root)
    expect(fake.lambda.fn(message)!.aliases.staging?.functionVersion).toBe('2')
    expect(writeCommands(fake.calls)).toEqual(['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias'])

    fake.resetCalls()
    await release('rollback', root, { functions: ['websocket-message'] })
    expect(fake.lambda.fn(message)!.aliases.staging?.functionVersion).toBe('1')
    expect(fake.writes().filter((c) => c.service !== 'lambda')).toEqual([])
    // What the stage serves still invokes the alias, which now points at version 1.
    const served = fake.apigatewayv2.served(theApi(fake).ApiId, 'staging')!
    expect(served.find((r) => r.RouteKey === 'sendMessage')?.integration?.IntegrationUri).toBe(
      aliasUri(fake, 'websocket-message'),
    )
  })
})

describe('websocket step: removal', () => {
  test('websocket_api dropped from config: the API and what hangs from it deleted, its log group kept', async () => {
    await runAll(root)
    const api = theApi(fake)
    editConfig(root, (c) => delete c.websocket_api)
    fake.resetCalls()
    const outcome = await runAll(root)
    expect(stepOutcome(outcome)).toMatchObject({ status: 'done' })
    expect(fake.apigatewayv2.api(api.ApiId)).toBeUndefined()
    expect(writeCommands(fake.calls.filter((c) => c.service === 'apigatewayv2'))).toEqual([
      'DeleteStage',
      'DeleteDeployment',
      'DeleteRoute',
      'DeleteRoute',
      'DeleteRoute',
      'DeleteRoute',
      'DeleteIntegration',
      'DeleteIntegration',
      'DeleteIntegration',
      'DeleteIntegration',
      'DeleteApi',
    ])
    expect(fake.logs.group(`/aws/apigateway/${API_NAME}`)).toBeDefined()
    expect(fake.lambda.fn(fnName('websocket-connect'))!.policies.staging ?? []).toEqual([])
    expect(Object.keys(fake.iam.role(`${SERVICE}-lambda-role`)!.inline)).toEqual(['service-access'])
    const resources = manifestOf(root).resources
    expect(Object.keys(resources).filter((k) => k.startsWith('websocket-'))).toEqual([])
    expect(resources['log-group:websocket-access']).toBeDefined()
  })
})

describe('websocket step: drift', () => {
  test('a route deleted out of band is recreated on its integration; the stage still serves it, so no deployment', async () => {
    await runAll(root)
    const api = theApi(fake)
    fake.apigatewayv2.deleteRouteOutOfBand(api.ApiId, '$default')
    fake.resetCalls()
    const outcome = await runAll(root)
    expect(writeCommands(fake.calls)).toEqual(['CreateRoute'])
    expect(routeUris(fake).$default).toBe(aliasUri(fake, 'websocket-message'))
    expect(Object.values(theApi(fake).integrations)).toHaveLength(4)
    expect(Object.values(theApi(fake).deployments)).toHaveLength(1)
    expect(
      resultsOf(outcome)
        .filter((r) => r.action !== 'unchanged')
        .map((r) => r.name),
    ).toEqual([`${API_NAME} $default`])
  })

  test('the API deleted out of band: recreated, recorded, permissions and policy re-scoped to the new id', async () => {
    await runAll(root)
    const old = theApi(fake).ApiId
    fake.apigatewayv2.deleteApiOutOfBand(old)
    await runAll(root)
    const api = theApi(fake)
    expect(api.ApiId).not.toBe(old)
    expect(manifestOf(root).resources['websocket-api:websocket'].id).toBe(api.ApiId)
    const statement = fake.lambda.fn(fnName('websocket-connect'))!.policies.staging![0]!
    expect(statement.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.ApiId}/*`,
    )
    const policy = JSON.stringify(
      parsePolicy(fake.iam.role(`${SERVICE}-lambda-role`)!.inline['websocket-manage-connections']!),
    )
    expect(policy).toContain(`${api.ApiId}/staging/POST/@connections/*`)
    expect(policy).not.toContain(old)
  })

  test('step 01 run again after step 05 sends no write: it manages only its own inline policy', async () => {
    await runAll(root)
    fake.resetCalls()
    const outcome = await deploy(root, { steps: [iamStep] })
    expect(outcome.ok).toBe(true)
    expect(fake.writes()).toEqual([])
    expect(Object.keys(fake.iam.role(`${SERVICE}-lambda-role`)!.inline).sort()).toEqual([
      'service-access',
      'websocket-manage-connections',
    ])
  })
})
