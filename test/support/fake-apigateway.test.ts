// FakeApiGateway against the real SDK client: the behaviours apigateway.md promises.
import {
  APIGatewayClient,
  BadRequestException,
  ConflictException,
  CreateApiKeyCommand,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  CreateUsagePlanCommand,
  DeleteApiKeyCommand,
  DeleteAuthorizerCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  DeleteStageCommand,
  DeleteUsagePlanCommand,
  GetDeploymentsCommand,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetTagsCommand,
  LimitExceededException,
  NotFoundException,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TagResourceCommand,
  TooManyRequestsException,
  UpdateAccountCommand,
  UpdateStageCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FakeApiGateway } from './fake-aws/apigateway.js'
import { FakeAws } from './fake-aws/core.js'

const ACCOUNT = '111122223333'
const URI =
  'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:f:live/invocations'

let fake: FakeApiGateway
let aws: FakeAws
let client: APIGatewayClient
beforeEach(() => {
  fake = new FakeApiGateway()
  aws = new FakeAws([fake])
  aws.account = ACCOUNT
  aws.install()
  client = new APIGatewayClient({ region: 'us-east-1' })
})
afterEach(() => aws.restore())

/** An API with `/items` and a GET proxied to a Lambda alias. */
async function apiWithMethod() {
  const api = await client.send(
    new CreateRestApiCommand({ name: 'svc', endpointConfiguration: { types: ['REGIONAL'] } }),
  )
  const restApiId = api.id!
  const items = await client.send(
    new CreateResourceCommand({ restApiId, parentId: api.rootResourceId, pathPart: 'items' }),
  )
  const at = { restApiId, resourceId: items.id!, httpMethod: 'GET' }
  await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }))
  await client.send(new PutIntegrationCommand({ ...at, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: URI }))
  return { restApiId, rootId: api.rootResourceId!, items: items.id!, at }
}

describe('FakeApiGateway: APIs and resources', () => {
  test('CreateRestApi: a 10-character id, a root resource, tags; names are not unique; GetRestApis pages', async () => {
    for (let i = 0; i < 3; i++) await client.send(new CreateRestApiCommand({ name: 'same', tags: { n: String(i) } }))
    const first = await client.send(new GetRestApisCommand({ limit: 2 }))
    expect(first.items).toHaveLength(2)
    expect(first.items![0]!.id).toMatch(/^[a-z0-9]{10}$/)
    expect(first.items![0]).toMatchObject({
      name: 'same',
      tags: { n: '0' },
      endpointConfiguration: { types: ['EDGE'] },
    })
    const second = await client.send(new GetRestApisCommand({ limit: 2, position: first.position }))
    expect(second.items?.map((a) => a.tags?.n)).toEqual(['2'])
    expect(second.position).toBeUndefined()
  })

  test('CreateResource: a path part twice under one parent is a ConflictException; deleting a resource deletes its subtree', async () => {
    const { restApiId, rootId, items } = await apiWithMethod()
    await expect(
      client.send(new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'items' })),
    ).rejects.toThrow(ConflictException)
    await client.send(new CreateResourceCommand({ restApiId, parentId: items, pathPart: '{id}' }))
    await expect(
      client.send(new CreateResourceCommand({ restApiId, parentId: items, pathPart: '{key}' })),
    ).rejects.toThrow(/already has a variable path part/)
    await client.send(new DeleteResourceCommand({ restApiId, resourceId: items }))
    const { items: left } = await client.send(new GetResourcesCommand({ restApiId }))
    expect(left?.map((r) => r.path)).toEqual(['/'])
  })

  test('GetResources?embed=methods embeds each method with its integration (unless told not to); without embed, names only', async () => {
    const { restApiId } = await apiWithMethod()
    const embedded = await client.send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))
    expect(embedded.items?.find((r) => r.path === '/items')?.resourceMethods?.GET).toMatchObject({
      authorizationType: 'NONE',
      methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: URI, timeoutInMillis: 29000 },
    })
    const bare = await client.send(new GetResourcesCommand({ restApiId }))
    expect(bare.items?.find((r) => r.path === '/items')?.resourceMethods).toEqual({ GET: {} })
    fake.embedIntegrations = false
    const without = await client.send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))
    expect(without.items?.find((r) => r.path === '/items')?.resourceMethods?.GET?.methodIntegration).toBeUndefined()
  })

  test('the resource quota: LimitExceededException "Maximum number of Resources for this API has been reached"', async () => {
    fake.maxResourcesPerApi = 2
    const { restApiId, rootId } = await apiWithMethod()
    await expect(
      client.send(new CreateResourceCommand({ restApiId, parentId: rootId, pathPart: 'more' })),
    ).rejects.toThrow(LimitExceededException)
  })

  test('unknown API: NotFoundException with AWS’s words', async () => {
    const failed = client.send(new GetResourcesCommand({ restApiId: 'nosuch' }))
    await expect(failed).rejects.toBeInstanceOf(NotFoundException)
    await expect(failed).rejects.toThrow(`Invalid API identifier specified ${ACCOUNT}:nosuch`)
  })
})

describe('FakeApiGateway: methods and integrations', () => {
  test('PutMethod twice is a ConflictException; COGNITO_USER_POOLS needs a Cognito authorizer', async () => {
    const { at } = await apiWithMethod()
    await expect(client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }))).rejects.toThrow(
      'Method already exists for this resource',
    )
    await expect(
      client.send(new PutMethodCommand({ ...at, httpMethod: 'POST', authorizationType: 'COGNITO_USER_POOLS' })),
    ).rejects.toThrow(BadRequestException)
  })

  test('PutIntegration: AWS_PROXY needs POST and a Lambda invocation ARN, timeouts 50-29000 ms; it replaces the integration', async () => {
    const { at } = await apiWithMethod()
    const proxy = { ...at, type: 'AWS_PROXY' as const, uri: URI }
    await expect(client.send(new PutIntegrationCommand(proxy))).rejects.toThrow(
      'Enumeration value for HttpMethod must be non-empty',
    )
    await expect(
      client.send(new PutIntegrationCommand({ ...proxy, integrationHttpMethod: 'POST', uri: 'arn:aws:lambda:x' })),
    ).rejects.toThrow(BadRequestException)
    await expect(
      client.send(new PutIntegrationCommand({ ...proxy, integrationHttpMethod: 'POST', timeoutInMillis: 30_000 })),
    ).rejects.toThrow('Timeout should be between 50 ms and 29000 ms')
    await client.send(new PutIntegrationCommand({ ...proxy, integrationHttpMethod: 'POST', timeoutInMillis: 5000 }))
    expect(await client.send(new GetIntegrationCommand(at))).toMatchObject({
      timeoutInMillis: 5000,
      passthroughBehavior: 'WHEN_NO_MATCH',
    })
  })

  test('an integration response needs its method response and maps only the headers it declares', async () => {
    const { restApiId, items } = await apiWithMethod()
    const at = { restApiId, resourceId: items, httpMethod: 'OPTIONS' }
    await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }))
    await client.send(
      new PutIntegrationCommand({
        ...at,
        type: 'MOCK',
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
      }),
    )
    const header = 'method.response.header.Access-Control-Allow-Origin'
    await expect(
      client.send(
        new PutIntegrationResponseCommand({ ...at, statusCode: '200', responseParameters: { [header]: "'*'" } }),
      ),
    ).rejects.toThrow(NotFoundException)
    await client.send(
      new PutMethodResponseCommand({ ...at, statusCode: '200', responseParameters: { [header]: true } }),
    )
    await expect(
      client.send(
        new PutIntegrationResponseCommand({
          ...at,
          statusCode: '200',
          responseParameters: { 'method.response.header.Other': "'x'" },
        }),
      ),
    ).rejects.toThrow(/Invalid mapping expression/)
    await client.send(
      new PutIntegrationResponseCommand({ ...at, statusCode: '200', responseParameters: { [header]: "'*'" } }),
    )
    await expect(client.send(new PutMethodResponseCommand({ ...at, statusCode: '200' }))).rejects.toThrow(
      ConflictException,
    )
  })

  test('an authorizer in use cannot be deleted', async () => {
    const { restApiId, items } = await apiWithMethod()
    const authorizer = await client.send(
      new CreateAuthorizerCommand({
        restApiId,
        name: 'cognito',
        type: 'COGNITO_USER_POOLS',
        providerARNs: [`arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_abc`],
      }),
    )
    const at = { restApiId, resourceId: items, httpMethod: 'POST' }
    await client.send(
      new PutMethodCommand({ ...at, authorizationType: 'COGNITO_USER_POOLS', authorizerId: authorizer.id }),
    )
    await expect(client.send(new DeleteAuthorizerCommand({ restApiId, authorizerId: authorizer.id }))).rejects.toThrow(
      /is referenced in method: POST\/\/items/,
    )
  })

  test('gateway responses: every default listed, customised ones as put', async () => {
    const { restApiId } = await apiWithMethod()
    const { items } = await client.send(new GetGatewayResponsesCommand({ restApiId, limit: 500 }))
    expect(items?.find((g) => g.responseType === 'DEFAULT_4XX')).toMatchObject({ defaultResponse: true })
    expect(items?.find((g) => g.responseType === 'UNAUTHORIZED')).toMatchObject({ statusCode: '401' })
  })
})

describe('FakeApiGateway: deployments and stages', () => {
  test('CreateDeployment snapshots the definition: later changes reach the stage only with a new deployment', async () => {
    const { restApiId } = await apiWithMethod()
    const d1 = await client.send(new CreateDeploymentCommand({ restApiId, description: 'one' }))
    await client.send(new CreateStageCommand({ restApiId, stageName: 'live', deploymentId: d1.id }))
    fake.deleteMethodOutOfBand(restApiId, '/items', 'GET')
    expect(fake.servedMethodKeys(restApiId, 'live')).toEqual(['GET /items'])
    expect(fake.methodKeys(restApiId)).toEqual([])
    await expect(client.send(new CreateDeploymentCommand({ restApiId }))).rejects.toThrow(
      "The REST API doesn't contain any methods",
    )
    const { items } = await client.send(new GetDeploymentsCommand({ restApiId }))
    expect(items?.map((d) => d.description)).toEqual(['one'])
    expect(items?.[0]?.createdDate).toBeInstanceOf(Date)
  })

  test('UpdateStage: access logs need the account’s CloudWatch role; method settings by `*/*`', async () => {
    const { restApiId } = await apiWithMethod()
    const d = await client.send(new CreateDeploymentCommand({ restApiId }))
    await client.send(new CreateStageCommand({ restApiId, stageName: 'live', deploymentId: d.id }))
    const log = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/svc`
    const patch = { op: 'replace' as const, path: '/accessLogSettings/destinationArn', value: log }
    await expect(
      client.send(new UpdateStageCommand({ restApiId, stageName: 'live', patchOperations: [patch] })),
    ).rejects.toThrow('CloudWatch Logs role ARN must be set in account settings to enable logging')
    fake.roleNotReadyFailures = 1
    const role = { op: 'replace' as const, path: '/cloudwatchRoleArn', value: `arn:aws:iam::${ACCOUNT}:role/apigw` }
    await expect(client.send(new UpdateAccountCommand({ patchOperations: [role] }))).rejects.toThrow(
      'The role ARN does not have required permissions set to API Gateway',
    )
    await client.send(new UpdateAccountCommand({ patchOperations: [role] }))
    await client.send(
      new UpdateStageCommand({
        restApiId,
        stageName: 'live',
        patchOperations: [patch, { op: 'replace', path: '/*/*/throttling/rateLimit', value: '50' }],
      }),
    )
    expect(await client.send(new GetStageCommand({ restApiId, stageName: 'live' }))).toMatchObject({
      accessLogSettings: { destinationArn: log },
      methodSettings: { '*/*': { throttlingRateLimit: 50 } },
    })
    await expect(
      client.send(
        new UpdateStageCommand({
          restApiId,
          stageName: 'live',
          patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }],
        }),
      ),
    ).rejects.toThrow(/Invalid patch path '\/nope'/)
  })

  test('a usage plan is deleted once no stage is attached; DeleteRestApi takes everything; what is gone is NotFound', async () => {
    const { restApiId } = await apiWithMethod()
    const d = await client.send(new CreateDeploymentCommand({ restApiId }))
    await client.send(new CreateStageCommand({ restApiId, stageName: 'live', deploymentId: d.id }))
    const plan = await client.send(
      new CreateUsagePlanCommand({ name: 'plan', apiStages: [{ apiId: restApiId, stage: 'live' }] }),
    )
    const usagePlanId = plan.id!
    await expect(client.send(new DeleteUsagePlanCommand({ usagePlanId }))).rejects.toBeInstanceOf(BadRequestException)
    const detach = { op: 'remove' as const, path: '/apiStages', value: `${restApiId}:live` }
    await client.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations: [detach] }))
    await client.send(new DeleteUsagePlanCommand({ usagePlanId }))
    await expect(client.send(new DeleteUsagePlanCommand({ usagePlanId }))).rejects.toBeInstanceOf(NotFoundException)
    const key = await client.send(new CreateApiKeyCommand({ name: 'k' }))
    await client.send(new DeleteApiKeyCommand({ apiKey: key.id }))
    await expect(client.send(new DeleteApiKeyCommand({ apiKey: key.id }))).rejects.toBeInstanceOf(NotFoundException)
    await client.send(new DeleteRestApiCommand({ restApiId }))
    expect(fake.api(restApiId)).toBeUndefined()
    const missing = [
      () => client.send(new DeleteRestApiCommand({ restApiId })),
      () => client.send(new DeleteStageCommand({ restApiId, stageName: 'live' })),
      () => client.send(new GetResourcesCommand({ restApiId })),
    ]
    for (const call of missing) await expect(call()).rejects.toBeInstanceOf(NotFoundException)
  })

  test('tags on APIs and stages by ARN', async () => {
    const { restApiId } = await apiWithMethod()
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${restApiId}`
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { a: '1' } }))
    expect((await client.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ a: '1' })
  })
})

describe('FakeApiGateway: throttling', () => {
  test('throttleStorm(n): the next n calls of any operation fail with TooManyRequestsException, then calls succeed', async () => {
    fake.throttleStorm(2)
    await expect(client.send(new GetRestApisCommand({}))).rejects.toThrow(TooManyRequestsException)
    await expect(client.send(new CreateRestApiCommand({ name: 'x' }))).rejects.toThrow(TooManyRequestsException)
    expect(fake.apisNamed('x')).toEqual([])
    await client.send(new CreateRestApiCommand({ name: 'x' }))
    expect(fake.apisNamed('x')).toHaveLength(1)
    expect(aws.calls.map((c) => c.error ?? 'ok')).toEqual([
      'TooManyRequestsException',
      'TooManyRequestsException',
      'ok',
    ])
  })

  test('state survives toJSON/load (the CLI tests’ child processes)', async () => {
    const { restApiId } = await apiWithMethod()
    const copy = new FakeApiGateway()
    copy.load(JSON.parse(JSON.stringify(fake.toJSON())))
    expect(copy.methodKeys(restApiId)).toEqual(['GET /items'])
  })
})
