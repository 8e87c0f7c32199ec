// FakeApiGateway's deployments, stages and account settings. What it models: apigateway.md.
import {
  CreateDeploymentCommand,
  CreateStageCommand,
  DeleteDeploymentCommand,
  DeleteStageCommand,
  GetAccountCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateAccountCommand,
  UpdateStageCommand,
  type CreateDeploymentRequest,
  type Deployment,
  type PatchOperation,
  type Stage,
  type UpdateStageRequest,
} from '@aws-sdk/client-api-gateway'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import {
  badRequest,
  conflict,
  invalidPatch,
  newId,
  notFound,
  paginate,
  patchBoolean,
  patchNumber,
  type ApiState,
  type DeploymentState,
  type Entry,
  type StageState,
} from './apigateway-model.js'

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/
const STAGE_PATHS = [
  '/deploymentId',
  '/description',
  '/tracingEnabled',
  '/accessLogSettings/destinationArn',
  '/accessLogSettings/format',
  '/accessLogSettings',
  '/{resourcePath}/{httpMethod}/throttling/rateLimit',
  '/{resourcePath}/{httpMethod}/throttling/burstLimit',
  '/{resourcePath}/{httpMethod}/metrics/enabled',
  '/variables/{name}',
]
const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w.\-/#]+$/

export function stageHandlers(fake: FakeApiGateway): Entry[] {
  const state = () => fake.state
  const renderDeployment = (d: DeploymentState): Deployment => ({
    id: d.id,
    ...(d.description ? { description: d.description } : {}),
    createdDate: new Date(d.createdDate),
  })
  const renderStage = (s: StageState): Stage => ({
    deploymentId: s.deploymentId,
    stageName: s.stageName,
    ...(s.description ? { description: s.description } : {}),
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: structuredClone(s.methodSettings),
    ...(s.accessLogSettings ? { accessLogSettings: { ...s.accessLogSettings } } : {}),
    ...(Object.keys(s.variables).length > 0 ? { variables: { ...s.variables } } : {}),
    tracingEnabled: s.tracingEnabled,
    ...(Object.keys(s.tags).length > 0 ? { tags: { ...s.tags } } : {}),
    createdDate: new Date(s.createdDate),
    lastUpdatedDate: new Date(s.lastUpdatedDate),
  })
  const stageOf = (api: ApiState, name: string | undefined) => {
    const stage = api.stages[name ?? '']
    if (!stage) throw notFound('Invalid Stage identifier specified')
    return stage
  }
  const deploymentOf = (api: ApiState, id: string | undefined) => {
    const d = api.deployments[id ?? '']
    if (!d) throw notFound('Invalid Deployment identifier specified')
    return d
  }

  const createDeployment = (i: CreateDeploymentRequest): Deployment => {
    const api = fake.apiOrThrow(i.restApiId)
    const methods = fake.methodsOf(api)
    if (methods.length === 0) throw badRequest("The REST API doesn't contain any methods")
    if (methods.some(({ method }) => !method.integration)) throw badRequest('No integration defined for method')
    const snapshot: DeploymentState['snapshot'] = {}
    for (const { path, method } of methods)
      snapshot[path] = { ...snapshot[path], [method.httpMethod]: structuredClone(method) }
    const deployment: DeploymentState = {
      id: newId(6),
      ...(i.description ? { description: i.description } : {}),
      createdDate: fake.now(),
      snapshot,
      authorizers: structuredClone(api.authorizers),
    }
    api.deployments[deployment.id] = deployment
    if (i.stageName) {
      const existing = api.stages[i.stageName]
      if (existing) existing.deploymentId = deployment.id
      else api.stages[i.stageName] = newStage(i.stageName, deployment.id, { tracingEnabled: i.tracingEnabled })
    }
    return renderDeployment(deployment)
  }

  const newStage = (name: string, deploymentId: string, extra: Partial<StageState>): StageState => {
    if (!STAGE_NAME.test(name))
      throw badRequest(`Stage name only allows a-zA-Z0-9_- and must be 1-128 characters: ${name}`)
    const now = fake.now()
    return {
      stageName: name,
      deploymentId,
      tracingEnabled: extra.tracingEnabled ?? false,
      methodSettings: {},
      variables: { ...extra.variables },
      tags: { ...extra.tags },
      ...(extra.description ? { description: extra.description } : {}),
      createdDate: now,
      lastUpdatedDate: now,
    }
  }

  const updateStage = (i: UpdateStageRequest): Stage => {
    const api = fake.apiOrThrow(i.restApiId)
    const stage = structuredClone(stageOf(api, i.stageName))
    for (const op of i.patchOperations ?? []) applyStagePatch(api, stage, op)
    stage.lastUpdatedDate = fake.now()
    api.stages[stage.stageName] = stage
    return renderStage(stage)
  }

  const applyStagePatch = (api: ApiState, stage: StageState, op: PatchOperation) => {
    const path = op.path ?? ''
    const settings = /^\/(.+)\/(throttling\/rateLimit|throttling\/burstLimit|metrics\/enabled)$/.exec(path)
    if (op.op === 'replace' && path === '/deploymentId') stage.deploymentId = deploymentOf(api, op.value).id
    else if (op.op === 'replace' && path === '/description') stage.description = op.value
    else if (op.op === 'replace' && path === '/tracingEnabled') stage.tracingEnabled = patchBoolean(op)
    else if (op.op === 'replace' && path.startsWith('/accessLogSettings/')) {
      if (!state().account.cloudwatchRoleArn)
        throw badRequest('CloudWatch Logs role ARN must be set in account settings to enable logging')
      if (path === '/accessLogSettings/destinationArn' && !LOG_GROUP_ARN.test(op.value ?? ''))
        throw badRequest(`Invalid ARN specified in the request: ${op.value}`)
      const field = path.slice('/accessLogSettings/'.length)
      if (field !== 'destinationArn' && field !== 'format') throw invalidPatch(op, STAGE_PATHS)
      stage.accessLogSettings = { ...stage.accessLogSettings, [field]: op.value }
    } else if (op.op === 'remove' && path === '/accessLogSettings') delete stage.accessLogSettings
    else if (op.op === 'replace' && settings) {
      // `/*/*/throttling/rateLimit` → key `*/*`; `/~1prompts/GET/...` → key `/prompts/GET` (~1 escapes a slash).
      const key = settings[1]!.replaceAll('~1', '/')
      const current = stage.methodSettings[key] ?? {}
      if (settings[2] === 'throttling/rateLimit') current.throttlingRateLimit = patchNumber(op)
      else if (settings[2] === 'throttling/burstLimit') current.throttlingBurstLimit = patchNumber(op)
      else current.metricsEnabled = patchBoolean(op)
      stage.methodSettings[key] = current
    } else if (op.op === 'replace' && path.startsWith('/variables/')) stage.variables[path.slice(11)] = op.value ?? ''
    else throw invalidPatch(op, STAGE_PATHS)
  }

  return [
    on(CreateDeploymentCommand, createDeployment),
    on(GetDeploymentsCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      const all = Object.values(api.deployments).sort((a, b) => a.createdDate - b.createdDate)
      const page = paginate(all, i.position, i.limit)
      return { ...page, items: page.items.map(renderDeployment) }
    }),
    on(GetDeploymentCommand, (i) => renderDeployment(deploymentOf(fake.apiOrThrow(i.restApiId), i.deploymentId))),
    on(DeleteDeploymentCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      const d = deploymentOf(api, i.deploymentId)
      if (Object.values(api.stages).some((s) => s.deploymentId === d.id))
        throw badRequest('Active stages pointing to this deployment must be moved or deleted')
      delete api.deployments[d.id]
      return {}
    }),
    on(CreateStageCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      if (api.stages[i.stageName ?? '']) throw conflict('Stage already exists')
      const d = deploymentOf(api, i.deploymentId)
      const stage = newStage(i.stageName ?? '', d.id, {
        tracingEnabled: i.tracingEnabled,
        tags: i.tags,
        variables: i.variables,
        description: i.description,
      })
      api.stages[stage.stageName] = stage
      return renderStage(stage)
    }),
    on(GetStageCommand, (i) => renderStage(stageOf(fake.apiOrThrow(i.restApiId), i.stageName))),
    on(GetStagesCommand, (i) => ({ item: Object.values(fake.apiOrThrow(i.restApiId).stages).map(renderStage) })),
    on(UpdateStageCommand, updateStage),
    on(DeleteStageCommand, (i) => {
      const api = fake.apiOrThrow(i.restApiId)
      delete api.stages[stageOf(api, i.stageName).stageName]
      return {}
    }),
    on(GetAccountCommand, () => ({
      ...(state().account.cloudwatchRoleArn ? { cloudwatchRoleArn: state().account.cloudwatchRoleArn } : {}),
      throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
      features: ['UsagePlans'],
      apiKeyVersion: '4',
    })),
    on(UpdateAccountCommand, (i) => {
      for (const op of i.patchOperations ?? []) {
        if (op.op !== 'replace' || op.path !== '/cloudwatchRoleArn') throw invalidPatch(op, ['/cloudwatchRoleArn'])
        if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(op.value ?? ''))
          throw badRequest(`The role ARN is not well formed: ${op.value}`)
        if (fake.roleNotReadyFailures > 0) {
          fake.roleNotReadyFailures -= 1
          throw badRequest('The role ARN does not have required permissions set to API Gateway')
        }
        state().account.cloudwatchRoleArn = op.value
      }
      return { cloudwatchRoleArn: state().account.cloudwatchRoleArn }
    }),
  ]
}
