// FakeApiGatewayV2 against the real SDK client: the behaviours apigatewayv2.md promises.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  ApiGatewayV2Client,
  BadRequestException,
  ConflictException,
  CreateApiCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  DeleteDeploymentCommand,
  DeleteIntegrationCommand,
  DeleteRouteCommand,
  DeleteStageCommand,
  GetApiCommand,
  GetApisCommand,
  GetDeploymentsCommand,
  GetRoutesCommand,
  GetStageCommand,
  GetTagsCommand,
  NotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UpdateRouteCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-apigatewayv2'
import { FakeAws } from './fake-aws/core.js'
import { FakeApiGatewayV2 } from './fake-aws/apigatewayv2.js'

const ACCOUNT = '111122223333'
const NOW = Date.UTC(2025, 0, 31, 12)
const LAMBDA_URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:chat:live/invocations`
const LOG_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/ws`

let aws: FakeAws
let fake: FakeApiGatewayV2
let v2: ApiGatewayV2Client

beforeEach(() => {
  fake = new FakeApiGatewayV2()
  aws = new FakeAws([fake])
  aws.account = ACCOUNT
  aws.clock = { now: () => NOW }
  aws.install()
  v2 = new ApiGatewayV2Client({ region: 'us-east-1' })
})
afterEach(() => aws.restore())

async function websocketApi(name = 'ws', tags: Record<string, string> = {}) {
  const api = await v2.send(
    new CreateApiCommand({
      Name: name,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
      Tags: tags,
    }),
  )
  return api.ApiId!
}

async function routeTo(ApiId: string, RouteKey: string) {
  const integration = await v2.send(
    new CreateIntegrationCommand({
      ApiId,
      IntegrationType: 'AWS_PROXY',
      IntegrationMethod: 'POST',
      IntegrationUri: LAMBDA_URI,
    }),
  )
  const route = await v2.send(
    new CreateRouteCommand({ ApiId, RouteKey, Target: `integrations/${integration.IntegrationId}` }),
  )
  return { integrationId: integration.IntegrationId!, routeId: route.RouteId! }
}

describe('FakeApiGatewayV2: APIs', () => {
  test('CreateApi: deterministic ids, a wss endpoint, tags; names are not unique', async () => {
    const first = await v2.send(
      new CreateApiCommand({
        Name: 'ws',
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
        Tags: { a: '1' },
      }),
    )
    expect(first.ApiId).toMatch(/^[a-z0-9]{10}$/)
    expect(first).toMatchObject({
      ApiEndpoint: `wss://${first.ApiId}.execute-api.us-east-1.amazonaws.com`,
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
      ApiKeySelectionExpression: '$request.header.x-api-key',
      CreatedDate: new Date(NOW),
      Tags: { a: '1' },
    })
    const second = await websocketApi('ws')
    expect(second).not.toBe(first.ApiId)
    expect(fake.apisNamed('ws')).toHaveLength(2)
    await expect(v2.send(new CreateApiCommand({ Name: 'x', ProtocolType: 'WEBSOCKET' }))).rejects.toBeInstanceOf(
      BadRequestException,
    )
  })

  test('GetApi of an unknown id → NotFoundException; GetApis pages with NextToken', async () => {
    const missing = v2.send(new GetApiCommand({ ApiId: 'nope' }))
    await expect(missing).rejects.toBeInstanceOf(NotFoundException)
    await expect(missing).rejects.toMatchObject({
      message: `Invalid API identifier specified ${ACCOUNT}:nope`,
      ResourceType: 'Api',
    })
    for (let i = 0; i < 5; i++) await websocketApi(`api-${i}`)
    const first = await v2.send(new GetApisCommand({ MaxResults: '2' }))
    expect(first.Items?.map((a) => a.Name)).toEqual(['api-0', 'api-1'])
    const second = await v2.send(new GetApisCommand({ MaxResults: '2', NextToken: first.NextToken }))
    const third = await v2.send(new GetApisCommand({ MaxResults: '2', NextToken: second.NextToken }))
    expect(third.Items?.map((a) => a.Name)).toEqual(['api-4'])
    expect(third.NextToken).toBeUndefined()
  })

  test('tags on the API and its stage by their apigateway ARNs', async () => {
    const ApiId = await websocketApi('ws', { a: '1' })
    const arn = `arn:aws:apigateway:us-east-1::/apis/${ApiId}`
    await v2.send(new TagResourceCommand({ ResourceArn: arn, Tags: { b: '2' } }))
    expect((await v2.send(new GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ a: '1', b: '2' })
    await expect(
      v2.send(new GetTagsCommand({ ResourceArn: 'arn:aws:apigateway:eu-west-1::/apis/x' })),
    ).rejects.toBeInstanceOf(BadRequestException)
  })
})

describe('FakeApiGatewayV2: routes and integrations', () => {
  test('a duplicate route key → ConflictException; a target must be an existing integration', async () => {
    const ApiId = await websocketApi()
    const { routeId } = await routeTo(ApiId, '$connect')
    await expect(v2.send(new CreateRouteCommand({ ApiId, RouteKey: '$connect' }))).rejects.toBeInstanceOf(
      ConflictException,
    )
    await expect(
      v2.send(new CreateRouteCommand({ ApiId, RouteKey: '$default', Target: 'integrations/missing' })),
    ).rejects.toBeInstanceOf(BadRequestException)
    await v2.send(new UpdateRouteCommand({ ApiId, RouteId: routeId, RouteKey: '$disconnect' }))
    expect((await v2.send(new GetRoutesCommand({ ApiId }))).Items).toEqual([
      expect.objectContaining({ RouteKey: '$disconnect', AuthorizationType: 'NONE', ApiKeyRequired: false }),
    ])
  })

  test('a Lambda proxy URI must be the apigateway Lambda path: the manual’s arn:aws:lambda:… form is refused', async () => {
    const ApiId = await websocketApi()
    const manual = `arn:aws:lambda:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:chat/invocations`
    await expect(
      v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: manual })),
    ).rejects.toThrow(/Invalid ARN specified in the request/)
    const made = await v2.send(
      new CreateIntegrationCommand({
        ApiId,
        IntegrationType: 'AWS_PROXY',
        IntegrationMethod: 'POST',
        IntegrationUri: LAMBDA_URI,
      }),
    )
    expect(made).toMatchObject({ PayloadFormatVersion: '1.0', TimeoutInMillis: 29000, ConnectionType: 'INTERNET' })
  })

  test('an integration a route points at cannot be deleted; after the route, it can', async () => {
    const ApiId = await websocketApi()
    const { integrationId, routeId } = await routeTo(ApiId, '$default')
    await expect(v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: integrationId }))).rejects.toBeInstanceOf(
      ConflictException,
    )
    await v2.send(new DeleteRouteCommand({ ApiId, RouteId: routeId }))
    await v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: integrationId }))
    expect(fake.api(ApiId)?.integrations).toEqual({})
  })
})

describe('FakeApiGatewayV2: deployments and stages', () => {
  test('a deployment freezes the routes; the stage serves it until pointed elsewhere', async () => {
    const ApiId = await websocketApi()
    await expect(v2.send(new CreateDeploymentCommand({ ApiId }))).rejects.toThrow(/At least one route is required/)
    await routeTo(ApiId, '$default')
    const d1 = await v2.send(new CreateDeploymentCommand({ ApiId, Description: 'one' }))
    expect(d1).toMatchObject({ DeploymentStatus: 'DEPLOYED', Description: 'one', AutoDeployed: false })
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'live', DeploymentId: d1.DeploymentId }))
    fake.deleteRouteOutOfBand(ApiId, '$default')
    expect(fake.served(ApiId, 'live')?.map((r) => r.RouteKey)).toEqual(['$default'])
    await routeTo(ApiId, 'other')
    const d2 = await v2.send(new CreateDeploymentCommand({ ApiId, StageName: 'live' }))
    expect(fake.served(ApiId, 'live')?.map((r) => r.RouteKey)).toEqual(['other'])
    expect((await v2.send(new GetDeploymentsCommand({ ApiId }))).Items?.map((d) => d.DeploymentId)).toEqual([
      d1.DeploymentId,
      d2.DeploymentId,
    ])
  })

  test('DeleteDeployment is refused while a stage serves it; DeleteStage, then it goes; what is gone is NotFound', async () => {
    const ApiId = await websocketApi()
    await routeTo(ApiId, '$default')
    const { DeploymentId } = await v2.send(new CreateDeploymentCommand({ ApiId }))
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'live', DeploymentId }))
    await expect(v2.send(new DeleteDeploymentCommand({ ApiId, DeploymentId }))).rejects.toBeInstanceOf(
      BadRequestException,
    )
    await v2.send(new DeleteStageCommand({ ApiId, StageName: 'live' }))
    await v2.send(new DeleteDeploymentCommand({ ApiId, DeploymentId }))
    expect(fake.api(ApiId)).toMatchObject({ stages: {}, deployments: {} })
    await expect(v2.send(new DeleteStageCommand({ ApiId, StageName: 'live' }))).rejects.toBeInstanceOf(
      NotFoundException,
    )
    await expect(v2.send(new DeleteDeploymentCommand({ ApiId, DeploymentId }))).rejects.toBeInstanceOf(
      NotFoundException,
    )
    await v2.send(new DeleteApiCommand({ ApiId }))
    await expect(v2.send(new DeleteApiCommand({ ApiId }))).rejects.toBeInstanceOf(NotFoundException)
    await expect(v2.send(new GetRoutesCommand({ ApiId }))).rejects.toBeInstanceOf(NotFoundException)
  })

  test('CreateStage: defaults as GetStage shows them, throttling, access logs; duplicates and bad input refused', async () => {
    const ApiId = await websocketApi()
    await routeTo(ApiId, '$default')
    const { DeploymentId } = await v2.send(new CreateDeploymentCommand({ ApiId }))
    const AccessLogSettings = { DestinationArn: LOG_ARN, Format: '{"id":"$context.requestId"}' }
    await v2.send(
      new CreateStageCommand({
        ApiId,
        StageName: 'live',
        DeploymentId,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings,
        Tags: { a: '1' },
      }),
    )
    expect(await v2.send(new GetStageCommand({ ApiId, StageName: 'live' }))).toMatchObject({
      DeploymentId,
      AutoDeploy: false,
      DefaultRouteSettings: {
        DataTraceEnabled: false,
        DetailedMetricsEnabled: false,
        LoggingLevel: 'OFF',
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      },
      AccessLogSettings,
      Tags: { a: '1' },
    })
    await expect(v2.send(new CreateStageCommand({ ApiId, StageName: 'live' }))).rejects.toBeInstanceOf(
      ConflictException,
    )
    await expect(
      v2.send(
        new UpdateStageCommand({
          ApiId,
          StageName: 'live',
          AccessLogSettings: { DestinationArn: LOG_ARN, Format: '{}' },
        }),
      ),
    ).rejects.toThrow(/must contain at least one of \$context.requestId/)
    await expect(
      v2.send(new UpdateStageCommand({ ApiId, StageName: 'live', DeploymentId: 'nope' })),
    ).rejects.toBeInstanceOf(NotFoundException)
    await v2.send(
      new UpdateStageCommand({ ApiId, StageName: 'live', DefaultRouteSettings: { ThrottlingRateLimit: 5 } }),
    )
    expect(fake.stage(ApiId, 'live')?.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 100,
    })
  })

  test('access logs need the account’s CloudWatch role (AWS’s message)', async () => {
    fake.cloudWatchRoleConfigured = false
    const ApiId = await websocketApi()
    await expect(
      v2.send(
        new CreateStageCommand({
          ApiId,
          StageName: 'live',
          AccessLogSettings: { DestinationArn: LOG_ARN, Format: '$context.requestId' },
        }),
      ),
    ).rejects.toThrow('CloudWatch Logs role ARN must be set in account settings to enable logging')
  })
})

describe('FakeApiGatewayV2: knobs and state', () => {
  test('throttleStorm: the next n calls of any kind fail with TooManyRequestsException, then calls work', async () => {
    fake.throttleStorm(2)
    await expect(websocketApi()).rejects.toBeInstanceOf(TooManyRequestsException)
    await expect(v2.send(new GetApisCommand({}))).rejects.toBeInstanceOf(TooManyRequestsException)
    await websocketApi()
    expect(aws.calls.map((c) => [c.command, c.error])).toEqual([
      ['CreateApiCommand', 'TooManyRequestsException'],
      ['GetApisCommand', 'TooManyRequestsException'],
      ['CreateApiCommand', undefined],
    ])
    expect(Object.keys(fake.state.apis)).toHaveLength(1)
  })

  test('a lost response (FakeAws.loseNextResponse): the call is carried out, the caller gets a 5xx', async () => {
    aws.loseNextResponse('CreateApi')
    await expect(websocketApi('lost')).rejects.toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } })
    expect(fake.apisNamed('lost')).toHaveLength(1)
  })

  test('toJSON/load round-trips the state, ids go on from where they were', async () => {
    const ApiId = await websocketApi()
    await routeTo(ApiId, '$connect')
    const copy = new FakeApiGatewayV2()
    copy.load(JSON.parse(JSON.stringify(fake.toJSON())))
    expect(copy.state).toEqual(fake.state)
    const next = await websocketApi('again')
    const other = new FakeApiGatewayV2()
    other.load(JSON.parse(JSON.stringify(copy.toJSON())))
    expect(Object.keys(other.state.apis)).not.toContain(next)
  })
})
