// FakeApiGateway's usage plans, their keys, and API keys. What it models: apigateway.md.
import {
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  UpdateUsagePlanCommand,
  type ApiKey,
  type UpdateUsagePlanRequest,
  type UsagePlan,
} from '@aws-sdk/client-api-gateway'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import {
  badRequest,
  conflict,
  invalidPatch,
  newId,
  notFound,
  paginate,
  patchNumber,
  type ApiKeyState,
  type Entry,
  type UsagePlanState,
} from './apigateway-model.js'

export function usagePlanHandlers(fake: FakeApiGateway): Entry[] {
  const state = () => fake.state
  const renderPlan = (p: UsagePlanState): UsagePlan => ({
    id: p.id,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    apiStages: structuredClone(p.apiStages),
    ...(p.throttle ? { throttle: { ...p.throttle } } : {}),
    ...(p.quota ? { quota: { ...p.quota } } : {}),
    ...(Object.keys(p.tags).length > 0 ? { tags: { ...p.tags } } : {}),
  })
  const planOf = (id: string | undefined) => {
    const plan = state().usagePlans[id ?? '']
    if (!plan) throw notFound('Invalid Usage Plan ID specified')
    return plan
  }
  const checkApiStage = (apiId: string | undefined, stage: string | undefined) => {
    const api = state().apis[apiId ?? '']
    if (!api?.stages[stage ?? '']) throw badRequest(`Invalid stage identifier specified: ${apiId}:${stage}`)
  }
  const updateUsagePlan = (i: UpdateUsagePlanRequest): UsagePlan => {
    const plan = structuredClone(planOf(i.usagePlanId))
    for (const op of i.patchOperations ?? []) {
      const path = op.path ?? ''
      if (op.op === 'replace' && path === '/throttle/rateLimit')
        plan.throttle = { ...plan.throttle, rateLimit: patchNumber(op) }
      else if (op.op === 'replace' && path === '/throttle/burstLimit')
        plan.throttle = { ...plan.throttle, burstLimit: patchNumber(op) }
      else if (op.op === 'replace' && path === '/quota/limit') plan.quota = { ...plan.quota, limit: patchNumber(op) }
      else if (op.op === 'replace' && path === '/quota/period')
        plan.quota = { ...plan.quota, period: op.value as 'DAY' | 'WEEK' | 'MONTH' }
      else if (op.op === 'replace' && path === '/name' && op.value) plan.name = op.value
      else if ((op.op === 'add' || op.op === 'remove') && path === '/apiStages') {
        const [apiId, stage] = (op.value ?? '').split(':')
        if (op.op === 'add') {
          checkApiStage(apiId, stage)
          if (plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage))
            throw conflict(`API stage ${op.value} is already in the usage plan`)
          plan.apiStages.push({ apiId, stage })
        } else plan.apiStages = plan.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage))
      } else
        throw invalidPatch(op, [
          '/throttle/rateLimit',
          '/throttle/burstLimit',
          '/quota/limit',
          '/quota/period',
          '/apiStages',
          '/name',
        ])
    }
    state().usagePlans[plan.id] = plan
    return renderPlan(plan)
  }

  const renderKey = (k: ApiKeyState, withValue: boolean): ApiKey => ({
    id: k.id,
    name: k.name,
    ...(withValue ? { value: k.value } : {}),
    enabled: k.enabled,
    createdDate: new Date(k.createdDate),
    lastUpdatedDate: new Date(k.createdDate),
    stageKeys: [],
    ...(Object.keys(k.tags).length > 0 ? { tags: { ...k.tags } } : {}),
  })

  return [
    on(CreateUsagePlanCommand, (i) => {
      if (!i.name) throw badRequest('Usage plan name is required')
      for (const s of i.apiStages ?? []) checkApiStage(s.apiId, s.stage)
      const plan: UsagePlanState = {
        id: newId(6),
        name: i.name,
        ...(i.description ? { description: i.description } : {}),
        apiStages: structuredClone(i.apiStages ?? []),
        ...(i.throttle ? { throttle: { ...i.throttle } } : {}),
        ...(i.quota ? { quota: { ...i.quota } } : {}),
        tags: { ...i.tags },
        keyIds: [],
      }
      state().usagePlans[plan.id] = plan
      return renderPlan(plan)
    }),
    on(GetUsagePlanCommand, (i) => renderPlan(planOf(i.usagePlanId))),
    on(GetUsagePlansCommand, (i) => {
      const page = paginate(Object.values(state().usagePlans), i.position, i.limit)
      return { ...page, items: page.items.map(renderPlan) }
    }),
    on(UpdateUsagePlanCommand, updateUsagePlan),
    on(DeleteUsagePlanCommand, (i) => {
      const plan = planOf(i.usagePlanId)
      if (plan.apiStages.length > 0)
        throw badRequest(`Cannot delete Usage Plan ${plan.id}: it is associated with API stages; remove them first`)
      delete state().usagePlans[plan.id]
      return {}
    }),
    on(CreateUsagePlanKeyCommand, (i) => {
      const plan = planOf(i.usagePlanId)
      const key = state().apiKeys[i.keyId ?? '']
      if (!key || i.keyType !== 'API_KEY') throw notFound('Invalid API Key identifier specified')
      if (plan.keyIds.includes(key.id)) throw conflict(`Usage Plan ${plan.id} already has API key ${key.id}`)
      plan.keyIds.push(key.id)
      return { id: key.id, type: 'API_KEY', name: key.name }
    }),
    on(GetUsagePlanKeysCommand, (i) => {
      const plan = planOf(i.usagePlanId)
      const keys = plan.keyIds.flatMap((id) => {
        const k = state().apiKeys[id]
        return k ? [{ id: k.id, type: 'API_KEY', name: k.name }] : []
      })
      return paginate(keys, i.position, i.limit)
    }),
    on(DeleteUsagePlanKeyCommand, (i) => {
      const plan = planOf(i.usagePlanId)
      if (!plan.keyIds.includes(i.keyId ?? '')) throw notFound('Invalid API Key identifier specified')
      plan.keyIds = plan.keyIds.filter((k) => k !== i.keyId)
      return {}
    }),
    on(CreateApiKeyCommand, (i) => {
      const key = {
        id: newId(10),
        name: i.name ?? '',
        value: i.value ?? newId(40),
        enabled: i.enabled ?? false,
        createdDate: fake.now(),
        tags: { ...i.tags },
      }
      state().apiKeys[key.id] = key
      return renderKey(key, true)
    }),
    on(GetApiKeyCommand, (i) => {
      const key = state().apiKeys[i.apiKey ?? '']
      if (!key) throw notFound('Invalid API Key identifier specified')
      return renderKey(key, i.includeValue ?? false)
    }),
    on(GetApiKeysCommand, (i) => {
      const all = Object.values(state().apiKeys).filter((k) => !i.nameQuery || k.name.startsWith(i.nameQuery))
      const page = paginate(all, i.position, i.limit)
      return { ...page, items: page.items.map((k) => renderKey(k, i.includeValues ?? false)) }
    }),
    on(DeleteApiKeyCommand, (i) => {
      if (!state().apiKeys[i.apiKey ?? '']) throw notFound('Invalid API Key identifier specified')
      delete state().apiKeys[i.apiKey!]
      for (const plan of Object.values(state().usagePlans)) plan.keyIds = plan.keyIds.filter((k) => k !== i.apiKey)
      return {}
    }),
  ]
}
