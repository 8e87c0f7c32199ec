// The WebSocket API's stage (named after the environment), serving the deployment of the current routes
// (websocket-deployment.ts). Stage settings (throttling, access logs) apply at once and need no deployment; auto-deploy
// stays off, since deployments are infra's to make.
import {
  ApiGatewayV2Client,
  CreateStageCommand,
  DeleteStageCommand,
  GetStageCommand,
  TagResourceCommand,
  UpdateStageCommand,
  type Stage,
  type UpdateStageCommandInput,
} from '@aws-sdk/client-apigatewayv2'
import { isApiGatewayLogRoleMissing, isNotFound } from '../../aws/errors.js'
import { changedTags, failureFor } from '../common.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import { recordedString } from '../engine/early.js'
import type { ResourceContext } from '../types.js'
import { apiGatewayArn, callApi } from './call.js'
import { diffStage, type StageSpec } from './websocket-diff.js'

export const WEBSOCKET_STAGE_KIND = 'websocket-stage'

export interface WebSocketStageSpec extends SpecBase {
  /** The API's logical id; the name is `<api name>/<stage>`. */
  logicalId: string
  /** Undefined: the API is still to be created (a plan). */
  apiId?: string
  stage: StageSpec
  /** The deployment to serve (the API's current definition). */
  deploymentId: string
}

export interface ObservedWebSocketStage {
  apiId: string
  stage: Partial<Stage>
}

const HINT_LOG_ROLE =
  'API Gateway writes access logs with one role per account and region (`aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role ARN>`, a role trusting apigateway.amazonaws.com with AmazonAPIGatewayPushToCloudWatchLogs); set it once, then rerun.'

const stageArn = (ctx: ResourceContext, apiId: string, stage: string) =>
  apiGatewayArn(ctx.identity.region, `/apis/${apiId}/stages/${stage}`)

/** The account without its CloudWatch role: the error says how to set it. */
function explainLogRole(ctx: ResourceContext, name: string, doing: string, code: string) {
  return (e: unknown): never => {
    if (isApiGatewayLogRoleMissing(e)) failureFor(ctx, websocketStageKind.label, name, HINT_LOG_ROLE)(doing, code)(e)
    throw e
  }
}

/** The stage's update: only the parts that differ. Route settings are sent whole, keeping what we do not manage. */
function toUpdateStageInput(
  apiId: string,
  have: Partial<Stage>,
  want: StageSpec,
  deploymentId: string,
  fields: Set<string>,
) {
  const input: UpdateStageCommandInput = { ApiId: apiId, StageName: want.name }
  if (fields.has('DeploymentId')) input.DeploymentId = deploymentId
  if (fields.has('AutoDeploy')) input.AutoDeploy = false
  if (want.throttling && [...fields].some((f) => f.startsWith('DefaultRouteSettings.')))
    input.DefaultRouteSettings = {
      ...have.DefaultRouteSettings,
      ThrottlingRateLimit: want.throttling.rateLimit,
      ThrottlingBurstLimit: want.throttling.burstLimit,
    }
  if ([...fields].some((f) => f.startsWith('AccessLogSettings.')))
    input.AccessLogSettings = { DestinationArn: want.accessLog.destinationArn, Format: want.accessLog.format }
  return input
}

async function findStage(
  ctx: ResourceContext,
  name: string,
  apiId: string | undefined,
  stageName: string | undefined,
): Promise<Array<Observation<ObservedWebSocketStage>>> {
  if (!apiId || !stageName) return []
  const stage = await callApi(ctx, `reading WebSocket stage (${name})`, () =>
    ctx.aws.get(ApiGatewayV2Client).send(new GetStageCommand({ ApiId: apiId, StageName: stageName })),
  ).catch((e: unknown) => {
    if (isNotFound(e)) return undefined
    throw e
  })
  return stage ? [{ observed: { apiId, stage }, id: stageName, arn: stageArn(ctx, apiId, stageName) }] : []
}

export const websocketStageKind: ResourceKind<WebSocketStageSpec, ObservedWebSocketStage> = {
  kind: WEBSOCKET_STAGE_KIND,
  label: 'WebSocket stage',
  codePrefix: 'WebSocketStage',
  // One stage of a name per API.
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => findStage(ctx, spec.name, spec.apiId, spec.stage.name),
  // Recorded with its API's id; its id is the stage's name.
  early: {
    service: 'apigatewayv2',
    read: (ctx, recorded) => findStage(ctx, recorded.name, recordedString(recorded, 'apiId'), recorded.id),
    covers: (recorded, spec) => recordedString(recorded, 'apiId') === spec.apiId && recorded.id === spec.stage.name,
  },
  diff: (observed, spec) => diffStage(observed.stage, { ...observed.stage.Tags }, spec.stage, spec.deploymentId),
  async create(ctx, spec) {
    const apiId = spec.apiId
    if (!apiId) throw new Error(`WebSocket stage (${spec.name}): the API has no id yet`)
    const { name, throttling, accessLog, tags } = spec.stage
    const stage = await callApi(ctx, `creating WebSocket stage (${spec.name})`, () =>
      ctx.aws.get(ApiGatewayV2Client).send(
        new CreateStageCommand({
          ApiId: apiId,
          StageName: name,
          DeploymentId: spec.deploymentId,
          AutoDeploy: false,
          ...(throttling && {
            DefaultRouteSettings: {
              ThrottlingRateLimit: throttling.rateLimit,
              ThrottlingBurstLimit: throttling.burstLimit,
            },
          }),
          AccessLogSettings: { DestinationArn: accessLog.destinationArn, Format: accessLog.format },
          Tags: tags,
        }),
      ),
    ).catch(explainLogRole(ctx, spec.name, 'creating', 'WebSocketStageCreateFailed'))
    return { observed: { apiId, stage }, id: name, arn: stageArn(ctx, apiId, name) }
  },
  async apply(ctx, observed, spec, changes) {
    const { apiId, stage } = observed
    const client = ctx.aws.get(ApiGatewayV2Client)
    const fields = new Set(changes.map((c) => c.field))
    if ([...fields].some((f) => !f.startsWith('Tags[')))
      await callApi(ctx, `updating WebSocket stage (${spec.name})`, () =>
        client.send(new UpdateStageCommand(toUpdateStageInput(apiId, stage, spec.stage, spec.deploymentId, fields))),
      ).catch(explainLogRole(ctx, spec.name, 'updating', 'WebSocketStageUpdateFailed'))
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await callApi(ctx, `tagging WebSocket stage (${spec.name})`, () =>
        client.send(new TagResourceCommand({ ResourceArn: stageArn(ctx, apiId, spec.stage.name), Tags: tags })),
      )
    return {
      observed: { apiId, stage: { ...stage, DeploymentId: spec.deploymentId, Tags: { ...stage.Tags, ...tags } } },
    }
  },
  async delete(ctx, record) {
    const apiId = String(record.attributes?.apiId ?? '')
    await callApi(ctx, `deleting WebSocket stage (${record.name})`, () =>
      ctx.aws.get(ApiGatewayV2Client).send(new DeleteStageCommand({ ApiId: apiId, StageName: record.id })),
    )
  },
  attributes: (observed) => ({ apiId: observed.apiId, deploymentId: observed.stage.DeploymentId }),
  describe: (spec) => {
    const t = spec.stage.throttling
    return `throttling ${t ? `${t.rateLimit}/s burst ${t.burstLimit}` : 'as is'}, JSON access log, no auto-deploy`
  },
}
