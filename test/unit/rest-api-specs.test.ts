// Step 04's spec building, pure: the repository's config.json (copied and edited) → paths, methods, CORS per
// environment, the authorizer on exactly the methods that need it, integration URIs on the alias, permissions.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { configSchema } from '../../src/config/schema.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { StepError } from '../../src/errors/index.js'
import { executeApiSourceArn, lambdaIntegrationUri, restApiUrl } from '../../src/resources/apigateway/call.js'
import {
  ACCESS_LOG_FORMAT,
  AUTHORIZER_NAME,
  corsOrigins,
  restApiPlan,
  restApiUpstream,
  type RestApiUpstream,
} from '../../src/steps/rest-api-specs.js'
import { originOverrideTemplate } from '../../src/steps/rest-api-cors.js'
import { makeProject, realConfig, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

const ACCOUNT = '887078546492'
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_AbCdEf123`

async function configFor(env: string, mutate?: (c: any) => void): Promise<ResolvedConfig> {
  const { root } = await makeProject({ mutate })
  return loadConfig({ root, env })
}

function upstreamFor(config: ResolvedConfig, pool: string | null = POOL): RestApiUpstream {
  const aliasArns = Object.fromEntries(
    config.functions.map((f) => [
      f.logicalId,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${f.name}:${config.environment}`,
    ]),
  )
  return { aliasArns, ...(pool ? { userPoolArn: pool } : {}) }
}

/** Drops the cognito section and every function variable that reads its outputs. */
function withoutCognito(c: any): void {
  delete c.cognito
  for (const fn of Object.values<any>(c.functions))
    for (const [k, v] of Object.entries(fn.environment ?? {}))
      if (String(v).includes('${cognito.')) delete fn.environment[k]
}

/** What `fn` throws (undefined if nothing): assertions stay outside any catch. */
function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}

const methodsOf = (plan: NonNullable<ReturnType<typeof restApiPlan>>) =>
  plan.definition.resources.flatMap((r) => r.methods.map((m) => ({ path: r.path, ...m })))

describe('rest API spec: paths and methods', () => {
  test('the config’s endpoints, every intermediate path, and nothing else', async () => {
    const config = await configFor('staging')
    const plan = restApiPlan(config, upstreamFor(config))!
    expect(plan.definition.resources.map((r) => `${r.path}: ${r.methods.map((m) => m.httpMethod).join(' ')}`)).toEqual([
      '/: ',
      '/conversations: DELETE GET OPTIONS POST PUT',
      '/conversations/{id}: DELETE GET OPTIONS PUT',
      '/prompts: DELETE GET OPTIONS POST PUT',
      '/prompts/{id}: DELETE GET OPTIONS PUT',
      '/usage: GET OPTIONS',
    ])
    expect(plan.api).toMatchObject({ name: 'new-service-staging-rest-api', endpointType: 'REGIONAL' })
    expect(plan.stage).toMatchObject({
      name: 'staging',
      tracing: true,
      throttling: { rateLimit: 100, burstLimit: 200 },
      accessLog: {
        destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/new-service-staging-rest-api`,
        format: ACCESS_LOG_FORMAT,
      },
    })
    expect(JSON.parse(ACCESS_LOG_FORMAT)).toHaveProperty('requestId', '$context.requestId')
  })

  test('a nested path creates its intermediate resources; one path may be declared in several entries', async () => {
    const config = await configFor('staging', (c) => {
      c.rest_api.endpoints.push(
        { path: '/admin/reports/{day}', methods: ['GET'], function: 'usage-handler' },
        { path: '/usage', methods: ['POST'], function: 'prompt-crud' },
      )
    })
    const plan = restApiPlan(config, upstreamFor(config))!
    expect(plan.definition.resources.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/admin', '/admin/reports', '/admin/reports/{day}']),
    )
    expect(plan.definition.resources.find((r) => r.path === '/admin')?.methods).toEqual([])
    const usage = plan.definition.resources.find((r) => r.path === '/usage')!
    expect(usage.methods.map((m) => m.httpMethod)).toEqual(['GET', 'OPTIONS', 'POST'])
    expect(usage.methods.find((m) => m.httpMethod === 'POST')?.integration.uri).toContain('prompt-crud')
    // The preflight of /usage lists every method of the path.
    expect(
      usage.methods.find((m) => m.httpMethod === 'OPTIONS')?.integration.responses['200']?.responseParameters,
    ).toMatchObject({
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'",
    })
  })

  test('Lambda proxy integrations target the environment alias, with the configured timeout', async () => {
    const config = await configFor('staging', (c) => (c.rest_api.integration_timeout_ms = 10_000))
    const plan = restApiPlan(config, upstreamFor(config))!
    const get = methodsOf(plan).find((m) => m.path === '/prompts/{id}' && m.httpMethod === 'GET')!
    const alias = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-prompt-crud:staging`
    expect(get.integration).toEqual({
      type: 'AWS_PROXY',
      httpMethod: 'POST',
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${alias}/invocations`,
      timeoutInMillis: 10_000,
      responses: {},
    })
    expect(lambdaIntegrationUri('cn-north-1', 'arn:aws-cn:lambda:cn-north-1:1:function:f:prod')).toBe(
      'arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:1:function:f:prod/invocations',
    )
  })

  test('the permission targets: each function once, on its alias; SourceArn is this API in this account', async () => {
    const config = await configFor('staging')
    const plan = restApiPlan(config, upstreamFor(config))!
    expect(plan.targets).toEqual([
      { logicalId: 'conversation-api', functionName: 'new-service-staging-conversation-api', alias: 'staging' },
      { logicalId: 'prompt-crud', functionName: 'new-service-staging-prompt-crud', alias: 'staging' },
      { logicalId: 'usage-handler', functionName: 'new-service-staging-usage-handler', alias: 'staging' },
    ])
    const identity = { service: 's', env: 'staging', region: 'us-east-1', accountId: ACCOUNT }
    expect(executeApiSourceArn(identity, 'a1b2c3d4e5')).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/*/*`,
    )
    expect(restApiUrl('a1b2c3d4e5', 'us-east-1', 'staging')).toBe(
      'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/staging',
    )
  })
})

describe('rest API spec: the Cognito authorizer', () => {
  test('on every non-OPTIONS method that is not public, and on nothing else', async () => {
    const config = await configFor('staging', (c) => (c.rest_api.endpoints[4].public = true))
    const plan = restApiPlan(config, upstreamFor(config))!
    expect(plan.definition.authorizers).toEqual([
      {
        name: AUTHORIZER_NAME,
        type: 'COGNITO_USER_POOLS',
        providerArns: [POOL],
        identitySource: 'method.request.header.Authorization',
      },
    ])
    for (const m of methodsOf(plan)) {
      const wanted = m.httpMethod !== 'OPTIONS' && m.path !== '/usage'
      expect({ at: `${m.httpMethod} ${m.path}`, type: m.authorizationType, authorizer: m.authorizer }).toEqual({
        at: `${m.httpMethod} ${m.path}`,
        type: wanted ? 'COGNITO_USER_POOLS' : 'NONE',
        authorizer: wanted ? AUTHORIZER_NAME : undefined,
      })
    }
  })

  test('without a cognito section: no authorizer, every method open', async () => {
    const config = await configFor('staging', withoutCognito)
    const up = restApiUpstream(config, { lambda: { functions: {} } }, true)
    expect(up.userPoolArn).toBeUndefined()
    const plan = restApiPlan(config, upstreamFor(config, null))!
    expect(plan.definition.authorizers).toEqual([])
    expect(new Set(methodsOf(plan).map((m) => m.authorizationType))).toEqual(new Set(['NONE']))
  })

  test('upstream: step 03’s alias ARNs and step 08’s pool; in a plan the alias ARN is computed, in a run its absence is an error', async () => {
    const config = await configFor('staging')
    const lambda = {
      functions: Object.fromEntries(
        config.functions.map((f) => [f.logicalId, { name: f.name, aliasArn: `arn:x:${f.logicalId}` }]),
      ),
    }
    expect(restApiUpstream(config, { lambda, cognito: { userPoolArn: POOL } }, false)).toEqual({
      aliasArns: {
        'conversation-api': 'arn:x:conversation-api',
        'prompt-crud': 'arn:x:prompt-crud',
        'usage-handler': 'arn:x:usage-handler',
      },
      userPoolArn: POOL,
    })
    const planned = restApiUpstream(config, {}, true)
    expect(planned.aliasArns['prompt-crud']).toBe(
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-prompt-crud:staging`,
    )
    expect(planned.userPoolArn).toBe('(known after apply)')
    expect(() => restApiUpstream(config, { lambda }, false)).toThrow(StepError)
    expect(() => restApiUpstream(config, { lambda }, false)).toThrow(/userPoolArn/)
    expect(errorOf(() => restApiUpstream(config, { cognito: { userPoolArn: POOL } }, false))).toMatchObject({
      code: 'UpstreamOutputMissing',
      hint: expect.stringContaining('infra step lambda --env staging'),
    })
  })

  test('usage_plan.require_api_key: every method but OPTIONS requires a key', async () => {
    const config = await configFor(
      'staging',
      (c) => (c.rest_api.usage_plan = { api_keys: ['${SERVICE_NAME}-partner'], require_api_key: true }),
    )
    const plan = restApiPlan(config, upstreamFor(config))!
    for (const m of methodsOf(plan)) expect(m.apiKeyRequired).toBe(m.httpMethod !== 'OPTIONS')
    expect(plan.usagePlan).toEqual({
      logicalId: 'rest-api',
      name: 'new-service-staging-usage-plan',
      apiKeys: ['new-service-staging-partner'],
      tags: config.tags,
    })
  })
})

describe('rest API spec: CORS per environment', () => {
  test('an environment’s own origins, else the "*" entry; OPTIONS is a MOCK answering 200 with the headers', async () => {
    const production = await configFor('production')
    expect(corsOrigins(production, production.sections.rest_api!)).toEqual(['https://new-service.com'])
    const staging = await configFor('staging')
    expect(corsOrigins(staging, staging.sections.rest_api!)).toEqual(['http://localhost:5173'])

    const plan = restApiPlan(production, upstreamFor(production))!
    const options = methodsOf(plan).find((m) => m.path === '/usage' && m.httpMethod === 'OPTIONS')!
    expect(options).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: false })
    expect(options.integration).toEqual({
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: {
        '200': {
          responseParameters: {
            'method.response.header.Access-Control-Allow-Origin': "'https://new-service.com'",
            'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
            'method.response.header.Access-Control-Allow-Headers':
              "'Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token'",
          },
        },
      },
    })
    expect(options.responses).toEqual({
      '200': {
        'method.response.header.Access-Control-Allow-Origin': true,
        'method.response.header.Access-Control-Allow-Methods': true,
        'method.response.header.Access-Control-Allow-Headers': true,
      },
    })
    // 4XX/5XX made by API Gateway (a missing token, throttling) carry the same headers, and keep the error body.
    expect(plan.definition.gatewayResponses).toEqual(
      ['DEFAULT_4XX', 'DEFAULT_5XX'].map((responseType) => ({
        responseType,
        responseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://new-service.com'",
          'gatewayresponse.header.Access-Control-Allow-Methods': "'DELETE,GET,OPTIONS,POST,PUT'",
          'gatewayresponse.header.Access-Control-Allow-Headers':
            "'Content-Type,Authorization,X-Amz-Date,X-Api-Key,X-Amz-Security-Token'",
        },
        responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
      })),
    )
  })

  test('several origins: the first is the static header, a template echoes the request’s Origin when it is listed', async () => {
    const config = await configFor('staging', (c) => {
      c.rest_api.cors.allowed_origins.staging = ['https://staging.new-service.com', 'http://localhost:5173']
    })
    const plan = restApiPlan(config, upstreamFor(config))!
    const options = methodsOf(plan).find((m) => m.httpMethod === 'OPTIONS')!
    const response = options.integration.responses['200']!
    expect(response.responseParameters?.['method.response.header.Access-Control-Allow-Origin']).toBe(
      "'https://staging.new-service.com'",
    )
    expect(response.responseTemplates).toEqual({
      'application/json': originOverrideTemplate(['https://staging.new-service.com', 'http://localhost:5173']),
    })
    expect(response.responseTemplates?.['application/json']).toContain(
      '#if($origin == "https://staging.new-service.com" || $origin == "http://localhost:5173")',
    )
    expect(response.responseTemplates?.['application/json']).toContain(
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    )
  })

  test('"*" is refused in production, named by its field, whether listed for production or reached through the "*" entry', async () => {
    // Refused when config.json is loaded (exit 2), before any step runs.
    await expect(configFor('production', (c) => (c.rest_api.cors.allowed_origins.production = ['*']))).rejects.toThrow(
      /config\.json:\d+:\d+ rest_api\.cors\.allowed_origins\.production: allows every origin \("\*"\) in production environment production/,
    )
    await expect(
      configFor('production', (c) => {
        delete c.rest_api.cors.allowed_origins.production
        c.rest_api.cors.allowed_origins['*'] = ['*']
      }),
    ).rejects.toThrow(/rest_api\.cors\.allowed_origins\["\*"\]: allows every origin/)
    // Outside production "*" is allowed.
    const dev = await configFor('dev', (c) => (c.rest_api.cors.allowed_origins['*'] = ['*']))
    expect(corsOrigins(dev, dev.sections.rest_api!)).toEqual(['*'])
  })

  test('no entry for the environment and no "*": a config error', async () => {
    await expect(
      configFor('staging', (c) => (c.rest_api.cors.allowed_origins = { production: ['https://x.com'] })),
    ).rejects.toThrow(/rest_api\.cors\.allowed_origins: has no entry for ENVIRONMENT staging and no "\*" entry/)
  })
})

describe('rest_api schema', () => {
  const issues = (mutate: (c: any) => void) => {
    const c = realConfig()
    mutate(c)
    const parsed = configSchema.safeParse(c)
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  }

  test('the repository’s config is valid', () => {
    expect(issues(() => undefined)).toEqual([])
  })

  test('integration_timeout_ms above API Gateway’s 29 s is refused', () => {
    expect(issues((c) => (c.rest_api.integration_timeout_ms = 30_000))).toEqual([
      expect.stringMatching(/^rest_api\.integration_timeout_ms: Too big: expected number to be <=29000/),
    ])
  })

  test('paths, duplicates, a missing function, OPTIONS without cors, two parameters at one level, bad origins', () => {
    expect(
      issues((c) => {
        c.rest_api.endpoints.push(
          { path: 'usage', methods: ['GET'], function: 'usage-handler' },
          { path: '/usage', methods: ['GET'], function: 'usage-handler' },
          { path: '/reports', methods: ['GET'] },
          { path: '/prompts/{key}', methods: ['PATCH'], function: 'prompt-crud' },
          { path: '/files/{path+}/meta', methods: ['GET'], function: 'prompt-crud' },
        )
        c.rest_api.cors.allowed_origins.staging = ['https://example.com/app']
      }),
    ).toEqual([
      expect.stringMatching(/^rest_api\.cors\.allowed_origins\.staging\.0: an origin such as/),
      expect.stringMatching(/^rest_api\.endpoints\.5\.path: a path such as/),
      'rest_api.endpoints.6.methods: GET /usage is also in endpoints[4]',
      'rest_api.endpoints.7.function: is required: which function serves these methods',
      'rest_api.endpoints.8.path: /prompts already has the parameter {id}; API Gateway allows one parameter segment per level',
      'rest_api.endpoints.9.path: {path+} is greedy: it must be the last segment',
    ])
    expect(issues((c) => delete c.rest_api.cors)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `rest_api.endpoints.${i}.methods: lists OPTIONS but rest_api.cors is not set`),
    )
  })
})
