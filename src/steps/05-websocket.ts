// Step 05 (the manual's "WebSocket API 생성"): the API, one Lambda proxy integration per route on the function's
// environment alias (so `infra rollback` of the alias moves WebSocket traffic too), the Lambda permissions, the role
// policy that lets the functions answer on connections, then a deployment when the routes changed and the stage.
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
import type { Step } from './types.js'
import {
  MANAGE_CONNECTIONS_POLICY,
  WEBSOCKET_STATEMENT_ID,
  manageConnectionsPolicy,
  websocketPlan,
  websocketSourceArn,
  websocketUpstream,
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
    // step 04 may be converging right now. The log group and the API do not depend on each other.
    for (const r of await ensureCloudWatchRoleForApis(ctx)) ctx.report(r)
    if (!plan) return {}
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

    for (const route of await ensureWebSocketRoutes(ctx, { logicalId, name, apiId, routes: plan.routes }))
      ctx.report(route)

    // Before the stage serves the routes, the functions must accept calls from this API, and may answer on it.
    const permissions = await Promise.all(
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
    )
    permissions.forEach((p) => ctx.report(p))
    ctx.report(
      await ensureRoleInlinePolicy(ctx, {
        logicalId: 'lambda-websocket',
        roleName: plan.roleName,
        policyName: MANAGE_CONNECTIONS_POLICY,
        document: manageConnectionsPolicy(ctx.config, idOrLater, plan.stage.name),
      }),
    )

    const deployment = await converge(ctx, websocketDeploymentKind, {
      logicalId,
      name,
      apiId,
      definitionHash: plan.definitionHash,
    })
    ctx.report(deployment.result)
    const stage = await converge(ctx, websocketStageKind, {
      logicalId,
      name: `${name}/${plan.stage.name}`,
      apiId,
      stage: plan.stage,
      deploymentId: deployment.observed?.deployment.DeploymentId ?? KNOWN_AFTER_APPLY,
    })
    ctx.report(stage.result)

    if (!apiId) return { stage: plan.stage.name }
    const url = websocketUrl(apiId, ctx.identity.region, plan.stage.name)
    return { websocketApiId: apiId, stage: plan.stage.name, url, endpoints: { 'WebSocket API': url } }
  },
}
