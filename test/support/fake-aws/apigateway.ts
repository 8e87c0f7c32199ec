// FakeApiGateway: REST APIs (API Gateway v1) — the APIs and their resources, and the state and helpers the other
// parts share. Methods and integrations live in apigateway-methods.ts; authorizers, gateway responses and tags in
// apigateway-authorizers.ts; deployments, stages and the account in apigateway-stages.ts; usage plans and API keys in
// apigateway-usage-plans.ts; the state's shape and AWS's errors in apigateway-model.ts. What it models: apigateway.md.
import * as sdk from '@aws-sdk/client-api-gateway'
import {
  APIGatewayClient,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  UpdateRestApiCommand,
  type Authorizer,
  type CreateResourceRequest,
  type CreateRestApiRequest,
  type EndpointType,
  type Method,
  type Resource,
  type RestApi,
  type UpdateRestApiRequest,
} from '@aws-sdk/client-api-gateway'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, on, type FakeEnv, type ServiceFake } from './core.js'
import { authorizerHandlers } from './apigateway-authorizers.js'
import { methodHandlers } from './apigateway-methods.js'
import {
  addChildResource,
  badRequest,
  conflict,
  emptyState,
  invalidPatch,
  newId,
  notFound,
  paginate,
  PATH_PART,
  tooManyRequests,
  type ApiGatewayState,
  type ApiState,
  type DeploymentState,
  type Entry,
  type MethodState,
  type ResourceState,
  type StageState,
} from './apigateway-model.js'
import { stageHandlers } from './apigateway-stages.js'
import { usagePlanHandlers } from './apigateway-usage-plans.js'
import { domainHandlers } from './apigateway-domains.js'
import { importHandlers } from './apigateway-import.js'

export type { ApiState, DeploymentState, MethodState, ResourceState, StageState } from './apigateway-model.js'

export class FakeApiGateway implements ServiceFake {
  readonly service = 'apigateway'
  readonly client = APIGatewayClient
  readonly sdk = sdk
  state: ApiGatewayState = emptyState()
  /** GetResources?embed=methods includes each method's integration (false: callers must GetIntegration). */
  embedIntegrations = true
  /** AWS's default quota of resources per API; past it CreateResource fails with LimitExceededException. */
  maxResourcesPerApi = 300
  /** The next n UpdateAccount calls fail as when a new role is not visible to API Gateway yet. */
  roleNotReadyFailures = 0
  private storm = 0
  private lastCreated = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  get region(): string {
    return this.env.region
  }

  /** A creation time later than every earlier one (deployments are ordered by it). */
  now(): number {
    this.lastCreated = Math.max(this.env.clock.now(), this.lastCreated + 1)
    return this.lastCreated
  }

  handlers(): Entry[] {
    const entries: Entry[] = [
      on(CreateRestApiCommand, (i) => this.createRestApi(i)),
      on(GetRestApiCommand, (i) => this.renderApi(this.apiOrThrow(i.restApiId))),
      on(GetRestApisCommand, (i) => {
        const all = Object.values(this.state.apis).sort((a, b) => a.createdDate - b.createdDate)
        const page = paginate(all, i.position, i.limit)
        return { ...page, items: page.items.map((a) => this.renderApi(a)) }
      }),
      on(UpdateRestApiCommand, (i) => this.updateRestApi(i)),
      on(DeleteRestApiCommand, (i) => {
        delete this.state.apis[this.apiOrThrow(i.restApiId).id]
        return {}
      }),
      on(CreateResourceCommand, (i) => this.createResource(i)),
      on(DeleteResourceCommand, (i) => {
        const api = this.apiOrThrow(i.restApiId)
        const resource = this.resourceOrThrow(api, i.resourceId)
        if (resource.id === api.rootResourceId) throw badRequest('Cannot delete the root resource')
        for (const r of Object.values(api.resources))
          if (r.path === resource.path || r.path.startsWith(`${resource.path}/`)) delete api.resources[r.id]
        return {}
      }),
      ...authorizerHandlers(this),
      ...methodHandlers(this),
      ...stageHandlers(this),
      ...usagePlanHandlers(this),
      ...domainHandlers(this),
      ...importHandlers(this),
    ]
    // Any operation may be throttled: API Gateway's quotas are account-wide.
    return entries.map(([command, handler]): Entry => [
      command,
      (input) => {
        if (this.storm > 0) {
          this.storm -= 1
          throw tooManyRequests()
        }
        return handler(input)
      },
    ])
  }

  // --- helpers for tests -------------------------------------------------------------------------------------------

  /** The next `n` calls, of any operation, fail with TooManyRequestsException. */
  throttleStorm(n: number): void {
    this.storm += n
  }

  api(id: string): ApiState | undefined {
    return this.state.apis[id]
  }

  apisNamed(name: string): ApiState[] {
    return Object.values(this.state.apis).filter((a) => a.name === name)
  }

  resourceAt(apiId: string, path: string): ResourceState | undefined {
    return Object.values(this.state.apis[apiId]?.resources ?? {}).find((r) => r.path === path)
  }

  /** Every `METHOD /path` of the API's working definition, sorted. */
  methodKeys(apiId: string): string[] {
    const api = this.state.apis[apiId]
    return api
      ? this.methodsOf(api)
          .map(({ path, method }) => `${method.httpMethod} ${path}`)
          .sort()
      : []
  }

  stage(apiId: string, name: string): StageState | undefined {
    return this.state.apis[apiId]?.stages[name]
  }

  /** The API's deployments, oldest first. */
  deployments(apiId: string): DeploymentState[] {
    return Object.values(this.state.apis[apiId]?.deployments ?? {}).sort((a, b) => a.createdDate - b.createdDate)
  }

  /** Every `METHOD /path` the stage serves: its deployment's snapshot, not the working definition. */
  servedMethodKeys(apiId: string, stage: string): string[] {
    const api = this.state.apis[apiId]
    const snapshot = api?.deployments[api.stages[stage]?.deploymentId ?? '']?.snapshot ?? {}
    return Object.entries(snapshot)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
      .sort()
  }

  /** Drift: the method disappears without any API call. */
  deleteMethodOutOfBand(apiId: string, path: string, httpMethod: string): void {
    const resource = this.resourceAt(apiId, path)
    if (!resource?.methods[httpMethod]) throw new Error(`FakeApiGateway: no ${httpMethod} ${path} in ${apiId}`)
    delete resource.methods[httpMethod]
  }

  toJSON(): unknown {
    return structuredClone(this.state)
  }

  load(state: any): void {
    this.state = { ...emptyState(), ...structuredClone(state) }
  }

  // --- shared with apigateway-methods.ts and apigateway-stages.ts ----------------------------------------------------

  apiOrThrow(id: string | undefined): ApiState {
    const api = id ? this.state.apis[id] : undefined
    if (!api) throw notFound(`Invalid API identifier specified ${this.env.account}:${id}`)
    return api
  }

  resourceOrThrow(api: ApiState, id: string | undefined): ResourceState {
    const resource = id ? api.resources[id] : undefined
    if (!resource) throw notFound('Invalid Resource identifier specified')
    return resource
  }

  authorizerOrThrow(api: ApiState, id: string | undefined): Authorizer {
    const authorizer = id ? api.authorizers[id] : undefined
    if (!authorizer) throw notFound('Invalid Authorizer identifier specified')
    return authorizer
  }

  methodsOf(api: ApiState): Array<{ path: string; method: MethodState }> {
    return Object.values(api.resources).flatMap((r) =>
      Object.values(r.methods).map((method) => ({ path: r.path, method })),
    )
  }

  renderMethod(m: MethodState, withIntegration = true): Method {
    return {
      httpMethod: m.httpMethod,
      authorizationType: m.authorizationType,
      ...(m.authorizerId ? { authorizerId: m.authorizerId } : {}),
      apiKeyRequired: m.apiKeyRequired,
      ...(Object.keys(m.methodResponses).length > 0 ? { methodResponses: structuredClone(m.methodResponses) } : {}),
      ...(withIntegration && m.integration ? { methodIntegration: structuredClone(m.integration) } : {}),
    }
  }

  renderResource(r: ResourceState, embed: boolean): Resource {
    const methods = Object.values(r.methods)
    return {
      id: r.id,
      ...(r.parentId ? { parentId: r.parentId } : {}),
      ...(r.pathPart ? { pathPart: r.pathPart } : {}),
      path: r.path,
      ...(methods.length > 0
        ? {
            resourceMethods: Object.fromEntries(
              methods.map((m) => [m.httpMethod, embed ? this.renderMethod(m, this.embedIntegrations) : {}]),
            ),
          }
        : {}),
    }
  }

  // --- handlers -------------------------------------------------------------------------------------------------------

  renderApi(a: ApiState): RestApi {
    return {
      id: a.id,
      name: a.name,
      ...(a.description ? { description: a.description } : {}),
      createdDate: new Date(a.createdDate),
      apiKeySource: 'HEADER',
      endpointConfiguration: { types: [...a.endpointTypes] as EndpointType[] },
      disableExecuteApiEndpoint: false,
      rootResourceId: a.rootResourceId,
      ...(Object.keys(a.tags).length > 0 ? { tags: { ...a.tags } } : {}),
    }
  }

  createRestApi(i: CreateRestApiRequest): RestApi {
    if (!i.name) throw badRequest('Invalid REST API name specified')
    const types = i.endpointConfiguration?.types ?? ['EDGE']
    if (types.length !== 1 || !['REGIONAL', 'EDGE', 'PRIVATE'].includes(types[0]!))
      throw badRequest('Invalid endpoint configuration: exactly one of REGIONAL, EDGE, PRIVATE')
    const id = newId(10)
    const rootResourceId = newId(10)
    const api: ApiState = {
      id,
      name: i.name,
      ...(i.description ? { description: i.description } : {}),
      createdDate: this.now(),
      endpointTypes: [...types],
      tags: { ...i.tags },
      rootResourceId,
      resources: { [rootResourceId]: { id: rootResourceId, path: '/', methods: {} } },
      authorizers: {},
      gatewayResponses: {},
      deployments: {},
      stages: {},
    }
    this.state.apis[id] = api
    return this.renderApi(api)
  }

  private updateRestApi(i: UpdateRestApiRequest): RestApi {
    const api = this.apiOrThrow(i.restApiId)
    for (const op of i.patchOperations ?? []) {
      if (op.op === 'replace' && op.path === '/description') api.description = op.value
      else if (op.op === 'replace' && op.path === '/name' && op.value) api.name = op.value
      else if (op.op === 'replace' && op.path?.startsWith('/endpointConfiguration/types/')) {
        const from = op.path.slice('/endpointConfiguration/types/'.length)
        if (api.endpointTypes[0] !== from) throw badRequest(`Invalid endpoint type to replace: ${from}`)
        api.endpointTypes = [op.value ?? '']
      } else throw invalidPatch(op, ['/description', '/name', '/endpointConfiguration/types/{type}'])
    }
    return this.renderApi(api)
  }

  private createResource(i: CreateResourceRequest): Resource {
    const api = this.apiOrThrow(i.restApiId)
    const parent = this.resourceOrThrow(api, i.parentId)
    const part = i.pathPart ?? ''
    if (!PATH_PART.test(part))
      throw badRequest(
        `Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`,
      )
    const siblings = Object.values(api.resources).filter((r) => r.parentId === parent.id)
    if (siblings.some((r) => r.pathPart === part))
      throw conflict(`Another resource with the same parent already has this name: ${part}`)
    const variable = siblings.find((r) => r.pathPart?.startsWith('{'))
    if (variable && part.startsWith('{'))
      throw badRequest(
        `A sibling (${variable.pathPart}) of this resource already has a variable path part -- only one is allowed`,
      )
    return this.renderResource(addChildResource(api, parent, part, this.maxResourcesPerApi), false)
  }
}
