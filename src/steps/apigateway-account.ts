// API Gateway's account-wide CloudWatch role, shared by steps 04 and 05: converged once per run, by whichever step asks
// first, and kept converged while the config has any API, so that dropping one API leaves what the other logs with.
import { ensureApiGatewayCloudWatchRoleOnce } from '../resources/apigateway/account.js'
import type { Ensured } from '../resources/types.js'
import type { StepContext } from './types.js'

export async function ensureCloudWatchRoleForApis(ctx: StepContext): Promise<Ensured[]> {
  const { rest_api, websocket_api } = ctx.config.sections
  if (!rest_api && !websocket_api) return []
  return ensureApiGatewayCloudWatchRoleOnce(ctx, {
    roleName: ctx.config.iam.apiGatewayCloudWatchRole.name,
    tags: ctx.config.tags,
  })
}
