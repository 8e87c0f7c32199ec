// The REST API itself (API Gateway v1): found by the ID in the manifest, else by name AND this service's tags,
// because API Gateway accepts any number of APIs with one name and CreateRestApi has no client token. The create
// is journalled before the call and its ID recorded right after, so a crash in between is resolved by the tag
// lookup on resume, never by a second create (reliability rules 21-22).
import {
  CreateRestApiCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  TagResourceCommand,
  UpdateRestApiCommand,
  type PatchOperation,
  type RestApi,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { apiFailure, apiGatewayArn, callApi } from './call.js'
import {
  changedTags,
  diffTags,
  isOurs,
  offlineOutcome,
  recordIfChanged,
  unmanagedOutcome,
  journalCreate,
} from '../common.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const REST_API_KIND = 'rest-api'
const PAGE = 500

export interface RestApiSpec {
  /** Manifest key `rest-api:<logicalId>`. */
  logicalId: string
  name: string
  description: string
  endpointType: 'REGIONAL' | 'EDGE'
  tags: Tags
}

export interface EnsuredRestApi {
  result: Ensured
  /** Undefined when the API does not exist (a plan) or is not ours. */
  api?: RestApi
}

export const restApiKey = (spec: Pick<RestApiSpec, 'logicalId'>) => `${REST_API_KIND}:${spec.logicalId}`
export const restApiArn = (region: string, id: string) => apiGatewayArn(region, `/restapis/${id}`)

interface Found {
  api?: RestApi
  /** Same name and tags, not chosen: an earlier bug or a copy made by hand. */
  duplicates: RestApi[]
  /** Same name, without our tags. */
  foreign?: RestApi
  /** The ID the manifest recorded, gone from AWS. */
  gone?: string
}

async function listRestApis(ctx: ResourceContext): Promise<RestApi[]> {
  const apis: RestApi[] = []
  let position: string | undefined
  do {
    const page = await callApi(
      ctx,
      (c) => c.send(new GetRestApisCommand({ limit: PAGE, position })),
      'listing REST APIs',
    )
    apis.push(...(page.items ?? []))
    position = page.position
  } while (position)
  return apis
}

export async function findRestApi(ctx: ResourceContext, spec: RestApiSpec): Promise<Found> {
  const recorded = ctx.record.manifest.resources[restApiKey(spec)]?.id
  if (recorded) {
    try {
      const api = await callApi(ctx, (c) => c.send(new GetRestApiCommand({ restApiId: recorded })), 'reading REST API')
      return { api, duplicates: [] }
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
  const named = (await listRestApis(ctx)).filter((a) => a.name === spec.name)
  const ours = named
    .filter((a) => isOurs(a.tags, ctx.identity))
    .sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0))
  const gone = recorded ? { gone: recorded } : {}
  if (ours.length > 0) return { api: ours[0], duplicates: ours.slice(1), ...gone }
  return { duplicates: [], ...(named[0] ? { foreign: named[0] } : {}), ...gone }
}

const endpointTypeOf = (api: RestApi) => api.endpointConfiguration?.types?.[0]

/** Pure: what differs between the API and its spec (the name is its identity and never differs). */
export function diffRestApiSettings(api: RestApi, spec: RestApiSpec): Change[] {
  const changes: Change[] = []
  if ((api.description ?? '') !== spec.description)
    changes.push({ field: 'Description', from: api.description, to: spec.description })
  if (endpointTypeOf(api) !== spec.endpointType)
    changes.push({ field: 'EndpointType', from: endpointTypeOf(api), to: spec.endpointType })
  return [...changes, ...diffTags(api.tags ?? {}, spec.tags)]
}

export function describeRestApiSpec(spec: RestApiSpec): string {
  return `${spec.endpointType}${spec.description ? `, "${spec.description}"` : ''}`
}

export async function ensureRestApi(ctx: ResourceContext, spec: RestApiSpec): Promise<EnsuredRestApi> {
  const key = restApiKey(spec)
  const base = { kind: REST_API_KIND, key, name: spec.name }
  if (ctx.offline) return { result: offlineOutcome(ctx, REST_API_KIND, key, spec.name, describeRestApiSpec(spec)) }
  const fail = apiFailure(ctx, 'REST API', spec.name)
  const found = await findRestApi(ctx, spec).catch(fail('reading', 'RestApiReadFailed'))
  const notes = [
    ...(found.gone ? [`the API recorded in the manifest (${found.gone}) no longer exists`] : []),
    ...(found.duplicates.length > 0
      ? [
          `other APIs share its name and tags (${found.duplicates.map((a) => a.id).join(', ')}); only ${found.api?.id} is managed: delete the others`,
        ]
      : []),
  ]
  const note = notes.length > 0 ? { note: notes.join('; ') } : {}
  let api = found.api
  if (!api && found.foreign) {
    if (!ctx.adopt) return { result: unmanagedOutcome('REST API', key, spec.name, found.foreign.id) }
    api = found.foreign
  }

  if (!api) {
    if (ctx.dryRun)
      return {
        result: {
          ...base,
          action: 'would-create',
          changes: [],
          id: KNOWN_AFTER_APPLY,
          detail: describeRestApiSpec(spec),
          ...note,
        },
      }
    // Journal first: if the process dies before the ID is recorded, the next run finds the API by its tags.
    await journalCreate(ctx, key, REST_API_KIND, spec.name)
    const created = await callApi(
      ctx,
      (c) =>
        c.send(
          new CreateRestApiCommand({
            name: spec.name,
            description: spec.description || undefined,
            endpointConfiguration: { types: [spec.endpointType] },
            tags: spec.tags,
          }),
        ),
      `creating REST API (${spec.name})`,
    ).catch(fail('creating', 'RestApiCreateFailed'))
    await recordApi(ctx, spec, created)
    ctx.log(`created REST API ${spec.name} (${created.id})`)
    return { result: { ...base, action: 'created', changes: [], id: created.id, ...note }, api: created }
  }

  const changes = diffRestApiSettings(api, spec)
  const result = { ...base, changes, id: api.id, ...note }
  if (changes.length === 0) {
    await recordApi(ctx, spec, api)
    return { result: { ...result, action: 'unchanged' }, api }
  }
  if (ctx.dryRun) return { result: { ...result, action: 'would-update' }, api }
  await applyApiChanges(ctx, api, spec, changes).catch(fail('updating', 'RestApiUpdateFailed'))
  await recordApi(ctx, spec, api)
  return { result: { ...result, action: 'updated' }, api: { ...api, tags: { ...api.tags, ...spec.tags } } }
}

async function recordApi(ctx: ResourceContext, spec: RestApiSpec, api: RestApi): Promise<void> {
  await recordIfChanged(ctx, restApiKey(spec), {
    kind: REST_API_KIND,
    name: spec.name,
    id: api.id,
    arn: restApiArn(ctx.identity.region, api.id ?? ''),
  })
}

async function applyApiChanges(ctx: ResourceContext, api: RestApi, spec: RestApiSpec, changes: Change[]) {
  const restApiId = api.id ?? ''
  const patch: PatchOperation[] = []
  for (const change of changes) {
    if (change.field === 'Description') patch.push({ op: 'replace', path: '/description', value: spec.description })
    if (change.field === 'EndpointType')
      patch.push({
        op: 'replace',
        path: `/endpointConfiguration/types/${String(change.from)}`,
        value: spec.endpointType,
      })
  }
  if (patch.length > 0)
    await callApi(
      ctx,
      (c) => c.send(new UpdateRestApiCommand({ restApiId, patchOperations: patch })),
      `updating REST API (${spec.name})`,
    )
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0)
    await callApi(
      ctx,
      (c) => c.send(new TagResourceCommand({ resourceArn: restApiArn(ctx.identity.region, restApiId), tags })),
      `tagging REST API (${spec.name})`,
    )
}
