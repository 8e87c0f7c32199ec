// The REST API's stage (named after the environment) and the deployment it serves. A deployment is a snapshot of the
// API's definition; its description carries the hash of the definition it was made for, so a rerun of an unchanged
// config makes none, a run that died after CreateDeployment reuses it, and a stage rolled back is moved forward again
// to the existing deployment of its definition. Stage settings (throttling, access logs, X-Ray) are not part of a
// deployment: one UpdateStage converges them.
import {
  APIGatewayClient,
  CreateStageCommand,
  DeleteStageCommand,
  GetStageCommand,
  TagResourceCommand,
  UpdateStageCommand,
  type Deployment,
  type PatchOperation,
  type Stage,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceRecord } from '../../manifest/types.js'
import { changedTags, diffTags, failureFor, recordIfChanged } from '../common.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import type { Change, Ensured, ResourceContext } from '../types.js'
import { apiGatewayArn, callApi } from './call.js'
import { deploymentFor, holdFor, servedHash, type StageHold } from './rest-api-deployments.js'
import { hashOfDeployment } from './rest-api-diff.js'

export const STAGE_KIND = 'rest-api-stage'
// Every stage method (`*/*`): the stage-wide default.
const ALL_METHODS = '*/*'

/** The stage's own settings. */
export interface StageSpec {
  name: string
  tracing: boolean
  /** Absent: whatever the stage has is left alone. */
  throttling?: { rateLimit: number; burstLimit: number }
  accessLog: { destinationArn: string; format: string }
  tags: Tags
}

export interface RestApiStageSpec extends SpecBase {
  /** `<api logical id>/<stage>`; the name is `<api name>/<stage>`. */
  logicalId: string
  /** Undefined: the API is still to be created (a plan). */
  restApiId?: string
  /** The API was created by this run: it has no stage or deployment yet, no need to look. */
  newApi?: boolean
  stage: StageSpec
  /** Hash of the definition the stage must serve. */
  definitionHash: string
}

export interface ObservedStage {
  restApiId: string
  stage: Stage
  /** The definition hash of the deployment the stage serves; undefined when infra did not make it. */
  servedHash?: string
  /** Left by `infra rollback --stage`. */
  hold?: StageHold
}

const stageKey = (apiLogicalId: string, stage: string) => `${STAGE_KIND}:${apiLogicalId}/${stage}`
export const stageArn = (region: string, apiId: string, stage: string) =>
  apiGatewayArn(region, `/restapis/${apiId}/stages/${stage}`)
/** `<api name>/<stage>` → `<stage>`. */
const stageNameOf = (record: ResourceRecord) => record.name.slice(record.name.lastIndexOf('/') + 1)

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

/** After `infra rollback --stage`, the definition it rolled back from is not deployed again until the config changes. */
const isHeld = (observed: ObservedStage, spec: RestApiStageSpec) =>
  !!observed.stage.deploymentId && observed.hold?.definitionHash === spec.definitionHash

/** Pure: a new deployment (or an existing one of this definition) when the stage serves another definition. */
function diffRestApiStage(observed: ObservedStage, spec: RestApiStageSpec): Change[] {
  const deploy = !isHeld(observed, spec) && observed.servedHash !== spec.definitionHash
  return [
    ...(deploy
      ? [
          {
            field: 'Deployment',
            from: observed.servedHash ?? observed.stage.deploymentId,
            to: `definition ${spec.definitionHash}`,
          },
        ]
      : []),
    ...diffStage(observed.stage, spec.stage).changes,
  ]
}

export async function findStage(ctx: ResourceContext, restApiId: string, stageName: string) {
  try {
    return await callApi(ctx, 'reading a stage', () =>
      ctx.aws.get(APIGatewayClient).send(new GetStageCommand({ restApiId, stageName })),
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** The stage as UpdateStage answers it (AWS returns the whole stage); undefined when there was nothing to patch. */
async function updateStage(ctx: ResourceContext, restApiId: string, stageName: string, patch: PatchOperation[]) {
  if (patch.length === 0) return undefined
  return callApi(ctx, `updating stage (${stageName})`, () =>
    ctx.aws.get(APIGatewayClient).send(new UpdateStageCommand({ restApiId, stageName, patchOperations: patch })),
  )
}

/** The stage, what it serves and the hold a rollback left; [] when there is none (or no API yet). */
async function observeStage(
  ctx: ResourceContext,
  restApiId: string | undefined,
  stageName: string,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<ObservedStage>>> {
  if (!restApiId) return []
  const stage = await findStage(ctx, restApiId, stageName)
  if (!stage) return []
  const served = await servedHash(ctx, restApiId, stage.deploymentId, recorded)
  const hold = recorded?.attributes?.rollbackHold as StageHold | null | undefined
  const observed: ObservedStage = {
    restApiId,
    stage,
    ...(served ? { servedHash: served } : {}),
    ...(hold && typeof hold.definitionHash === 'string' ? { hold } : {}),
  }
  return [{ observed, arn: stageArn(ctx.identity.region, restApiId, stageName) }]
}

const recordedApiId = (record: ResourceRecord) => String(record.attributes?.restApiId ?? '')

export const restApiStageKind: ResourceKind<RestApiStageSpec, ObservedStage> = {
  kind: STAGE_KIND,
  label: 'REST API stage',
  codePrefix: 'Stage',
  // One stage of a name per API.
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec, recorded) =>
    spec.newApi ? Promise.resolve([]) : observeStage(ctx, spec.restApiId, spec.stage.name, recorded),
  // Read early for the API the record names.
  early: {
    service: 'apigateway',
    read: (ctx, recorded) => observeStage(ctx, recordedApiId(recorded), stageNameOf(recorded), recorded),
    covers: (recorded, spec) => recordedApiId(recorded) === spec.restApiId,
  },
  diff: diffRestApiStage,
  async create(ctx, spec) {
    const restApiId = spec.restApiId
    if (!restApiId) throw new Error(`REST API stage (${spec.name}): the API has no id yet`)
    const deploymentId = await deploymentFor(ctx, restApiId, spec.definitionHash, spec.newApi)
    const { name, tracing, tags } = spec.stage
    const created = await callApi(ctx, `creating stage (${spec.name})`, () =>
      ctx.aws
        .get(APIGatewayClient)
        .send(new CreateStageCommand({ restApiId, stageName: name, deploymentId, tracingEnabled: tracing, tags })),
    )
    // CreateStage takes no method settings or access logs: they follow in one update. Each answers with the whole
    // stage, so it is not read back.
    const updated = await updateStage(
      ctx,
      restApiId,
      name,
      diffStage({ tracingEnabled: tracing, tags }, spec.stage).patch,
    )
    const stage = updated ?? created
    return {
      observed: { restApiId, stage, servedHash: spec.definitionHash },
      arn: stageArn(ctx.identity.region, restApiId, name),
    }
  },
  async apply(ctx, observed, spec, changes) {
    const { restApiId, stage } = observed
    const deploy = changes.some((c) => c.field === 'Deployment')
    const deploymentId = deploy ? await deploymentFor(ctx, restApiId, spec.definitionHash) : stage.deploymentId
    const settings = diffStage(stage, spec.stage)
    const patch: PatchOperation[] = [
      ...(deploymentId !== stage.deploymentId
        ? [{ op: 'replace' as const, path: '/deploymentId', value: deploymentId }]
        : []),
      ...settings.patch,
    ]
    await updateStage(ctx, restApiId, spec.stage.name, patch)
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await callApi(ctx, `tagging stage (${spec.name})`, () =>
        ctx.aws
          .get(APIGatewayClient)
          .send(
            new TagResourceCommand({ resourceArn: stageArn(ctx.identity.region, restApiId, spec.stage.name), tags }),
          ),
      )
    return {
      observed: {
        ...observed,
        stage: { ...stage, deploymentId, tags: { ...stage.tags, ...tags } },
        ...(deploy ? { servedHash: spec.definitionHash } : {}),
      },
    }
  },
  async delete(ctx, record) {
    const restApiId = recordedApiId(record)
    await callApi(ctx, `deleting stage (${record.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(new DeleteStageCommand({ restApiId, stageName: stageNameOf(record) })),
    )
  },
  // What the stage serves, and a rollback's hold until the config's definition is served again.
  attributes: (observed, spec) => ({
    restApiId: observed.restApiId,
    deploymentId: observed.stage.deploymentId,
    definitionHash: observed.servedHash ?? null,
    rollbackHold: isHeld(observed, spec) ? observed.hold : null,
  }),
  describe: (spec) => {
    const t = spec.stage.throttling
    return `deployment of definition ${spec.definitionHash}${t ? `, ${t.rateLimit} rps (burst ${t.burstLimit})` : ''}${spec.stage.tracing ? ', X-Ray' : ''}, access logs`
  },
}

/** Converges the stage; a stage held by `infra rollback --stage` says so. Returns the deployment it serves. */
export async function ensureRestApiStage(
  ctx: ResourceContext,
  spec: RestApiStageSpec,
): Promise<{ result: Ensured; deploymentId?: string }> {
  const { result, observed } = await converge(ctx, restApiStageKind, spec)
  const deploymentId = observed?.stage.deploymentId
  if (!observed || result.action !== 'unchanged' || !isHeld(observed, spec)) return { result, deploymentId }
  const from = observed.hold?.deploymentId
  const note = `held on deployment ${deploymentId} by \`infra rollback --stage\`: the definition of deployment ${from} is unchanged in config.json; change the API, or \`infra rollback --stage ${spec.stage.name} --env ${ctx.identity.env} --to ${from}\` to return to it`
  return { result: { ...result, note }, deploymentId }
}

/** Points the stage at an existing deployment (a rollback) and records what it serves, and the hold it leaves. */
export async function pointStageAt(
  ctx: ResourceContext,
  api: { id: string; name: string; logicalId: string },
  stageName: string,
  deployment: Deployment,
  leaving?: Deployment,
): Promise<void> {
  const name = `${api.name}/${stageName}`
  const deploymentId = deployment.id ?? ''
  await updateStage(ctx, api.id, stageName, [{ op: 'replace', path: '/deploymentId', value: deploymentId }]).catch(
    failureFor(ctx, restApiStageKind.label, name)('updating', 'StageUpdateFailed'),
  )
  await recordIfChanged(ctx, stageKey(api.logicalId, stageName), {
    kind: STAGE_KIND,
    name,
    arn: stageArn(ctx.identity.region, api.id, stageName),
    attributes: {
      restApiId: api.id,
      deploymentId,
      // null, not absent: recorded attributes merge, and a stale hash would claim the stage serves a newer definition.
      definitionHash: hashOfDeployment(deployment.description) ?? null,
      rollbackHold: holdFor(leaving, deployment),
    },
  })
}
