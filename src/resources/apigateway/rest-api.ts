// The REST API itself (API Gateway v1). API Gateway accepts any number of APIs with one name and CreateRestApi has no
// client token, so the API is found by the ID in the manifest, else by name and this service's tags; the engine
// journals the create before the call and sends it once (reliability rules 21-22).
import {
  APIGatewayClient,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  TagResourceCommand,
  UpdateRestApiCommand,
  type PatchOperation,
  type RestApi,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'
import { allPages, apiGatewayArn, callApi } from './call.js'

export const REST_API_KIND = 'rest-api'

export interface RestApiSpec {
  /** Manifest key `rest-api:<logicalId>`. */
  logicalId: string
  name: string
  description: string
  endpointType: 'REGIONAL' | 'EDGE'
  tags: Tags
}

const restApiArn = (region: string, id: string) => apiGatewayArn(region, `/restapis/${id}`)

const observation = (ctx: ResourceContext, api: RestApi): Observation<RestApi> => ({
  observed: api,
  id: api.id,
  arn: restApiArn(ctx.identity.region, api.id ?? ''),
  tags: api.tags ?? {},
})

/** The API the manifest records, when it still exists; else every REST API with this name. */
async function findRestApis(ctx: ResourceContext, name: string, recordedId?: string): Promise<RestApi[]> {
  const client = ctx.aws.get(APIGatewayClient)
  if (recordedId) {
    const api = await callApi(ctx, 'reading REST API', () =>
      client.send(new GetRestApiCommand({ restApiId: recordedId })),
    ).catch((e: unknown) => {
      if (isNotFound(e)) return undefined
      throw e
    })
    if (api) return [api]
    ctx.log(`REST API ${recordedId} (from the manifest) no longer exists; looking for ${name} by name`)
  }
  const all = await allPages((position) =>
    callApi(ctx, 'listing REST APIs', () => client.send(new GetRestApisCommand({ limit: 500, position }))),
  )
  return all.filter((a) => a.name === name)
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

export const restApiKind: ResourceKind<RestApiSpec, RestApi> = {
  kind: REST_API_KIND,
  label: 'REST API',
  codePrefix: 'RestApi',
  identity: 'recorded-id',
  async find(ctx, spec, recorded) {
    return (await findRestApis(ctx, spec.name, recorded?.id)).map((api) => observation(ctx, api))
  },
  early: {
    service: 'apigateway',
    read: async (ctx, recorded) =>
      (await findRestApis(ctx, recorded.name, recorded.id)).map((api) => observation(ctx, api)),
  },
  diff: diffRestApiSettings,
  async create(ctx, spec) {
    const created = await callApi(ctx, `creating REST API (${spec.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(
        new CreateRestApiCommand({
          name: spec.name,
          description: spec.description || undefined,
          endpointConfiguration: { types: [spec.endpointType] },
          tags: spec.tags,
        }),
      ),
    )
    return observation(ctx, created)
  },
  async apply(ctx, api, spec, changes) {
    const client = ctx.aws.get(APIGatewayClient)
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
      await callApi(ctx, `updating REST API (${spec.name})`, () =>
        client.send(new UpdateRestApiCommand({ restApiId, patchOperations: patch })),
      )
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await callApi(ctx, `tagging REST API (${spec.name})`, () =>
        client.send(new TagResourceCommand({ resourceArn: restApiArn(ctx.identity.region, restApiId), tags })),
      )
    return { observed: { ...api, tags: { ...api.tags, ...tags } } }
  },
  // Everything under the API (resources, deployments, stages) goes with it. API Gateway allows one DeleteRestApi per
  // 30 s per account: the client's pacer waits for it (src/aws/pacing.ts).
  async delete(ctx, record) {
    await callApi(ctx, `deleting REST API (${record.name})`, () =>
      ctx.aws.get(APIGatewayClient).send(new DeleteRestApiCommand({ restApiId: record.id })),
    )
  },
  describe: (spec) => `${spec.endpointType}${spec.description ? `, "${spec.description}"` : ''}`,
}
