// FakeApiGateway's authorizers, gateway responses and tags. What it models: apigateway.md.
import {
  CreateAuthorizerCommand,
  DeleteAuthorizerCommand,
  DeleteGatewayResponseCommand,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetTagsCommand,
  PutGatewayResponseCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAuthorizerCommand,
  type Authorizer,
  type CreateAuthorizerRequest,
  type GatewayResponse,
  type UpdateAuthorizerRequest,
} from '@aws-sdk/client-api-gateway'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import {
  badRequest,
  conflict,
  DEFAULT_ERROR_TEMPLATE,
  DEFAULT_GATEWAY_RESPONSES,
  invalidPatch,
  newId,
  notFound,
  paginate,
  taggedPath,
  type Entry,
} from './apigateway-model.js'

export function authorizerHandlers(fake: FakeApiGateway): Entry[] {
  const createAuthorizer = (i: CreateAuthorizerRequest): Authorizer => {
    const api = fake.apiOrThrow(i.restApiId)
    if (!i.name) throw badRequest('Invalid authorizer name')
    if (i.type === 'COGNITO_USER_POOLS' && !i.providerARNs?.length)
      throw badRequest('ProviderARNs need to be specified for Cognito User Pools authorizers')
    if (i.providerARNs?.some((a) => !/^arn:aws[\w-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/.+$/.test(a)))
      throw badRequest(`Invalid provider ARN: ${i.providerARNs.join(', ')}`)
    if (Object.values(api.authorizers).some((a) => a.name === i.name))
      throw conflict(`Authorizer with name '${i.name}' already exists`)
    const authorizer: Authorizer = {
      id: newId(6),
      name: i.name,
      type: i.type,
      ...(i.providerARNs ? { providerARNs: [...i.providerARNs] } : {}),
      authType: i.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom',
      identitySource: i.identitySource ?? 'method.request.header.Authorization',
    }
    api.authorizers[authorizer.id!] = authorizer
    return authorizer
  }

  const updateAuthorizer = (i: UpdateAuthorizerRequest): Authorizer => {
    const api = fake.apiOrThrow(i.restApiId)
    const authorizer = fake.authorizerOrThrow(api, i.authorizerId)
    for (const op of i.patchOperations ?? []) {
      const arns = authorizer.providerARNs ?? []
      if (op.op === 'add' && op.path === '/providerARNs' && op.value) authorizer.providerARNs = [...arns, op.value]
      else if (op.op === 'remove' && op.path?.startsWith('/providerARNs')) {
        const arn = op.path === '/providerARNs' ? (op.value ?? '') : op.path.slice('/providerARNs/'.length)
        if (!arns.includes(arn)) throw badRequest(`Invalid provider ARN to remove: ${arn}`)
        authorizer.providerARNs = arns.filter((a) => a !== arn)
      } else if (op.op === 'replace' && op.path === '/identitySource') authorizer.identitySource = op.value
      else if (op.op === 'replace' && op.path === '/name') authorizer.name = op.value
      else throw invalidPatch(op, ['/providerARNs', '/identitySource', '/name'])
    }
    if (authorizer.type === 'COGNITO_USER_POOLS' && !authorizer.providerARNs?.length)
      throw badRequest('ProviderARNs need to be specified for Cognito User Pools authorizers')
    return authorizer
  }

  /** What TagResource and GetTags act on: an API, a stage, a usage plan or an API key. */
  const taggable = (arn: string | undefined): { tags: Record<string, string> } => {
    const path = taggedPath(arn, fake.region)
    const [, kind, id, sub, name] = path.split('/')
    if (kind === 'restapis' && !sub) return fake.apiOrThrow(id)
    if (kind === 'restapis' && sub === 'stages') {
      const stage = fake.apiOrThrow(id).stages[name ?? '']
      if (!stage) throw notFound('Invalid Stage identifier specified')
      return stage
    }
    if (kind === 'usageplans' && fake.state.usagePlans[id ?? '']) return fake.state.usagePlans[id!]!
    if (kind === 'apikeys' && fake.state.apiKeys[id ?? '']) return fake.state.apiKeys[id!]!
    if (kind === 'domainnames' && fake.state.domainNames?.[id ?? '']) return fake.state.domainNames[id!]!
    throw notFound(`Invalid resource ARN: ${arn}`)
  }

  return [
    on(CreateAuthorizerCommand, (i) => createAuthorizer(i)),
    on(GetAuthorizersCommand, (i) =>
      paginate(Object.values(fake.apiOrThrow(i.restApiId).authorizers), i.position, i.limit),
    ),
    on(UpdateAuthorizerCommand, (i) => updateAuthorizer(i)),
    on(DeleteAuthorizerCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      const authorizer = fake.authorizerOrThrow(api, i.authorizerId)
      const user = fake.methodsOf(api).find(({ method }) => method.authorizerId === authorizer.id)
      if (user)
        throw conflict(
          `Cannot delete authorizer '${authorizer.name}', is referenced in method: ${user.method.httpMethod}/${user.path}`,
        )
      delete api.authorizers[authorizer.id!]
      return {}
    }),
    on(PutGatewayResponseCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      if (!i.responseType || !(i.responseType in DEFAULT_GATEWAY_RESPONSES))
        throw badRequest(`Invalid response type: ${i.responseType}`)
      const response: GatewayResponse = {
        responseType: i.responseType,
        ...(i.statusCode ? { statusCode: i.statusCode } : {}),
        responseParameters: { ...i.responseParameters },
        responseTemplates: { ...i.responseTemplates },
        defaultResponse: false,
      }
      api.gatewayResponses[i.responseType] = response
      return response
    }),
    on(GetGatewayResponsesCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      const all = Object.entries(DEFAULT_GATEWAY_RESPONSES).map(
        ([type, statusCode]): GatewayResponse =>
          api.gatewayResponses[type] ?? {
            responseType: type as GatewayResponse['responseType'],
            ...(statusCode ? { statusCode } : {}),
            responseParameters: {},
            responseTemplates: { ...DEFAULT_ERROR_TEMPLATE },
            defaultResponse: true,
          },
      )
      return paginate(all, i.position, i.limit)
    }),
    on(DeleteGatewayResponseCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      if (!api.gatewayResponses[i.responseType ?? '']) throw notFound('Invalid Gateway Response identifier specified')
      delete api.gatewayResponses[i.responseType!]
      return {}
    }),
    on(TagResourceCommand, (i) => {
      const holder = taggable(i.resourceArn)
      holder.tags = { ...holder.tags, ...i.tags }
      return {}
    }),
    on(UntagResourceCommand, (i) => {
      const holder = taggable(i.resourceArn)
      for (const key of i.tagKeys ?? []) delete holder.tags[key]
      return {}
    }),
    on(GetTagsCommand, (i) => ({ tags: { ...taggable(i.resourceArn).tags } })),
  ]
}
