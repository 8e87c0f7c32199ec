// Step 04 (the manual's "6.1 REST API 생성"): the REST API with Lambda proxy integrations on each function's
// environment alias (so `infra rollback` moves API traffic too), a Cognito authorizer, CORS, the Lambda permissions,
// and the environment's stage with throttling, JSON access logs and X-Ray. The definition is sent as one OpenAPI
// document (PutRestApi) when what API Gateway has differs; a deployment is made only when the document changed.
import { executeApiSourceArn, restApiUrl } from '../resources/apigateway/call.js'
import { ensurePermission } from '../resources/lambda/permission.js'
import { ensureLogGroup } from '../resources/logs/log-group.js'
import { converge } from '../resources/engine/converge.js'
import { restApiKind } from '../resources/apigateway/rest-api.js'
import { restApiDefinitionKind } from '../resources/apigateway/rest-api-definition.js'
import { documentHash } from '../resources/apigateway/rest-api-openapi.js'
import { ensureRestApiStage } from '../resources/apigateway/rest-api-stage.js'
import { ensureUsagePlan } from '../resources/apigateway/rest-api-usage-plan.js'
import { KNOWN_AFTER_APPLY, type Ensured } from '../resources/types.js'
import { ensureCloudWatchRoleForApis } from './apigateway-account.js'
import { INVOKE_STATEMENT_ID, restApiPlan, restApiUpstream, type RestApiPlan } from './rest-api-specs.js'
import type { RestApiOutputs } from './outputs.js'
import type { Step, StepContext } from './types.js'

/** The account's CloudWatch role for API Gateway and the access log group, independent of each other. */
async function accessLogging(ctx: StepContext, plan: RestApiPlan | undefined): Promise<Ensured[]> {
  const [role, group] = await Promise.allSettled([
    ensureCloudWatchRoleForApis(ctx),
    plan ? ensureLogGroup(ctx, plan.logGroup) : undefined,
  ])
  if (role.status === 'rejected') throw role.reason
  if (group.status === 'rejected') throw group.reason
  return [...role.value, ...(group.value ? [group.value] : [])]
}

/**
 * The API, then its definition (one PutRestApi when API Gateway's differs) and the functions' permissions, which need
 * only the API's id. Undefined id: offline with nothing recorded, or a plan of a new API.
 */
async function buildApi(
  ctx: StepContext,
  plan: RestApiPlan,
): Promise<{ managed: boolean; restApiId?: string; newApi?: boolean }> {
  const api = await converge(ctx, restApiKind, plan.api)
  ctx.report(api.result)
  if (api.result.action === 'unmanaged') return { managed: false }
  // Offline, the manifest's id (unverified); in a plan of a new API, none yet.
  const restApiId = api.observed?.id ?? (api.result.id !== KNOWN_AFTER_APPLY ? api.result.id : undefined)
  const { logicalId, name } = plan.api
  const newApi = api.result.action === 'created'
  // One statement per function for this API, on the alias the integrations invoke; serialised per function.
  const sourceArn = executeApiSourceArn(ctx.identity, restApiId ?? KNOWN_AFTER_APPLY)
  const [definition, ...permissions] = await Promise.allSettled([
    converge(ctx, restApiDefinitionKind, {
      logicalId,
      name,
      restApiId,
      newApi,
      definition: plan.definition,
      document: plan.document,
    }).then((d) => d.result),
    ...plan.targets.map((t) =>
      ensurePermission(ctx, {
        logicalId: `${logicalId}-${t.logicalId}`,
        functionName: t.functionName,
        qualifier: t.alias,
        statementId: INVOKE_STATEMENT_ID,
        principal: 'apigateway.amazonaws.com',
        sourceArn,
      }),
    ),
  ])
  for (const settled of [definition!, ...permissions]) {
    if (settled.status === 'rejected') throw settled.reason
    ctx.report(settled.value)
  }
  return { managed: true, restApiId, newApi }
}

export const apiStep: Step<'api'> = {
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
  preflight: (config) => void restApiPlan(config, restApiUpstream(config, {}, true)),
  async run(ctx): Promise<RestApiOutputs> {
    const planning = ctx.dryRun || ctx.offline
    const plan = restApiPlan(ctx.config, restApiUpstream(ctx.config, ctx.upstream, planning))
    // Access logs need the account's CloudWatch role (kept while any API is configured, whichever step runs) and the
    // log group before the stage points at them; the API, its definition and permissions need neither: made meanwhile.
    // Both finish (or fail) before the step goes on, so nothing is left changing once it has reported.
    const [logged, built] = await Promise.allSettled([accessLogging(ctx, plan), plan ? buildApi(ctx, plan) : undefined])
    if (logged.status === 'fulfilled') logged.value.forEach((r) => ctx.report(r))
    if (logged.status === 'rejected') throw logged.reason
    if (built.status === 'rejected') throw built.reason
    if (!plan || !built.value?.managed) return {}
    const { restApiId, newApi } = built.value
    const { logicalId, name } = plan.api

    const hash = documentHash(plan.document)
    // API Gateway deploys no API without a method.
    const deployable = plan.definition.resources.some((r) => r.methods.length > 0)
    const stage = deployable
      ? await ensureRestApiStage(ctx, {
          logicalId: `${logicalId}/${plan.stage.name}`,
          name: `${name}/${plan.stage.name}`,
          restApiId,
          newApi,
          stage: plan.stage,
          definitionHash: hash,
        })
      : undefined
    if (stage) ctx.report(stage.result)
    if (stage && plan.usagePlan) {
      const apiStage = restApiId ? `${restApiId}:${plan.stage.name}` : undefined
      for (const r of await ensureUsagePlan(ctx, plan.usagePlan, apiStage)) ctx.report(r)
    }

    const url = restApiId && stage ? restApiUrl(restApiId, ctx.identity.region, plan.stage.name) : undefined
    return {
      restApiId,
      stage: plan.stage.name,
      ...(url ? { url, endpoints: { 'REST API': url } } : {}),
      definitionHash: hash,
      ...(stage?.deploymentId ? { deploymentId: stage.deploymentId } : {}),
    }
  },
}
