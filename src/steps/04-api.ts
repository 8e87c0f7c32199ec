// Step 04 (the manual's "6.1 REST API 생성"): the REST API with Lambda proxy integrations on each function's
// environment alias (so `infra rollback` moves API traffic too), a Cognito authorizer, CORS, the Lambda permissions,
// and the environment's stage with throttling, JSON access logs and X-Ray. A deployment is made only when the
// definition changed.
import { executeApiSourceArn, restApiUrl } from '../resources/apigateway/call.js'
import { ensureApiGatewayCloudWatchRoleOnce } from '../resources/apigateway/account.js'
import { ensurePermission } from '../resources/lambda/permission.js'
import { ensureLogGroup } from '../resources/logs/log-group.js'
import { ensureRestApi } from '../resources/apigateway/rest-api.js'
import { definitionHash } from '../resources/apigateway/rest-api-diff.js'
import { ensureDefinition } from '../resources/apigateway/rest-api-resources.js'
import { ensureStage } from '../resources/apigateway/rest-api-stage.js'
import { ensureUsagePlan } from '../resources/apigateway/rest-api-usage-plan.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { INVOKE_STATEMENT_ID, restApiPlan, restApiUpstream } from './rest-api-specs.js'
import type { Outputs, Step } from './types.js'

export const apiStep: Step = {
  id: 'api',
  number: 4,
  title: 'REST API',
  needs: ['lambda', 'cognito'],
  inputs: (config) => ({
    rest: config.sections.rest_api ?? null,
    cognito: config.sections.cognito !== undefined,
    environment: config.environment,
    production: config.production,
    tags: config.tags,
  }),
  async run(ctx): Promise<Outputs> {
    const planning = ctx.dryRun || ctx.offline
    const plan = restApiPlan(ctx.config, restApiUpstream(ctx.config, ctx.upstream, planning))
    if (!plan) return {}

    // Access logs need the account's CloudWatch role and the log group before the stage points at them.
    const roles = await ensureApiGatewayCloudWatchRoleOnce(ctx, {
      roleName: plan.cloudWatchRoleName,
      tags: plan.api.tags,
    })
    if (roles.first) roles.results.forEach((r) => ctx.report(r))
    ctx.report(await ensureLogGroup(ctx, plan.logGroup))

    const { result, api } = await ensureRestApi(ctx, plan.api)
    ctx.report(result)
    if (result.action === 'unmanaged') return {}
    const known = api?.id ?? (result.id !== KNOWN_AFTER_APPLY ? result.id : undefined)
    const ref = { id: api?.id, name: plan.api.name, logicalId: plan.api.logicalId }

    const definition = await ensureDefinition(ctx, ref, plan.definition, result.action === 'created')
    ctx.report(definition.result)

    // One statement per function for this API, on the alias the integrations invoke; serialised per function.
    const sourceArn = executeApiSourceArn(ctx.identity, known ?? KNOWN_AFTER_APPLY)
    const permissions = await Promise.all(
      plan.targets.map((t) =>
        ensurePermission(ctx, {
          logicalId: `${plan.api.logicalId}-${t.logicalId}`,
          functionName: t.functionName,
          qualifier: t.alias,
          statementId: INVOKE_STATEMENT_ID,
          principal: 'apigateway.amazonaws.com',
          sourceArn,
        }),
      ),
    )
    permissions.forEach((p) => ctx.report(p))

    const hash = definitionHash(plan.definition)
    const deployable = plan.definition.resources.some((r) => r.methods.length > 0)
    const stage = deployable
      ? await ensureStage(ctx, ref, plan.stage, {
          definitionHash: hash,
          definitionChanged: definition.changed || result.action === 'created',
        })
      : undefined
    if (stage) ctx.report(stage.result)
    if (stage && plan.usagePlan)
      (await ensureUsagePlan(ctx, plan.usagePlan, { id: api?.id, stage: plan.stage.name })).forEach((r) =>
        ctx.report(r),
      )

    const url = known && stage ? restApiUrl(known, ctx.identity.region, plan.stage.name) : undefined
    return {
      restApiId: known,
      stage: plan.stage.name,
      ...(url ? { url, endpoints: { 'REST API': url } } : {}),
      definitionHash: hash,
      ...(stage?.deploymentId ? { deploymentId: stage.deploymentId } : {}),
    }
  },
}
