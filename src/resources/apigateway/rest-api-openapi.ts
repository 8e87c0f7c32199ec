// Pure: a REST API's definition as one OpenAPI 3.0 document with API Gateway's extensions — what one PutRestApi
// (mode=overwrite) sends and `infra export --openapi` prints. Lambda proxies are `x-amazon-apigateway-integration`
// (aws_proxy), the Cognito authorizer a security scheme with `x-amazon-apigateway-authorizer`, CORS preflights mock
// integrations, API Gateway's own error responses `x-amazon-apigateway-gateway-responses`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
import { createHash } from 'node:crypto'
import {
  canonical,
  type ApiDefinition,
  type AuthorizerSpec,
  type IntegrationSpec,
  type MethodSpec,
} from './rest-api-diff.js'

export const OPENAPI_VERSION = '3.0.1'
/** The security scheme of `usage_plan.require_api_key`: API Gateway reads the key from `x-api-key`. */
const API_KEY_SCHEME = 'api_key'
const HEADER_SOURCE = 'method.request.header.'

type Json = Record<string, unknown>

export interface OpenApiDocument {
  openapi: typeof OPENAPI_VERSION
  info: { title: string; description?: string; version: string }
  paths: Record<string, Record<string, Json>>
  components: { securitySchemes?: Record<string, Json> }
  'x-amazon-apigateway-gateway-responses'?: Record<string, Json>
}

export interface DocumentInfo {
  /** The API's name: an overwrite takes the API's name from `info.title`. */
  title: string
  description: string
}

function authorizerScheme(a: AuthorizerSpec): Json {
  return {
    type: 'apiKey',
    name: a.identitySource.startsWith(HEADER_SOURCE) ? a.identitySource.slice(HEADER_SOURCE.length) : 'Authorization',
    in: 'header',
    'x-amazon-apigateway-authtype': 'cognito_user_pools',
    'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [...a.providerArns] },
  }
}

/** The integration's responses are keyed by selection pattern: the first is the default. */
function integration(i: IntegrationSpec): Json {
  const responses = Object.entries(i.responses).map(([statusCode, r], n) => [
    n === 0 ? 'default' : statusCode,
    { statusCode, ...r },
  ])
  return {
    type: i.type.toLowerCase(),
    ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
    ...(i.uri ? { uri: i.uri } : {}),
    ...(i.requestTemplates ? { requestTemplates: i.requestTemplates } : {}),
    ...(i.timeoutInMillis !== undefined ? { timeoutInMillis: i.timeoutInMillis } : {}),
    ...(responses.length > 0 ? { responses: Object.fromEntries(responses) } : {}),
  }
}

const HEADER = 'method.response.header.'

function operation(m: MethodSpec, parameters: Json[]): Json {
  const security = {
    ...(m.authorizationType === 'COGNITO_USER_POOLS' && m.authorizer ? { [m.authorizer]: [] } : {}),
    ...(m.apiKeyRequired ? { [API_KEY_SCHEME]: [] } : {}),
  }
  const responses = Object.entries(m.responses).map(([statusCode, parameters]) => {
    const headers = Object.entries(parameters).map(([p, required]) => [
      p.slice(HEADER.length),
      { ...(required ? { required } : {}), schema: { type: 'string' } },
    ])
    const description = m.integration.type === 'AWS_PROXY' ? 'The function’s response' : 'CORS preflight'
    return [statusCode, { description, ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}) }]
  })
  return {
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: Object.fromEntries(responses),
    ...(Object.keys(security).length > 0 ? { security: [security] } : {}),
    'x-amazon-apigateway-integration': integration(m.integration),
  }
}

/**
 * `/prompts/{id}` → the path parameters OpenAPI wants declared (`{proxy+}` is `proxy`): on each operation, as API
 * Gateway's own exports put them.
 */
function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
}

/** The document, deterministic: paths and methods sorted, so equal definitions give equal text and hash. */
export function openApiDocument(definition: ApiDefinition, info: DocumentInfo): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  for (const r of [...definition.resources].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    // Paths without methods are made by API Gateway as the parents of those that have some.
    if (r.methods.length === 0) continue
    const parameters = pathParameters(r.path)
    paths[r.path] = Object.fromEntries(
      [...r.methods]
        .sort((a, b) => (a.httpMethod < b.httpMethod ? -1 : 1))
        .map((m) => [
          m.httpMethod === 'ANY' ? 'x-amazon-apigateway-any-method' : m.httpMethod.toLowerCase(),
          operation(m, parameters),
        ]),
    )
  }
  const apiKeys = definition.resources.some((r) => r.methods.some((m) => m.apiKeyRequired))
  const schemes = {
    ...Object.fromEntries(definition.authorizers.map((a) => [a.name, authorizerScheme(a)])),
    ...(apiKeys ? { [API_KEY_SCHEME]: { type: 'apiKey', name: 'x-api-key', in: 'header' } } : {}),
  }
  return {
    openapi: OPENAPI_VERSION,
    info: { title: info.title, ...(info.description ? { description: info.description } : {}), version: '1.0' },
    paths,
    components: Object.keys(schemes).length > 0 ? { securitySchemes: schemes } : {},
    ...(definition.gatewayResponses.length > 0
      ? {
          'x-amazon-apigateway-gateway-responses': Object.fromEntries(
            definition.gatewayResponses.map((g) => [
              g.responseType,
              { responseParameters: g.responseParameters, responseTemplates: g.responseTemplates },
            ]),
          ),
        }
      : {}),
  }
}

/** The document as sent: JSON with sorted keys. */
export const documentText = (document: OpenApiDocument) => canonical(document)

/** Names a document; kept in the deployment's description so a rerun knows what the stage serves. */
export const documentHash = (document: OpenApiDocument) =>
  createHash('sha256').update(documentText(document)).digest('hex').slice(0, 16)
