// The stage (named after the environment) and the deployment it serves. A deployment is a snapshot of the API's
// definition; its description carries the hash of the definition it was made for, so a rerun of an unchanged
// config makes none, and a stage rolled back is moved forward again to the existing deployment of its definition.
// Stage settings (throttling, access logs, X-Ray) are not part of a deployment: one UpdateStage converges them.
import {
  CreateDeploymentCommand,
  CreateStageCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetStageCommand,
  TagResourceCommand,
  UpdateStageCommand,
  type Deployment,
  type PatchOperation,
  type Stage,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { apiFailure, apiGatewayArn, callApi } from './call.js'
import { changedTags, diffTags, recordIfChanged } from '../common.js'
import { deploymentDescription, hashOfDeployment } from './rest-api-diff.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const STAGE_KIND = 'rest-api-stage'
// Every stage method (`*/*`): the stage-wide default.
const ALL_METHODS = '*/*'

export interface StageSpec {
  name: string
  tracing: boolean
  /** Absent: whatever the stage has is left alone. */
  throttling?: { rateLimit: number; burstLimit: number }
  accessLog: { destinationArn: string; format: string }
  tags: Tags
}

export interface StageTarget {
  /** Hash of the definition the stage must serve. */
  definitionHash: string
  /** The definition was changed in this run: only a new deployment captures it. */
  definitionChanged: boolean
}

export interface EnsuredStage {
  result: Ensured
  deploymentId?: string
}

export const stageKey = (apiLogicalId: string, stage: string) => `${STAGE_KIND}:${apiLogicalId}/${stage}`
export const stageArn = (region: string, apiId: string, stage: string) =>
  apiGatewayArn(region, `/restapis/${apiId}/stages/${stage}`)

/** Pure: the patch operations (and the changes to report) that bring the stage's settings to the spec. */
export function diffStage(stage: Stage, spec: StageSpec): { patch: PatchOperation[]; changes: Change[] } {
  const patch: PatchOperation[] = []
  const changes: Change[] = []
  const set = (field: string, path: string, from: unknown, to: string | number | boolean) => {
    if (from === to) return
    patch.push({ op: 'replace', path, value: String(to) })
    changes.push({ field, from, to })
  }
  set('TracingEnabled', '/tracingEnabled', stage.tracingEnabled ?? false, spec.tracing)
  const log = stage.accessLogSettings
  set(
    'AccessLogSettings.DestinationArn',
    '/accessLogSettings/destinationArn',
    log?.destinationArn,
    spec.accessLog.destinationArn,
  )
  set('AccessLogSettings.Format', '/accessLogSettings/format', log?.format, spec.accessLog.format)
  if (spec.throttling) {
    const current = stage.methodSettings?.[ALL_METHODS]
    set(
      'Throttling.RateLimit',
      `/${ALL_METHODS}/throttling/rateLimit`,
      current?.throttlingRateLimit,
      spec.throttling.rateLimit,
    )
    set(
      'Throttling.BurstLimit',
      `/${ALL_METHODS}/throttling/burstLimit`,
      current?.throttlingBurstLimit,
      spec.throttling.burstLimit,
    )
  }
  const tags = diffTags(stage.tags ?? {}, spec.tags)
  return { patch, changes: [...changes, ...tags] }
}

export async function findStage(
  ctx: ResourceContext,
  restApiId: string,
  stageName: string,
): Promise<Stage | undefined> {
  try {
    return await callApi(ctx, (c) => c.send(new GetStageCommand({ restApiId, stageName })), 'reading a stage')
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Every deployment of the API, oldest first. */
export async function listDeployments(ctx: ResourceContext, restApiId: string): Promise<Deployment[]> {
  const all: Deployment[] = []
  let position: string | undefined
  do {
    const page = await callApi(
      ctx,
      (c) => c.send(new GetDeploymentsCommand({ restApiId, limit: 500, position })),
      'listing deployments',
    )
    all.push(...(page.items ?? []))
    position = page.position
  } while (position)
  return all.sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0))
}

/** The definition hash of the deployment the stage serves: from the manifest when it recorded that deployment. */
async function servedHash(ctx: ResourceContext, key: string, restApiId: string, deploymentId: string) {
  const known = ctx.record.manifest.resources[key]
  if (known?.id === deploymentId && typeof known.attributes?.definitionHash === 'string')
    return known.attributes.definitionHash
  try {
    const d = await callApi(
      ctx,
      (c) => c.send(new GetDeploymentCommand({ restApiId, deploymentId })),
      'reading a deployment',
    )
    return hashOfDeployment(d.description)
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

export async function ensureStage(
  ctx: ResourceContext,
  api: { id?: string; name: string; logicalId: string },
  spec: StageSpec,
  target: StageTarget,
): Promise<EnsuredStage> {
  const key = stageKey(api.logicalId, spec.name)
  const base = { kind: STAGE_KIND, key, name: `${api.name}/${spec.name}` }
  const detail = `deployment of definition ${target.definitionHash}${spec.throttling ? `, ${spec.throttling.rateLimit} rps (burst ${spec.throttling.burstLimit})` : ''}${spec.tracing ? ', X-Ray' : ''}, access logs`
  if (ctx.offline || !api.id) {
    const known = ctx.record.manifest.resources[key]
    const action = ctx.offline && known ? 'unverified' : 'would-create'
    return { result: { ...base, action, changes: [], id: known?.id ?? KNOWN_AFTER_APPLY, detail } }
  }
  const restApiId = api.id
  const fail = apiFailure(ctx, 'API stage', base.name)
  const stage = await findStage(ctx, restApiId, spec.name).catch(fail('reading', 'StageReadFailed'))
  const served = stage?.deploymentId
    ? await servedHash(ctx, key, restApiId, stage.deploymentId).catch(fail('reading', 'StageReadFailed'))
    : undefined
  // After `infra rollback --stage`, the definition it rolled back from is not deployed again until the config changes.
  const hold = stageHold(ctx, key)
  const held = !!stage?.deploymentId && hold?.definitionHash === target.definitionHash
  const needsDeployment =
    !held && (target.definitionChanged || !stage?.deploymentId || served !== target.definitionHash)
  const settings = stage ? diffStage(stage, spec) : { patch: [], changes: [] }
  const changes: Change[] = [
    ...(needsDeployment
      ? [{ field: 'Deployment', from: served ?? stage?.deploymentId, to: `definition ${target.definitionHash}` }]
      : []),
    ...settings.changes,
  ]
  const result = { ...base, changes, id: stage?.deploymentId }
  if (stage && changes.length === 0 && held) {
    const note = `held on deployment ${stage.deploymentId} by \`infra rollback --stage\`: the definition of deployment ${hold?.deploymentId} is unchanged in config.json; change the API, or \`infra rollback --stage ${spec.name} --env ${ctx.identity.env} --to ${hold?.deploymentId}\` to return to it`
    return { result: { ...result, action: 'unchanged', note }, deploymentId: stage.deploymentId }
  }
  if (stage && changes.length === 0) {
    await record(ctx, key, base.name, restApiId, stage.deploymentId, target.definitionHash)
    return { result: { ...result, action: 'unchanged' }, deploymentId: stage.deploymentId }
  }
  if (ctx.dryRun) return { result: { ...result, action: stage ? 'would-update' : 'would-create', detail } }

  let deploymentId = stage?.deploymentId
  if (needsDeployment) {
    deploymentId = await pickDeployment(ctx, restApiId, target).catch(fail('deploying', 'DeploymentFailed'))
  }
  if (!stage) {
    await callApi(
      ctx,
      (c) =>
        c.send(
          new CreateStageCommand({
            restApiId,
            stageName: spec.name,
            deploymentId,
            tracingEnabled: spec.tracing,
            tags: spec.tags,
          }),
        ),
      `creating stage (${base.name})`,
    ).catch(fail('creating', 'StageCreateFailed'))
    // CreateStage takes no method settings or access logs: they follow in one update.
    const fresh = diffStage({ tracingEnabled: spec.tracing, tags: spec.tags }, spec)
    await updateStage(ctx, restApiId, spec.name, fresh.patch).catch(fail('configuring', 'StageUpdateFailed'))
  } else {
    const patch = [
      ...(deploymentId !== stage.deploymentId
        ? [{ op: 'replace' as const, path: '/deploymentId', value: deploymentId }]
        : []),
      ...settings.patch,
    ]
    await updateStage(ctx, restApiId, spec.name, patch).catch(fail('updating', 'StageUpdateFailed'))
    const tags = changedTags(settings.changes)
    if (Object.keys(tags).length > 0)
      await callApi(
        ctx,
        (c) =>
          c.send(new TagResourceCommand({ resourceArn: stageArn(ctx.identity.region, restApiId, spec.name), tags })),
        `tagging stage (${base.name})`,
      ).catch(fail('tagging', 'StageUpdateFailed'))
  }
  await record(ctx, key, base.name, restApiId, deploymentId, target.definitionHash)
  return { result: { ...result, id: deploymentId, action: stage ? 'updated' : 'created' }, deploymentId }
}

/** A new deployment when the definition changed; else the newest deployment of this definition, if there is one. */
async function pickDeployment(ctx: ResourceContext, restApiId: string, target: StageTarget): Promise<string> {
  if (!target.definitionChanged) {
    const existing = (await listDeployments(ctx, restApiId))
      .reverse()
      .find((d) => hashOfDeployment(d.description) === target.definitionHash)
    if (existing?.id) {
      ctx.log(`reusing deployment ${existing.id} (definition ${target.definitionHash})`)
      return existing.id
    }
  }
  const created = await callApi(
    ctx,
    (c) =>
      c.send(new CreateDeploymentCommand({ restApiId, description: deploymentDescription(target.definitionHash) })),
    'creating a deployment',
  )
  ctx.log(`created deployment ${created.id} (definition ${target.definitionHash})`)
  return created.id ?? ''
}

async function updateStage(ctx: ResourceContext, restApiId: string, stageName: string, patch: PatchOperation[]) {
  if (patch.length === 0) return
  await callApi(
    ctx,
    (c) => c.send(new UpdateStageCommand({ restApiId, stageName, patchOperations: patch })),
    `updating stage (${stageName})`,
  )
}

async function record(
  ctx: ResourceContext,
  key: string,
  name: string,
  restApiId: string,
  deploymentId: string | undefined,
  definitionHash: string,
) {
  await recordIfChanged(ctx, key, {
    kind: STAGE_KIND,
    name,
    id: deploymentId,
    arn: stageArn(ctx.identity.region, restApiId, name.slice(name.lastIndexOf('/') + 1)),
    // Serving the config's definition releases any rollback hold.
    attributes: { restApiId, definitionHash, rollbackHold: null },
  })
}

/** Left by `infra rollback --stage`: the definition rolled back from, which deploys do not bring back by themselves. */
export interface StageHold {
  deploymentId: string
  definitionHash: string
}

function stageHold(ctx: ResourceContext, key: string): StageHold | undefined {
  const hold = ctx.record.manifest.resources[key]?.attributes?.rollbackHold as StageHold | null | undefined
  return hold && typeof hold.definitionHash === 'string' ? hold : undefined
}

/** Points the stage at an existing deployment (a rollback) and records what it serves, and the hold it leaves. */
export async function pointStageAt(
  ctx: ResourceContext,
  api: { id: string; name: string; logicalId: string },
  stageName: string,
  deployment: Deployment,
  leaving?: Deployment,
): Promise<void> {
  const deploymentId = deployment.id ?? ''
  await updateStage(ctx, api.id, stageName, [{ op: 'replace', path: '/deploymentId', value: deploymentId }]).catch(
    apiFailure(ctx, 'API stage', `${api.name}/${stageName}`)('updating', 'StageUpdateFailed'),
  )
  const hash = hashOfDeployment(deployment.description)
  await recordIfChanged(ctx, stageKey(api.logicalId, stageName), {
    kind: STAGE_KIND,
    name: `${api.name}/${stageName}`,
    id: deploymentId,
    arn: stageArn(ctx.identity.region, api.id, stageName),
    // null, not absent: recorded attributes merge, and a stale hash would claim the stage serves a newer definition.
    attributes: { restApiId: api.id, definitionHash: hash ?? null, rollbackHold: holdFor(leaving, deployment) },
  })
}

/** A move back to an older deployment holds the definition it left; a move forward (or to the same definition) none. */
function holdFor(leaving: Deployment | undefined, going: Deployment): StageHold | null {
  const left = hashOfDeployment(leaving?.description)
  if (!leaving?.id || !left || left === hashOfDeployment(going.description)) return null
  const older = (d: Deployment) => d.createdDate?.getTime() ?? 0
  return older(going) <= older(leaving) ? { deploymentId: leaving.id, definitionHash: left } : null
}
