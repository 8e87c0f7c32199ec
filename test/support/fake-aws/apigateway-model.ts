// The fake API Gateway's (v1, REST) state as plain JSON (so that toJSON/load round-trips), AWS's error shapes, and
// the helpers the handlers share: IDs, pagination, ARNs, patch paths. What it models: apigateway.md.
import { randomBytes } from 'node:crypto'
import {
  BadRequestException,
  ConflictException,
  LimitExceededException,
  NotFoundException,
  TooManyRequestsException,
  type ApiStage,
  type Authorizer,
  type GatewayResponse,
  type Integration,
  type MethodResponse,
  type MethodSetting,
  type PatchOperation,
  type QuotaSettings,
  type ThrottleSettings,
} from '@aws-sdk/client-api-gateway'
import { awsError, type on } from './core.js'

export type Entry = ReturnType<typeof on>

export interface MethodState {
  httpMethod: string
  authorizationType: string
  authorizerId?: string
  apiKeyRequired: boolean
  methodResponses: Record<string, MethodResponse>
  /** With its `integrationResponses`, as GetIntegration returns it. */
  integration?: Integration
}

export interface ResourceState {
  id: string
  parentId?: string
  pathPart?: string
  path: string
  methods: Record<string, MethodState>
}

export interface DeploymentState {
  id: string
  description?: string
  createdDate: number
  /** What the deployment serves: path → methods, and the authorizers they use, as they were at CreateDeployment. */
  snapshot: Record<string, Record<string, MethodState>>
  authorizers: Record<string, Authorizer>
}

export interface StageState {
  stageName: string
  deploymentId: string
  description?: string
  tracingEnabled: boolean
  methodSettings: Record<string, MethodSetting>
  accessLogSettings?: { destinationArn?: string; format?: string }
  variables: Record<string, string>
  tags: Record<string, string>
  createdDate: number
  lastUpdatedDate: number
}

export interface ApiState {
  id: string
  name: string
  description?: string
  createdDate: number
  endpointTypes: string[]
  tags: Record<string, string>
  rootResourceId: string
  resources: Record<string, ResourceState>
  authorizers: Record<string, Authorizer>
  /** Only the customised ones; the others are AWS's defaults. */
  gatewayResponses: Record<string, GatewayResponse>
  deployments: Record<string, DeploymentState>
  stages: Record<string, StageState>
}

export interface UsagePlanState {
  id: string
  name: string
  description?: string
  apiStages: ApiStage[]
  throttle?: ThrottleSettings
  quota?: QuotaSettings
  tags: Record<string, string>
  keyIds: string[]
}

export interface ApiKeyState {
  id: string
  name: string
  value: string
  enabled: boolean
  createdDate: number
  tags: Record<string, string>
}

export interface ApiGatewayState {
  apis: Record<string, ApiState>
  account: { cloudwatchRoleArn?: string }
  usagePlans: Record<string, UsagePlanState>
  apiKeys: Record<string, ApiKeyState>
  /** Custom domain names (apigateway-domains.ts), by name. */
  domainNames?: Record<string, DomainNameState>
}

export interface DomainNameState {
  domainName: string
  regionalCertificateArn: string
  securityPolicy: string
  regionalDomainName: string
  regionalHostedZoneId: string
  tags: Record<string, string>
  /** Base path ('(none)' for the root) → the API and stage it serves. */
  mappings: Record<string, { restApiId: string; stage: string }>
}

export const emptyState = (): ApiGatewayState => ({ apis: {}, account: {}, usagePlans: {}, apiKeys: {} })

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
/** API Gateway's IDs: lower-case letters and digits (10 for APIs, root resources and keys; 6 for the rest). */
export function newId(length: number): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
}

/** A new child resource of `parent` (CreateResource's and an import's last step, once the path part is checked). */
export function addChildResource(
  api: ApiState,
  parent: ResourceState,
  part: string,
  maxResources: number,
): ResourceState {
  if (Object.keys(api.resources).length >= maxResources)
    throw limitExceeded('Maximum number of Resources for this API has been reached')
  const resource: ResourceState = {
    id: newId(6),
    parentId: parent.id,
    pathPart: part,
    path: parent.path === '/' ? `/${part}` : `${parent.path}/${part}`,
    methods: {},
  }
  api.resources[resource.id] = resource
  return resource
}

export const notFound = (message: string) => awsError(NotFoundException, message)
export const badRequest = (message: string) => awsError(BadRequestException, message)
export const conflict = (message: string) => awsError(ConflictException, message)
export const limitExceeded = (message: string) => awsError(LimitExceededException, message)
export const tooManyRequests = () =>
  awsError(TooManyRequestsException, 'Too Many Requests', {
    retryAfterSeconds: '1',
    $metadata: { httpStatusCode: 429 },
  })

/** API Gateway pages with an opaque `position`; here the index of the next item, base64url. */
export function paginate<T>(items: T[], position: string | undefined, limit = 25): { items: T[]; position?: string } {
  if (limit < 1 || limit > 500) throw badRequest('Invalid limit specified. Limit must be between 1 and 500.')
  let start = 0
  if (position) {
    start = Number(Buffer.from(position, 'base64url').toString('utf8'))
    if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid position parameter')
  }
  const page = items.slice(start, start + limit)
  const next =
    start + limit < items.length ? Buffer.from(String(start + limit), 'utf8').toString('base64url') : undefined
  return { items: page, ...(next ? { position: next } : {}) }
}

/** The path a tagging ARN names: `arn:aws:apigateway:<region>::/restapis/<id>` → `/restapis/<id>`. */
export function taggedPath(arn: string | undefined, region: string): string {
  const prefix = `arn:aws:apigateway:${region}::`
  if (!arn?.startsWith(prefix)) throw badRequest(`Invalid ARN: ${arn}`)
  return arn.slice(prefix.length)
}

export function invalidPatch(op: PatchOperation, allowed: string[]): Error {
  return badRequest(
    `Invalid patch path '${op.path}' specified for op '${op.op}'. Must be one of: [${allowed.join(', ')}]`,
  )
}

/** `'true'`/`'false'` as patch values carry booleans. */
export function patchBoolean(op: PatchOperation): boolean {
  if (op.value !== 'true' && op.value !== 'false') throw badRequest(`Invalid boolean value: ${op.value}`)
  return op.value === 'true'
}

export function patchNumber(op: PatchOperation): number {
  const n = Number(op.value)
  if (op.value === undefined || op.value === '' || !Number.isFinite(n))
    throw badRequest(`Invalid number value: ${op.value}`)
  return n
}

/** The responses GetGatewayResponses lists for an API that customised none (a subset of AWS's types). */
export const DEFAULT_GATEWAY_RESPONSES: Record<string, string | undefined> = {
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  ACCESS_DENIED: '403',
  UNAUTHORIZED: '401',
  MISSING_AUTHENTICATION_TOKEN: '403',
  THROTTLED: '429',
  INTEGRATION_TIMEOUT: '504',
  INTEGRATION_FAILURE: '504',
  API_CONFIGURATION_ERROR: '500',
}
export const DEFAULT_ERROR_TEMPLATE = { 'application/json': '{"message":$context.error.messageString}' }

/** What CreateResource (and an import) accepts as one segment of a path. */
export const PATH_PART = /^([A-Za-z0-9._~:-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/

export const LAMBDA_URI =
  /^arn:aws[\w-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?\/invocations$/
