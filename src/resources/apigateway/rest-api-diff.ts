// Pure: a REST API's definition (resources, methods, integrations, authorizers, gateway responses) as wanted and as
// observed, and what differs between them, named for a reviewer (`Method[GET /usage]`). The definition is sent as one
// OpenAPI document (rest-api-openapi.ts); this diff is how a plan says which routes changed and how drift is found.
import type { Authorizer, GatewayResponse, Integration, Method } from '@aws-sdk/client-api-gateway'
import type { Change } from '../types.js'

export interface IntegrationResponseSpec {
  responseParameters?: Record<string, string>
  responseTemplates?: Record<string, string>
}

export interface IntegrationSpec {
  type: 'AWS_PROXY' | 'MOCK'
  /** AWS_PROXY: always POST (Lambda's Invoke API), whatever the method. */
  httpMethod?: 'POST'
  uri?: string
  requestTemplates?: Record<string, string>
  timeoutInMillis?: number
  /** statusCode → mapping (MOCK only: a proxy integration passes Lambda's response through); the first is the default. */
  responses: Record<string, IntegrationResponseSpec>
}

export interface MethodSpec {
  httpMethod: string
  authorizationType: 'NONE' | 'COGNITO_USER_POOLS'
  /** The authorizer's name (its id is only known once it exists). */
  authorizer?: string
  apiKeyRequired: boolean
  integration: IntegrationSpec
  /** statusCode → the response headers the method declares (`method.response.header.X`: required or not). */
  responses: Record<string, Record<string, boolean>>
}

export interface ResourceSpec {
  /** `/`, `/prompts`, `/prompts/{id}`: every intermediate path is listed too. */
  path: string
  methods: MethodSpec[]
}

export interface AuthorizerSpec {
  name: string
  type: 'COGNITO_USER_POOLS'
  providerArns: string[]
  /** `method.request.header.<Name>`: the header that carries the token. */
  identitySource: string
}

export type GatewayResponseType = 'DEFAULT_4XX' | 'DEFAULT_5XX'
const MANAGED_GATEWAY_RESPONSES: GatewayResponseType[] = ['DEFAULT_4XX', 'DEFAULT_5XX']

export interface GatewayResponseSpec {
  responseType: GatewayResponseType
  responseParameters: Record<string, string>
  responseTemplates: Record<string, string>
}

/** What a deployment snapshots: changing any of it needs a new deployment. */
export interface ApiDefinition {
  resources: ResourceSpec[]
  authorizers: AuthorizerSpec[]
  gatewayResponses: GatewayResponseSpec[]
}

export interface ObservedResource {
  id: string
  path: string
  /** As GetResources?embed=methods returns them, with `methodIntegration` filled in (GetIntegration) when absent. */
  methods: Record<string, Method>
}

export interface ObservedDefinition {
  resources: ObservedResource[]
  authorizers: Authorizer[]
  gatewayResponses: GatewayResponse[]
}

/** JSON with sorted keys, so equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}

const same = (a: unknown, b: unknown) => canonical(a ?? {}) === canonical(b ?? {})

const DESCRIPTION_PREFIX = 'infra definition '
export const deploymentDescription = (hash: string) => `${DESCRIPTION_PREFIX}${hash}`
/** The definition hash a deployment was made for, when infra made it. */
export function hashOfDeployment(description: string | undefined): string | undefined {
  return description?.startsWith(DESCRIPTION_PREFIX) ? description.slice(DESCRIPTION_PREFIX.length) : undefined
}

/** `/a/b/c` → `/a/b`; `/a` → `/`. */
const parentPath = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/'
const label = (path: string, httpMethod: string) => `${httpMethod} ${path}`

function integrationDiffers(have: Integration | undefined, want: IntegrationSpec): boolean {
  if (!have) return true
  if (have.type !== want.type) return true
  if (want.type === 'AWS_PROXY' && (have.uri !== want.uri || have.httpMethod !== want.httpMethod)) return true
  if (want.requestTemplates && !same(have.requestTemplates, want.requestTemplates)) return true
  return want.timeoutInMillis !== undefined && have.timeoutInMillis !== want.timeoutInMillis
}

/** `function:<name>:<alias>` for a Lambda proxy (its URI is long and mostly boilerplate), else the type. */
function integrationTarget(i: { type?: string; uri?: string }): string {
  const fn = /:function:([^/]+)\/invocations$/.exec(i.uri ?? '')?.[1]
  return fn ? `function ${fn}` : (i.type ?? 'none')
}

function describeAuth(m: { authorizationType?: string; apiKeyRequired?: boolean }): string {
  return `${m.authorizationType === 'COGNITO_USER_POOLS' ? 'cognito' : 'none'}${m.apiKeyRequired ? ', API key' : ''}`
}

function diffMethod(path: string, have: Method | undefined, want: MethodSpec, authorizerIds: Map<string, string>) {
  const name = label(path, want.httpMethod)
  if (!have) return [{ field: `Method[${name}]`, to: `${describeAuth(want)} → ${integrationTarget(want.integration)}` }]
  const changes: Change[] = []
  const wantedId = want.authorizer ? authorizerIds.get(want.authorizer) : undefined
  const authDiffers =
    have.authorizationType !== want.authorizationType ||
    (want.authorizationType !== 'NONE' && (!wantedId || have.authorizerId !== wantedId))
  if (authDiffers || !!have.apiKeyRequired !== want.apiKeyRequired)
    changes.push({ field: `Method[${name}]`, from: describeAuth(have), to: describeAuth(want) })
  const integration = have.methodIntegration
  if (integrationDiffers(integration, want.integration))
    changes.push({
      field: `Integration[${name}]`,
      from: integration ? integrationTarget(integration) : 'none',
      to: integrationTarget(want.integration),
    })
  for (const [statusCode, parameters] of Object.entries(want.responses)) {
    // The headers it declares, whether or not API Gateway kept them as required (a response header's flag is unused).
    const declared = Object.keys(have.methodResponses?.[statusCode]?.responseParameters ?? {}).sort()
    if (!have.methodResponses?.[statusCode] || !same(declared, Object.keys(parameters).sort()))
      changes.push({ field: `MethodResponse[${name} ${statusCode}]`, to: Object.keys(parameters).join(', ') })
  }
  for (const [statusCode, response] of Object.entries(want.integration.responses)) {
    const current = integration?.integrationResponses?.[statusCode]
    const unchanged =
      current &&
      same(current.responseParameters, response.responseParameters) &&
      same(current.responseTemplates, response.responseTemplates)
    if (!unchanged) changes.push({ field: `IntegrationResponse[${name} ${statusCode}]`, to: 'mapping' })
  }
  return changes
}

function diffAuthorizers(have: Authorizer[], want: AuthorizerSpec[]): Change[] {
  const changes: Change[] = []
  for (const spec of want) {
    const found = have.find((a) => a.name === spec.name)
    const field = `Authorizer[${spec.name}]`
    const to = spec.providerArns.join(', ')
    if (!found) changes.push({ field, to })
    else if (
      !same([...(found.providerARNs ?? [])].sort(), [...spec.providerArns].sort()) ||
      found.identitySource !== spec.identitySource ||
      found.type !== spec.type
    )
      changes.push({ field, from: (found.providerARNs ?? []).join(', '), to })
  }
  for (const a of have.filter((h) => !want.some((w) => w.name === h.name)))
    changes.push({ field: `Authorizer[${a.name}]`, to: 'deleted' })
  return changes
}

function diffGatewayResponses(have: GatewayResponse[], want: GatewayResponseSpec[]): Change[] {
  const changes: Change[] = []
  for (const type of MANAGED_GATEWAY_RESPONSES) {
    const current = have.find((g) => g.responseType === type)
    const spec = want.find((g) => g.responseType === type)
    const field = `GatewayResponse[${type}]`
    if (spec) {
      const differs =
        !current ||
        current.defaultResponse ||
        !same(current.responseParameters, spec.responseParameters) ||
        !same(current.responseTemplates, spec.responseTemplates)
      if (differs) changes.push({ field, to: 'CORS headers' })
    } else if (current && current.defaultResponse === false) {
      changes.push({ field, from: 'customised', to: 'default' })
    }
  }
  return changes
}

/**
 * What differs between the observed definition and the wanted one, one entry per route, method, authorizer or
 * gateway response: resources to create, methods (their authorization, integration and responses), then what config
 * no longer has (methods, the topmost resource of a removed branch, authorizers) and the gateway responses.
 */
export function diffRestApi(observed: ObservedDefinition, want: ApiDefinition): Change[] {
  const authorizerIds = new Map(observed.authorizers.map((a) => [a.name ?? '', a.id ?? '']))
  const byPath = new Map(observed.resources.map((r) => [r.path, r]))
  const wanted = new Set(want.resources.map((r) => r.path))

  const creates: Change[] = want.resources
    .filter((r) => !byPath.has(r.path))
    .map((r) => ({ field: `Resource[${r.path}]`, to: 'created' }))
  const methodChanges: Change[] = []
  const methodDeletes: Change[] = []
  for (const resource of want.resources) {
    const have = byPath.get(resource.path)
    for (const method of resource.methods)
      methodChanges.push(...diffMethod(resource.path, have?.methods[method.httpMethod], method, authorizerIds))
    const names = new Set(resource.methods.map((m) => m.httpMethod))
    for (const httpMethod of Object.keys(have?.methods ?? {}).sort())
      if (!names.has(httpMethod))
        methodDeletes.push({ field: `Method[${label(resource.path, httpMethod)}]`, to: 'deleted' })
  }
  // Deleting a resource deletes everything under it: only the topmost unwanted one of each branch is named.
  const resourceDeletes: Change[] = observed.resources
    .filter((r) => r.path !== '/' && !wanted.has(r.path))
    .filter((r) => parentPath(r.path) === '/' || wanted.has(parentPath(r.path)))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((r) => ({ field: `Resource[${r.path}]`, to: 'deleted' }))

  return [
    ...diffAuthorizers(observed.authorizers, want.authorizers),
    ...creates,
    ...methodChanges,
    ...methodDeletes,
    ...resourceDeletes,
    ...diffGatewayResponses(observed.gatewayResponses, want.gatewayResponses),
  ]
}

export function describeDefinition(definition: ApiDefinition): string {
  const methods = definition.resources.flatMap((r) => r.methods)
  const proxied = methods.filter((m) => m.integration.type === 'AWS_PROXY').length
  return [
    `${definition.resources.filter((r) => r.path !== '/').length} resources`,
    `${methods.length} methods (${proxied} Lambda proxy, ${methods.length - proxied} CORS)`,
    ...definition.authorizers.map((a) => `authorizer ${a.name}`),
    ...definition.gatewayResponses.map((g) => g.responseType),
  ].join(', ')
}
