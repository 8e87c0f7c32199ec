// diffRestApi, deployment descriptions, diffStage and previousDeployment: pure, no AWS.
import type { GatewayResponse, Method } from '@aws-sdk/client-api-gateway'
import { describe, expect, test } from 'vitest'
import {
  deploymentDescription,
  diffRestApi,
  hashOfDeployment,
  type ApiDefinition,
  type MethodSpec,
  type ObservedDefinition,
} from '../../src/resources/apigateway/rest-api-diff.js'
import { diffRestApiSettings } from '../../src/resources/apigateway/rest-api.js'
import { diffStage, type StageSpec } from '../../src/resources/apigateway/rest-api-stage.js'
import { diffUsagePlan } from '../../src/resources/apigateway/rest-api-usage-plan.js'
import { previousDeployment } from '../../src/releases/stage-rollback.js'

const POOL = 'arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_Pool1'
const uri = (fn: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:${fn}:staging/invocations`
const ORIGIN = { 'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'" }

const proxy = (httpMethod: string, fn: string, auth = true): MethodSpec => ({
  httpMethod,
  authorizationType: auth ? 'COGNITO_USER_POOLS' : 'NONE',
  ...(auth ? { authorizer: 'cognito' } : {}),
  apiKeyRequired: false,
  integration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: uri(fn), timeoutInMillis: 29_000, responses: {} },
  responses: {},
})
const options: MethodSpec = {
  httpMethod: 'OPTIONS',
  authorizationType: 'NONE',
  apiKeyRequired: false,
  integration: {
    type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    responses: { '200': { responseParameters: ORIGIN } },
  },
  responses: { '200': { 'method.response.header.Access-Control-Allow-Origin': true } },
}

const SPEC: ApiDefinition = {
  resources: [
    { path: '/', methods: [] },
    { path: '/prompts', methods: [proxy('GET', 'prompts'), options] },
    { path: '/prompts/{id}', methods: [proxy('DELETE', 'prompts')] },
  ],
  authorizers: [
    {
      name: 'cognito',
      type: 'COGNITO_USER_POOLS',
      providerArns: [POOL],
      identitySource: 'method.request.header.Authorization',
    },
  ],
  gatewayResponses: [
    {
      responseType: 'DEFAULT_4XX',
      responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" },
      responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
    },
  ],
}

/** What API Gateway would return once `spec` is fully applied (authorizer id `auth1`, resource ids `r<n>`). */
function observedFrom(spec: ApiDefinition): ObservedDefinition {
  const method = (m: MethodSpec): Method => ({
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
    ...(m.authorizer ? { authorizerId: 'auth1' } : {}),
    apiKeyRequired: m.apiKeyRequired,
    methodResponses: Object.fromEntries(
      Object.entries(m.responses).map(([statusCode, responseParameters]) => [
        statusCode,
        { statusCode, responseParameters },
      ]),
    ),
    methodIntegration: {
      type: m.integration.type,
      ...(m.integration.httpMethod ? { httpMethod: m.integration.httpMethod } : {}),
      ...(m.integration.uri ? { uri: m.integration.uri } : {}),
      ...(m.integration.requestTemplates ? { requestTemplates: m.integration.requestTemplates } : {}),
      timeoutInMillis: m.integration.timeoutInMillis ?? 29_000,
      passthroughBehavior: 'WHEN_NO_MATCH',
      integrationResponses: Object.fromEntries(
        Object.entries(m.integration.responses).map(([statusCode, r]) => [statusCode, { statusCode, ...r }]),
      ),
    },
  })
  return {
    resources: spec.resources.map((r, i) => ({
      id: `r${i}`,
      path: r.path,
      methods: Object.fromEntries(r.methods.map((m) => [m.httpMethod, method(m)])),
    })),
    authorizers: spec.authorizers.map((a) => ({
      id: 'auth1',
      name: a.name,
      type: a.type,
      providerARNs: a.providerArns,
      identitySource: a.identitySource,
    })),
    gatewayResponses: [
      ...spec.gatewayResponses.map((g): GatewayResponse => ({ ...g, defaultResponse: false })),
      { responseType: 'DEFAULT_5XX', responseParameters: {}, defaultResponse: true },
    ],
  }
}

const EMPTY: ObservedDefinition = {
  resources: [{ id: 'root', path: '/', methods: {} }],
  authorizers: [],
  gatewayResponses: [
    { responseType: 'DEFAULT_4XX', defaultResponse: true, responseParameters: {} },
    { responseType: 'DEFAULT_5XX', defaultResponse: true, responseParameters: {} },
  ],
}
const fields = (changes: ReturnType<typeof diffRestApi>) => changes.map((c) => c.field)

describe('diffRestApi', () => {
  test('from an empty API: the authorizer, the resources, each method, the gateway response', () => {
    expect(diffRestApi(EMPTY, SPEC)).toEqual([
      { field: 'Authorizer[cognito]', to: POOL },
      { field: 'Resource[/prompts]', to: 'created' },
      { field: 'Resource[/prompts/{id}]', to: 'created' },
      { field: 'Method[GET /prompts]', to: 'cognito → function prompts:staging' },
      { field: 'Method[OPTIONS /prompts]', to: 'none → MOCK' },
      { field: 'Method[DELETE /prompts/{id}]', to: 'cognito → function prompts:staging' },
      { field: 'GatewayResponse[DEFAULT_4XX]', to: 'CORS headers' },
    ])
  })

  test('an API that matches: no change at all', () => {
    expect(diffRestApi(observedFrom(SPEC), SPEC)).toEqual([])
  })

  test('a changed integration URI: named by the function it now invokes', () => {
    const want = structuredClone(SPEC)
    want.resources[1]!.methods[0]!.integration.uri = uri('prompts-v2')
    expect(diffRestApi(observedFrom(SPEC), want)).toEqual([
      { field: 'Integration[GET /prompts]', from: 'function prompts:staging', to: 'function prompts-v2:staging' },
    ])
  })

  test('a changed timeout or MOCK template changes the integration; its responses alone when they differ', () => {
    const want = structuredClone(SPEC)
    want.resources[2]!.methods[0]!.integration.timeoutInMillis = 10_000
    want.resources[1]!.methods[1]!.integration.requestTemplates = { 'application/json': '{"statusCode": 204}' }
    expect(fields(diffRestApi(observedFrom(SPEC), want))).toEqual([
      'Integration[OPTIONS /prompts]',
      'Integration[DELETE /prompts/{id}]',
    ])
  })

  test('a method deleted out of band, or one without its integration (GetIntegration found none)', () => {
    const observed = observedFrom(SPEC)
    delete observed.resources[1]!.methods.GET
    delete observed.resources[2]!.methods.DELETE!.methodIntegration
    expect(diffRestApi(observed, SPEC)).toEqual([
      { field: 'Method[GET /prompts]', to: 'cognito → function prompts:staging' },
      { field: 'Integration[DELETE /prompts/{id}]', from: 'none', to: 'function prompts:staging' },
    ])
  })

  test('what the config no longer has: its methods, and only the topmost resource of a removed branch', () => {
    const observed = observedFrom(SPEC)
    observed.resources.push(
      { id: 'x1', path: '/old', methods: {} },
      { id: 'x2', path: '/old/{id}', methods: { GET: { httpMethod: 'GET' } } },
    )
    observed.resources[1]!.methods.POST = { httpMethod: 'POST', authorizationType: 'NONE' }
    expect(diffRestApi(observed, SPEC)).toEqual([
      { field: 'Method[POST /prompts]', to: 'deleted' },
      { field: 'Resource[/old]', to: 'deleted' },
    ])
  })

  test('authorization: a public method loses its authorizer; an authorizer gone out of band is named with its methods', () => {
    const pub = structuredClone(SPEC)
    pub.resources[1]!.methods[0] = proxy('GET', 'prompts', false)
    expect(diffRestApi(observedFrom(SPEC), pub)).toEqual([
      { field: 'Method[GET /prompts]', from: 'cognito', to: 'none' },
    ])
    const observed = observedFrom(SPEC)
    observed.authorizers = []
    expect(fields(diffRestApi(observed, SPEC))).toEqual([
      'Authorizer[cognito]',
      'Method[GET /prompts]',
      'Method[DELETE /prompts/{id}]',
    ])
  })

  test('a new user pool: the authorizer, from the old pool to the new; one the config dropped: deleted', () => {
    const want = structuredClone(SPEC)
    want.authorizers[0]!.providerArns = [`${POOL}-new`]
    expect(diffRestApi(observedFrom(SPEC), want)).toEqual([
      { field: 'Authorizer[cognito]', from: POOL, to: `${POOL}-new` },
    ])
    want.authorizers = []
    want.resources[1]!.methods[0] = proxy('GET', 'prompts', false)
    want.resources[2]!.methods[0] = proxy('DELETE', 'prompts', false)
    expect(fields(diffRestApi(observedFrom(SPEC), want))).toEqual([
      'Authorizer[cognito]',
      'Method[GET /prompts]',
      'Method[DELETE /prompts/{id}]',
    ])
  })

  test('responses: changed CORS headers; a header the method response no longer declares; not the required flag', () => {
    const want = structuredClone(SPEC)
    want.resources[1]!.methods[1]!.integration.responses['200'] = {
      responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'https://other.example.com'" },
    }
    expect(fields(diffRestApi(observedFrom(SPEC), want))).toEqual(['IntegrationResponse[OPTIONS /prompts 200]'])
    const flag = structuredClone(SPEC)
    flag.resources[1]!.methods[1]!.responses['200'] = { 'method.response.header.Access-Control-Allow-Origin': false }
    expect(diffRestApi(observedFrom(SPEC), flag)).toEqual([])
    const more = structuredClone(SPEC)
    more.resources[1]!.methods[1]!.responses['200']!['method.response.header.Vary'] = false
    expect(fields(diffRestApi(observedFrom(SPEC), more))).toEqual(['MethodResponse[OPTIONS /prompts 200]'])
  })

  test('gateway responses: a default one is customised; a customised one the config dropped is reset', () => {
    const observed = observedFrom(SPEC)
    observed.gatewayResponses[0]!.defaultResponse = true
    expect(fields(diffRestApi(observed, SPEC))).toEqual(['GatewayResponse[DEFAULT_4XX]'])
    expect(diffRestApi(observedFrom(SPEC), { ...SPEC, gatewayResponses: [] })).toEqual([
      { field: 'GatewayResponse[DEFAULT_4XX]', from: 'customised', to: 'default' },
    ])
  })
})

describe('deployment descriptions', () => {
  test('carry the document hash; other descriptions carry none', () => {
    expect(hashOfDeployment(deploymentDescription('0123456789abcdef'))).toBe('0123456789abcdef')
    expect(hashOfDeployment('deployed by hand')).toBeUndefined()
    expect(hashOfDeployment(undefined)).toBeUndefined()
  })
})

describe('diffStage', () => {
  const spec: StageSpec = {
    name: 'staging',
    tracing: true,
    throttling: { rateLimit: 100, burstLimit: 200 },
    accessLog: { destinationArn: 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/apigateway/api', format: '{}' },
    tags: { 'infra:env': 'staging' },
  }

  test('a fresh stage: every setting as one patch operation; a matching stage: none', () => {
    expect(diffStage({}, spec).patch).toEqual([
      { op: 'replace', path: '/tracingEnabled', value: 'true' },
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: spec.accessLog.destinationArn },
      { op: 'replace', path: '/accessLogSettings/format', value: '{}' },
      { op: 'replace', path: '/*/*/throttling/rateLimit', value: '100' },
      { op: 'replace', path: '/*/*/throttling/burstLimit', value: '200' },
    ])
    const matching = {
      tracingEnabled: true,
      accessLogSettings: spec.accessLog,
      methodSettings: { '*/*': { throttlingRateLimit: 100, throttlingBurstLimit: 200 } },
      tags: spec.tags,
    }
    expect(diffStage(matching, spec)).toEqual({ patch: [], changes: [] })
    expect(diffStage({ ...matching, tags: {} }, spec)).toEqual({
      patch: [],
      changes: [{ field: 'Tags[infra:env]', to: 'staging' }],
    })
  })

  test('throttling absent from the config: the stage’s own is left alone', () => {
    const { throttling: _, ...unthrottled } = spec
    const stage = {
      tracingEnabled: true,
      accessLogSettings: spec.accessLog,
      tags: spec.tags,
      methodSettings: { '*/*': { throttlingRateLimit: 5 } },
    }
    expect(diffStage(stage, unthrottled).patch).toEqual([])
  })
})

describe('the API’s own settings, usage plans, previous deployments', () => {
  test('diffRestApiSettings: description, endpoint type, our tags (tags added by others are left alone)', () => {
    const spec = {
      logicalId: 'rest-api',
      name: 'svc-api',
      description: 'd',
      endpointType: 'REGIONAL' as const,
      tags: { a: '1' },
    }
    expect(
      diffRestApiSettings(
        { name: 'svc-api', description: 'd', endpointConfiguration: { types: ['REGIONAL'] }, tags: { a: '1', b: '2' } },
        spec,
      ),
    ).toEqual([])
    expect(diffRestApiSettings({ name: 'svc-api', endpointConfiguration: { types: ['EDGE'] } }, spec)).toEqual([
      { field: 'Description', from: undefined, to: 'd' },
      { field: 'EndpointType', from: 'EDGE', to: 'REGIONAL' },
      { field: 'Tags[a]', from: undefined, to: '1' },
    ])
  })

  test('diffUsagePlan: throttle and quota patched, the stage attached once', () => {
    const spec = {
      logicalId: 'rest-api',
      name: 'plan',
      throttle: { rateLimit: 10, burstLimit: 20 },
      quota: { limit: 1000, period: 'DAY' as const },
      apiKeys: [],
      tags: {},
    }
    const { patch } = diffUsagePlan({ throttle: { rateLimit: 5, burstLimit: 20 }, apiStages: [] }, spec, 'api1:staging')
    expect(patch).toEqual([
      { op: 'replace', path: '/throttle/rateLimit', value: '10' },
      { op: 'replace', path: '/quota/limit', value: '1000' },
      { op: 'replace', path: '/quota/period', value: 'DAY' },
      { op: 'add', path: '/apiStages', value: 'api1:staging' },
    ])
    const current = { throttle: spec.throttle, quota: spec.quota, apiStages: [{ apiId: 'api1', stage: 'staging' }] }
    expect(diffUsagePlan(current, spec, 'api1:staging')).toEqual({ patch: [], changes: [] })
  })

  test('previousDeployment: the one created just before the current one, whatever the listing order', () => {
    const at = (id: string, t: number) => ({ id, createdDate: new Date(t) })
    const all = [at('c', 3000), at('a', 1000), at('b', 2000)]
    expect(previousDeployment(all, 'c')?.id).toBe('b')
    expect(previousDeployment(all, 'b')?.id).toBe('a')
    expect(previousDeployment(all, 'a')).toBeUndefined()
    expect(previousDeployment(all, 'gone')).toBeUndefined()
  })
})
