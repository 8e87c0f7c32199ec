// FakeApiGateway's OpenAPI imports against the real SDK client: PutRestApi (overwrite, merge) and ImportRestApi parse
// a document into the resources, methods, integrations, authorizers and gateway responses the one-by-one calls make;
// AWS's errors; all or nothing.
import {
  APIGatewayClient,
  BadRequestException,
  CreateRestApiCommand,
  GetAuthorizersCommand,
  GetResourcesCommand,
  ImportRestApiCommand,
  LimitExceededException,
  NotFoundException,
  PutRestApiCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-api-gateway'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FakeApiGateway } from './fake-aws/apigateway.js'
import { FakeAws } from './fake-aws/core.js'

const ACCOUNT = '111122223333'
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_Pool1`
const URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:f:live/invocations`

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

const proxy = { 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: URI } }
const ok = { responses: { '200': { description: 'ok' } } }
/** `/items/{id}` with a GET behind the Cognito authorizer, a public POST on `/items`, a CORS 4XX. */
const DOCUMENT = {
  openapi: '3.0.1',
  info: { title: 'imported', version: '1' },
  paths: {
    '/items': { post: { ...ok, ...proxy } },
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { ...ok, security: [{ pool: [] }], ...proxy },
    },
  },
  components: {
    securitySchemes: {
      pool: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL] },
      },
    },
  },
  'x-amazon-apigateway-gateway-responses': {
    DEFAULT_4XX: { responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } },
  },
}
const body = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc))
const put = (restApiId: string, doc: unknown, mode: 'overwrite' | 'merge' = 'overwrite') =>
  client.send(new PutRestApiCommand({ restApiId, mode, failOnWarnings: true, body: body(doc) }))
const newApi = async () => (await client.send(new CreateRestApiCommand({ name: 'imported' }))).id!

describe('FakeApiGateway: PutRestApi and ImportRestApi', () => {
  test('overwrite: resources with their parents, methods, integrations, the authorizer and gateway responses', async () => {
    const id = await newApi()
    await put(id, DOCUMENT)
    expect(fake.methodKeys(id)).toEqual(['GET /items/{id}', 'POST /items'])
    const [authorizer] = (await client.send(new GetAuthorizersCommand({ restApiId: id }))).items!
    expect(authorizer).toMatchObject({
      name: 'pool',
      type: 'COGNITO_USER_POOLS',
      providerARNs: [POOL],
      identitySource: 'method.request.header.Authorization',
    })
    const { items } = await client.send(new GetResourcesCommand({ restApiId: id, embed: ['methods'] }))
    expect(items!.find((r) => r.path === '/items/{id}')!.resourceMethods!.GET).toMatchObject({
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: authorizer!.id,
      methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: URI, timeoutInMillis: 29_000 },
      methodResponses: { '200': { statusCode: '200' } },
    })
    expect(fake.api(id)!.gatewayResponses.DEFAULT_4XX).toMatchObject({ defaultResponse: false })

    // What the document no longer has goes; what it has stays.
    await put(id, { ...DOCUMENT, paths: { '/items': DOCUMENT.paths['/items'] } })
    expect(fake.methodKeys(id)).toEqual(['POST /items'])
    expect(fake.resourceAt(id, '/items/{id}')).toBeUndefined()
  })

  test('merge: the document’s methods replace their namesakes, everything else is kept', async () => {
    const id = await newApi()
    await put(id, DOCUMENT)
    const other = {
      openapi: '3.0.1',
      info: { title: 'imported', version: '1' },
      paths: { '/other': { get: { ...ok, ...proxy } } },
    }
    await put(id, other, 'merge')
    expect(fake.methodKeys(id)).toEqual(['GET /items/{id}', 'GET /other', 'POST /items'])
  })

  test('a CORS mock: integration responses map only the headers the method response declares', async () => {
    const id = await newApi()
    const options = (headers: Record<string, unknown>) => ({
      responses: { '200': { description: 'CORS', headers } },
      'x-amazon-apigateway-integration': {
        type: 'mock',
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        responses: {
          default: {
            statusCode: '200',
            responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" },
          },
        },
      },
    })
    const doc = (headers: Record<string, unknown>) => ({
      ...DOCUMENT,
      paths: { '/items': { options: options(headers) } },
    })
    await put(id, doc({ 'Access-Control-Allow-Origin': { required: true, schema: { type: 'string' } } }))
    const method = fake.resourceAt(id, '/items')!.methods.OPTIONS!
    expect(method.methodResponses['200']!.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Origin': true,
    })
    expect(method.integration?.integrationResponses?.['200']).toMatchObject({
      statusCode: '200',
      responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" },
    })
    await expect(put(id, doc({}))).rejects.toThrow(/Invalid mapping expression parameter specified/)
  })

  test('errors refuse the whole document and change nothing; warnings too with failOnWarnings', async () => {
    const id = await newApi()
    await put(id, DOCUMENT)
    const before = structuredClone(fake.api(id))
    await expect(
      client.send(new PutRestApiCommand({ restApiId: id, mode: 'overwrite', body: body('{') as never })),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: 'Invalid OpenAPI input.' })
    const badUri = {
      ...DOCUMENT,
      paths: {
        '/x': {
          get: {
            ...ok,
            'x-amazon-apigateway-integration': { ...proxy['x-amazon-apigateway-integration'], uri: 'nope' },
          },
        },
      },
    }
    const refused = await put(id, badUri).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BadRequestException)
    expect((refused as Error).message).toMatch(
      /^Errors found during import:\n\tUnable to put integration on 'GET' for resource at path '\/x'/,
    )
    const undeclared = { ...DOCUMENT, paths: { '/items/{id}': { get: { ...ok, ...proxy } } } }
    await expect(put(id, undeclared)).rejects.toThrow(/^Warnings found during import:\n\tPath parameter 'id'/)
    expect(fake.api(id)).toEqual(before)
    const lenient = await client.send(
      new PutRestApiCommand({ restApiId: id, mode: 'overwrite', body: body(undeclared) }),
    )
    expect(lenient.warnings).toEqual([expect.stringContaining("Path parameter 'id'")])
  })

  test('an unknown API: NotFoundException; the resource quota: LimitExceededException; throttling: TooManyRequests', async () => {
    await expect(put('nope000000', DOCUMENT)).rejects.toBeInstanceOf(NotFoundException)
    const id = await newApi()
    fake.maxResourcesPerApi = 2
    await expect(put(id, DOCUMENT)).rejects.toBeInstanceOf(LimitExceededException)
    fake.throttleStorm(1)
    await expect(put(id, DOCUMENT)).rejects.toBeInstanceOf(TooManyRequestsException)
  })

  test('ImportRestApi: a new API named by info.title with the endpoint type asked for; a refused one leaves none', async () => {
    const api = await client.send(
      new ImportRestApiCommand({
        body: body(DOCUMENT),
        failOnWarnings: true,
        parameters: { endpointConfigurationTypes: 'REGIONAL' },
      }),
    )
    expect(api).toMatchObject({ name: 'imported', endpointConfiguration: { types: ['REGIONAL'] } })
    expect(fake.methodKeys(api.id!)).toEqual(['GET /items/{id}', 'POST /items'])
    await expect(
      client.send(new ImportRestApiCommand({ body: body({ ...DOCUMENT, paths: { bad: {} } }) })),
    ).rejects.toBeInstanceOf(BadRequestException)
    expect(fake.apisNamed('imported')).toHaveLength(1)
  })
})
