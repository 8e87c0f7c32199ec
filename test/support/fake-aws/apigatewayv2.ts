// FakeApiGatewayV2: WebSocket (and HTTP) APIs and tags, the test knobs and helpers; routes and integrations live in
// apigatewayv2-routes.ts, deployments and stages in apigatewayv2-stages.ts, the state's shape and error helpers in
// apigatewayv2-model.ts. What it models: apigatewayv2.md.
import * as sdk from '@aws-sdk/client-apigatewayv2'
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  DeleteApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetTagsCommand,
  TagResourceCommand,
  UpdateApiCommand,
  type Api,
  type CreateApiRequest,
  type GetApisResponse,
  type UpdateApiRequest,
} from '@aws-sdk/client-apigatewayv2'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, on, type Clock, type FakeEnv, type ServiceFake } from './core.js'
import {
  badRequest,
  newId,
  notFound,
  paginate,
  tooManyRequests,
  type ApiRecord,
  type DeployedRoute,
  type Entry,
  type StageRecord,
  type V2State,
} from './apigatewayv2-model.js'
import { routeHandlers } from './apigatewayv2-routes.js'
import { stageHandlers, stageOrThrow } from './apigatewayv2-stages.js'
import { domainHandlers, domainOrThrow } from './apigatewayv2-domains.js'

export type { ApiRecord, DeployedRoute, StageRecord } from './apigatewayv2-model.js'

export class FakeApiGatewayV2 implements ServiceFake {
  readonly service = 'apigatewayv2'
  readonly client = ApiGatewayV2Client
  readonly sdk = sdk
  state: V2State = { seq: 0, apis: {} }
  /**
   * The account setting API Gateway writes logs with (apigateway UpdateAccount cloudwatchRoleArn, shared with REST
   * APIs). Without it, access logging on a WebSocket stage is refused.
   */
  cloudWatchRoleConfigured = true
  private storm = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  get region(): string {
    return this.env.region
  }

  get clock(): Clock {
    return this.env.clock
  }

  handlers(): Entry[] {
    const entries: Entry[] = [
      on(CreateApiCommand, (i) => this.createApi(i)),
      on(GetApiCommand, (i) => this.renderApi(this.apiOrThrow(i.ApiId))),
      on(GetApisCommand, (i): GetApisResponse => {
        const { page, next } = paginate(Object.values(this.state.apis), i.NextToken, i.MaxResults)
        return { Items: page.map((a) => this.renderApi(a)), ...(next && { NextToken: next }) }
      }),
      on(UpdateApiCommand, (i) => this.updateApi(i)),
      on(DeleteApiCommand, (i) => {
        delete this.state.apis[this.apiOrThrow(i.ApiId).ApiId]
        return {}
      }),
      on(TagResourceCommand, (i) => {
        const tagged = this.taggable(i.ResourceArn)
        tagged.tags = { ...tagged.tags, ...i.Tags }
        return {}
      }),
      on(GetTagsCommand, (i) => ({ Tags: { ...this.taggable(i.ResourceArn).tags } })),
      ...routeHandlers(this),
      ...stageHandlers(this),
      ...domainHandlers(this),
    ]
    return entries.map(([command, handler]) => [command, (input: unknown) => this.guarded(handler, input)])
  }

  // ---- knobs and helpers for tests

  /** The next `calls` calls, whatever their command, fail with TooManyRequestsException (an account-wide quota). */
  throttleStorm(calls: number): void {
    this.storm = calls
  }

  api(apiId: string): ApiRecord | undefined {
    return this.state.apis[apiId]
  }

  apisNamed(name: string): ApiRecord[] {
    return Object.values(this.state.apis).filter((a) => a.Name === name)
  }

  stage(apiId: string, stageName: string): StageRecord | undefined {
    return this.state.apis[apiId]?.stages[stageName]
  }

  /** What a stage serves: the routes (and their integrations) frozen by its deployment. */
  served(apiId: string, stageName: string): DeployedRoute[] | undefined {
    const api = this.state.apis[apiId]
    const id = api?.stages[stageName]?.DeploymentId
    return id ? api.deployments[id]?.routes : undefined
  }

  deleteRouteOutOfBand(apiId: string, routeKey: string): void {
    const api = this.apiOrThrow(apiId)
    const route = Object.values(api.routes).find((r) => r.RouteKey === routeKey)
    if (!route) throw new Error(`FakeApiGatewayV2: API ${apiId} has no route ${routeKey}`)
    delete api.routes[route.RouteId!]
  }

  deleteApiOutOfBand(apiId: string): void {
    delete this.state.apis[apiId]
  }

  toJSON(): unknown {
    return structuredClone({ state: this.state, cloudWatchRoleConfigured: this.cloudWatchRoleConfigured })
  }

  load(saved: any): void {
    this.state = structuredClone(saved?.state ?? { seq: 0, apis: {} })
    this.cloudWatchRoleConfigured = saved?.cloudWatchRoleConfigured ?? true
  }

  apiOrThrow(apiId: string | undefined): ApiRecord {
    const api = apiId ? this.state.apis[apiId] : undefined
    if (!api) throw notFound(`Invalid API identifier specified ${this.env.account}:${apiId}`, 'Api')
    return api
  }

  // ---- handlers

  private guarded(handler: (input: any) => unknown, input: unknown): unknown {
    if (this.storm > 0) {
      this.storm -= 1
      throw tooManyRequests()
    }
    return handler(input)
  }

  private createApi(i: CreateApiRequest): Api {
    if (!i.Name) throw badRequest('Name is required')
    if (i.ProtocolType !== 'WEBSOCKET' && i.ProtocolType !== 'HTTP')
      throw badRequest(`Invalid ProtocolType: ${i.ProtocolType}`)
    if (i.ProtocolType === 'WEBSOCKET' && !i.RouteSelectionExpression)
      throw badRequest('RouteSelectionExpression is required for WEBSOCKET APIs')
    const api: ApiRecord = {
      ApiId: newId(this.state, 'api', 10),
      Name: i.Name,
      ProtocolType: i.ProtocolType,
      RouteSelectionExpression: i.RouteSelectionExpression ?? '${request.method} ${request.path}',
      ApiKeySelectionExpression: i.ApiKeySelectionExpression ?? '$request.header.x-api-key',
      ...(i.Description !== undefined && { Description: i.Description }),
      CreatedDate: this.env.clock.now(),
      tags: { ...i.Tags },
      routes: {},
      integrations: {},
      deployments: {},
      stages: {},
    }
    this.state.apis[api.ApiId] = api
    return this.renderApi(api)
  }

  private updateApi(i: UpdateApiRequest): Api {
    const api = this.apiOrThrow(i.ApiId)
    if (i.Name !== undefined) api.Name = i.Name
    if (i.RouteSelectionExpression !== undefined) api.RouteSelectionExpression = i.RouteSelectionExpression
    if (i.Description !== undefined) api.Description = i.Description
    return this.renderApi(api)
  }

  private renderApi(a: ApiRecord): Api {
    const scheme = a.ProtocolType === 'WEBSOCKET' ? 'wss' : 'https'
    return {
      ApiId: a.ApiId,
      Name: a.Name,
      ProtocolType: a.ProtocolType,
      RouteSelectionExpression: a.RouteSelectionExpression,
      ApiKeySelectionExpression: a.ApiKeySelectionExpression,
      ApiEndpoint: `${scheme}://${a.ApiId}.execute-api.${this.region}.amazonaws.com`,
      CreatedDate: new Date(a.CreatedDate),
      DisableExecuteApiEndpoint: false,
      ...(a.Description !== undefined && { Description: a.Description }),
      Tags: { ...a.tags },
    }
  }

  /** `arn:aws:apigateway:<region>::/apis/<id>` or `…/apis/<id>/stages/<name>`. */
  private taggable(resourceArn: string | undefined): { tags: Record<string, string> } {
    const domain = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/domainnames\/([^/]+)$/.exec(resourceArn ?? '')
    if (domain) return domainOrThrow(this, domain[1]!)
    const match = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::\/apis\/([a-z0-9]+)(?:\/stages\/([^/]+))?$/.exec(
      resourceArn ?? '',
    )
    if (!match || match[1] !== this.region) throw badRequest(`Invalid resource ARN: ${resourceArn}`)
    const api = this.apiOrThrow(match[2])
    return match[3] === undefined ? api : stageOrThrow(api, match[3])
  }
}
