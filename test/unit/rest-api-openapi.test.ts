// The REST API's OpenAPI document, pure: its shape (OpenAPI 3.0 with API Gateway's extensions), the authorizer, API
// keys, CORS mocks, gateway responses, path parameters, and a hash stable under order and changed by any difference.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { documentHash, documentText, openApiDocument } from '../../src/resources/apigateway/rest-api-openapi.js'
import { restApiPlan, type RestApiUpstream } from '../../src/steps/rest-api-specs.js'
import { makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

const ACCOUNT = '887078546492'
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_AbCdEf123`

async function planFor(mutate?: (c: any) => void) {
  const { root } = await makeProject({ mutate })
  const config: ResolvedConfig = await loadConfig({ root, env: 'staging' })
  const up: RestApiUpstream = {
    aliasArns: Object.fromEntries(
      config.functions.map((f) => [f.logicalId, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${f.name}:staging`]),
    ),
    userPoolArn: POOL,
  }
  return restApiPlan(config, up)!
}

describe('the OpenAPI document', () => {
  test('OpenAPI 3.0: info names the API, every path with its methods, each an API Gateway integration', async () => {
    const { document } = await planFor()
    expect(document).toMatchObject({
      openapi: '3.0.1',
      info: { title: 'new-service-staging-rest-api', version: '1.0' },
    })
    expect(Object.keys(document.paths)).toEqual([
      '/conversations',
      '/conversations/{id}',
      '/prompts',
      '/prompts/{id}',
      '/usage',
    ])
    expect(Object.keys(document.paths['/prompts/{id}']!)).toEqual(['delete', 'get', 'options', 'put'])
    for (const op of Object.values(document.paths['/prompts/{id}']!))
      expect(op.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }])
    expect(document.paths['/usage']!.get).toEqual({
      responses: { '200': { description: 'The function’s response' } },
      security: [{ 'cognito-user-pool': [] }],
      'x-amazon-apigateway-integration': {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-usage-handler:staging/invocations`,
        timeoutInMillis: 29_000,
      },
    })
  })

  test('the Cognito authorizer is a security scheme; CORS preflights are mocks; gateway responses carry CORS', async () => {
    const { document } = await planFor()
    expect(document.components.securitySchemes).toEqual({
      'cognito-user-pool': {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL] },
      },
    })
    const options = document.paths['/usage']!.options as any
    expect(options.security).toBeUndefined()
    expect(Object.keys(options.responses['200'].headers)).toEqual([
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Methods',
      'Access-Control-Allow-Headers',
    ])
    expect(options['x-amazon-apigateway-integration']).toMatchObject({
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: {
        default: {
          statusCode: '200',
          responseParameters: { 'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'" },
        },
      },
    })
    expect(Object.keys(document['x-amazon-apigateway-gateway-responses']!)).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX'])
  })

  test('usage_plan.require_api_key: an api_key scheme (x-api-key) required beside the authorizer, not on preflights', async () => {
    const { document } = await planFor((c) => (c.rest_api.usage_plan = { require_api_key: true }))
    expect(document.components.securitySchemes?.api_key).toEqual({ type: 'apiKey', name: 'x-api-key', in: 'header' })
    expect(document.paths['/usage']!.get).toMatchObject({ security: [{ 'cognito-user-pool': [], api_key: [] }] })
    expect((document.paths['/usage']!.options as any).security).toBeUndefined()
  })

  test('its hash: stable under the order of resources and methods, changed by anything the document says', async () => {
    const plan = await planFor()
    const reordered = {
      ...plan.definition,
      resources: [...plan.definition.resources].reverse().map((r) => ({ ...r, methods: [...r.methods].reverse() })),
    }
    const info = { title: plan.api.name, description: plan.api.description }
    expect(documentText(openApiDocument(reordered, info))).toBe(documentText(plan.document))
    expect(documentHash(plan.document)).toMatch(/^[0-9a-f]{16}$/)
    const changed = structuredClone(plan.definition)
    changed.resources.find((r) => r.path === '/usage')!.methods[0]!.integration.timeoutInMillis = 10_000
    expect(documentHash(openApiDocument(changed, info))).not.toBe(documentHash(plan.document))
    const publicUsage = await planFor((c) => (c.rest_api.endpoints[4].public = true))
    expect(documentHash(publicUsage.document)).not.toBe(documentHash(plan.document))
  })
})
