// Pure: a REST API's definition (resources, methods, integrations, authorizers, gateway responses) as wanted and as
// observed, the calls that turn one into the other, and the hash that names a definition in its deployments.
import { createHash } from 'node:crypto'
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
  /** statusCode → mapping (MOCK only: a proxy integration passes Lambda's response through). */
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
  identitySource: string
}

export type GatewayResponseType = 'DEFAULT_4XX' | 'DEFAULT_5XX'
export const MANAGED_GATEWAY_RESPONSES: GatewayResponseType[] = ['DEFAULT_4XX', 'DEFAULT_5XX']

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

type At = { path: string; httpMethod: string }
export type DefinitionChange = Change &
  (
    | { op: 'create-authorizer'; authorizer: AuthorizerSpec }
    | { op: 'update-authorizer'; id: string; authorizer: AuthorizerSpec; remove: string[]; add: string[] }
    | { op: 'delete-authorizer'; id: string }
    | { op: 'create-resource'; path: string }
    | { op: 'delete-resource'; path: string; id: string }
    | ({ op: 'put-method'; method: MethodSpec } & At)
    | ({ op: 'update-method'; method: MethodSpec } & At)
    | ({ op: 'delete-method' } & At)
    | ({ op: 'put-integration'; method: MethodSpec } & At)
    | ({ op: 'put-method-response'; statusCode: string; parameters: Record<string, boolean>; replace: boolean } & At)
    | ({ op: 'put-integration-response'; statusCode: string; response: IntegrationResponseSpec } & At)
    | { op: 'put-gateway-response'; response: GatewayResponseSpec }
    | { op: 'delete-gateway-response'; responseType: GatewayResponseType }
  )

/** JSON with sorted keys, so equal values give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}

const same = (a: unknown, b: unknown) => canonical(a ?? {}) === canonical(b ?? {})

/** Names a definition; kept in the deployment's description so a rerun knows what the stage serves. */
export function definitionHash(definition: ApiDefinition): string {
  const sorted = {
    ...definition,
    resources: [...definition.resources]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((r) => ({ ...r, methods: [...r.methods].sort((a, b) => (a.httpMethod < b.httpMethod ? -1 : 1)) })),
  }
  return createHash('sha256').update(canonical(sorted)).digest('hex').slice(0, 16)
}

const DESCRIPTION_PREFIX = 'infra definition '
export const deploymentDescription = (hash: string) => `${DESCRIPTION_PREFIX}${hash}`
/** The definition hash a deployment was made for, when infra made it. */
export function hashOfDeployment(description: string | undefined): string | undefined {
  return description?.startsWith(DESCRIPTION_PREFIX) ? description.slice(DESCRIPTION_PREFIX.length) : undefined
}

/** `/a/b/c` → `/a/b`; `/a` → `/`. */
export const parentPath = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/'
const depth = (path: string) => (path === '/' ? 0 : path.split('/').length - 1)
const label = (path: string, httpMethod: string) => `${httpMethod} ${path}`

function integrationDiffers(have: Integration | undefined, want: IntegrationSpec): boolean {
  if (!have) return true
  if (have.type !== want.type) return true
  if (want.type === 'AWS_PROXY' && (have.uri !== want.uri || have.httpMethod !== want.httpMethod)) return true
  if (want.requestTemplates && !same(have.requestTemplates, want.requestTemplates)) return true
  return want.timeoutInMillis !== undefined && have.timeoutInMillis !== want.timeoutInMillis
}

function describeAuth(m: { authorizationType?: string; apiKeyRequired?: boolean }, authorizer?: string): string {
  const auth = m.authorizationType === 'COGNITO_USER_POOLS' ? `cognito${authorizer ? ` (${authorizer})` : ''}` : 'none'
  return `${auth}${m.apiKeyRequired ? ', API key' : ''}`
}

function diffMethod(
  path: string,
  have: Method | undefined,
  want: MethodSpec,
  authorizerIds: Map<string, string>,
): DefinitionChange[] {
  const at = { path, httpMethod: want.httpMethod }
  const name = label(path, want.httpMethod)
  const changes: DefinitionChange[] = []
  if (!have) {
    changes.push({ op: 'put-method', ...at, method: want, field: `Method[${name}]`, to: describeAuth(want) })
  } else {
    const wantedId = want.authorizer ? authorizerIds.get(want.authorizer) : undefined
    const authDiffers =
      have.authorizationType !== want.authorizationType ||
      (want.authorizationType !== 'NONE' && (!wantedId || have.authorizerId !== wantedId))
    if (authDiffers || !!have.apiKeyRequired !== want.apiKeyRequired) {
      const from = describeAuth(have)
      changes.push({ op: 'update-method', ...at, method: want, field: `Method[${name}]`, from, to: describeAuth(want) })
    }
  }
  const integration = have?.methodIntegration
  const reintegrate = integrationDiffers(integration, want.integration)
  if (reintegrate) {
    changes.push({
      op: 'put-integration',
      ...at,
      method: want,
      field: `Integration[${name}]`,
      ...(integration ? { from: integration.uri ?? integration.type } : {}),
      to: want.integration.uri ?? want.integration.type,
    })
  }
  for (const [statusCode, parameters] of Object.entries(want.responses)) {
    const current = have?.methodResponses?.[statusCode]
    if (current && same(current.responseParameters, parameters)) continue
    const field = `MethodResponse[${name} ${statusCode}]`
    changes.push({ op: 'put-method-response', ...at, statusCode, parameters, replace: !!current, field })
  }
  for (const [statusCode, response] of Object.entries(want.integration.responses)) {
    // PutIntegration replaces the integration and its responses: they are put again after it.
    const current = reintegrate ? undefined : integration?.integrationResponses?.[statusCode]
    const unchanged =
      current &&
      same(current.responseParameters, response.responseParameters) &&
      same(current.responseTemplates, response.responseTemplates)
    if (unchanged) continue
    const field = `IntegrationResponse[${name} ${statusCode}]`
    changes.push({ op: 'put-integration-response', ...at, statusCode, response, field })
  }
  return changes
}

function diffAuthorizers(have: Authorizer[], want: AuthorizerSpec[]): DefinitionChange[] {
  const changes: DefinitionChange[] = []
  for (const spec of want) {
    const found = have.find((a) => a.name === spec.name)
    const field = `Authorizer[${spec.name}]`
    if (!found) {
      changes.push({ op: 'create-authorizer', authorizer: spec, field, to: spec.providerArns.join(', ') })
      continue
    }
    const current = found.providerARNs ?? []
    const remove = current.filter((a) => !spec.providerArns.includes(a))
    const add = spec.providerArns.filter((a) => !current.includes(a))
    if (remove.length > 0 || add.length > 0 || found.identitySource !== spec.identitySource || found.type !== spec.type)
      changes.push({
        op: 'update-authorizer',
        id: found.id ?? '',
        authorizer: spec,
        remove,
        add,
        field,
        from: current.join(', '),
        to: spec.providerArns.join(', '),
      })
  }
  return changes
}

function diffGatewayResponses(have: GatewayResponse[], want: GatewayResponseSpec[]): DefinitionChange[] {
  const changes: DefinitionChange[] = []
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
      if (differs) changes.push({ op: 'put-gateway-response', response: spec, field, to: 'CORS headers' })
    } else if (current && current.defaultResponse === false) {
      changes.push({ op: 'delete-gateway-response', responseType: type, field, from: 'customised', to: 'default' })
    }
  }
  return changes
}

/**
 * Every call that makes the observed definition match the wanted one, in an order API Gateway accepts:
 * authorizers, resources (parents first), methods and what hangs from them, then removals (methods, resources
 * whose parent stays, authorizers no method uses any more) and the gateway responses.
 */
export function diffRestApi(observed: ObservedDefinition, want: ApiDefinition): DefinitionChange[] {
  const authorizerChanges = diffAuthorizers(observed.authorizers, want.authorizers)
  const authorizerIds = new Map(observed.authorizers.map((a) => [a.name ?? '', a.id ?? '']))
  const byPath = new Map(observed.resources.map((r) => [r.path, r]))
  const wanted = new Set(want.resources.map((r) => r.path))

  const creates: DefinitionChange[] = [...want.resources]
    .filter((r) => !byPath.has(r.path))
    .sort((a, b) => depth(a.path) - depth(b.path))
    .map((r) => ({ op: 'create-resource', path: r.path, field: `Resource[${r.path}]`, to: 'created' }))

  const methodChanges: DefinitionChange[] = []
  const methodDeletes: DefinitionChange[] = []
  for (const resource of want.resources) {
    const have = byPath.get(resource.path)
    for (const method of resource.methods)
      methodChanges.push(...diffMethod(resource.path, have?.methods[method.httpMethod], method, authorizerIds))
    const names = new Set(resource.methods.map((m) => m.httpMethod))
    for (const httpMethod of Object.keys(have?.methods ?? {}).sort()) {
      if (names.has(httpMethod)) continue
      const field = `Method[${label(resource.path, httpMethod)}]`
      methodDeletes.push({ op: 'delete-method', path: resource.path, httpMethod, field, to: 'deleted' })
    }
  }
  // Deleting a resource deletes everything under it: only the topmost unwanted one of each branch is deleted.
  const resourceDeletes: DefinitionChange[] = observed.resources
    .filter((r) => r.path !== '/' && !wanted.has(r.path))
    .filter((r) => parentPath(r.path) === '/' || wanted.has(parentPath(r.path)))
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((r) => ({ op: 'delete-resource', path: r.path, id: r.id, field: `Resource[${r.path}]`, to: 'deleted' }))
  const authorizerDeletes: DefinitionChange[] = observed.authorizers
    .filter((a) => !want.authorizers.some((w) => w.name === a.name))
    .map((a) => ({ op: 'delete-authorizer', id: a.id ?? '', field: `Authorizer[${a.name}]`, to: 'deleted' }))

  return [
    ...authorizerChanges,
    ...creates,
    ...methodChanges,
    ...methodDeletes,
    ...resourceDeletes,
    ...authorizerDeletes,
    ...diffGatewayResponses(observed.gatewayResponses, want.gatewayResponses),
  ]
}

/** The Change list for the user (drops the call details). */
export const asChanges = (changes: DefinitionChange[]): Change[] =>
  changes.map(({ field, from, to }) => ({
    field,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  }))

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
