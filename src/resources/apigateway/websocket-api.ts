// The WebSocket API itself (API Gateway v2). API names are not unique and CreateApi takes no client token, so the API
// is found by the id in the manifest, else by name and this service's tags; the create is journaled before it is sent
// and its id recorded as soon as it returns, so a run that dies in between finds the API by its tags instead of making
// a second one (reliability rules 21-22).
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  GetApiCommand,
  GetApisCommand,
  TagResourceCommand,
  UpdateApiCommand,
  type Api,
} from '@aws-sdk/client-apigatewayv2'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { awsFailure, isApiGatewayTransient, isNotFound } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import {
  changedTags,
  isOurs,
  offlineOutcome,
  partitionOf,
  recordIfChanged,
  recordedAttribute,
  unmanagedOutcome,
  journalCreate,
} from '../common.js'
import { diffApi, type WebSocketApiSpec } from './websocket-diff.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export const WEBSOCKET_API_KIND = 'websocket-api'
// API Gateway's quotas are per account and region: other tools sharing them can throttle a run for minutes. The
// client paces our own calls (src/aws/pacing.ts); what is throttled anyway is retried for this long.
const APIGATEWAY_RETRY_MS = 10 * 60_000

/**
 * One API Gateway v2 call, retried on TooManyRequestsException and "concurrent modification" (reliability rules A1,
 * A7): both mean the request was refused, not carried out, so sending it again cannot make a copy.
 */
export function v2Call<T>(ctx: ResourceContext, label: string, send: () => Promise<T>): Promise<T> {
  return retryWhile(send, isApiGatewayTransient, {
    timeoutMs: APIGATEWAY_RETRY_MS * ctx.timing.deadlineScale,
    label,
    backoff: ctx.timing.retry,
  })
}

/** `arn:aws:apigateway:<region>::/apis/<id>[/stages/<name>]`: what TagResource and GetTags take. */
export function apiResourceArn(ctx: ResourceContext, apiId: string, stage?: string): string {
  const region = ctx.identity.region
  return `arn:${partitionOf(region)}:apigateway:${region}::/apis/${apiId}${stage === undefined ? '' : `/stages/${stage}`}`
}

export interface EnsuredApi {
  result: Ensured
  /** Undefined when the API does not exist yet (a plan) or is not ours. */
  apiId?: string
}

const tagsOf = (api: Partial<Api>): Tags => ({ ...api.Tags })

async function listApis(ctx: ResourceContext, client: ApiGatewayV2Client): Promise<Api[]> {
  const apis: Api[] = []
  let NextToken: string | undefined
  do {
    const page = await v2Call(ctx, 'listing WebSocket APIs', () => client.send(new GetApisCommand({ NextToken })))
    apis.push(...(page.Items ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  return apis
}

type Found = { api: Partial<Api>; ours: boolean } | undefined

/** By the manifest's id; else the WebSocket APIs with the spec's name, ours (by tags) first. */
export async function findApi(
  ctx: ResourceContext,
  client: ApiGatewayV2Client,
  spec: WebSocketApiSpec,
  knownId: string | undefined,
): Promise<Found> {
  if (knownId) {
    try {
      const api = await v2Call(ctx, `reading WebSocket API (${knownId})`, () =>
        client.send(new GetApiCommand({ ApiId: knownId })),
      )
      if (api.ProtocolType !== 'WEBSOCKET')
        throw new StepError(
          'WebSocketApiProtocolMismatch',
          `reading WebSocket API (${knownId}): the manifest records it, but it is a ${api.ProtocolType} API`,
          { hint: 'Remove the websocket-api entry from the manifest (or fix its id), then rerun.' },
        )
      return { api, ours: isOurs(tagsOf(api), ctx.identity) }
    } catch (e) {
      if (!isNotFound(e)) throw e
      ctx.log(`WebSocket API ${knownId} (from the manifest) no longer exists; looking for ${spec.name} by name`)
    }
  }
  const named = (await listApis(ctx, client)).filter((a) => a.Name === spec.name && a.ProtocolType === 'WEBSOCKET')
  const ours = named.filter((a) => isOurs(tagsOf(a), ctx.identity))
  const candidates = ours.length > 0 ? ours : named
  if (candidates.length > 1 && (ours.length > 0 || ctx.adopt)) {
    throw new StepError(
      'WebSocketApiAmbiguous',
      `finding WebSocket API (${spec.name}): ${candidates.length} APIs have this name${ours.length > 0 ? ' and this service’s tags' : ''}: ${candidates.map((a) => a.ApiId).join(', ')}`,
      {
        hint: `Delete the extra ones (\`aws apigatewayv2 delete-api --api-id <id>\`) after checking which one serves traffic, then rerun.`,
      },
    )
  }
  const [first] = candidates
  return first ? { api: first, ours: ours.length > 0 } : undefined
}

export async function ensureWebSocketApi(ctx: ResourceContext, spec: WebSocketApiSpec): Promise<EnsuredApi> {
  const key = `${WEBSOCKET_API_KIND}:${spec.logicalId}`
  const base = { kind: WEBSOCKET_API_KIND, key, name: spec.name }
  if (ctx.offline) {
    const result = offlineOutcome(ctx, WEBSOCKET_API_KIND, key, spec.name, describeApiSpec(spec))
    return { result, apiId: result.id }
  }
  const client = ctx.aws.get(ApiGatewayV2Client)
  const fail =
    (doing: string, code: string, name = spec.name) =>
    (e: unknown) => {
      throw awsFailure(e, {
        code,
        doing,
        kind: 'WebSocket API',
        name,
        hint: 'Check that your credentials may manage API Gateway (apigateway:*), then rerun: what exists is kept.',
      })
    }
  const knownId = ctx.record.manifest.resources[key]?.id
  const found = await findApi(ctx, client, spec, knownId).catch(fail('reading', 'WebSocketApiReadFailed'))

  if (!found) {
    if (ctx.dryRun)
      return {
        result: { ...base, action: 'would-create', changes: [], id: KNOWN_AFTER_APPLY, detail: describeApiSpec(spec) },
      }
    // Journal first: if the process dies before the id is recorded, the next run looks the API up by its tags.
    await journalCreate(ctx, key, WEBSOCKET_API_KIND, spec.name)
    const created = await v2Call(ctx, `creating WebSocket API (${spec.name})`, () =>
      client.send(
        new CreateApiCommand({
          Name: spec.name,
          ProtocolType: 'WEBSOCKET',
          RouteSelectionExpression: spec.routeSelectionExpression,
          Description: spec.description,
          Tags: spec.tags,
        }),
      ),
    ).catch(fail('creating', 'WebSocketApiCreateFailed'))
    const apiId = created.ApiId ?? ''
    await recordIfChanged(ctx, key, {
      kind: WEBSOCKET_API_KIND,
      name: spec.name,
      id: apiId,
      arn: apiResourceArn(ctx, apiId),
      attributes: { endpoint: created.ApiEndpoint },
    })
    return { result: { ...base, action: 'created', changes: [], id: apiId }, apiId }
  }

  const apiId = found.api.ApiId ?? ''
  if (!found.ours && !ctx.adopt)
    return { result: unmanagedOutcome('WebSocket API', key, spec.name, apiResourceArn(ctx, apiId)) }
  const changes = diffApi(found.api, tagsOf(found.api), spec)
  const record = async () =>
    recordIfChanged(ctx, key, {
      kind: WEBSOCKET_API_KIND,
      name: spec.name,
      id: apiId,
      arn: apiResourceArn(ctx, apiId),
      attributes: { endpoint: found.api.ApiEndpoint ?? recordedAttribute(ctx, key, 'endpoint') },
    })
  if (changes.length === 0) {
    await record()
    return { result: { ...base, action: 'unchanged', changes, id: apiId }, apiId }
  }
  if (ctx.dryRun) return { result: { ...base, action: 'would-update', changes, id: apiId }, apiId }
  const fields = new Set(changes.map((c) => c.field))
  if (fields.has('Name') || fields.has('RouteSelectionExpression') || fields.has('Description')) {
    await v2Call(ctx, `updating WebSocket API (${apiId})`, () =>
      client.send(
        new UpdateApiCommand({
          ApiId: apiId,
          Name: spec.name,
          RouteSelectionExpression: spec.routeSelectionExpression,
          Description: spec.description,
        }),
      ),
    ).catch(fail('updating', 'WebSocketApiUpdateFailed'))
  }
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) {
    await v2Call(ctx, `tagging WebSocket API (${apiId})`, () =>
      client.send(new TagResourceCommand({ ResourceArn: apiResourceArn(ctx, apiId), Tags: tags })),
    ).catch(fail('tagging', 'WebSocketApiUpdateFailed'))
  }
  await record()
  return { result: { ...base, action: 'updated', changes, id: apiId }, apiId }
}

export function describeApiSpec(spec: WebSocketApiSpec): string {
  return `WEBSOCKET, route selection ${spec.routeSelectionExpression}`
}
