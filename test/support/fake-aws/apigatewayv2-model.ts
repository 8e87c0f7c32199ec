// The fake API Gateway v2's state as plain JSON (toJSON/load round-trip it), AWS's error shapes, ids and paging.
// The handlers are in apigatewayv2.ts (APIs, deployments, stages, tags) and apigatewayv2-routes.ts.
import { createHash } from 'node:crypto'
import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  TooManyRequestsException,
  type Integration,
  type Route,
  type RouteSettings,
} from '@aws-sdk/client-apigatewayv2'
import { awsError, type on } from './core.js'

export type Entry = ReturnType<typeof on>

export interface ApiRecord {
  ApiId: string
  Name: string
  ProtocolType: 'WEBSOCKET' | 'HTTP'
  RouteSelectionExpression: string
  ApiKeySelectionExpression: string
  Description?: string
  /** ms since the epoch (rendered as a Date). */
  CreatedDate: number
  tags: Record<string, string>
  routes: Record<string, Route>
  integrations: Record<string, Integration>
  deployments: Record<string, DeploymentRecord>
  stages: Record<string, StageRecord>
}

/** What a deployment froze: each route with the integration it pointed at when the deployment was made. */
export interface DeployedRoute {
  RouteKey: string
  integration?: Integration
}

export interface DeploymentRecord {
  DeploymentId: string
  Description?: string
  CreatedDate: number
  DeploymentStatus: 'DEPLOYED'
  AutoDeployed: boolean
  routes: DeployedRoute[]
}

export interface StageRecord {
  StageName: string
  DeploymentId?: string
  AutoDeploy: boolean
  Description?: string
  DefaultRouteSettings: RouteSettings
  AccessLogSettings?: { DestinationArn: string; Format: string }
  StageVariables?: Record<string, string>
  CreatedDate: number
  LastUpdatedDate: number
  tags: Record<string, string>
}

export interface V2State {
  /** Counter behind the ids: deterministic, so a test's ids are the same every run. */
  seq: number
  apis: Record<string, ApiRecord>
  /** Custom domain names (apigatewayv2-domains.ts), by name. */
  domainNames?: Record<string, V2DomainRecord>
}

export interface V2DomainRecord {
  DomainName: string
  CertificateArn: string
  SecurityPolicy: string
  ApiGatewayDomainName: string
  HostedZoneId: string
  tags: Record<string, string>
  /** By ApiMappingId. */
  mappings: Record<string, { ApiMappingId: string; ApiId: string; Stage: string; ApiMappingKey: string }>
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** AWS's id lengths: APIs 10 characters, routes and integrations 7, deployments 6. */
export function newId(state: V2State, kind: string, length: number): string {
  state.seq += 1
  const digest = createHash('sha256').update(`${kind}:${state.seq}`).digest()
  return [...digest.subarray(0, length)].map((b) => ID_CHARS[b % ID_CHARS.length]).join('')
}

export const badRequest = (message: string) => awsError(BadRequestException, message)
export const conflict = (message: string) => awsError(ConflictException, message)
export const notFound = (message: string, resourceType?: string) =>
  awsError(NotFoundException, message, resourceType ? { ResourceType: resourceType } : {})
export const tooManyRequests = () => awsError(TooManyRequestsException, 'Too Many Requests', { LimitType: 'Rate' })

// API Gateway's default page for the Get* list calls of v2 (`MaxResults` is a string in this API).
const DEFAULT_PAGE = 25

export function paginate<T>(items: T[], nextToken: string | undefined, maxResults: string | undefined) {
  let start = 0
  if (nextToken) {
    const offset = Number(Buffer.from(nextToken, 'base64url').toString('utf8'))
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid pagination token provided.')
    start = offset
  }
  const size = maxResults === undefined ? DEFAULT_PAGE : Number(maxResults)
  if (!Number.isInteger(size) || size < 1) throw badRequest(`Invalid MaxResults: ${maxResults}`)
  const end = start + size
  const next = end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined
  return { page: items.slice(start, end), next }
}

/** `integrations/<id>` → `<id>`. */
export function integrationIdOf(target: string | undefined): string | undefined {
  return target?.startsWith('integrations/') ? target.slice('integrations/'.length) : undefined
}

// What API Gateway accepts as a Lambda (proxy) integration URI: the apigateway service ARN of Lambda's Invoke path,
// wrapping the function's (optionally qualified) ARN. The manual's `arn:aws:lambda:…:lambda:path/…` is refused.
export const LAMBDA_INTEGRATION_URI =
  /^arn:aws[a-z-]*:apigateway:(?<region>[a-z0-9-]+):lambda:path\/2015-03-31\/functions\/arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?\/invocations$/
export const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[.\-_/#A-Za-z0-9]+$/
export const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/
