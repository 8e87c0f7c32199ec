// The WebSocket API's routes, each with its own Lambda proxy integration. Observed every run (GetRoutes,
// GetIntegrations), diffed purely (websocket-diff.ts), then changed one call at a time: API Gateway answers
// "concurrent modification" to parallel changes of one API, and its control plane allows 10 calls a second anyway.
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
import { awsFailure } from '../../aws/errors.js'
import { v2Call } from './websocket-api.js'
import { diffRoutes, routeChanges, type IntegrationSpec, type RouteOp, type RouteSpec } from './websocket-diff.js'
import type { Action, Change, Ensured, ResourceContext } from '../types.js'

export const WEBSOCKET_ROUTE_KIND = 'websocket-route'

export interface RouteTarget extends RouteSpec {
  /** For the report: the function alias the route invokes (`name:alias`). */
  label: string
}

export async function observeRoutes(
  ctx: ResourceContext,
  client: ApiGatewayV2Client,
  apiId: string,
): Promise<{ routes: Route[]; integrations: Integration[] }> {
  const pages = async <T>(what: string, get: (token?: string) => Promise<{ Items?: T[]; NextToken?: string }>) => {
    const items: T[] = []
    let token: string | undefined
    do {
      const page = await v2Call(ctx, `reading WebSocket ${what} (${apiId})`, () => get(token))
      items.push(...(page.Items ?? []))
      token = page.NextToken
    } while (token)
    return items
  }
  const [routes, integrations] = await Promise.all([
    pages('routes', (NextToken) => client.send(new GetRoutesCommand({ ApiId: apiId, NextToken }))),
    pages('integrations', (NextToken) => client.send(new GetIntegrationsCommand({ ApiId: apiId, NextToken }))),
  ])
  return { routes, integrations }
}

function routeResult(apiName: string, r: RouteTarget, action: Action, changes: Change[]): Ensured {
  return {
    kind: WEBSOCKET_ROUTE_KIND,
    key: `${WEBSOCKET_ROUTE_KIND}:${r.routeKey}`,
    name: `${apiName} ${r.routeKey}`,
    action,
    changes,
    detail: `→ ${r.label}`,
  }
}

/** One result per wanted route, plus one per route that is removed because the config no longer has it. */
function results(apiName: string, want: RouteTarget[], ops: RouteOp[], planned: boolean): Ensured[] {
  const out = want.map((r) => {
    const created = ops.some((o) => o.op === 'createRoute' && o.routeKey === r.routeKey)
    const changes = routeChanges(ops, r.routeKey)
    const touched = created || changes.length > 0 || ops.some((o) => 'routeKey' in o && o.routeKey === r.routeKey)
    const action: Action = created
      ? planned
        ? 'would-create'
        : 'created'
      : touched
        ? planned
          ? 'would-update'
          : 'updated'
        : 'unchanged'
    return routeResult(apiName, r, action, changes)
  })
  for (const op of ops) {
    if (op.op !== 'deleteRoute') continue
    out.push({
      kind: WEBSOCKET_ROUTE_KIND,
      key: `${WEBSOCKET_ROUTE_KIND}:${op.routeKey}`,
      name: `${apiName} ${op.routeKey}`,
      action: planned ? 'would-update' : 'updated',
      changes: [{ field: 'Route', from: op.routeKey, to: 'deleted (not in websocket_api.routes)' }],
    })
  }
  return out
}

const integrationInput = (spec: IntegrationSpec) => ({
  IntegrationType: spec.type,
  IntegrationMethod: spec.method,
  IntegrationUri: spec.uri,
  Description: spec.description,
})

/** Makes the API's routes exactly `want`. `apiId` undefined: the API is to be created (a plan). */
export async function ensureWebSocketRoutes(
  ctx: ResourceContext,
  apiId: string | undefined,
  apiName: string,
  want: RouteTarget[],
): Promise<Ensured[]> {
  if (ctx.offline || apiId === undefined) {
    const action = ctx.offline && apiId !== undefined ? 'unverified' : 'would-create'
    return want.map((r) => routeResult(apiName, r, action, []))
  }
  const client = ctx.aws.get(ApiGatewayV2Client)
  const fail = (doing: string, code: string, name: string) => (e: unknown) => {
    throw awsFailure(e, {
      code,
      doing,
      kind: 'WebSocket route',
      name: `${apiName} ${name}`,
      hint: 'Fix the cause, then rerun: routes are compared with what exists and only the difference is sent.',
    })
  }
  const have = await observeRoutes(ctx, client, apiId).catch(fail('reading', 'WebSocketRouteReadFailed', '(all)'))
  const ops = diffRoutes(have, want)
  if (ops.length === 0 || ctx.dryRun) return results(apiName, want, ops, ctx.dryRun)

  const createdFor = new Map<string, string>()
  const target = (ref: { id: string } | { createdFor: string }) =>
    `integrations/${'id' in ref ? ref.id : (createdFor.get(ref.createdFor) ?? '')}`
  for (const op of ops) {
    const label = 'routeKey' in op ? op.routeKey : op.integrationId
    const send = <T>(doing: string, code: string, call: () => Promise<T>) =>
      v2Call(ctx, `${doing} WebSocket route (${apiName} ${label})`, call).catch(fail(doing, code, label))
    switch (op.op) {
      case 'createIntegration': {
        const made = await send('creating the integration of', 'WebSocketRouteCreateFailed', () =>
          client.send(new CreateIntegrationCommand({ ApiId: apiId, ...integrationInput(op.spec) })),
        )
        createdFor.set(op.routeKey, made.IntegrationId ?? '')
        break
      }
      case 'updateIntegration':
        await send('updating the integration of', 'WebSocketRouteUpdateFailed', () =>
          client.send(
            new UpdateIntegrationCommand({
              ApiId: apiId,
              IntegrationId: op.integrationId,
              ...integrationInput(op.spec),
            }),
          ),
        )
        break
      case 'createRoute':
        await send('creating', 'WebSocketRouteCreateFailed', () =>
          client.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: op.routeKey, Target: target(op.integration) })),
        )
        break
      case 'updateRoute':
        await send('updating', 'WebSocketRouteUpdateFailed', () =>
          client.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: op.routeId, Target: target(op.integration) })),
        )
        break
      case 'deleteRoute':
        await send('deleting', 'WebSocketRouteDeleteFailed', () =>
          client.send(new DeleteRouteCommand({ ApiId: apiId, RouteId: op.routeId })),
        )
        break
      case 'deleteIntegration':
        await send('deleting the unused integration of', 'WebSocketRouteDeleteFailed', () =>
          client.send(new DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: op.integrationId })),
        )
        break
    }
  }
  return results(apiName, want, ops, false)
}
