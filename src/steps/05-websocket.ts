// Step 05 (the manual's "WebSocket API 생성"): the API, one Lambda proxy integration per route on the function's
// environment alias (so `infra rollback` of the alias moves WebSocket traffic too), the Lambda permissions, the role
// policy that lets the functions answer on connections, then a deployment when the routes changed and the stage.
// What needs only the API's id converges side by side.
import { settleAll } from '../aws/concurrency.js'
import { ensureLogGroup } from '../resources/logs/log-group.js'
import { ensurePermission } from '../resources/lambda/permission.js'
import { ensureRoleInlinePolicy } from '../resources/iam/role-policy.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { converge } from '../resources/engine/converge.js'
import { websocketUrl } from '../resources/apigateway/call.js'
import { websocketApiKind } from '../resources/apigateway/websocket-api.js'
import { websocketDeploymentKind } from '../resources/apigateway/websocket-deployment.js'
import { ensureWebSocketRoutes } from '../resources/apigateway/websocket-routes.js'
import { websocketStageKind } from '../resources/apigateway/websocket-stage.js'
import { ensureCloudWatchRoleForApis } from './apigateway-account.js'
import type { WebSocketOutputs } from './outputs.js'
import type { Step, StepContext } from './types.js'
import {
  MANAGE_CONNECTIONS_POLICY,
  WEBSOCKET_STATEMENT_ID,
  manageConnectionsPolicy,
  websocketPlan,
  websocketSourceArn,
  websocketUpstream,
  type WebSocketPlan,
} from './websocket-specs.js'

export const websocketStep: Step<'websocket'> = {
  id: 'websocket',
  number: 5,
  title: 'WebSocket API',
  needs: ['lambda', 'iam'],
  inputs: (config) => ({ environment: config.environment, websocket_api: config.sections.websocket_api ?? null }),
  preflight(config) {
    const section = config.sections.websocket_api
    if (section) websocketPlan(config, section, websocketUpstream(config, section, {}, true))
  },
  async run(ctx): Promise<WebSocketOutputs> {
    const section = ctx.config.sections.websocket_api
    const plan = section
      ? websocketPlan(
          ctx.config,
          section,
          websocketUpstream(ctx.config, section, ctx.upstream, ctx.dryRun || ctx.offline),
        )
      : undefined
    // Access logs need the account's CloudWatch role (kept while any API is configured, whichever step runs), which
    // step 04 may be converging right now: only the stage waits for it.
    const role = ensureCloudWatchRoleForApis(ctx).then((results) => results.forEach((r) => ctx.report(r)))
    const [, outputs] = await settleAll([role, plan ? buildWebSocketApi(ctx, plan, role) : {}])
    return outputs
  },
}

/**
 * The API; then its routes, the functions' permissions and the role policy side by side (each needs only the API's
 * id); then a deployment of the routes, and the stage serving it. An API this run created has nothing yet: its
 * routes, deployments and stage are not read (a rerun after a crash finds the API, not creates it, and reads them).
 */
async function buildWebSocketApi(
  ctx: StepContext,
  plan: WebSocketPlan,
  cloudWatchRole: Promise<void>,
): Promise<WebSocketOutputs> {
  const [logGroup, api] = await Promise.all([
    ensureLogGroup(ctx, plan.logGroup),
    converge(ctx, websocketApiKind, plan.api),
  ])
  ctx.report(logGroup)
  ctx.report(api.result)
  if (api.result.action === 'unmanaged') return {}
  // Offline, the manifest's id (unverified); in a plan of a new API, none yet.
  const apiId = api.observed?.ApiId ?? (api.result.id !== KNOWN_AFTER_APPLY ? api.result.id : undefined)
  const idOrLater = apiId ?? KNOWN_AFTER_APPLY
  const { logicalId, name } = plan.api
  const nothingYet = api.result.action === 'created' ? { found: [] } : {}

  // Before the stage serves the routes, the functions must accept calls from this API, and may answer on it.
  const [routes, permissions, rolePolicy] = await settleAll([
    ensureWebSocketRoutes(ctx, { logicalId, name, apiId, routes: plan.routes }, nothingYet),
    Promise.all(
      plan.functions.map((fn) =>
        ensurePermission(ctx, {
          logicalId: `websocket-${fn.logicalId}`,
          functionName: fn.name,
          qualifier: plan.alias,
          statementId: WEBSOCKET_STATEMENT_ID,
          principal: 'apigateway.amazonaws.com',
          sourceArn: websocketSourceArn(ctx.config, idOrLater),
        }),
      ),
    ),
    ensureRoleInlinePolicy(ctx, {
      logicalId: 'lambda-websocket',
      roleName: plan.roleName,
      policyName: MANAGE_CONNECTIONS_POLICY,
      document: manageConnectionsPolicy(ctx.config, idOrLater, plan.stage.name),
    }),
  ])
  for (const r of [...routes, ...permissions, rolePolicy]) ctx.report(r)

  const deployment = await converge(
    ctx,
    websocketDeploymentKind,
    { logicalId, name, apiId, definitionHash: plan.definitionHash },
    nothingYet,
  )
  ctx.report(deployment.result)
  await cloudWatchRole
  const stage = await converge(
    ctx,
    websocketStageKind,
    {
      logicalId,
      name: `${name}/${plan.stage.name}`,
      apiId,
      stage: plan.stage,
      deploymentId: deployment.observed?.deployment.DeploymentId ?? KNOWN_AFTER_APPLY,
    },
    nothingYet,
  )
  ctx.report(stage.result)

  if (!apiId) return { stage: plan.stage.name }
  const url = websocketUrl(apiId, ctx.identity.region, plan.stage.name)
  return { websocketApiId: apiId, stage: plan.stage.name, url, endpoints: { 'WebSocket API': url } }
}
