// The WebSocket API's deployment and its stage (named after the environment).
//
// Explicit deployments, not auto-deploy: with AutoDeploy API Gateway deploys after every change, so a run that stops
// between two route changes leaves a half-changed API live, and every change makes a deployment. Here a deployment is
// made only after every route and permission has converged, and only when the definition (routes, integrations, route
// selection) differs from every deployment made before: its hash is in the deployment's description, so a rerun that
// changes nothing makes no deployment, a run that died after CreateDeployment reuses it, and an earlier deployment can
// be put back on the stage (UpdateStage DeploymentId) to roll the stage back. Stage settings (throttling, access logs)
// apply at once and need no deployment.
import {
  ApiGatewayV2Client,
  CreateDeploymentCommand,
  CreateStageCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetStageCommand,
  TagResourceCommand,
  UpdateStageCommand,
  type Deployment,
  type Stage,
  type UpdateStageCommandInput,
} from '@aws-sdk/client-apigatewayv2'
import { awsFailure, isNotFound } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import { changedTags, recordIfChanged } from '../common.js'
import { apiResourceArn, v2Call } from './websocket-api.js'
import { chooseDeployment, deployedHash, deploymentDescription, diffStage, type StageSpec } from './websocket-diff.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export const WEBSOCKET_STAGE_KIND = 'websocket-stage'
export const WEBSOCKET_DEPLOYMENT_KIND = 'websocket-deployment'
const DEPLOYMENT_WAIT_MS = 5 * 60_000

export interface DeploymentTarget {
  /** Undefined: the API is to be created (a plan). */
  apiId: string | undefined
  apiName: string
  logicalId: string
  /** definitionHash() of the routes that were just converged. */
  definitionHash: string
  stage: StageSpec
}

const HINT_STAGE =
  'If AWS says the CloudWatch Logs role ARN must be set: API Gateway writes access logs with one role per account and region (`aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role ARN>`, a role trusting apigateway.amazonaws.com with AmazonAPIGatewayPushToCloudWatchLogs); set it once, then rerun.'

async function findStage(ctx: ResourceContext, client: ApiGatewayV2Client, apiId: string, name: string) {
  try {
    return await v2Call(ctx, `reading WebSocket stage (${apiId}/${name})`, () =>
      client.send(new GetStageCommand({ ApiId: apiId, StageName: name })),
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function listDeployments(ctx: ResourceContext, client: ApiGatewayV2Client, apiId: string) {
  const items: Deployment[] = []
  let NextToken: string | undefined
  do {
    const page = await v2Call(ctx, `reading WebSocket deployments (${apiId})`, () =>
      client.send(new GetDeploymentsCommand({ ApiId: apiId, NextToken })),
    )
    items.push(...(page.Items ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  return items
}

async function findDeployment(ctx: ResourceContext, client: ApiGatewayV2Client, apiId: string, id: string) {
  try {
    return await v2Call(ctx, `reading WebSocket deployment (${apiId}/${id})`, () =>
      client.send(new GetDeploymentCommand({ ApiId: apiId, DeploymentId: id })),
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/**
 * The stage and which deployment it should serve. The stage's own deployment is read first: when it carries the
 * definition (every run that changes no route), that is all; only otherwise is the API's deployment history listed.
 */
async function observe(ctx: ResourceContext, client: ApiGatewayV2Client, apiId: string, t: DeploymentTarget) {
  const stage = await findStage(ctx, client, apiId, t.stage.name)
  const current = stage?.DeploymentId ? await findDeployment(ctx, client, apiId, stage.DeploymentId) : undefined
  if (current && deployedHash(current) === t.definitionHash)
    return { stage, choice: chooseDeployment(current.DeploymentId, [current], t.definitionHash) }
  const deployments = await listDeployments(ctx, client, apiId)
  return { stage, choice: chooseDeployment(stage?.DeploymentId, deployments, t.definitionHash) }
}

async function createDeployment(ctx: ResourceContext, client: ApiGatewayV2Client, t: DeploymentTarget) {
  const apiId = t.apiId ?? ''
  const made = await v2Call(ctx, `deploying WebSocket API (${apiId})`, () =>
    client.send(new CreateDeploymentCommand({ ApiId: apiId, Description: deploymentDescription(t.definitionHash) })),
  )
  const deploymentId = made.DeploymentId ?? ''
  await recordIfChanged(ctx, `${WEBSOCKET_DEPLOYMENT_KIND}:${t.logicalId}`, {
    kind: WEBSOCKET_DEPLOYMENT_KIND,
    name: t.apiName,
    id: deploymentId,
    attributes: { definitionHash: t.definitionHash },
  })
  if (made.DeploymentStatus === 'PENDING') {
    await pollUntil({
      read: () => client.send(new GetDeploymentCommand({ ApiId: apiId, DeploymentId: deploymentId })),
      judge: (d) =>
        d.DeploymentStatus === 'DEPLOYED'
          ? 'done'
          : d.DeploymentStatus === 'FAILED'
            ? { failed: d.DeploymentStatusMessage ?? 'deployment failed' }
            : 'waiting',
      describe: (d) => `${d.DeploymentStatus}${d.DeploymentStatusMessage ? `: ${d.DeploymentStatusMessage}` : ''}`,
      label: `waiting for WebSocket deployment (${apiId}/${deploymentId})`,
      timeoutMs: DEPLOYMENT_WAIT_MS * ctx.timing.deadlineScale,
      backoff: ctx.timing.poll,
    })
  }
  return deploymentId
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

/** The deployment (made only when the definition changed) and the stage serving it. Two results: deployment, stage. */
export async function ensureDeploymentAndStage(ctx: ResourceContext, t: DeploymentTarget): Promise<Ensured[]> {
  const stageName = `${t.apiName}/${t.stage.name}`
  const deploymentBase = {
    kind: WEBSOCKET_DEPLOYMENT_KIND,
    key: `${WEBSOCKET_DEPLOYMENT_KIND}:${t.logicalId}`,
    name: t.apiName,
  }
  const stageBase = { kind: WEBSOCKET_STAGE_KIND, key: `${WEBSOCKET_STAGE_KIND}:${t.logicalId}`, name: stageName }
  const describeStage = `throttling ${t.stage.throttling ? `${t.stage.throttling.rateLimit}/s burst ${t.stage.throttling.burstLimit}` : 'as is'}, JSON access log, no auto-deploy`
  if (ctx.offline || t.apiId === undefined) {
    const known = (key: string) => ctx.offline && t.apiId !== undefined && !!ctx.record.manifest.resources[key]
    return [
      { ...deploymentBase, action: known(deploymentBase.key) ? 'unverified' : 'would-create', changes: [] },
      {
        ...stageBase,
        action: known(stageBase.key) ? 'unverified' : 'would-create',
        changes: [],
        detail: describeStage,
      },
    ]
  }
  const apiId = t.apiId
  const client = ctx.aws.get(ApiGatewayV2Client)
  const fail = (doing: string, code: string, kind: string, hint?: string) => (e: unknown) => {
    throw awsFailure(e, { code, doing, kind, name: stageName, hint: hint ?? 'Fix the cause, then rerun.' })
  }
  const { stage, choice } = await observe(ctx, client, apiId, t).catch(
    fail('reading', 'WebSocketStageReadFailed', 'WebSocket stage'),
  )
  const results: Ensured[] = []

  let deploymentId: string
  if (choice.action === 'create') {
    if (ctx.dryRun) {
      deploymentId = KNOWN_AFTER_APPLY
      results.push({ ...deploymentBase, action: 'would-create', changes: [], detail: 'the routes changed' })
    } else {
      deploymentId = await createDeployment(ctx, client, t).catch(
        fail('deploying', 'WebSocketDeploymentFailed', 'WebSocket API'),
      )
      results.push({ ...deploymentBase, action: 'created', changes: [], id: deploymentId })
    }
  } else {
    deploymentId = choice.deploymentId
    await recordIfChanged(ctx, deploymentBase.key, {
      kind: WEBSOCKET_DEPLOYMENT_KIND,
      name: t.apiName,
      id: deploymentId,
      attributes: { definitionHash: t.definitionHash },
    })
    results.push({
      ...deploymentBase,
      action: 'unchanged',
      changes: [],
      id: deploymentId,
      ...(choice.action === 'reuse' ? { note: `deployment ${deploymentId} of this definition exists; reused` } : {}),
    })
  }

  const record = () =>
    recordIfChanged(ctx, stageBase.key, {
      kind: WEBSOCKET_STAGE_KIND,
      name: stageName,
      id: t.stage.name,
      arn: apiResourceArn(ctx, apiId, t.stage.name),
      attributes: { apiId, deploymentId },
    })
  if (!stage) {
    if (ctx.dryRun) return [...results, { ...stageBase, action: 'would-create', changes: [], detail: describeStage }]
    await v2Call(ctx, `creating WebSocket stage (${stageName})`, () =>
      client.send(
        new CreateStageCommand({
          ApiId: apiId,
          StageName: t.stage.name,
          DeploymentId: deploymentId,
          AutoDeploy: false,
          ...(t.stage.throttling && {
            DefaultRouteSettings: {
              ThrottlingRateLimit: t.stage.throttling.rateLimit,
              ThrottlingBurstLimit: t.stage.throttling.burstLimit,
            },
          }),
          AccessLogSettings: { DestinationArn: t.stage.accessLog.destinationArn, Format: t.stage.accessLog.format },
          Tags: t.stage.tags,
        }),
      ),
    ).catch(fail('creating', 'WebSocketStageCreateFailed', 'WebSocket stage', HINT_STAGE))
    await record()
    return [...results, { ...stageBase, action: 'created', changes: [], id: t.stage.name }]
  }

  const changes = diffStage(stage, { ...stage.Tags }, t.stage, deploymentId)
  if (changes.length === 0) {
    await record()
    return [...results, { ...stageBase, action: 'unchanged', changes, id: t.stage.name }]
  }
  if (ctx.dryRun) return [...results, { ...stageBase, action: 'would-update', changes, id: t.stage.name }]
  const fields = new Set(changes.map((c) => c.field))
  if ([...fields].some((f) => !f.startsWith('Tags['))) {
    await v2Call(ctx, `updating WebSocket stage (${stageName})`, () =>
      client.send(new UpdateStageCommand(toUpdateStageInput(apiId, stage, t.stage, deploymentId, fields))),
    ).catch(fail('updating', 'WebSocketStageUpdateFailed', 'WebSocket stage', HINT_STAGE))
  }
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) {
    await v2Call(ctx, `tagging WebSocket stage (${stageName})`, () =>
      client.send(new TagResourceCommand({ ResourceArn: apiResourceArn(ctx, apiId, t.stage.name), Tags: tags })),
    ).catch(fail('tagging', 'WebSocketStageUpdateFailed', 'WebSocket stage'))
  }
  await record()
  return [...results, { ...stageBase, action: 'updated', changes, id: t.stage.name }]
}
