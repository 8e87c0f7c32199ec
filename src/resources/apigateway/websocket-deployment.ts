// The WebSocket API's deployment of its current routes.
//
// Explicit deployments, not auto-deploy: with AutoDeploy API Gateway deploys after every change, so a run that stops
// between two route changes leaves a half-changed API live, and every change makes a deployment. Here a deployment is
// made only after every route and permission has converged, and only when the definition (routes, integrations, route
// selection) differs from every deployment made before: its hash is in the deployment's description, so a rerun that
// changes nothing makes no deployment, a run that died after CreateDeployment reuses it, and an earlier deployment can
// be put back on the stage to roll it back.
import {
  ApiGatewayV2Client,
  CreateDeploymentCommand,
  DeleteDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  type Deployment,
} from '@aws-sdk/client-apigatewayv2'
import { isNotFound } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import { recordedString } from '../engine/early.js'
import type { ResourceContext } from '../types.js'
import { allPages, callApi } from './call.js'
import { chooseDeployment, deployedHash, deploymentDescription } from './websocket-diff.js'

export const WEBSOCKET_DEPLOYMENT_KIND = 'websocket-deployment'
const DEPLOYMENT_WAIT_MS = 5 * 60_000

export interface WebSocketDeploymentSpec extends SpecBase {
  /** The API's logical id and name. */
  logicalId: string
  name: string
  /** Undefined: the API is still to be created (a plan). */
  apiId?: string
  /** definitionHash() of the routes that were just converged. */
  definitionHash: string
}

export interface ObservedDeployment {
  apiId: string
  deployment: Deployment
}

const notFoundIsNone = (e: unknown) => {
  if (isNotFound(e)) return undefined
  throw e
}

/** The deployment of this definition: the one the manifest records when it carries it, else the newest one. */
async function findDeployment(
  ctx: ResourceContext,
  apiId: string,
  hash: string,
  recordedId: string | undefined,
): Promise<Deployment | undefined> {
  const client = ctx.aws.get(ApiGatewayV2Client)
  if (recordedId) {
    const recorded = await callApi(ctx, `reading WebSocket deployment (${apiId}/${recordedId})`, () =>
      client.send(new GetDeploymentCommand({ ApiId: apiId, DeploymentId: recordedId })),
    ).catch(notFoundIsNone)
    if (deployedHash(recorded) === hash) return recorded
  }
  const all = await allPages((NextToken) =>
    callApi(ctx, `reading WebSocket deployments (${apiId})`, () =>
      client.send(new GetDeploymentsCommand({ ApiId: apiId, NextToken })),
    ),
  )
  const choice = chooseDeployment(recordedId, all, hash)
  return choice.action === 'create' ? undefined : all.find((d) => d.DeploymentId === choice.deploymentId)
}

async function deploymentOf(
  ctx: ResourceContext,
  apiId: string | undefined,
  hash: string | undefined,
  recordedId: string | undefined,
): Promise<Array<Observation<ObservedDeployment>>> {
  if (!apiId || !hash) return []
  const found = await findDeployment(ctx, apiId, hash, recordedId).catch(notFoundIsNone)
  return found ? [{ observed: { apiId, deployment: found }, id: found.DeploymentId }] : []
}

export const websocketDeploymentKind: ResourceKind<WebSocketDeploymentSpec, ObservedDeployment> = {
  kind: WEBSOCKET_DEPLOYMENT_KIND,
  label: 'WebSocket deployment',
  codePrefix: 'WebSocketDeployment',
  // CreateDeployment has no token: a lost response is resolved by looking for the definition's hash.
  identity: 'recorded-id',
  ownership: 'parent',
  find: (ctx, spec, recorded) => deploymentOf(ctx, spec.apiId, spec.definitionHash, recorded?.id),
  // Read early for the API and definition recorded; a changed definition is looked for by find.
  early: {
    service: 'apigatewayv2',
    read: (ctx, recorded) =>
      deploymentOf(ctx, recordedString(recorded, 'apiId'), recordedString(recorded, 'definitionHash'), recorded.id),
    covers: (recorded, spec) =>
      recordedString(recorded, 'apiId') === spec.apiId &&
      recordedString(recorded, 'definitionHash') === spec.definitionHash,
  },
  // A deployment never changes: it is of this definition, or another one is made.
  diff: () => [],
  async create(ctx, spec) {
    const apiId = spec.apiId
    if (!apiId) throw new Error(`WebSocket deployment (${spec.name}): the API has no id yet`)
    const made = await callApi(ctx, `deploying WebSocket API (${apiId})`, () =>
      ctx.aws
        .get(ApiGatewayV2Client)
        .send(new CreateDeploymentCommand({ ApiId: apiId, Description: deploymentDescription(spec.definitionHash) })),
    )
    return { observed: { apiId, deployment: made }, id: made.DeploymentId }
  },
  async apply() {},
  busy: (observed) => observed.deployment.DeploymentStatus === 'PENDING',
  async waitFor(ctx, observed) {
    const { apiId } = observed
    const deploymentId = observed.deployment.DeploymentId ?? ''
    if (observed.deployment.DeploymentStatus !== 'PENDING') return observed
    const deployment = await pollUntil({
      read: () =>
        ctx.aws.get(ApiGatewayV2Client).send(new GetDeploymentCommand({ ApiId: apiId, DeploymentId: deploymentId })),
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
      report: { to: ctx, resource: `WebSocket deployment ${apiId}/${deploymentId}`, state: 'DEPLOYED' },
    })
    return { apiId, deployment }
  },
  // API Gateway refuses while a stage serves it: the stage (made after it) is removed first, or the API with both.
  async delete(ctx, record) {
    const apiId = String(record.attributes?.apiId ?? '')
    await callApi(ctx, `deleting WebSocket deployment (${record.name})`, () =>
      ctx.aws.get(ApiGatewayV2Client).send(new DeleteDeploymentCommand({ ApiId: apiId, DeploymentId: record.id })),
    )
  },
  attributes: (observed, spec) => ({ apiId: observed.apiId, definitionHash: spec.definitionHash }),
  // The stage's line in a plan says what it serves; the deployment itself has nothing more to show.
  describe: (spec) => `of routes definition ${spec.definitionHash.slice(0, 16)}`,
}
