// `infra rollback --stage <stage>`: point the REST API's stage back at the deployment made before the one it serves
// (or at `--to <deployment id>`). The manual's rollback strategy for API Gateway ("API Gateway 스테이지"); the next
// deploy of an unchanged config moves the stage forward again to the existing deployment of its definition.
import type { Deployment } from '@aws-sdk/client-api-gateway'
import { expandTemplate, templateVars } from '../config/names.js'
import type { Context } from '../context/context.js'
import { ConfigError, StepError } from '../errors/index.js'
import { failureFor, isOurs } from '../resources/common.js'
import { keyOf } from '../resources/engine/converge.js'
import { restApiKind } from '../resources/apigateway/rest-api.js'
import { listDeployments } from '../resources/apigateway/rest-api-deployments.js'
import { hashOfDeployment } from '../resources/apigateway/rest-api-diff.js'
import { findStage, pointStageAt } from '../resources/apigateway/rest-api-stage.js'
import type { ResourceContext } from '../resources/types.js'
import { REST_API_LOGICAL_ID } from '../steps/rest-api-specs.js'
import { releaseContext } from './common.js'

export interface StageRollbackRequest {
  stage: string
  /** A deployment ID to go to instead of the previous one. */
  to?: string
}

export interface DeploymentLine {
  id: string
  createdDate?: string
  /** The definition hash infra wrote in the description, when infra made the deployment. */
  definition?: string
}

export interface StageRollbackOutcome {
  command: 'rollback'
  env: string
  stage: string
  restApiId: string
  dryRun: boolean
  from: DeploymentLine
  to: DeploymentLine
  action: 'changed' | 'would-change'
}

/** Pure: the deployment created just before `currentId` (by createdDate); undefined when there is none. */
export function previousDeployment(deployments: Deployment[], currentId: string): Deployment | undefined {
  const sorted = [...deployments].sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0))
  const index = sorted.findIndex((d) => d.id === currentId)
  return index > 0 ? sorted[index - 1] : undefined
}

const line = (d: Deployment): DeploymentLine => ({
  id: d.id ?? '',
  ...(d.createdDate ? { createdDate: d.createdDate.toISOString() } : {}),
  ...(hashOfDeployment(d.description) ? { definition: hashOfDeployment(d.description) } : {}),
})

async function findApi(ctx: Context, rctx: ResourceContext): Promise<{ id: string; name: string }> {
  const rest = ctx.config.sections.rest_api
  if (!rest)
    throw new ConfigError(
      'NoRestApi',
      `${ctx.config.files.config} has no rest_api section: there is no stage to roll back`,
      {
        hint: 'Use --alias to roll back Lambda aliases.',
      },
    )
  const name = expandTemplate(rest.name, templateVars(ctx.config)).value
  const spec = { logicalId: REST_API_LOGICAL_ID, name, description: '', endpointType: rest.endpoint_type, tags: {} }
  const recorded = rctx.record.manifest.resources[keyOf(restApiKind, REST_API_LOGICAL_ID)]
  const found = await restApiKind
    .find(rctx, spec, recorded)
    .catch(failureFor(rctx, restApiKind.label, name)('reading', 'RestApiReadFailed'))
  const ours = found.filter((a) => isOurs(a.tags, rctx.identity))
  if (ours.length > 1)
    throw new StepError(
      'RestApiAmbiguous',
      `rolling back REST API stage: ${ours.length} REST APIs named ${name} carry this service's tags (${ours.map((a) => a.id).join(', ')})`,
      { hint: 'Delete the extra ones (after checking which one serves traffic), then rerun.' },
    )
  const id = ours[0]?.id
  if (id) return { id, name }
  throw new StepError('RestApiNotFound', `rolling back REST API stage: the REST API ${name} does not exist`, {
    hint: `Deploy it first: \`infra step api --env ${ctx.config.env}\`.`,
  })
}

export async function rollbackStage(ctx: Context, req: StageRollbackRequest): Promise<StageRollbackOutcome> {
  const rctx: ResourceContext = { ...releaseContext(ctx), stepId: 'api' }
  const api = await findApi(ctx, rctx)
  const where = `REST API stage (${api.name}/${req.stage})`
  const stage = await findStage(rctx, api.id, req.stage)
  if (!stage?.deploymentId)
    throw new StepError('StageNotFound', `rolling back ${where}: the stage does not exist`, {
      hint: `The api step names the stage after ENVIRONMENT (here "${ctx.config.environment}"): pass --stage ${ctx.config.environment}.`,
    })
  const deployments = await listDeployments(rctx, api.id)
  const current = deployments.find((d) => d.id === stage.deploymentId) ?? { id: stage.deploymentId }
  const target = req.to ? deployments.find((d) => d.id === req.to) : previousDeployment(deployments, stage.deploymentId)
  if (req.to && !target)
    throw new StepError('DeploymentNotFound', `rolling back ${where}: deployment ${req.to} does not exist`, {
      hint: `List the deployments with \`aws apigateway get-deployments --rest-api-id ${api.id}\` and pass one of them to --to.`,
    })
  if (!target)
    throw new StepError(
      'NothingToRollBack',
      `rolling back ${where}: it serves deployment ${stage.deploymentId} and no earlier deployment exists`,
      { hint: 'Deploy a fix instead, or pass --to <deployment id>.' },
    )
  if (target.id === stage.deploymentId)
    throw new StepError('NothingToRollBack', `rolling back ${where}: it already serves deployment ${target.id}`, {
      hint: 'Pass --to with another deployment ID.',
    })
  const outcome = {
    command: 'rollback' as const,
    env: ctx.config.env,
    stage: req.stage,
    restApiId: api.id,
    dryRun: ctx.dryRun,
    from: line(current),
    to: line(target),
  }
  if (ctx.dryRun) return { ...outcome, action: 'would-change' }
  await pointStageAt(rctx, { ...api, logicalId: REST_API_LOGICAL_ID }, req.stage, target, current)
  return { ...outcome, action: 'changed' }
}

export function formatStageRollback(o: StageRollbackOutcome): string {
  const show = (d: DeploymentLine) =>
    `${d.id}${d.createdDate ? ` (${d.createdDate}${d.definition ? `, definition ${d.definition}` : ''})` : ''}`
  return [
    `Rollback of REST API stage ${o.stage} (${o.restApiId}) in environment ${o.env}${o.dryRun ? ' (dry run)' : ''}:`,
    `  ~ deployment ${show(o.from)} → ${show(o.to)}`,
    o.dryRun ? 'Dry run: the stage would change. No change was made.' : 'Stage changed.',
  ].join('\n')
}
