// An optional usage plan on the stage (throttle, quota) and its API keys. Neither has a unique name or a client token,
// so, like the API, each is found by the manifest's ID, else by name and this service's tags, and the engine
// journals its create and sends it once. Key values are secrets: they are never read, printed or recorded (only IDs).
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  TagResourceCommand,
  UpdateUsagePlanCommand,
  type ApiKey,
  type PatchOperation,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags } from '../common.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'
import { allPages, apiGatewayArn, callApi } from './call.js'

export const USAGE_PLAN_KIND = 'rest-api-usage-plan'
export const API_KEY_KIND = 'rest-api-key'

/** The plan as config describes it: its keys by name. */
export interface UsagePlanSpec {
  logicalId: string
  name: string
  throttle?: { rateLimit: number; burstLimit: number }
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' }
  apiKeys: string[]
  tags: Tags
}

/** The plan as the kind converges it: on one stage (`<api id>:<stage>`), with these keys. */
export interface AttachedUsagePlanSpec extends Omit<UsagePlanSpec, 'apiKeys'> {
  apiStage?: string
  keyIds: string[]
}

export interface ApiKeySpec extends SpecBase {
  tags: Tags
}

export interface ObservedUsagePlan {
  plan: UsagePlan
  keyIds: string[]
}

type Tagged = { id?: string; name?: string; tags?: Record<string, string> }
const observation = <T extends Tagged>(item: T) => ({ id: item.id, tags: item.tags ?? {} })

/** The one the manifest records, when it still exists; else every one with this name. */
async function findTagged<T extends Tagged>(
  recordedId: string | undefined,
  name: string,
  get: (id: string) => Promise<T>,
  list: () => Promise<T[]>,
): Promise<T[]> {
  if (recordedId) {
    const found = await get(recordedId).catch((e: unknown) => {
      if (isNotFound(e)) return undefined
      throw e
    })
    if (found) return [found]
  }
  return (await list()).filter((i) => i.name === name)
}

const usagePlanArn = (ctx: ResourceContext, id: string) => apiGatewayArn(ctx.identity.region, `/usageplans/${id}`)

/** Pure: the patch (and changes to report) that brings a plan to the spec and attaches it to the stage. */
export function diffUsagePlan(
  plan: UsagePlan,
  spec: Pick<UsagePlanSpec, 'throttle' | 'quota' | 'tags'>,
  apiStage: string | undefined,
) {
  const patch: PatchOperation[] = []
  const changes: Change[] = []
  const set = (field: string, path: string, from: unknown, to: string | number | undefined) => {
    if (to === undefined || from === to) return
    patch.push({ op: 'replace', path, value: String(to) })
    changes.push({ field, from, to })
  }
  set('Throttle.RateLimit', '/throttle/rateLimit', plan.throttle?.rateLimit, spec.throttle?.rateLimit)
  set('Throttle.BurstLimit', '/throttle/burstLimit', plan.throttle?.burstLimit, spec.throttle?.burstLimit)
  set('Quota.Limit', '/quota/limit', plan.quota?.limit, spec.quota?.limit)
  set('Quota.Period', '/quota/period', plan.quota?.period, spec.quota?.period)
  const attached = (plan.apiStages ?? []).some((s) => `${s.apiId}:${s.stage}` === apiStage)
  if (apiStage && !attached) {
    patch.push({ op: 'add', path: '/apiStages', value: apiStage })
    changes.push({ field: 'ApiStages', to: apiStage })
  }
  return { patch, changes: [...changes, ...diffTags(plan.tags ?? {}, spec.tags)] }
}

const missingKeys = (observed: ObservedUsagePlan, spec: AttachedUsagePlanSpec) =>
  spec.keyIds.filter((id) => !observed.keyIds.includes(id))

async function observePlan(ctx: ResourceContext, plan: UsagePlan): Promise<Observation<ObservedUsagePlan>> {
  const client = ctx.aws.get(APIGatewayClient)
  const keys = await allPages((position) =>
    callApi(ctx, 'reading usage plan keys', () =>
      client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id, limit: 500, position })),
    ),
  )
  return { observed: { plan, keyIds: keys.flatMap((k) => (k.id ? [k.id] : [])) }, ...observation(plan) }
}

export const usagePlanKind: ResourceKind<AttachedUsagePlanSpec, ObservedUsagePlan> = {
  kind: USAGE_PLAN_KIND,
  label: 'usage plan',
  codePrefix: 'UsagePlan',
  identity: 'recorded-id',
  async find(ctx, spec, recorded) {
    const client = ctx.aws.get(APIGatewayClient)
    const plans = await findTagged(
      recorded?.id,
      spec.name,
      (usagePlanId) =>
        callApi(ctx, 'reading a usage plan', () => client.send(new GetUsagePlanCommand({ usagePlanId }))),
      () =>
        allPages((position) =>
          callApi(ctx, 'listing usage plans', () => client.send(new GetUsagePlansCommand({ limit: 500, position }))),
        ),
    )
    return Promise.all(plans.map((plan) => observePlan(ctx, plan)))
  },
  diff: (observed, spec) => [
    ...diffUsagePlan(observed.plan, spec, spec.apiStage).changes,
    ...missingKeys(observed, spec).map((id) => ({ field: `Keys[${id}]`, to: 'added' })),
  ],
  async create(ctx, spec) {
    const [apiId, stage] = spec.apiStage?.split(':') ?? []
    const plan = await callApi(ctx, `creating usage plan (${spec.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(
        new CreateUsagePlanCommand({
          name: spec.name,
          ...(spec.throttle ? { throttle: spec.throttle } : {}),
          ...(spec.quota ? { quota: spec.quota } : {}),
          ...(apiId ? { apiStages: [{ apiId, stage }] } : {}),
          tags: spec.tags,
        }),
      ),
    )
    return { observed: { plan, keyIds: [] }, ...observation(plan) }
  },
  async apply(ctx, observed, spec, changes) {
    const client = ctx.aws.get(APIGatewayClient)
    const usagePlanId = observed.plan.id ?? ''
    const { patch } = diffUsagePlan(observed.plan, spec, spec.apiStage)
    if (patch.length > 0)
      await callApi(ctx, `updating usage plan (${spec.name})`, () =>
        client.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations: patch })),
      )
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await callApi(ctx, `tagging usage plan (${spec.name})`, () =>
        client.send(new TagResourceCommand({ resourceArn: usagePlanArn(ctx, usagePlanId), tags })),
      )
    for (const keyId of missingKeys(observed, spec))
      await callApi(ctx, `adding an API key to usage plan (${spec.name})`, () =>
        client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' })),
      )
  },
  // API Gateway deletes a plan only once no stage is attached to it (terraform-provider-aws removes them first too).
  async delete(ctx, record) {
    const client = ctx.aws.get(APIGatewayClient)
    const usagePlanId = record.id ?? ''
    const plan = await callApi(ctx, `reading usage plan (${record.name})`, () =>
      client.send(new GetUsagePlanCommand({ usagePlanId })),
    )
    const detach: PatchOperation[] = (plan.apiStages ?? []).map((s) => ({
      op: 'remove',
      path: '/apiStages',
      value: `${s.apiId}:${s.stage}`,
    }))
    if (detach.length > 0)
      await callApi(ctx, `detaching usage plan (${record.name})`, () =>
        client.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations: detach })),
      )
    await callApi(ctx, `deleting usage plan (${record.name})`, () =>
      client.send(new DeleteUsagePlanCommand({ usagePlanId })),
    )
  },
  describe: (spec) =>
    [
      ...(spec.throttle ? [`${spec.throttle.rateLimit} rps (burst ${spec.throttle.burstLimit})`] : []),
      ...(spec.quota ? [`${spec.quota.limit} per ${spec.quota.period.toLowerCase()}`] : []),
      `${spec.keyIds.length} API key(s)`,
    ].join(', '),
}

export const apiKeyKind: ResourceKind<ApiKeySpec, ApiKey> = {
  kind: API_KEY_KIND,
  label: 'API key',
  codePrefix: 'ApiKey',
  identity: 'recorded-id',
  async find(ctx, spec, recorded) {
    const client = ctx.aws.get(APIGatewayClient)
    const keys = await findTagged(
      recorded?.id,
      spec.name,
      (apiKey) => callApi(ctx, 'reading an API key', () => client.send(new GetApiKeyCommand({ apiKey }))),
      () =>
        allPages((position) =>
          callApi(ctx, 'listing API keys', () =>
            client.send(new GetApiKeysCommand({ nameQuery: spec.name, limit: 500, position })),
          ),
        ),
    )
    return keys.map((key) => ({ observed: key, ...observation(key) }))
  },
  diff: (key, spec) => diffTags(key.tags ?? {}, spec.tags),
  async create(ctx, spec) {
    const { value: _secret, ...key } = await callApi(ctx, `creating API key (${spec.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(new CreateApiKeyCommand({ name: spec.name, enabled: true, tags: spec.tags })),
    )
    return { observed: key, ...observation(key) }
  },
  async apply(ctx, key, _spec, changes) {
    const resourceArn = apiGatewayArn(ctx.identity.region, `/apikeys/${key.id}`)
    await callApi(ctx, `tagging API key (${key.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(new TagResourceCommand({ resourceArn, tags: changedTags(changes) })),
    )
  },
  async delete(ctx, record) {
    await callApi(ctx, `deleting API key (${record.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(new DeleteApiKeyCommand({ apiKey: record.id })),
    )
  },
  describe: () => 'enabled',
}

/** The plan's keys, then the plan on the stage with those keys: one result each. */
export async function ensureUsagePlan(
  ctx: ResourceContext,
  spec: UsagePlanSpec,
  apiStage: string | undefined,
): Promise<Ensured[]> {
  const keys: Ensured[] = []
  for (const name of spec.apiKeys) {
    const { result } = await converge(ctx, apiKeyKind, { logicalId: name, name, tags: spec.tags })
    // The value is a secret: only the command that prints it is shown.
    const note = `value: \`aws apigateway get-api-key --api-key ${result.id} --include-value\``
    keys.push(result.action === 'created' ? { ...result, note } : result)
  }
  const keyIds = keys.flatMap((k) => (k.id && k.id !== KNOWN_AFTER_APPLY ? [k.id] : []))
  const { apiKeys: _names, ...plan } = spec
  const { result } = await converge(ctx, usagePlanKind, { ...plan, apiStage, keyIds })
  return [result, ...keys]
}
