// The WebSocket API's pure diffs: routes and integrations, the API, the stage, and which deployment a stage serves.
import { describe, expect, test } from 'vitest'
import type { Deployment, Integration, Route } from '@aws-sdk/client-apigatewayv2'
import {
  chooseDeployment,
  definitionHash,
  deployedHash,
  deploymentDescription,
  diffApi,
  diffRoutes,
  diffStage,
  integrationDescription,
  routeChanges,
  type RouteSpec,
  type StageSpec,
} from '../../src/resources/apigateway/websocket-diff.js'

const uri = (fn: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:887078546492:function:${fn}:staging/invocations`
const want = (routeKey: string, fn: string): RouteSpec => ({
  routeKey,
  integration: { type: 'AWS_PROXY', method: 'POST', uri: uri(fn), description: integrationDescription(routeKey) },
})
const integration = (id: string, routeKey: string, fn: string, extra: Partial<Integration> = {}): Integration => ({
  IntegrationId: id,
  IntegrationType: 'AWS_PROXY',
  IntegrationMethod: 'POST',
  IntegrationUri: uri(fn),
  Description: integrationDescription(routeKey),
  PayloadFormatVersion: '1.0',
  ...extra,
})
const route = (id: string, routeKey: string, integrationId?: string): Route => ({
  RouteId: id,
  RouteKey: routeKey,
  ...(integrationId ? { Target: `integrations/${integrationId}` } : {}),
})

const WANT = [want('$connect', 'connect'), want('$default', 'message'), want('sendMessage', 'message')]
const CONVERGED = {
  routes: [route('r1', '$connect', 'i1'), route('r2', '$default', 'i2'), route('r3', 'sendMessage', 'i3')],
  integrations: [
    integration('i1', '$connect', 'connect'),
    integration('i2', '$default', 'message'),
    integration('i3', 'sendMessage', 'message'),
  ],
}

describe('diffRoutes', () => {
  test('an empty API: every integration first, then every route pointing at the one made for it', () => {
    expect(diffRoutes({ routes: [], integrations: [] }, WANT)).toEqual([
      { op: 'createIntegration', routeKey: '$connect', spec: WANT[0]!.integration },
      { op: 'createIntegration', routeKey: '$default', spec: WANT[1]!.integration },
      { op: 'createIntegration', routeKey: 'sendMessage', spec: WANT[2]!.integration },
      { op: 'createRoute', routeKey: '$connect', integration: { createdFor: '$connect' } },
      { op: 'createRoute', routeKey: '$default', integration: { createdFor: '$default' } },
      { op: 'createRoute', routeKey: 'sendMessage', integration: { createdFor: 'sendMessage' } },
    ])
  })

  test('what matches needs nothing, whatever AWS adds (payload version, timeouts) and in any order', () => {
    const shuffled = { routes: [...CONVERGED.routes].reverse(), integrations: [...CONVERGED.integrations].reverse() }
    expect(diffRoutes(shuffled, WANT)).toEqual([])
  })

  test('a deleted route is recreated on its existing (now unattached) integration: no second integration', () => {
    const have = {
      routes: CONVERGED.routes.filter((r) => r.RouteKey !== '$default'),
      integrations: CONVERGED.integrations,
    }
    expect(diffRoutes(have, WANT)).toEqual([{ op: 'createRoute', routeKey: '$default', integration: { id: 'i2' } }])
  })

  test('a new route in config: exactly its integration and its route', () => {
    const more = [...WANT, want('typing', 'message')]
    expect(diffRoutes(CONVERGED, more)).toEqual([
      { op: 'createIntegration', routeKey: 'typing', spec: more[3]!.integration },
      { op: 'createRoute', routeKey: 'typing', integration: { createdFor: 'typing' } },
    ])
  })

  test('a changed URI (e.g. an ARN without the alias) is one UpdateIntegration, reported on its route', () => {
    const have = {
      routes: CONVERGED.routes,
      integrations: [
        integration('i1', '$connect', 'connect', { IntegrationUri: uri('connect').replace(':staging/', '/') }),
        ...CONVERGED.integrations.slice(1),
      ],
    }
    const ops = diffRoutes(have, WANT)
    expect(ops).toEqual([
      {
        op: 'updateIntegration',
        routeKey: '$connect',
        integrationId: 'i1',
        spec: WANT[0]!.integration,
        changes: [{ field: 'IntegrationUri', from: uri('connect').replace(':staging/', '/'), to: uri('connect') }],
      },
    ])
    expect(routeChanges(ops, '$connect')).toEqual([
      { field: 'Integration.IntegrationUri', from: uri('connect').replace(':staging/', '/'), to: uri('connect') },
    ])
  })

  test('two routes sharing one integration (as the manual could leave them): the second gets its own', () => {
    const have = {
      routes: [route('r2', '$default', 'i2'), route('r3', 'sendMessage', 'i2')],
      integrations: [integration('i2', '$default', 'message')],
    }
    expect(diffRoutes(have, WANT.slice(1))).toEqual([
      { op: 'createIntegration', routeKey: 'sendMessage', spec: WANT[2]!.integration },
      {
        op: 'updateRoute',
        routeKey: 'sendMessage',
        routeId: 'r3',
        integration: { createdFor: 'sendMessage' },
        from: 'integrations/i2',
      },
    ])
  })

  test('an integration left unattached by a crash is reused for its route, not duplicated', () => {
    const have = { routes: CONVERGED.routes.slice(0, 2), integrations: CONVERGED.integrations }
    expect(diffRoutes(have, WANT)).toEqual([{ op: 'createRoute', routeKey: 'sendMessage', integration: { id: 'i3' } }])
  })

  test('a route removed from config is deleted, then its integration, after everything else', () => {
    const ops = diffRoutes(CONVERGED, WANT.slice(0, 2))
    expect(ops).toEqual([
      { op: 'deleteRoute', routeKey: 'sendMessage', routeId: 'r3' },
      { op: 'deleteIntegration', integrationId: 'i3' },
    ])
  })

  test('a route whose target integration is gone points at a new one', () => {
    const have = { routes: CONVERGED.routes, integrations: CONVERGED.integrations.slice(1) }
    expect(diffRoutes(have, WANT)).toEqual([
      { op: 'createIntegration', routeKey: '$connect', spec: WANT[0]!.integration },
      {
        op: 'updateRoute',
        routeKey: '$connect',
        routeId: 'r1',
        integration: { createdFor: '$connect' },
        from: 'integrations/i1',
      },
    ])
  })
})

describe('definitionHash and deployments', () => {
  test('the hash depends on routes and their URIs, not on their order', () => {
    const h = definitionHash('$request.body.action', WANT)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(definitionHash('$request.body.action', [...WANT].reverse())).toBe(h)
    expect(definitionHash('$request.body.type', WANT)).not.toBe(h)
    expect(definitionHash('$request.body.action', [...WANT, want('typing', 'message')])).not.toBe(h)
    expect(definitionHash('$request.body.action', [want('$connect', 'other'), ...WANT.slice(1)])).not.toBe(h)
  })

  const d = (
    id: string,
    hash: string | undefined,
    at: number,
    status: Deployment['DeploymentStatus'] = 'DEPLOYED',
  ) => ({
    DeploymentId: id,
    DeploymentStatus: status,
    CreatedDate: new Date(at),
    ...(hash === undefined ? {} : { Description: deploymentDescription(hash) }),
  })

  test('the stage keeps its deployment when it carries the hash; else the newest one that does; else a new one', () => {
    const list = [d('d1', 'aaa', 1), d('d2', 'bbb', 2), d('d3', 'aaa', 3), d('d4', undefined, 4)]
    expect(chooseDeployment('d1', list, 'aaa')).toEqual({ action: 'keep', deploymentId: 'd1' })
    expect(chooseDeployment('d2', list, 'aaa')).toEqual({ action: 'reuse', deploymentId: 'd3' })
    expect(chooseDeployment('d4', list, 'aaa')).toEqual({ action: 'reuse', deploymentId: 'd3' })
    expect(chooseDeployment(undefined, list, 'ccc')).toEqual({ action: 'create' })
    expect(chooseDeployment(undefined, [d('d5', 'ccc', 5, 'FAILED')], 'ccc')).toEqual({ action: 'create' })
  })

  test('only our own description format carries a hash', () => {
    expect(deployedHash({ Description: deploymentDescription('abc') })).toBe('abc')
    expect(deployedHash({ Description: 'deployed from the console' })).toBeUndefined()
    expect(deployedHash(undefined)).toBeUndefined()
  })
})

describe('diffApi and diffStage', () => {
  const spec = {
    logicalId: 'websocket',
    name: 'svc-websocket-api',
    routeSelectionExpression: '$request.body.action',
    description: 'WebSocket API of svc (managed by infra)',
    tags: { 'managed-by': 'infra' },
  }
  test('the API: name, route selection, description, missing tags', () => {
    const have = {
      Name: 'svc-websocket-api',
      RouteSelectionExpression: '$request.body.action',
      Description: spec.description,
    }
    expect(diffApi(have, { 'managed-by': 'infra', extra: 'kept' }, spec)).toEqual([])
    expect(diffApi({ ...have, RouteSelectionExpression: '$request.body.type' }, {}, spec)).toEqual([
      { field: 'RouteSelectionExpression', from: '$request.body.type', to: '$request.body.action' },
      { field: 'Tags[managed-by]', from: undefined, to: 'infra' },
    ])
  })

  const stage: StageSpec = {
    name: 'staging',
    throttling: { rateLimit: 50, burstLimit: 100 },
    accessLog: {
      destinationArn: 'arn:aws:logs:us-east-1:1:log-group:/ws',
      format: '{"requestId":"$context.requestId"}',
    },
    tags: {},
  }
  const converged = {
    StageName: 'staging',
    DeploymentId: 'd1',
    AutoDeploy: false,
    DefaultRouteSettings: {
      DataTraceEnabled: false,
      LoggingLevel: 'OFF' as const,
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    },
    AccessLogSettings: { DestinationArn: stage.accessLog.destinationArn, Format: stage.accessLog.format },
  }
  test('the stage: deployment, auto-deploy back off, throttling, access log; no throttling in config leaves it', () => {
    expect(diffStage(converged, {}, stage, 'd1')).toEqual([])
    expect(diffStage({ ...converged, AutoDeploy: true, DefaultRouteSettings: {} }, {}, stage, 'd2')).toEqual([
      { field: 'DeploymentId', from: 'd1', to: 'd2' },
      { field: 'AutoDeploy', from: true, to: false },
      { field: 'DefaultRouteSettings.ThrottlingRateLimit', from: undefined, to: 50 },
      { field: 'DefaultRouteSettings.ThrottlingBurstLimit', from: undefined, to: 100 },
    ])
    const { throttling: _, ...unthrottled } = stage
    expect(diffStage({ ...converged, DefaultRouteSettings: {} }, {}, unthrottled, 'd1')).toEqual([])
    expect(diffStage({ ...converged, AccessLogSettings: undefined }, {}, stage, 'd1').map((c) => c.field)).toEqual([
      'AccessLogSettings.DestinationArn',
      'AccessLogSettings.Format',
    ])
  })
})
