// The WebSocket API itself (API Gateway v2). API names are not unique and CreateApi takes no client token, so the API
// is found by the id in the manifest, else by name and this service's tags; the engine journals the create and sends
// it once (reliability rules 21-22).
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  DeleteApiCommand,
  GetApiCommand,
  GetApisCommand,
  TagResourceCommand,
  UpdateApiCommand,
  type Api,
} from '@aws-sdk/client-apigatewayv2'
import { StepError } from '../../errors/index.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import { allPages, apiGatewayArn, callApi } from './call.js'
import { diffApi, type WebSocketApiSpec } from './websocket-diff.js'

export const WEBSOCKET_API_KIND = 'websocket-api'

const websocketApiArn = (ctx: ResourceContext, apiId: string) => apiGatewayArn(ctx.identity.region, `/apis/${apiId}`)

const observation = (ctx: ResourceContext, api: Partial<Api>): Observation<Partial<Api>> => ({
  observed: api,
  id: api.ApiId,
  arn: websocketApiArn(ctx, api.ApiId ?? ''),
  tags: { ...api.Tags },
})

/** The API the manifest records, when it still exists; else every WebSocket API with the spec's name. */
async function findApis(ctx: ResourceContext, name: string, recordedId?: string): Promise<Array<Partial<Api>>> {
  const client = ctx.aws.get(ApiGatewayV2Client)
  if (recordedId) {
    const api = await callApi(ctx, `reading WebSocket API (${recordedId})`, () =>
      client.send(new GetApiCommand({ ApiId: recordedId })),
    ).catch((e: unknown) => {
      if (isNotFound(e)) return undefined
      throw e
    })
    if (api?.ProtocolType && api.ProtocolType !== 'WEBSOCKET')
      throw new StepError(
        'WebSocketApiProtocolMismatch',
        `reading WebSocket API (${recordedId}): the manifest records it, but it is a ${api.ProtocolType} API`,
        { hint: 'Remove the websocket-api entry from the manifest (or fix its id), then rerun.' },
      )
    if (api) return [api]
    ctx.log(`WebSocket API ${recordedId} (from the manifest) no longer exists; looking for ${name} by name`)
  }
  const all = await allPages((NextToken) =>
    callApi(ctx, 'listing WebSocket APIs', () => client.send(new GetApisCommand({ NextToken }))),
  )
  return all.filter((a) => a.Name === name && a.ProtocolType === 'WEBSOCKET')
}

export const websocketApiKind: ResourceKind<WebSocketApiSpec, Partial<Api>> = {
  kind: WEBSOCKET_API_KIND,
  label: 'WebSocket API',
  codePrefix: 'WebSocketApi',
  identity: 'recorded-id',
  async find(ctx, spec, recorded) {
    return (await findApis(ctx, spec.name, recorded?.id)).map((api) => observation(ctx, api))
  },
  early: {
    service: 'apigatewayv2',
    read: async (ctx, recorded) =>
      (await findApis(ctx, recorded.name, recorded.id)).map((api) => observation(ctx, api)),
  },
  diff: (api, spec) => diffApi(api, { ...api.Tags }, spec),
  async create(ctx, spec) {
    const created = await callApi(ctx, `creating WebSocket API (${spec.name})`, () =>
      ctx.aws.get(ApiGatewayV2Client).send(
        new CreateApiCommand({
          Name: spec.name,
          ProtocolType: 'WEBSOCKET',
          RouteSelectionExpression: spec.routeSelectionExpression,
          Description: spec.description,
          Tags: spec.tags,
        }),
      ),
    )
    return observation(ctx, created)
  },
  async apply(ctx, api, spec, changes) {
    const client = ctx.aws.get(ApiGatewayV2Client)
    const apiId = api.ApiId ?? ''
    const fields = new Set(changes.map((c) => c.field))
    if (fields.has('Name') || fields.has('RouteSelectionExpression') || fields.has('Description'))
      await callApi(ctx, `updating WebSocket API (${apiId})`, () =>
        client.send(
          new UpdateApiCommand({
            ApiId: apiId,
            Name: spec.name,
            RouteSelectionExpression: spec.routeSelectionExpression,
            Description: spec.description,
          }),
        ),
      )
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await callApi(ctx, `tagging WebSocket API (${apiId})`, () =>
        client.send(new TagResourceCommand({ ResourceArn: websocketApiArn(ctx, apiId), Tags: tags })),
      )
    return { observed: { ...api, Tags: { ...api.Tags, ...tags } } }
  },
  // Routes, integrations, deployments and stages go with it.
  async delete(ctx, record) {
    await callApi(ctx, `deleting WebSocket API (${record.name})`, () =>
      ctx.aws.get(ApiGatewayV2Client).send(new DeleteApiCommand({ ApiId: record.id })),
    )
  },
  attributes: (api) => ({ endpoint: api.ApiEndpoint }),
  describe: (spec) => `WEBSOCKET, route selection ${spec.routeSelectionExpression}`,
}
