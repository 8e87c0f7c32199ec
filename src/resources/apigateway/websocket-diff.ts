// Pure: the WebSocket API's desired shape (API, routes with their integrations, stage) and what differs from what
// API Gateway has. No AWS calls; unit-tested without a fake.
import { createHash } from 'node:crypto'
import type { Api, Deployment, Integration, Route, Stage } from '@aws-sdk/client-apigatewayv2'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface WebSocketApiSpec {
  /** Manifest key `websocket-api:<logicalId>`. */
  logicalId: string
  name: string
  routeSelectionExpression: string
  description: string
  tags: Tags
}

export interface IntegrationSpec {
  /** The Lambda proxy integration: the function receives the whole event and answers for the route. */
  type: 'AWS_PROXY'
  /** API Gateway invokes Lambda with POST whatever the client sent. */
  method: 'POST'
  /** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<alias ARN>/invocations`. */
  uri: string
  /** Names the route it serves, so that an integration whose route was never made (a crash) is found again. */
  description: string
}

export interface RouteSpec {
  routeKey: string
  integration: IntegrationSpec
}

export interface StageSpec {
  name: string
  /** Absent: the stage's throttling is left as it is. */
  throttling?: { rateLimit: number; burstLimit: number }
  accessLog: { destinationArn: string; format: string }
  tags: Tags
}

export const integrationDescription = (routeKey: string) => `infra: route ${routeKey}`

/** Pure: what must change on an API found by id or name. The protocol cannot change (checked by the caller). */
export function diffApi(have: Partial<Api>, haveTags: Tags, want: WebSocketApiSpec): Change[] {
  const changes: Change[] = []
  if (have.Name !== want.name) changes.push({ field: 'Name', from: have.Name, to: want.name })
  if (have.RouteSelectionExpression !== want.routeSelectionExpression)
    changes.push({
      field: 'RouteSelectionExpression',
      from: have.RouteSelectionExpression,
      to: want.routeSelectionExpression,
    })
  if ((have.Description ?? '') !== want.description)
    changes.push({ field: 'Description', from: have.Description, to: want.description })
  return [...changes, ...diffTags(haveTags, want.tags)]
}

// ---- routes and integrations

/** An integration a route points at: one that exists, or the one created for `routeKey` earlier in the same plan. */
export type IntegrationRef = { id: string } | { createdFor: string }

export type RouteOp =
  | { op: 'createIntegration'; routeKey: string; spec: IntegrationSpec }
  | { op: 'updateIntegration'; routeKey: string; integrationId: string; spec: IntegrationSpec; changes: Change[] }
  | { op: 'createRoute'; routeKey: string; integration: IntegrationRef }
  | { op: 'updateRoute'; routeKey: string; routeId: string; integration: IntegrationRef; from?: string }
  | { op: 'deleteRoute'; routeKey: string; routeId: string }
  | { op: 'deleteIntegration'; integrationId: string }

export const integrationIdOf = (target: string | undefined): string | undefined =>
  target?.startsWith('integrations/') ? target.slice('integrations/'.length) : undefined

export function diffIntegration(have: Integration, want: IntegrationSpec): Change[] {
  const changes: Change[] = []
  const pairs: Array<[string, unknown, unknown]> = [
    ['IntegrationType', have.IntegrationType, want.type],
    ['IntegrationMethod', have.IntegrationMethod, want.method],
    ['IntegrationUri', have.IntegrationUri, want.uri],
    ['Description', have.Description, want.description],
  ]
  for (const [field, from, to] of pairs) if (from !== to) changes.push({ field, from, to })
  return changes
}

/**
 * Pure: the calls that make the API's routes exactly `want`, in a safe order: integrations first (a route can only
 * point at one that exists), then routes, then routes no longer wanted, then integrations nothing points at any more.
 * Each route gets an integration of its own: one it already points at (unless an earlier route claimed it), else an
 * unattached one made for it (left behind by a crash between the two creates), else a new one.
 */
export function diffRoutes(have: { routes: Route[]; integrations: Integration[] }, want: RouteSpec[]): RouteOp[] {
  const integrations = new Map(have.integrations.map((i) => [i.IntegrationId ?? '', i]))
  const routes = new Map(have.routes.map((r) => [r.RouteKey ?? '', r]))
  const targeted = new Set(have.routes.map((r) => integrationIdOf(r.Target)).filter((id) => id !== undefined))
  const claimed = new Set<string>()
  const chosen = new Map<string, Integration | undefined>()

  for (const r of want) {
    const id = integrationIdOf(routes.get(r.routeKey)?.Target)
    const current = id === undefined ? undefined : integrations.get(id)
    if (current && !claimed.has(id!)) {
      claimed.add(id!)
      chosen.set(r.routeKey, current)
    }
  }
  for (const r of want) {
    if (chosen.has(r.routeKey)) continue
    const orphan = have.integrations.find(
      (i) =>
        !targeted.has(i.IntegrationId ?? '') &&
        !claimed.has(i.IntegrationId ?? '') &&
        i.Description === r.integration.description,
    )
    if (orphan) claimed.add(orphan.IntegrationId ?? '')
    chosen.set(r.routeKey, orphan)
  }

  const integrationOps: RouteOp[] = []
  const routeOps: RouteOp[] = []
  for (const r of want) {
    const integration = chosen.get(r.routeKey)
    let ref: IntegrationRef
    if (integration) {
      ref = { id: integration.IntegrationId ?? '' }
      const changes = diffIntegration(integration, r.integration)
      if (changes.length > 0)
        integrationOps.push({
          op: 'updateIntegration',
          routeKey: r.routeKey,
          integrationId: ref.id,
          spec: r.integration,
          changes,
        })
    } else {
      ref = { createdFor: r.routeKey }
      integrationOps.push({ op: 'createIntegration', routeKey: r.routeKey, spec: r.integration })
    }
    const route = routes.get(r.routeKey)
    if (!route) routeOps.push({ op: 'createRoute', routeKey: r.routeKey, integration: ref })
    else if (!('id' in ref) || route.Target !== `integrations/${ref.id}`)
      routeOps.push({
        op: 'updateRoute',
        routeKey: r.routeKey,
        routeId: route.RouteId ?? '',
        integration: ref,
        from: route.Target,
      })
  }
  const wanted = new Set(want.map((r) => r.routeKey))
  const deletions: RouteOp[] = have.routes
    .filter((r) => !wanted.has(r.RouteKey ?? ''))
    .map((r) => ({ op: 'deleteRoute', routeKey: r.RouteKey ?? '', routeId: r.RouteId ?? '' }))
  const unused: RouteOp[] = have.integrations
    .filter((i) => !claimed.has(i.IntegrationId ?? ''))
    .map((i) => ({ op: 'deleteIntegration', integrationId: i.IntegrationId ?? '' }))
  return [...integrationOps, ...routeOps, ...deletions, ...unused]
}

/** The ops that concern one route key, for its line in the report. */
export function routeChanges(ops: RouteOp[], routeKey: string): Change[] {
  const changes: Change[] = []
  for (const op of ops) {
    if (!('routeKey' in op) || op.routeKey !== routeKey) continue
    if (op.op === 'updateIntegration')
      changes.push(...op.changes.map((c) => ({ ...c, field: `Integration.${c.field}` })))
    if (op.op === 'updateRoute')
      changes.push({
        field: 'Target',
        from: op.from,
        to: 'id' in op.integration ? `integrations/${op.integration.id}` : 'a new integration',
      })
  }
  return changes
}

// ---- deployments

const DEPLOYMENT_MARK = 'infra definition '

/**
 * The hash of what a deployment freezes: the route selection expression and each route with its integration. Stage
 * settings are not in it (they apply without a deployment), nor are ids (a route recreated alike is the same).
 */
export function definitionHash(routeSelectionExpression: string, routes: RouteSpec[]): string {
  const canonical = [...routes]
    .sort((a, b) => (a.routeKey < b.routeKey ? -1 : a.routeKey > b.routeKey ? 1 : 0))
    .map((r) => [r.routeKey, r.integration.type, r.integration.method, r.integration.uri])
  return createHash('sha256')
    .update(JSON.stringify({ routeSelectionExpression, routes: canonical }))
    .digest('hex')
}

export const deploymentDescription = (hash: string) => `${DEPLOYMENT_MARK}${hash}`

/** The definition hash a deployment of ours carries in its description, or undefined. */
export function deployedHash(d: Deployment | undefined): string | undefined {
  if (!d?.Description?.startsWith(DEPLOYMENT_MARK) || d.DeploymentStatus === 'FAILED') return undefined
  return d.Description.slice(DEPLOYMENT_MARK.length)
}

/**
 * Pure: which deployment the stage should serve. `keep`: the stage's own deployment already has the definition;
 * `reuse`: an earlier deployment of this definition (newest first) exists, e.g. made by a run that died before
 * pointing the stage at it; `create`: the definition was never deployed.
 */
export function chooseDeployment(
  stageDeploymentId: string | undefined,
  deployments: Deployment[],
  hash: string,
): { action: 'keep' | 'reuse'; deploymentId: string } | { action: 'create' } {
  const current = deployments.find((d) => d.DeploymentId === stageDeploymentId)
  if (current && deployedHash(current) === hash) return { action: 'keep', deploymentId: current.DeploymentId ?? '' }
  const earlier = deployments
    .filter((d) => deployedHash(d) === hash && d.DeploymentStatus !== 'PENDING')
    .sort((a, b) => (b.CreatedDate?.getTime() ?? 0) - (a.CreatedDate?.getTime() ?? 0))[0]
  return earlier ? { action: 'reuse', deploymentId: earlier.DeploymentId ?? '' } : { action: 'create' }
}

// ---- stage

/** Pure: what must change on the stage. Auto-deploy stays off: deployments are ours to make (see websocket-stage.ts). */
export function diffStage(have: Partial<Stage>, haveTags: Tags, want: StageSpec, deploymentId: string): Change[] {
  const changes: Change[] = []
  if (have.DeploymentId !== deploymentId)
    changes.push({ field: 'DeploymentId', from: have.DeploymentId, to: deploymentId })
  if (have.AutoDeploy === true) changes.push({ field: 'AutoDeploy', from: true, to: false })
  const settings = have.DefaultRouteSettings ?? {}
  if (want.throttling) {
    if (settings.ThrottlingRateLimit !== want.throttling.rateLimit)
      changes.push({
        field: 'DefaultRouteSettings.ThrottlingRateLimit',
        from: settings.ThrottlingRateLimit,
        to: want.throttling.rateLimit,
      })
    if (settings.ThrottlingBurstLimit !== want.throttling.burstLimit)
      changes.push({
        field: 'DefaultRouteSettings.ThrottlingBurstLimit',
        from: settings.ThrottlingBurstLimit,
        to: want.throttling.burstLimit,
      })
  }
  const log = have.AccessLogSettings ?? {}
  if (log.DestinationArn !== want.accessLog.destinationArn)
    changes.push({
      field: 'AccessLogSettings.DestinationArn',
      from: log.DestinationArn,
      to: want.accessLog.destinationArn,
    })
  if (log.Format !== want.accessLog.format)
    changes.push({
      field: 'AccessLogSettings.Format',
      from: log.Format === undefined ? undefined : 'differs',
      to: 'JSON',
    })
  return [...changes, ...diffTags(haveTags, want.tags)]
}
