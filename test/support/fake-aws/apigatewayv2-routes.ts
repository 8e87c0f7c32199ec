// FakeApiGatewayV2's routes and integrations. What it models: apigatewayv2.md.
import {
  CreateIntegrationCommand,
  CreateRouteCommand,
  DeleteIntegrationCommand,
  DeleteRouteCommand,
  GetIntegrationCommand,
  GetIntegrationsCommand,
  GetRouteCommand,
  GetRoutesCommand,
  UpdateIntegrationCommand,
  UpdateRouteCommand,
  type CreateIntegrationRequest,
  type CreateRouteRequest,
  type GetIntegrationsResponse,
  type GetRoutesResponse,
  type Integration,
  type Route,
  type UpdateIntegrationRequest,
  type UpdateRouteRequest,
} from '@aws-sdk/client-apigatewayv2'
import { on } from './core.js'
import {
  LAMBDA_INTEGRATION_URI,
  badRequest,
  conflict,
  integrationIdOf,
  newId,
  notFound,
  paginate,
  type ApiRecord,
  type Entry,
  type V2State,
} from './apigatewayv2-model.js'

/** What the route handlers need from the fake: its state, the region, an API by id (or NotFoundException). */
export interface RouteStore {
  state: V2State
  region: string
  apiOrThrow(apiId: string | undefined): ApiRecord
}

const INTEGRATION_TYPES = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK']
const DEFAULT_TIMEOUT_MS = 29_000

export function routeHandlers(store: RouteStore): Entry[] {
  const routeOrThrow = (api: ApiRecord, routeId: string | undefined): Route => {
    const route = routeId ? api.routes[routeId] : undefined
    if (!route) throw notFound(`Invalid Route identifier specified ${routeId}`, 'Route')
    return route
  }
  const integrationOrThrow = (api: ApiRecord, id: string | undefined): Integration => {
    const integration = id ? api.integrations[id] : undefined
    if (!integration) throw notFound(`Invalid Integration identifier specified ${id}`, 'Integration')
    return integration
  }
  const checkKeyFree = (api: ApiRecord, routeKey: string, except?: string) => {
    if (Object.values(api.routes).some((r) => r.RouteKey === routeKey && r.RouteId !== except))
      throw conflict(`Unable to create route ${routeKey}. Route already exists for this API`)
  }
  const checkTarget = (api: ApiRecord, target: string | undefined) => {
    if (target === undefined) return
    const id = integrationIdOf(target)
    if (!id || !api.integrations[id]) throw badRequest(`Invalid integration target: ${target}`)
  }
  const checkUri = (type: string | undefined, uri: string | undefined) => {
    if (type !== 'AWS_PROXY' && type !== 'AWS') return
    if (!uri) throw badRequest(`IntegrationUri is required for integration type ${type}`)
    const match = LAMBDA_INTEGRATION_URI.exec(uri)
    if (!match || match.groups?.region !== store.region) throw badRequest('Invalid ARN specified in the request')
  }

  const createRoute = (i: CreateRouteRequest): Route => {
    const api = store.apiOrThrow(i.ApiId)
    if (!i.RouteKey) throw badRequest('RouteKey is required')
    checkKeyFree(api, i.RouteKey)
    checkTarget(api, i.Target)
    const route: Route = {
      RouteId: newId(store.state, 'route', 7),
      RouteKey: i.RouteKey,
      ApiKeyRequired: i.ApiKeyRequired ?? false,
      AuthorizationType: i.AuthorizationType ?? 'NONE',
      ...(i.Target !== undefined && { Target: i.Target }),
      ...(i.RouteResponseSelectionExpression && {
        RouteResponseSelectionExpression: i.RouteResponseSelectionExpression,
      }),
    }
    api.routes[route.RouteId!] = route
    return route
  }

  const updateRoute = (i: UpdateRouteRequest): Route => {
    const api = store.apiOrThrow(i.ApiId)
    const route = routeOrThrow(api, i.RouteId)
    if (i.RouteKey !== undefined) checkKeyFree(api, i.RouteKey, route.RouteId)
    checkTarget(api, i.Target)
    Object.assign(route, {
      ...(i.RouteKey !== undefined && { RouteKey: i.RouteKey }),
      ...(i.Target !== undefined && { Target: i.Target }),
      ...(i.AuthorizationType !== undefined && { AuthorizationType: i.AuthorizationType }),
      ...(i.ApiKeyRequired !== undefined && { ApiKeyRequired: i.ApiKeyRequired }),
    })
    return route
  }

  const createIntegration = (i: CreateIntegrationRequest): Integration => {
    const api = store.apiOrThrow(i.ApiId)
    if (!i.IntegrationType || !INTEGRATION_TYPES.includes(i.IntegrationType))
      throw badRequest(`Invalid IntegrationType: ${i.IntegrationType}`)
    checkUri(i.IntegrationType, i.IntegrationUri)
    const integration: Integration = {
      IntegrationId: newId(store.state, 'integration', 7),
      IntegrationType: i.IntegrationType,
      ConnectionType: i.ConnectionType ?? 'INTERNET',
      PassthroughBehavior: i.PassthroughBehavior ?? 'WHEN_NO_MATCH',
      TimeoutInMillis: i.TimeoutInMillis ?? DEFAULT_TIMEOUT_MS,
      // WebSocket APIs support only payload format 1.0.
      PayloadFormatVersion: api.ProtocolType === 'WEBSOCKET' ? '1.0' : (i.PayloadFormatVersion ?? '2.0'),
      ...(i.IntegrationUri !== undefined && { IntegrationUri: i.IntegrationUri }),
      ...(i.IntegrationMethod !== undefined && { IntegrationMethod: i.IntegrationMethod }),
      ...(i.Description !== undefined && { Description: i.Description }),
      ...(i.ContentHandlingStrategy !== undefined && { ContentHandlingStrategy: i.ContentHandlingStrategy }),
    }
    api.integrations[integration.IntegrationId!] = integration
    return integration
  }

  const updateIntegration = (i: UpdateIntegrationRequest): Integration => {
    const api = store.apiOrThrow(i.ApiId)
    const integration = integrationOrThrow(api, i.IntegrationId)
    const type = i.IntegrationType ?? integration.IntegrationType
    if (!type || !INTEGRATION_TYPES.includes(type)) throw badRequest(`Invalid IntegrationType: ${type}`)
    checkUri(type, i.IntegrationUri ?? integration.IntegrationUri)
    Object.assign(integration, {
      IntegrationType: type,
      ...(i.IntegrationUri !== undefined && { IntegrationUri: i.IntegrationUri }),
      ...(i.IntegrationMethod !== undefined && { IntegrationMethod: i.IntegrationMethod }),
      ...(i.Description !== undefined && { Description: i.Description }),
      ...(i.TimeoutInMillis !== undefined && { TimeoutInMillis: i.TimeoutInMillis }),
    })
    return integration
  }

  const deleteIntegration = (apiId: string | undefined, id: string | undefined) => {
    const api = store.apiOrThrow(apiId)
    integrationOrThrow(api, id)
    const users = Object.values(api.routes).filter((r) => integrationIdOf(r.Target) === id)
    if (users.length > 0)
      throw conflict(
        `Unable to delete integration ${id}: it is the target of route(s) ${users.map((r) => r.RouteKey).join(', ')}`,
      )
    delete api.integrations[id!]
    return {}
  }

  return [
    on(CreateRouteCommand, createRoute),
    on(GetRouteCommand, (i) => routeOrThrow(store.apiOrThrow(i.ApiId), i.RouteId)),
    on(GetRoutesCommand, (i): GetRoutesResponse => {
      const { page, next } = paginate(Object.values(store.apiOrThrow(i.ApiId).routes), i.NextToken, i.MaxResults)
      return { Items: page, ...(next && { NextToken: next }) }
    }),
    on(UpdateRouteCommand, updateRoute),
    on(DeleteRouteCommand, (i) => {
      const api = store.apiOrThrow(i.ApiId)
      delete api.routes[routeOrThrow(api, i.RouteId).RouteId!]
      return {}
    }),
    on(CreateIntegrationCommand, createIntegration),
    on(GetIntegrationCommand, (i) => integrationOrThrow(store.apiOrThrow(i.ApiId), i.IntegrationId)),
    on(GetIntegrationsCommand, (i): GetIntegrationsResponse => {
      const all = Object.values(store.apiOrThrow(i.ApiId).integrations)
      const { page, next } = paginate(all, i.NextToken, i.MaxResults)
      return { Items: page, ...(next && { NextToken: next }) }
    }),
    on(UpdateIntegrationCommand, updateIntegration),
    on(DeleteIntegrationCommand, (i) => deleteIntegration(i.ApiId, i.IntegrationId)),
  ]
}
