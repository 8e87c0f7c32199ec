// FakeApiGatewayV2's deployments and stages. What it models: apigatewayv2.md.
import {
  CreateDeploymentCommand,
  CreateStageCommand,
  DeleteDeploymentCommand,
  DeleteStageCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetStageCommand,
  UpdateStageCommand,
  type AccessLogSettings,
  type CreateDeploymentRequest,
  type CreateStageRequest,
  type Deployment,
  type GetDeploymentsResponse,
  type RouteSettings,
  type Stage,
  type UpdateStageRequest,
} from '@aws-sdk/client-apigatewayv2'
import { on, type Clock } from './core.js'
import {
  LOG_GROUP_ARN,
  STAGE_NAME,
  badRequest,
  conflict,
  integrationIdOf,
  newId,
  notFound,
  paginate,
  type ApiRecord,
  type DeploymentRecord,
  type Entry,
  type StageRecord,
  type V2State,
} from './apigatewayv2-model.js'

/** What the stage handlers need from the fake. */
export interface StageStore {
  state: V2State
  clock: Clock
  /** The account setting access logging needs (see FakeApiGatewayV2.cloudWatchRoleConfigured). */
  cloudWatchRoleConfigured: boolean
  apiOrThrow(apiId: string | undefined): ApiRecord
}

const MAX_DESCRIPTION = 1024
// API Gateway refuses an access log format without a request id.
const REQUEST_ID_VARIABLE = /\$context\.(requestId|extendedRequestId)/

export function stageOrThrow(api: ApiRecord, stageName: string | undefined): StageRecord {
  const stage = stageName ? api.stages[stageName] : undefined
  if (!stage) throw notFound(`Invalid stage identifier specified ${stageName}`, 'Stage')
  return stage
}

export function stageHandlers(store: StageStore): Entry[] {
  const checkStageInput = (api: ApiRecord, i: CreateStageRequest | UpdateStageRequest): void => {
    if (i.DeploymentId !== undefined && !api.deployments[i.DeploymentId])
      throw notFound(`Invalid deployment identifier specified ${i.DeploymentId}`, 'Deployment')
    checkAccessLog(i.AccessLogSettings, store.cloudWatchRoleConfigured)
    checkRouteSettings(i.DefaultRouteSettings)
  }

  const createDeployment = (i: CreateDeploymentRequest): Deployment => {
    const api = store.apiOrThrow(i.ApiId)
    if ((i.Description?.length ?? 0) > MAX_DESCRIPTION)
      throw badRequest(`Description must be at most ${MAX_DESCRIPTION} characters`)
    const routes = Object.values(api.routes)
    if (routes.length === 0) throw badRequest('At least one route is required before deploying the Api.')
    const untargeted = routes.find((r) => !integrationIdOf(r.Target))
    if (untargeted) throw badRequest(`Route ${untargeted.RouteKey} has no integration; it cannot be deployed`)
    const stage = i.StageName === undefined ? undefined : stageOrThrow(api, i.StageName)
    const deployment: DeploymentRecord = {
      DeploymentId: newId(store.state, 'deployment', 6),
      ...(i.Description !== undefined && { Description: i.Description }),
      CreatedDate: store.clock.now(),
      DeploymentStatus: 'DEPLOYED',
      AutoDeployed: false,
      routes: routes.map((r) => ({
        RouteKey: r.RouteKey!,
        integration: structuredClone(api.integrations[integrationIdOf(r.Target)!]),
      })),
    }
    api.deployments[deployment.DeploymentId] = deployment
    if (stage) {
      stage.DeploymentId = deployment.DeploymentId
      stage.LastUpdatedDate = store.clock.now()
    }
    return renderDeployment(deployment)
  }

  const createStage = (i: CreateStageRequest): Stage => {
    const api = store.apiOrThrow(i.ApiId)
    if (!i.StageName || !STAGE_NAME.test(i.StageName)) throw badRequest(`Invalid stage name: ${i.StageName}`)
    if (api.stages[i.StageName]) throw conflict(`Stage already exists: ${i.StageName}`)
    checkStageInput(api, i)
    const now = store.clock.now()
    const stage: StageRecord = {
      StageName: i.StageName,
      ...(i.DeploymentId !== undefined && { DeploymentId: i.DeploymentId }),
      AutoDeploy: i.AutoDeploy ?? false,
      ...(i.Description !== undefined && { Description: i.Description }),
      // What GetStage shows for a WebSocket stage created without route settings.
      DefaultRouteSettings: {
        DataTraceEnabled: false,
        DetailedMetricsEnabled: false,
        LoggingLevel: 'OFF',
        ...i.DefaultRouteSettings,
      },
      ...(i.AccessLogSettings?.DestinationArn && {
        AccessLogSettings: { DestinationArn: i.AccessLogSettings.DestinationArn, Format: i.AccessLogSettings.Format! },
      }),
      ...(i.StageVariables && { StageVariables: { ...i.StageVariables } }),
      CreatedDate: now,
      LastUpdatedDate: now,
      tags: { ...i.Tags },
    }
    api.stages[i.StageName] = stage
    return renderStage(stage)
  }

  const updateStage = (i: UpdateStageRequest): Stage => {
    const api = store.apiOrThrow(i.ApiId)
    const stage = stageOrThrow(api, i.StageName)
    checkStageInput(api, i)
    if (i.DeploymentId !== undefined) stage.DeploymentId = i.DeploymentId
    if (i.AutoDeploy !== undefined) stage.AutoDeploy = i.AutoDeploy
    if (i.Description !== undefined) stage.Description = i.Description
    // Only the route settings sent change; the others are kept.
    if (i.DefaultRouteSettings)
      stage.DefaultRouteSettings = { ...stage.DefaultRouteSettings, ...i.DefaultRouteSettings }
    if (i.AccessLogSettings?.DestinationArn)
      stage.AccessLogSettings = {
        DestinationArn: i.AccessLogSettings.DestinationArn,
        Format: i.AccessLogSettings.Format!,
      }
    if (i.StageVariables) stage.StageVariables = { ...i.StageVariables }
    stage.LastUpdatedDate = store.clock.now()
    return renderStage(stage)
  }

  return [
    on(CreateDeploymentCommand, createDeployment),
    on(GetDeploymentCommand, (i) => {
      const found = store.apiOrThrow(i.ApiId).deployments[i.DeploymentId ?? '']
      if (!found) throw notFound(`Invalid Deployment identifier specified ${i.DeploymentId}`, 'Deployment')
      return renderDeployment(found)
    }),
    on(GetDeploymentsCommand, (i): GetDeploymentsResponse => {
      const all = Object.values(store.apiOrThrow(i.ApiId).deployments)
      const { page, next } = paginate(all, i.NextToken, i.MaxResults)
      return { Items: page.map(renderDeployment), ...(next && { NextToken: next }) }
    }),
    on(DeleteDeploymentCommand, (i) => {
      const api = store.apiOrThrow(i.ApiId)
      const found = api.deployments[i.DeploymentId ?? '']
      if (!found) throw notFound(`Invalid Deployment identifier specified ${i.DeploymentId}`, 'Deployment')
      const serving = Object.values(api.stages).find((s) => s.DeploymentId === found.DeploymentId)
      if (serving) throw badRequest(`Deployment ${found.DeploymentId} is in use by stage ${serving.StageName}`)
      delete api.deployments[found.DeploymentId]
      return {}
    }),
    on(CreateStageCommand, createStage),
    on(GetStageCommand, (i) => renderStage(stageOrThrow(store.apiOrThrow(i.ApiId), i.StageName))),
    on(UpdateStageCommand, updateStage),
    on(DeleteStageCommand, (i) => {
      const api = store.apiOrThrow(i.ApiId)
      delete api.stages[stageOrThrow(api, i.StageName).StageName]
      return {}
    }),
  ]
}

function renderStage(s: StageRecord): Stage {
  return {
    StageName: s.StageName,
    ...(s.DeploymentId !== undefined && { DeploymentId: s.DeploymentId }),
    AutoDeploy: s.AutoDeploy,
    ...(s.Description !== undefined && { Description: s.Description }),
    DefaultRouteSettings: { ...s.DefaultRouteSettings },
    ...(s.AccessLogSettings && { AccessLogSettings: { ...s.AccessLogSettings } }),
    ...(s.StageVariables && { StageVariables: { ...s.StageVariables } }),
    RouteSettings: {},
    CreatedDate: new Date(s.CreatedDate),
    LastUpdatedDate: new Date(s.LastUpdatedDate),
    Tags: { ...s.tags },
  }
}

function renderDeployment(d: DeploymentRecord): Deployment {
  return {
    DeploymentId: d.DeploymentId,
    DeploymentStatus: d.DeploymentStatus,
    AutoDeployed: d.AutoDeployed,
    CreatedDate: new Date(d.CreatedDate),
    ...(d.Description !== undefined && { Description: d.Description }),
  }
}

function checkAccessLog(settings: AccessLogSettings | undefined, roleConfigured: boolean): void {
  if (!settings || (settings.DestinationArn === undefined && settings.Format === undefined)) return
  if (!roleConfigured) throw badRequest('CloudWatch Logs role ARN must be set in account settings to enable logging')
  if (!settings.DestinationArn || !LOG_GROUP_ARN.test(settings.DestinationArn))
    throw badRequest(`Invalid destination ARN for access logs: ${settings.DestinationArn}`)
  if (!settings.Format) throw badRequest('Access log format is required with a destination')
  if (!REQUEST_ID_VARIABLE.test(settings.Format))
    throw badRequest('Access Log format must contain at least one of $context.requestId or $context.extendedRequestId')
}

function checkRouteSettings(settings: RouteSettings | undefined): void {
  if (!settings) return
  const { ThrottlingBurstLimit: burst, ThrottlingRateLimit: rate } = settings
  if (burst !== undefined && (!Number.isInteger(burst) || burst < 0))
    throw badRequest(`Invalid ThrottlingBurstLimit: ${burst}`)
  if (rate !== undefined && !(rate >= 0)) throw badRequest(`Invalid ThrottlingRateLimit: ${rate}`)
}
