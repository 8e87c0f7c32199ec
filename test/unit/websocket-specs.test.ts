// Step 05's pure specs from the real config.json: integration URIs on the alias ARN, the permissions' SourceArn, the
// ManageConnections policy, the stage, and the config errors found before any AWS call.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { lambdaIntegrationUri, websocketUrl } from '../../src/resources/apigateway/call.js'
import {
  ACCESS_LOG_FORMAT,
  manageConnectionsPolicy,
  websocketPlan,
  websocketSourceArn,
  websocketUpstream,
} from '../../src/steps/websocket-specs.js'
import { makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

const ACCOUNT = '887078546492'
const aliasArn = (fn: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-${fn}:staging`
const upstream = {
  iam: { roles: { lambda: { name: 'from-step-01-role', arn: `arn:aws:iam::${ACCOUNT}:role/from-step-01-role` } } },
  lambda: {
    functions: Object.fromEntries(
      ['websocket-connect', 'websocket-disconnect', 'websocket-message'].map((f) => [
        f,
        { name: `new-service-staging-${f}`, aliasArn: aliasArn(f) },
      ]),
    ),
  },
}

async function config(mutate?: (c: any) => void): Promise<ResolvedConfig> {
  const { root } = await makeProject({ mutate })
  return loadConfig({ root, env: 'staging' })
}
const section = (c: ResolvedConfig) => c.sections.websocket_api!

describe('websocket specs', () => {
  test('each route invokes its function’s environment alias through the apigateway Lambda path (not the manual’s URI)', async () => {
    const c = await config()
    const plan = websocketPlan(c, section(c), websocketUpstream(c, section(c), upstream, false))
    expect(plan.routes.map((r) => [r.routeKey, r.integration.uri])).toEqual([
      [
        '$connect',
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-websocket-connect:staging/invocations`,
      ],
      [
        '$disconnect',
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-websocket-disconnect:staging/invocations`,
      ],
      [
        '$default',
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-websocket-message:staging/invocations`,
      ],
      [
        'sendMessage',
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:new-service-staging-websocket-message:staging/invocations`,
      ],
    ])
    for (const r of plan.routes) {
      expect(r.integration).toMatchObject({
        type: 'AWS_PROXY',
        method: 'POST',
        description: `infra: route ${r.routeKey}`,
      })
      expect(r.integration.uri).not.toMatch(/^arn:aws:lambda:/)
    }
    expect(plan.api).toEqual({
      logicalId: 'websocket',
      name: 'new-service-staging-websocket-api',
      routeSelectionExpression: '$request.body.action',
      description: 'WebSocket API of new-service-staging (managed by infra)',
      tags: {
        'infra:service': 'new-service-staging',
        'infra:env': 'staging',
        'managed-by': 'infra',
        project: 'new-service',
      },
    })
    expect(plan.functions.map((f) => f.name)).toEqual([
      'new-service-staging-websocket-connect',
      'new-service-staging-websocket-disconnect',
      'new-service-staging-websocket-message',
    ])
    expect(plan.roleName).toBe('from-step-01-role')
    expect(plan.stage).toEqual({
      name: 'staging',
      throttling: { rateLimit: 50, burstLimit: 100 },
      accessLog: {
        destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/apigateway/new-service-staging-websocket-api`,
        format: ACCESS_LOG_FORMAT,
      },
      tags: plan.api.tags,
    })
    expect(JSON.parse(ACCESS_LOG_FORMAT)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
    })
    expect(plan.logGroup).toMatchObject({
      name: '/aws/apigateway/new-service-staging-websocket-api',
      retentionDays: 30,
    })
  })

  test('SourceArn scopes the permission to this API (any stage and route), the policy to this stage’s connections', async () => {
    const c = await config()
    expect(websocketSourceArn(c, 'abc123defg')).toBe(`arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123defg/*`)
    expect(manageConnectionsPolicy(c, 'abc123defg', 'staging')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AnswerOnWebSocketConnections',
          Effect: 'Allow',
          Action: 'execute-api:ManageConnections',
          Resource: [
            `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123defg/staging/POST/@connections/*`,
            `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123defg/staging/DELETE/@connections/*`,
          ],
        },
      ],
    })
    expect(websocketUrl('abc123defg', c.region, 'staging')).toBe(
      'wss://abc123defg.execute-api.us-east-1.amazonaws.com/staging',
    )
    expect(lambdaIntegrationUri('cn-north-1', 'arn:aws-cn:lambda:cn-north-1:1:function:f:a')).toBe(
      'arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:1:function:f:a/invocations',
    )
  })

  test('a changed alias ARN changes the definition hash; the same config gives the same hash', async () => {
    const c = await config()
    const a = websocketPlan(c, section(c), websocketUpstream(c, section(c), upstream, false))
    const b = websocketPlan(c, section(c), websocketUpstream(c, section(c), upstream, false))
    expect(b.definitionHash).toBe(a.definitionHash)
    const moved = structuredClone(upstream)
    moved.lambda.functions['websocket-message']!.aliasArn = aliasArn('websocket-message').replace(':staging', ':live')
    expect(websocketPlan(c, section(c), websocketUpstream(c, section(c), moved, false)).definitionHash).not.toBe(
      a.definitionHash,
    )
  })

  test('upstream: a missing alias ARN is an error naming the lambda step; in a plan it is known after apply', async () => {
    const c = await config()
    expect(() => websocketUpstream(c, section(c), { iam: upstream.iam }, false)).toThrow(
      /reading the outputs of step lambda: the alias ARN of websocket-connect/,
    )
    const unknown = {
      ...upstream,
      lambda: { functions: { 'websocket-connect': { name: 'connect', aliasArn: '(known after apply)' } } },
    }
    expect(() => websocketUpstream(c, section(c), unknown, false)).toThrow(/the alias ARN of websocket-connect/)
    const planned = websocketUpstream(c, section(c), {}, true)
    expect(planned.functions['websocket-message']?.aliasArn).toBe('(known after apply)')
    expect(planned.roleName).toBe('new-service-staging-lambda-role')
  })

  test('config: a bad route key, no routes, or an unknown template variable are config errors', async () => {
    await expect(config((c) => (c.websocket_api.routes['$bogus'] = 'websocket-message'))).rejects.toThrow(
      /websocket_api\.routes\.\$bogus/,
    )
    await expect(config((c) => (c.websocket_api.routes = {}))).rejects.toThrow(/needs at least one route/)
    await expect(config((c) => (c.websocket_api.throttling = { rate_limit: 50 }))).rejects.toThrow(/burst_limit/)
    // Found when config.json loads, before any step runs.
    await expect(config((c) => (c.websocket_api.name = '${SERVICE}-ws'))).rejects.toThrow(
      /config\.json:\d+:\d+ websocket_api\.name: unknown variable \$\{SERVICE\}/,
    )
  })
})
