// FakeApiGateway's resources read, methods, integrations, method responses and integration responses.
// What it models: apigateway.md.
import {
  DeleteIntegrationCommand,
  DeleteIntegrationResponseCommand,
  DeleteMethodCommand,
  DeleteMethodResponseCommand,
  GetIntegrationCommand,
  GetIntegrationResponseCommand,
  GetMethodCommand,
  GetMethodResponseCommand,
  GetResourceCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateIntegrationCommand,
  UpdateMethodCommand,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type PutIntegrationRequest,
  type PutIntegrationResponseRequest,
  type PutMethodRequest,
  type UpdateMethodRequest,
} from '@aws-sdk/client-api-gateway'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import {
  badRequest,
  conflict,
  invalidPatch,
  LAMBDA_URI,
  notFound,
  paginate,
  patchBoolean,
  patchNumber,
  type ApiState,
  type Entry,
  type MethodState,
} from './apigateway-model.js'

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'ANY']
const AUTHORIZATION_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS']
const INTEGRATION_TYPES = ['MOCK', 'AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY']

export function methodHandlers(fake: FakeApiGateway): Entry[] {
  const at = (i: { restApiId?: string; resourceId?: string }) => {
    const api = fake.apiOrThrow(i.restApiId)
    return { api, resource: fake.resourceOrThrow(api, i.resourceId) }
  }
  const methodOf = (i: { restApiId?: string; resourceId?: string; httpMethod?: string }) => {
    const { api, resource } = at(i)
    const method = resource.methods[i.httpMethod ?? '']
    if (!method) throw notFound('Invalid Method identifier specified')
    return { api, method }
  }
  const integrationOf = (i: { restApiId?: string; resourceId?: string; httpMethod?: string }) => {
    const { api, method } = methodOf(i)
    if (!method.integration) throw notFound('No integration defined for method')
    return { api, method, integration: method.integration }
  }

  /** COGNITO_USER_POOLS and CUSTOM need an authorizer of that type; the others none. */
  const checkAuthorization = (api: ApiState, m: MethodState) => {
    if (!AUTHORIZATION_TYPES.includes(m.authorizationType))
      throw badRequest(`Invalid authorization type specified: ${m.authorizationType}`)
    if (m.authorizationType !== 'COGNITO_USER_POOLS' && m.authorizationType !== 'CUSTOM') {
      delete m.authorizerId
      return
    }
    const authorizer = m.authorizerId ? api.authorizers[m.authorizerId] : undefined
    const wanted = m.authorizationType === 'CUSTOM' ? ['TOKEN', 'REQUEST'] : ['COGNITO_USER_POOLS']
    if (!authorizer || !wanted.includes(authorizer.type ?? ''))
      throw badRequest(
        `Invalid authorizer ID specified. Setting the authorization type to ${m.authorizationType} requires a valid authorizer.`,
      )
  }

  const putMethod = (i: PutMethodRequest): Method => {
    const { api, resource } = at(i)
    if (!HTTP_METHODS.includes(i.httpMethod ?? '')) throw badRequest(`Invalid HttpMethod specified: ${i.httpMethod}`)
    if (resource.methods[i.httpMethod!]) throw conflict('Method already exists for this resource')
    const method: MethodState = {
      httpMethod: i.httpMethod!,
      authorizationType: i.authorizationType ?? '',
      ...(i.authorizerId ? { authorizerId: i.authorizerId } : {}),
      apiKeyRequired: i.apiKeyRequired ?? false,
      methodResponses: {},
    }
    checkAuthorization(api, method)
    resource.methods[method.httpMethod] = method
    return fake.renderMethod(method)
  }

  const updateMethod = (i: UpdateMethodRequest): Method => {
    const { api, method } = methodOf(i)
    const next = structuredClone(method)
    for (const op of i.patchOperations ?? []) {
      if (op.op !== 'replace') throw invalidPatch(op, ['/authorizationType', '/authorizerId', '/apiKeyRequired'])
      if (op.path === '/authorizationType') next.authorizationType = op.value ?? ''
      else if (op.path === '/authorizerId') next.authorizerId = op.value
      else if (op.path === '/apiKeyRequired') next.apiKeyRequired = patchBoolean(op)
      else throw invalidPatch(op, ['/authorizationType', '/authorizerId', '/apiKeyRequired'])
    }
    checkAuthorization(api, next)
    Object.assign(method, next)
    if (!next.authorizerId) delete method.authorizerId
    return fake.renderMethod(method)
  }

  const putIntegration = (i: PutIntegrationRequest): Integration => {
    const { method } = methodOf(i)
    if (!INTEGRATION_TYPES.includes(i.type ?? '')) throw badRequest(`Invalid integration type specified: ${i.type}`)
    const remote = i.type !== 'MOCK'
    if (remote && !i.integrationHttpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty')
    if (i.type === 'AWS_PROXY' && !LAMBDA_URI.test(i.uri ?? ''))
      throw badRequest(
        `Invalid ARN specified in the request: ${i.uri} (AWS_PROXY needs a Lambda function invocation ARN)`,
      )
    const timeout = i.timeoutInMillis ?? 29_000
    if (timeout < 50 || timeout > 29_000) throw badRequest('Timeout should be between 50 ms and 29000 ms')
    // PutIntegration replaces the whole integration: integration responses must be put again after it.
    method.integration = {
      type: i.type,
      ...(remote ? { httpMethod: i.integrationHttpMethod } : {}),
      ...(i.uri ? { uri: i.uri } : {}),
      ...(i.requestTemplates ? { requestTemplates: { ...i.requestTemplates } } : {}),
      passthroughBehavior: i.passthroughBehavior ?? 'WHEN_NO_MATCH',
      timeoutInMillis: timeout,
      cacheNamespace: i.resourceId,
      cacheKeyParameters: [],
    }
    return structuredClone(method.integration)
  }

  const putMethodResponse = (i: { restApiId?: string; resourceId?: string; httpMethod?: string } & MethodResponse) => {
    const { method } = methodOf(i)
    if (!/^[1-5]\d\d$/.test(i.statusCode ?? '')) throw badRequest(`Invalid status code: ${i.statusCode}`)
    if (method.methodResponses[i.statusCode!]) throw conflict('Response already exists for this resource')
    const response: MethodResponse = {
      statusCode: i.statusCode,
      ...(i.responseParameters ? { responseParameters: { ...i.responseParameters } } : {}),
      ...(i.responseModels ? { responseModels: { ...i.responseModels } } : {}),
    }
    method.methodResponses[i.statusCode!] = response
    return response
  }

  const putIntegrationResponse = (i: PutIntegrationResponseRequest): IntegrationResponse => {
    const { method, integration } = integrationOf(i)
    const declared = method.methodResponses[i.statusCode ?? '']
    if (!declared) throw notFound('Invalid Response status code specified')
    for (const target of Object.keys(i.responseParameters ?? {})) {
      if (!target.startsWith('method.response.header.') || declared.responseParameters?.[target] === undefined)
        throw badRequest(
          `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${target}]`,
        )
    }
    const response: IntegrationResponse = {
      statusCode: i.statusCode,
      ...(i.selectionPattern ? { selectionPattern: i.selectionPattern } : {}),
      ...(i.responseParameters ? { responseParameters: { ...i.responseParameters } } : {}),
      ...(i.responseTemplates ? { responseTemplates: { ...i.responseTemplates } } : {}),
    }
    integration.integrationResponses = { ...integration.integrationResponses, [i.statusCode!]: response }
    return response
  }

  return [
    on(GetResourcesCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      const embed = i.embed?.includes('methods') ?? false
      const all = Object.values(api.resources).sort((a, b) => (a.path < b.path ? -1 : 1))
      const page = paginate(all, i.position, i.limit)
      return { ...page, items: page.items.map((r) => fake.renderResource(r, embed)) }
    }),
    on(GetResourceCommand, (i) => {
      const { resource } = at(i)
      return fake.renderResource(resource, i.embed?.includes('methods') ?? false)
    }),
    on(PutMethodCommand, putMethod),
    on(GetMethodCommand, (i) => fake.renderMethod(methodOf(i).method)),
    on(UpdateMethodCommand, updateMethod),
    on(DeleteMethodCommand, (i) => {
      const { resource } = at(i)
      if (!resource.methods[i.httpMethod ?? '']) throw notFound('Invalid Method identifier specified')
      delete resource.methods[i.httpMethod!]
      return {}
    }),
    on(PutIntegrationCommand, putIntegration),
    on(GetIntegrationCommand, (i) => structuredClone(integrationOf(i).integration)),
    on(UpdateIntegrationCommand, (i) => {
      const { integration } = integrationOf(i)
      for (const op of i.patchOperations ?? []) {
        if (op.op === 'replace' && op.path === '/timeoutInMillis') {
          const timeout = patchNumber(op)
          if (timeout < 50 || timeout > 29_000) throw badRequest('Timeout should be between 50 ms and 29000 ms')
          integration.timeoutInMillis = timeout
        } else if (op.op === 'replace' && op.path === '/uri') integration.uri = op.value
        else throw invalidPatch(op, ['/timeoutInMillis', '/uri'])
      }
      return structuredClone(integration)
    }),
    on(DeleteIntegrationCommand, (i) => {
      const { method } = integrationOf(i)
      delete method.integration
      return {}
    }),
    on(PutMethodResponseCommand, putMethodResponse),
    on(GetMethodResponseCommand, (i) => {
      const response = methodOf(i).method.methodResponses[i.statusCode ?? '']
      if (!response) throw notFound('Invalid Response status code specified')
      return structuredClone(response)
    }),
    on(DeleteMethodResponseCommand, (i) => {
      const { method } = methodOf(i)
      if (!method.methodResponses[i.statusCode ?? '']) throw notFound('Invalid Response status code specified')
      delete method.methodResponses[i.statusCode!]
      return {}
    }),
    on(PutIntegrationResponseCommand, putIntegrationResponse),
    on(GetIntegrationResponseCommand, (i) => {
      const response = integrationOf(i).integration.integrationResponses?.[i.statusCode ?? '']
      if (!response) throw notFound('Invalid Response status code specified')
      return structuredClone(response)
    }),
    on(DeleteIntegrationResponseCommand, (i) => {
      const { integration } = integrationOf(i)
      if (!integration.integrationResponses?.[i.statusCode ?? ''])
        throw notFound('Invalid Response status code specified')
      delete integration.integrationResponses[i.statusCode!]
      return {}
    }),
  ]
}
