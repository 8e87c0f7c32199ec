// FakeApiGateway's OpenAPI imports: PutRestApi (merge or overwrite an API's definition) and ImportRestApi (a new API
// from a document), parsed into the same resources, methods, integrations, authorizers and gateway responses the
// one-by-one calls make. All or nothing, as on AWS: an error (or, with failOnWarnings, a warning) leaves the API as it
// was. JSON documents only (AWS also reads YAML). What it models: apigateway.md.
import {
  ImportRestApiCommand,
  PutRestApiCommand,
  type Authorizer,
  type Integration,
  type IntegrationResponse,
  type MethodResponse,
  type RestApi,
} from '@aws-sdk/client-api-gateway'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import {
  addChildResource,
  badRequest,
  DEFAULT_GATEWAY_RESPONSES,
  LAMBDA_URI,
  newId,
  PATH_PART,
  type ApiState,
  type Entry,
  type MethodState,
  type ResourceState,
} from './apigateway-model.js'

type Json = Record<string, any>

const OPERATIONS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  'x-amazon-apigateway-any-method': 'ANY',
}
const INTEGRATION_TYPES = ['MOCK', 'AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY']
const COGNITO_POOL_ARN = /^arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/.+$/

/** What an import found wrong: errors always refuse it; warnings only with failOnWarnings. */
class Findings {
  errors: string[] = []
  warnings: string[] = []
}

function parse(body: unknown): Json {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : ''
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw badRequest('Invalid OpenAPI input.')
  }
  const d = doc as Json
  if (!d || typeof d !== 'object' || (!String(d.openapi ?? '').startsWith('3.0') && d.swagger !== '2.0'))
    throw badRequest('Invalid OpenAPI input.')
  if (typeof d.paths !== 'object' || d.paths === null) throw badRequest('Invalid OpenAPI input.')
  return d
}

/** The authorizers and API-key schemes a document declares, by scheme name. */
function schemes(api: ApiState, doc: Json, found: Findings): Map<string, { authorizer?: Authorizer; apiKey?: true }> {
  const out = new Map<string, { authorizer?: Authorizer; apiKey?: true }>()
  const all = (doc.components?.securitySchemes ?? doc.securityDefinitions ?? {}) as Record<string, Json>
  for (const [name, scheme] of Object.entries(all)) {
    const spec = scheme['x-amazon-apigateway-authorizer'] as Json | undefined
    if (!spec) {
      if (scheme.type === 'apiKey' && scheme.name === 'x-api-key' && scheme.in === 'header')
        out.set(name, { apiKey: true })
      else found.warnings.push(`Unsupported security definition '${name}': ignored`)
      continue
    }
    if (spec.type !== 'cognito_user_pools') {
      found.errors.push(`Unable to create authorizer '${name}': only cognito_user_pools is modelled by the fake`)
      continue
    }
    const arns = (spec.providerARNs ?? []) as string[]
    if (arns.length === 0 || arns.some((a) => !COGNITO_POOL_ARN.test(a))) {
      found.errors.push(`Unable to create authorizer '${name}': Invalid provider ARN: ${arns.join(', ')}`)
      continue
    }
    const existing = Object.values(api.authorizers).find((a) => a.name === name)
    out.set(name, {
      authorizer: {
        id: existing?.id ?? newId(6),
        name,
        type: 'COGNITO_USER_POOLS',
        providerARNs: [...arns],
        authType: 'cognito_user_pools',
        identitySource: `method.request.header.${String(scheme.name ?? 'Authorization')}`,
      },
    })
  }
  return out
}

/** The resource at `path`, made with its parents when missing (with CreateResource's rules). */
function resourceAt(fake: FakeApiGateway, api: ApiState, path: string, found: Findings): ResourceState | undefined {
  let parent = api.resources[api.rootResourceId]!
  for (const part of path.split('/').filter(Boolean)) {
    const siblings = Object.values(api.resources).filter((r) => r.parentId === parent.id)
    const existing = siblings.find((r) => r.pathPart === part)
    if (existing) {
      parent = existing
      continue
    }
    if (!PATH_PART.test(part)) {
      found.errors.push(`Invalid resource path part '${part}' in path ${path}`)
      return undefined
    }
    const variable = siblings.find((r) => r.pathPart?.startsWith('{'))
    if (variable && part.startsWith('{')) {
      found.errors.push(
        `A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`,
      )
      return undefined
    }
    parent = addChildResource(api, parent, part, fake.maxResourcesPerApi)
  }
  return parent
}

function integrationOf(where: string, spec: Json, responses: Record<string, MethodResponse>, found: Findings) {
  const type = String(spec.type ?? '').toUpperCase()
  const fail = (why: string) => void found.errors.push(`Unable to put integration on ${where}: ${why}`)
  if (!INTEGRATION_TYPES.includes(type)) return fail(`Invalid integration type specified: ${spec.type}`)
  if (type !== 'MOCK' && !spec.httpMethod) return fail('Enumeration value for HttpMethod must be non-empty')
  if (type === 'AWS_PROXY' && !LAMBDA_URI.test(spec.uri ?? ''))
    return fail(`Invalid ARN specified in the request: ${spec.uri}`)
  const timeout = Number(spec.timeoutInMillis ?? 29_000)
  if (timeout < 50 || timeout > 29_000) return fail('Timeout should be between 50 ms and 29000 ms')
  const integrationResponses: Record<string, IntegrationResponse> = {}
  for (const [pattern, r] of Object.entries((spec.responses ?? {}) as Record<string, Json>)) {
    const statusCode = String(r.statusCode ?? '')
    const declared = responses[statusCode]
    if (!declared) return fail(`Invalid Response status code specified: ${statusCode}`)
    for (const target of Object.keys(r.responseParameters ?? {}))
      if (declared.responseParameters?.[target] === undefined)
        return fail(
          `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${target}]`,
        )
    integrationResponses[statusCode] = {
      statusCode,
      ...(pattern !== 'default' ? { selectionPattern: pattern } : {}),
      ...(r.responseParameters ? { responseParameters: { ...r.responseParameters } } : {}),
      ...(r.responseTemplates ? { responseTemplates: { ...r.responseTemplates } } : {}),
    }
  }
  const integration: Integration = {
    type: type as Integration['type'],
    ...(type !== 'MOCK' ? { httpMethod: spec.httpMethod } : {}),
    ...(spec.uri ? { uri: spec.uri } : {}),
    ...(spec.requestTemplates ? { requestTemplates: { ...spec.requestTemplates } } : {}),
    passthroughBehavior: String(spec.passthroughBehavior ?? 'when_no_match').toUpperCase(),
    timeoutInMillis: timeout,
    cacheKeyParameters: [],
    ...(Object.keys(integrationResponses).length > 0 ? { integrationResponses } : {}),
  }
  return integration
}

function methodOf(
  path: string,
  httpMethod: string,
  op: Json,
  declared: Set<string>,
  known: Map<string, { authorizer?: Authorizer; apiKey?: true }>,
  found: Findings,
): MethodState | undefined {
  const where = `'${httpMethod}' for resource at path '${path}'`
  const method: MethodState = { httpMethod, authorizationType: 'NONE', apiKeyRequired: false, methodResponses: {} }
  for (const p of (op.parameters ?? []) as Json[]) if (p.in === 'path') declared.add(String(p.name))
  for (const name of [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!))
    if (!declared.has(name)) found.warnings.push(`Path parameter '${name}' of ${where} is not declared`)
  for (const requirement of (op.security ?? []) as Json[]) {
    for (const name of Object.keys(requirement)) {
      const scheme = known.get(name)
      if (!scheme) {
        found.errors.push(`Unable to put method ${where}: Invalid authorizer definition: no security scheme '${name}'`)
        return undefined
      }
      if (scheme.apiKey) method.apiKeyRequired = true
      else {
        method.authorizationType = 'COGNITO_USER_POOLS'
        method.authorizerId = scheme.authorizer!.id
      }
    }
  }
  if (!op.responses || Object.keys(op.responses).length === 0) found.warnings.push(`No responses defined for ${where}`)
  for (const [statusCode, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    if (!/^[1-5]\d\d$/.test(statusCode)) continue
    const headers = Object.entries((r.headers ?? {}) as Record<string, Json>)
    method.methodResponses[statusCode] = {
      statusCode,
      ...(headers.length > 0
        ? {
            responseParameters: Object.fromEntries(
              headers.map(([h, v]) => [`method.response.header.${h}`, v.required === true]),
            ),
          }
        : {}),
    }
  }
  const spec = op['x-amazon-apigateway-integration'] as Json | undefined
  if (spec) {
    const integration = integrationOf(where, spec, method.methodResponses, found)
    if (!integration) return undefined
    method.integration = integration
  }
  return method
}

/** The document applied to a copy of the API; the copy, or AWS's error. */
function imported(fake: FakeApiGateway, current: ApiState, doc: Json, mode: string, failOnWarnings: boolean) {
  const api = structuredClone(current)
  const found = new Findings()
  if (mode === 'overwrite') {
    const root = api.resources[api.rootResourceId]!
    api.resources = { [root.id]: { ...root, methods: {} } }
    api.authorizers = {}
    api.gatewayResponses = {}
  }
  if (doc.info?.title) api.name = String(doc.info.title)
  if (mode === 'overwrite' && doc.info?.description !== undefined) api.description = String(doc.info.description)
  const known = schemes(api, doc, found)
  for (const { authorizer } of known.values()) if (authorizer) api.authorizers[authorizer.id!] = authorizer
  for (const [type, r] of Object.entries(
    (doc['x-amazon-apigateway-gateway-responses'] ?? {}) as Record<string, Json>,
  )) {
    if (!(type in DEFAULT_GATEWAY_RESPONSES)) {
      found.errors.push(`Invalid gateway response type: ${type}`)
      continue
    }
    api.gatewayResponses[type] = {
      responseType: type as never,
      ...(r.statusCode ? { statusCode: String(r.statusCode) } : {}),
      responseParameters: { ...r.responseParameters },
      responseTemplates: { ...r.responseTemplates },
      defaultResponse: false,
    }
  }
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    if (!path.startsWith('/')) {
      found.errors.push(`Invalid path ${path}: must start with /`)
      continue
    }
    const resource = resourceAt(fake, api, path, found)
    if (!resource) continue
    const declared = new Set(
      ((item.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => String(p.name)),
    )
    for (const [key, op] of Object.entries(item)) {
      const httpMethod = OPERATIONS[key]
      if (!httpMethod) continue
      const method = methodOf(path, httpMethod, op as Json, new Set(declared), known, found)
      if (method) resource.methods[httpMethod] = method
    }
  }
  if (found.errors.length > 0) throw badRequest(`Errors found during import:\n\t${found.errors.join('\n\t')}`)
  if (failOnWarnings && found.warnings.length > 0)
    throw badRequest(`Warnings found during import:\n\t${found.warnings.join('\n\t')}`)
  return { api, warnings: found.warnings }
}

export function importHandlers(fake: FakeApiGateway): Entry[] {
  const withWarnings = (api: RestApi, warnings: string[]): RestApi => ({
    ...api,
    ...(warnings.length > 0 ? { warnings } : {}),
  })
  return [
    on(PutRestApiCommand, (i) => {
      const current = fake.apiOrThrow(i.restApiId)
      const mode = i.mode ?? 'merge'
      if (mode !== 'merge' && mode !== 'overwrite') throw badRequest(`Invalid mode: ${mode}`)
      const { api, warnings } = imported(fake, current, parse(i.body), mode, i.failOnWarnings ?? false)
      fake.state.apis[api.id] = api
      return withWarnings(fake.renderApi(api), warnings)
    }),
    on(ImportRestApiCommand, (i) => {
      const doc = parse(i.body)
      const types = i.parameters?.endpointConfigurationTypes
      const created = fake.createRestApi({
        name: String(doc.info?.title ?? ''),
        ...(doc.info?.description ? { description: String(doc.info.description) } : {}),
        ...(types ? { endpointConfiguration: { types: [types as never] } } : {}),
      })
      try {
        const { api, warnings } = imported(
          fake,
          fake.apiOrThrow(created.id),
          doc,
          'overwrite',
          i.failOnWarnings ?? false,
        )
        fake.state.apis[api.id] = api
        return withWarnings(fake.renderApi(api), warnings)
      } catch (e) {
        delete fake.state.apis[created.id!]
        throw e
      }
    }),
  ]
}
