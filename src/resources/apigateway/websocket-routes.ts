// The WebSocket API's routes, each with its own Lambda proxy integration, as one kind: the routes of one API are
// observed together (GetRoutes, GetIntegrations), diffed purely (websocket-diff.ts) and changed phase by phase
// (integrations, routes, then what config dropped), so that a route config no longer has is deleted before the
// stage's next deployment could capture it. Reported one line per route.
import {
  ApiGatewayV2Client,
  CreateIntegrationCommand,
  CreateRouteCommand,
  DeleteIntegrationCommand,
  DeleteRouteCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  UpdateIntegrationCommand,
  UpdateRouteCommand,
  type Integration,
  type Route,
} from '@aws-sdk/client-apigatewayv2'
import { settleAll } from '../../aws/concurrency.js'
import { isNotFound } from '../../aws/errors.js'
import { converge, type ConvergeOptions } from '../engine/converge.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import type { Action, Change, Ensured, ResourceContext } from '../types.js'
import { allPages, callApi } from './call.js'
import { diffRoutes, routeChanges, type IntegrationSpec, type RouteOp, type RouteSpec } from './websocket-diff.js'

export const WEBSOCKET_ROUTE_KIND = 'websocket-route'

export interface RouteTarget extends RouteSpec {
  /** For the report: the function alias the route invokes (`name:alias`). */
  label: string
}

export interface WebSocketRoutesSpec extends SpecBase {
  /** The API's logical id and name. */
  logicalId: string
  name: string
  /** Undefined: the API is still to be created (a plan). */
  apiId?: string
  routes: RouteTarget[]
}

export interface ObservedRoutes {
  apiId: string
  routes: Route[]
  integrations: Integration[]
}

async function observeRoutes(ctx: ResourceContext, apiId: string): Promise<ObservedRoutes> {
  const client = ctx.aws.get(ApiGatewayV2Client)
  const [routes, integrations] = await Promise.all([
    allPages((NextToken) =>
      callApi(ctx, `reading WebSocket routes (${apiId})`, () =>
        client.send(new GetRoutesCommand({ ApiId: apiId, NextToken })),
      ),
    ),
    allPages((NextToken) =>
      callApi(ctx, `reading WebSocket integrations (${apiId})`, () =>
        client.send(new GetIntegrationsCommand({ ApiId: apiId, NextToken })),
      ),
    ),
  ])
  return { apiId, routes, integrations }
}

function describeOp(op: RouteOp): Change {
  switch (op.op) {
    case 'createIntegration':
      return { field: `Integration[${op.routeKey}]`, to: op.spec.uri }
    case 'updateIntegration':
      return { field: `Integration[${op.routeKey}]`, to: op.spec.uri }
    case 'createRoute':
      return { field: `Route[${op.routeKey}]`, to: 'created' }
    case 'updateRoute':
      return { field: `Route[${op.routeKey}].Target`, from: op.from }
    case 'deleteRoute':
      return { field: `Route[${op.routeKey}]`, to: 'deleted' }
    case 'deleteIntegration':
      return { field: `Integration[${op.integrationId}]`, to: 'deleted' }
  }
}

const integrationInput = (spec: IntegrationSpec) => ({
  IntegrationType: spec.type,
  IntegrationMethod: spec.method,
  IntegrationUri: spec.uri,
  Description: spec.description,
})

/** What a run of ops made: the integrations and routes as their creates answered. */
interface Made {
  routes: Route[]
  integrations: Integration[]
}

// The diff's ops phase by phase (a route needs its integration; an integration is deleted once no route points at
// it), the calls of one phase side by side: paced with the API's other calls, and a "concurrent modification"
// answer retried by callApi.
const PHASES: Array<Array<RouteOp['op']>> = [
  ['createIntegration', 'updateIntegration'],
  ['createRoute', 'updateRoute'],
  ['deleteRoute'],
  ['deleteIntegration'],
]

/** The calls, phase by phase; a route created in this run points at the integration created for it. */
async function applyOps(ctx: ResourceContext, apiId: string, apiName: string, ops: RouteOp[]): Promise<Made> {
  const made: Made = { routes: [], integrations: [] }
  const createdFor = new Map<string, string>()
  for (const phase of PHASES) {
    const calls = ops.filter((op) => phase.includes(op.op))
    await settleAll(calls.map((op) => applyOp(ctx, { apiId, apiName, createdFor, made }, op)))
  }
  return made
}

interface OpScope {
  apiId: string
  apiName: string
  /** The integration created in this run for a route key. */
  createdFor: Map<string, string>
  made: Made
}

async function applyOp(ctx: ResourceContext, scope: OpScope, op: RouteOp): Promise<void> {
  const { apiId, apiName, createdFor, made } = scope
  const client = ctx.aws.get(ApiGatewayV2Client)
  const target = (ref: { id: string } | { createdFor: string }) =>
    `integrations/${'id' in ref ? ref.id : (createdFor.get(ref.createdFor) ?? '')}`
  const what = (doing: string) =>
    `${doing} WebSocket route (${apiName} ${'routeKey' in op ? op.routeKey : op.integrationId})`
  switch (op.op) {
    case 'createIntegration': {
      const integration = await callApi(ctx, what('creating the integration of'), () =>
        client.send(new CreateIntegrationCommand({ ApiId: apiId, ...integrationInput(op.spec) })),
      )
      createdFor.set(op.routeKey, integration.IntegrationId ?? '')
      made.integrations.push(integration)
      return
    }
    case 'updateIntegration':
      await callApi(ctx, what('updating the integration of'), () =>
        client.send(
          new UpdateIntegrationCommand({
            ApiId: apiId,
            IntegrationId: op.integrationId,
            ...integrationInput(op.spec),
          }),
        ),
      )
      return
    case 'createRoute': {
      const route = await callApi(ctx, what('creating'), () =>
        client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: op.routeKey, Target: target(op.integration) })),
      )
      made.routes.push({ ...route, RouteKey: route.RouteKey ?? op.routeKey })
      return
    }
    case 'updateRoute':
      await callApi(ctx, what('updating'), () =>
        client.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: op.routeId, Target: target(op.integration) })),
      )
      return
    case 'deleteRoute':
      await callApi(ctx, what('deleting'), () =>
        client.send(new DeleteRouteCommand({ ApiId: apiId, RouteId: op.routeId })),
      )
      return
    case 'deleteIntegration':
      await callApi(ctx, what('deleting the unused integration of'), () =>
        client.send(new DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: op.integrationId })),
      )
      return
  }
}

async function findRoutes(
  ctx: ResourceContext,
  apiId: string | undefined,
): Promise<Array<Observation<ObservedRoutes>>> {
  if (!apiId) return []
  const found = await observeRoutes(ctx, apiId).catch((e: unknown) => {
    if (isNotFound(e)) return undefined
    throw e
  })
  // A new API has neither: nothing is made yet. An integration alone (a run that died before its route) counts.
  const made = found && (found.routes.length > 0 || found.integrations.length > 0)
  return made ? [{ observed: found, id: apiId }] : []
}

export const websocketRoutesKind: ResourceKind<WebSocketRoutesSpec, ObservedRoutes> = {
  kind: WEBSOCKET_ROUTE_KIND,
  label: 'WebSocket routes',
  codePrefix: 'WebSocketRoute',
  // One route table per API: found through the API's id, as a name-unique resource is found by its name.
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => findRoutes(ctx, spec.apiId),
  // Recorded under the API's id.
  early: {
    service: 'apigatewayv2',
    read: (ctx, recorded) => findRoutes(ctx, recorded.id),
    covers: (recorded, spec) => recorded.id === spec.apiId,
  },
  diff: (observed, spec) => diffRoutes(observed, spec.routes).map(describeOp),
  // Converge creates only when find saw neither routes nor integrations: every one is made, and is as its create
  // answered (a create that failed half-way is found by the engine's look again, and the rest applied).
  async create(ctx, spec) {
    const apiId = spec.apiId
    if (!apiId) throw new Error(`WebSocket routes (${spec.name}): the API has no id yet`)
    const made = await applyOps(ctx, apiId, spec.name, diffRoutes({ routes: [], integrations: [] }, spec.routes))
    return { observed: { apiId, ...made }, id: apiId }
  },
  // Returns nothing: what converge hands back is the table as it was, from which the per-route report is made.
  async apply(ctx, observed, spec) {
    await applyOps(ctx, observed.apiId, spec.name, diffRoutes(observed, spec.routes))
  },
  // Every route, then every integration. The API already gone took them with it (NotFoundException, ignored).
  async delete(ctx, record) {
    const apiId = record.id ?? ''
    await applyOps(ctx, apiId, record.name, diffRoutes(await observeRoutes(ctx, apiId), []))
  },
  describe: (spec) => spec.routes.map((r) => r.routeKey).join(', '),
}

/** Converges the API's routes; one result per configured route, and one per route deleted because config dropped it. */
export async function ensureWebSocketRoutes(
  ctx: ResourceContext,
  spec: WebSocketRoutesSpec,
  opts: ConvergeOptions<ObservedRoutes> = {},
): Promise<Ensured[]> {
  const { result, observed } = await converge(ctx, websocketRoutesKind, spec, opts)
  // The calls an update made (or a plan would make): the diff of the table as converge found it.
  const ops = observed ? diffRoutes(observed, spec.routes) : []
  const planned = result.action === 'would-update'
  const line = (routeKey: string, action: Action, changes: Change[], detail?: string): Ensured => ({
    kind: WEBSOCKET_ROUTE_KIND,
    key: `${WEBSOCKET_ROUTE_KIND}:${spec.logicalId}/${routeKey}`,
    name: `${spec.name} ${routeKey}`,
    action,
    changes,
    ...(detail ? { detail } : {}),
  })
  const lines = spec.routes.map((r) => {
    const detail = `→ ${r.label}`
    if (result.action !== 'updated' && result.action !== 'would-update')
      return line(r.routeKey, result.action, [], detail)
    const created = ops.some((o) => o.op === 'createRoute' && o.routeKey === r.routeKey)
    const touched = ops.some((o) => 'routeKey' in o && o.routeKey === r.routeKey)
    const verb = created ? 'create' : touched ? 'update' : undefined
    const action: Action = !verb ? 'unchanged' : planned ? `would-${verb}` : `${verb}d`
    return line(r.routeKey, action, routeChanges(ops, r.routeKey), detail)
  })
  const deleted = ops.flatMap((o) => (o.op === 'deleteRoute' ? [o.routeKey] : []))
  return [
    ...lines,
    ...deleted.map((routeKey) =>
      line(routeKey, planned ? 'would-delete' : 'deleted', [
        { field: 'Route', from: routeKey, to: 'deleted (not in websocket_api.routes)' },
      ]),
    ),
  ]
}
