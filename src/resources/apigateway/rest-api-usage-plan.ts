// An optional usage plan on the stage (throttle, quota) and its API keys. Neither has a unique name or a client
// token, so, like the API, each is found by the manifest's ID, else by name AND tags, journalled before its create
// and recorded right after. Key values are secrets: they are never read, printed or recorded (only key IDs).
import {
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
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
import { apiFailure, apiGatewayArn, callApi } from './call.js'
import { changedTags, diffTags, isOurs, offlineOutcome, recordIfChanged, journalCreate } from '../common.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const USAGE_PLAN_KIND = 'rest-api-usage-plan'
export const API_KEY_KIND = 'rest-api-key'

export interface UsagePlanSpec {
  logicalId: string
  name: string
  throttle?: { rateLimit: number; burstLimit: number }
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' }
  apiKeys: string[]
  tags: Tags
}

type Item = { id?: string; name?: string; tags?: Record<string, string> }

/** The manifest's ID, else the one item with this name and our tags. */
async function findOne<T extends Item>(
  ctx: ResourceContext,
  key: string,
  name: string,
  get: (id: string) => Promise<T>,
  list: (position?: string) => Promise<{ items?: T[]; position?: string }>,
): Promise<T | undefined> {
  const recorded = ctx.record.manifest.resources[key]?.id
  if (recorded) {
    try {
      return await get(recorded)
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
  let position: string | undefined
  do {
    const page = await list(position)
    const mine = page.items?.find((i) => i.name === name && isOurs(i.tags, ctx.identity))
    if (mine) return mine
    position = page.position
  } while (position)
  return undefined
}

/** Pure: the patch (and changes to report) that brings a plan to the spec and attaches it to the stage. */
export function diffUsagePlan(plan: UsagePlan, spec: UsagePlanSpec, apiStage: string | undefined) {
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

export async function ensureUsagePlan(
  ctx: ResourceContext,
  spec: UsagePlanSpec,
  api: { id?: string; stage: string },
): Promise<Ensured[]> {
  const key = `${USAGE_PLAN_KIND}:${spec.logicalId}`
  const keyKey = (name: string) => `${API_KEY_KIND}:${name}`
  if (ctx.offline)
    return [
      offlineOutcome(ctx, USAGE_PLAN_KIND, key, spec.name),
      ...spec.apiKeys.map((k) => offlineOutcome(ctx, API_KEY_KIND, keyKey(k), k)),
    ]
  const fail = apiFailure(ctx, 'usage plan', spec.name)
  const apiStage = api.id ? `${api.id}:${api.stage}` : undefined
  const base = { kind: USAGE_PLAN_KIND, key, name: spec.name }
  const plan = await findOne<UsagePlan>(
    ctx,
    key,
    spec.name,
    (usagePlanId) => callApi(ctx, (c) => c.send(new GetUsagePlanCommand({ usagePlanId })), 'reading a usage plan'),
    (position) =>
      callApi(ctx, (c) => c.send(new GetUsagePlansCommand({ limit: 500, position })), 'listing usage plans'),
  ).catch(fail('reading', 'UsagePlanReadFailed'))

  const keys: Ensured[] = []
  const keyIds: string[] = []
  for (const name of spec.apiKeys) {
    const ensured = await ensureApiKey(ctx, keyKey(name), name, spec.tags)
    keys.push(ensured)
    if (ensured.id && ensured.id !== KNOWN_AFTER_APPLY) keyIds.push(ensured.id)
  }

  let result: Ensured
  let planId = plan?.id
  if (!plan) {
    if (ctx.dryRun || !apiStage) {
      result = { ...base, action: 'would-create', changes: [], id: KNOWN_AFTER_APPLY, detail: describePlan(spec) }
      return [result, ...keys]
    }
    await journalCreate(ctx, key, USAGE_PLAN_KIND, spec.name)
    const created = await callApi(
      ctx,
      (c) =>
        c.send(
          new CreateUsagePlanCommand({
            name: spec.name,
            ...(spec.throttle ? { throttle: spec.throttle } : {}),
            ...(spec.quota ? { quota: spec.quota } : {}),
            apiStages: [{ apiId: api.id, stage: api.stage }],
            tags: spec.tags,
          }),
        ),
      `creating usage plan (${spec.name})`,
    ).catch(fail('creating', 'UsagePlanCreateFailed'))
    planId = created.id
    await recordIfChanged(ctx, key, { kind: USAGE_PLAN_KIND, name: spec.name, id: planId })
    result = { ...base, action: 'created', changes: [], id: planId }
  } else {
    const { patch, changes } = diffUsagePlan(plan, spec, apiStage)
    result = { ...base, action: changes.length > 0 ? 'updated' : 'unchanged', changes, id: plan.id }
    if (changes.length > 0 && ctx.dryRun) result = { ...result, action: 'would-update' }
    else if (changes.length > 0) {
      const usagePlanId = plan.id ?? ''
      if (patch.length > 0)
        await callApi(
          ctx,
          (c) => c.send(new UpdateUsagePlanCommand({ usagePlanId, patchOperations: patch })),
          `updating usage plan (${spec.name})`,
        ).catch(fail('updating', 'UsagePlanUpdateFailed'))
      const tags = changedTags(changes)
      if (Object.keys(tags).length > 0)
        await callApi(
          ctx,
          (c) =>
            c.send(
              new TagResourceCommand({
                resourceArn: apiGatewayArn(ctx.identity.region, `/usageplans/${usagePlanId}`),
                tags,
              }),
            ),
          `tagging usage plan (${spec.name})`,
        ).catch(fail('tagging', 'UsagePlanUpdateFailed'))
    }
    await recordIfChanged(ctx, key, { kind: USAGE_PLAN_KIND, name: spec.name, id: plan.id })
  }
  if (planId && keyIds.length > 0) result = await attachKeys(ctx, result, planId, keyIds, spec)
  return [result, ...keys]
}

async function attachKeys(
  ctx: ResourceContext,
  result: Ensured,
  usagePlanId: string,
  keyIds: string[],
  spec: UsagePlanSpec,
) {
  const fail = apiFailure(ctx, 'usage plan', spec.name)
  const attached = new Set<string>()
  let position: string | undefined
  do {
    const page = await callApi(
      ctx,
      (c) => c.send(new GetUsagePlanKeysCommand({ usagePlanId, limit: 500, position })),
      'reading usage plan keys',
    ).catch(fail('reading', 'UsagePlanReadFailed'))
    for (const k of page.items ?? []) if (k.id) attached.add(k.id)
    position = page.position
  } while (position)
  const missing = keyIds.filter((id) => !attached.has(id))
  if (missing.length === 0) return result
  const changes = [...result.changes, ...missing.map((id) => ({ field: `Keys[${id}]`, to: 'added' }))]
  if (ctx.dryRun) return { ...result, changes, action: result.action === 'unchanged' ? 'would-update' : result.action }
  for (const keyId of missing)
    await callApi(
      ctx,
      (c) => c.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' })),
      `adding an API key to usage plan (${spec.name})`,
    ).catch(fail('updating', 'UsagePlanUpdateFailed'))
  return { ...result, changes, action: result.action === 'unchanged' ? 'updated' : result.action }
}

async function ensureApiKey(ctx: ResourceContext, key: string, name: string, tags: Tags): Promise<Ensured> {
  const base = { kind: API_KEY_KIND, key, name }
  const fail = apiFailure(ctx, 'API key', name)
  const found = await findOne<ApiKey>(
    ctx,
    key,
    name,
    (apiKey) => callApi(ctx, (c) => c.send(new GetApiKeyCommand({ apiKey })), 'reading an API key'),
    (position) =>
      callApi(ctx, (c) => c.send(new GetApiKeysCommand({ nameQuery: name, limit: 500, position })), 'listing API keys'),
  ).catch(fail('reading', 'ApiKeyReadFailed'))
  if (found) {
    await recordIfChanged(ctx, key, { kind: API_KEY_KIND, name, id: found.id })
    return { ...base, action: 'unchanged', changes: [], id: found.id }
  }
  if (ctx.dryRun) return { ...base, action: 'would-create', changes: [], id: KNOWN_AFTER_APPLY }
  await journalCreate(ctx, key, API_KEY_KIND, name)
  const created = await callApi(
    ctx,
    (c) => c.send(new CreateApiKeyCommand({ name, enabled: true, tags })),
    `creating API key (${name})`,
  ).catch(fail('creating', 'ApiKeyCreateFailed'))
  await recordIfChanged(ctx, key, { kind: API_KEY_KIND, name, id: created.id })
  return {
    ...base,
    action: 'created',
    changes: [],
    id: created.id,
    note: `value: \`aws apigateway get-api-key --api-key ${created.id} --include-value\``,
  }
}

function describePlan(spec: UsagePlanSpec): string {
  return [
    ...(spec.throttle ? [`${spec.throttle.rateLimit} rps (burst ${spec.throttle.burstLimit})`] : []),
    ...(spec.quota ? [`${spec.quota.limit} per ${spec.quota.period.toLowerCase()}`] : []),
    `${spec.apiKeys.length} API key(s)`,
  ].join(', ')
}
