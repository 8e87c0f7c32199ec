// A REST API's definition: its resources (paths), methods, integrations, method and integration responses,
// authorizers and gateway responses. Observed in a few reads (GetResources?embed=methods, GetAuthorizers,
// GetGatewayResponses), diffed purely (rest-api-diff.ts), changed one call at a time in an order API Gateway accepts.
import {
  CreateAuthorizerCommand,
  CreateResourceCommand,
  DeleteAuthorizerCommand,
  DeleteGatewayResponseCommand,
  DeleteMethodCommand,
  DeleteMethodResponseCommand,
  DeleteResourceCommand,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetResourcesCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateAuthorizerCommand,
  UpdateMethodCommand,
  type Authorizer,
  type GatewayResponse,
  type Integration,
  type PatchOperation,
  type Resource,
} from '@aws-sdk/client-api-gateway'
import { isNotFound } from '../../aws/errors.js'
import { apiFailure, callApi } from './call.js'
import {
  asChanges,
  describeDefinition,
  diffRestApi,
  parentPath,
  type ApiDefinition,
  type DefinitionChange,
  type MethodSpec,
  type ObservedDefinition,
  type ObservedResource,
} from './rest-api-diff.js'
import type { Ensured, ResourceContext } from '../types.js'

export const DEFINITION_KIND = 'rest-api-definition'
const PAGE = 500

async function pages<T>(fetch: (position?: string) => Promise<{ items?: T[]; position?: string }>): Promise<T[]> {
  const all: T[] = []
  let position: string | undefined
  do {
    const page = await fetch(position)
    all.push(...(page.items ?? []))
    position = page.position
  } while (position)
  return all
}

/** The API's definition as API Gateway has it: one paginated read per collection, GetIntegration only if not embedded. */
export async function observeDefinition(ctx: ResourceContext, restApiId: string): Promise<ObservedDefinition> {
  const [resources, authorizers, gatewayResponses] = await Promise.all([
    pages<Resource>((position) =>
      callApi(
        ctx,
        (c) => c.send(new GetResourcesCommand({ restApiId, embed: ['methods'], limit: PAGE, position })),
        'reading REST API resources',
      ),
    ),
    pages<Authorizer>((position) =>
      callApi(
        ctx,
        (c) => c.send(new GetAuthorizersCommand({ restApiId, limit: PAGE, position })),
        'reading REST API authorizers',
      ),
    ),
    pages<GatewayResponse>((position) =>
      callApi(
        ctx,
        (c) => c.send(new GetGatewayResponsesCommand({ restApiId, limit: PAGE, position })),
        'reading REST API gateway responses',
      ),
    ),
  ])
  const observed: ObservedResource[] = []
  for (const r of resources) {
    const methods = { ...r.resourceMethods }
    for (const [httpMethod, method] of Object.entries(methods)) {
      if (method.methodIntegration) continue
      // Only a method without an integration (or a response that leaves it out) costs a read of its own.
      const integration = await readIntegration(ctx, restApiId, r.id ?? '', httpMethod)
      methods[httpMethod] = { ...method, ...(integration ? { methodIntegration: integration } : {}) }
    }
    observed.push({ id: r.id ?? '', path: r.path ?? '', methods })
  }
  return { resources: observed, authorizers, gatewayResponses }
}

async function readIntegration(
  ctx: ResourceContext,
  restApiId: string,
  resourceId: string,
  httpMethod: string,
): Promise<Integration | undefined> {
  try {
    return await callApi(
      ctx,
      (c) => c.send(new GetIntegrationCommand({ restApiId, resourceId, httpMethod })),
      'reading a REST API integration',
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

export interface EnsuredDefinition {
  result: Ensured
  /** Calls were made: the stage needs a new deployment. */
  changed: boolean
}

/** Converges the definition of an existing API (`restApiId` undefined: a plan for an API still to be created). */
export async function ensureDefinition(
  ctx: ResourceContext,
  api: { id?: string; name: string; logicalId: string },
  definition: ApiDefinition,
  /** The API was created in this run: its definition is reported as created, not updated. */
  fresh = false,
): Promise<EnsuredDefinition> {
  const base = { kind: DEFINITION_KIND, key: `${DEFINITION_KIND}:${api.logicalId}`, name: api.name }
  if (ctx.offline || !api.id) {
    const action = ctx.offline && api.id ? 'unverified' : 'would-create'
    return { result: { ...base, action, changes: [], detail: describeDefinition(definition) }, changed: false }
  }
  const fail = apiFailure(ctx, 'REST API', api.name)
  const observed = await observeDefinition(ctx, api.id).catch(fail('reading', 'RestApiReadFailed'))
  const changes = diffRestApi(observed, definition)
  const result = { ...base, id: api.id, changes: asChanges(changes) }
  if (changes.length === 0) return { result: { ...result, action: 'unchanged' }, changed: false }
  if (ctx.dryRun) return { result: { ...result, action: 'would-update' }, changed: false }
  ctx.log(`${api.name}: ${changes.length} definition change(s)`)
  await applyDefinitionChanges(ctx, { id: api.id, name: api.name }, observed, changes)
  const action = fresh ? 'created' : 'updated'
  return {
    result: { ...result, action, ...(fresh ? { changes: [], detail: describeDefinition(definition) } : {}) },
    changed: true,
  }
}

/** One call per change, in order; the first failure stops them (later calls may need it) and names the change. */
async function applyDefinitionChanges(
  ctx: ResourceContext,
  api: { id: string; name: string },
  observed: ObservedDefinition,
  changes: DefinitionChange[],
): Promise<void> {
  const restApiId = api.id
  const resourceIds = new Map(observed.resources.map((r) => [r.path, r.id]))
  const authorizerIds = new Map(observed.authorizers.map((a) => [a.name ?? '', a.id ?? '']))
  const idOf = (path: string) => resourceIds.get(path) ?? ''
  const send = <T>(what: string, fn: Parameters<typeof callApi<T>>[1]) => callApi(ctx, fn, what)

  for (const change of changes) {
    await applyOne(change).catch(
      apiFailure(ctx, 'REST API', `${api.name}, ${change.field}`)('updating', 'RestApiUpdateFailed'),
    )
  }

  async function applyOne(change: DefinitionChange): Promise<void> {
    const what = `${change.op} ${change.field}`
    switch (change.op) {
      case 'create-authorizer': {
        const a = change.authorizer
        const created = await send(what, (c) =>
          c.send(
            new CreateAuthorizerCommand({
              restApiId,
              name: a.name,
              type: a.type,
              providerARNs: a.providerArns,
              identitySource: a.identitySource,
            }),
          ),
        )
        authorizerIds.set(a.name, created.id ?? '')
        break
      }
      case 'update-authorizer': {
        const patch: PatchOperation[] = [
          ...change.add.map((arn) => ({ op: 'add' as const, path: '/providerARNs', value: arn })),
          // Added before removed: a Cognito authorizer refuses an empty list (terraform-provider-aws authorizer.go).
          ...change.remove.map((arn) => ({ op: 'remove' as const, path: '/providerARNs', value: arn })),
          { op: 'replace', path: '/identitySource', value: change.authorizer.identitySource },
        ]
        await send(what, (c) =>
          c.send(new UpdateAuthorizerCommand({ restApiId, authorizerId: change.id, patchOperations: patch })),
        )
        break
      }
      case 'delete-authorizer':
        await send(what, (c) => c.send(new DeleteAuthorizerCommand({ restApiId, authorizerId: change.id })))
        break
      case 'create-resource': {
        const pathPart = change.path.slice(change.path.lastIndexOf('/') + 1)
        const parentId = idOf(parentPath(change.path))
        const created = await send(what, (c) => c.send(new CreateResourceCommand({ restApiId, parentId, pathPart })))
        resourceIds.set(change.path, created.id ?? '')
        break
      }
      case 'delete-resource':
        await send(what, (c) => c.send(new DeleteResourceCommand({ restApiId, resourceId: change.id })))
        break
      case 'put-method':
        await send(what, (c) =>
          c.send(
            new PutMethodCommand({
              restApiId,
              resourceId: idOf(change.path),
              httpMethod: change.httpMethod,
              ...methodAuth(change.method, authorizerIds),
            }),
          ),
        )
        break
      case 'update-method': {
        const auth = methodAuth(change.method, authorizerIds)
        const patch: PatchOperation[] = [
          { op: 'replace', path: '/authorizationType', value: auth.authorizationType },
          ...(auth.authorizerId ? [{ op: 'replace' as const, path: '/authorizerId', value: auth.authorizerId }] : []),
          { op: 'replace', path: '/apiKeyRequired', value: String(auth.apiKeyRequired) },
        ]
        await send(what, (c) =>
          c.send(
            new UpdateMethodCommand({
              restApiId,
              resourceId: idOf(change.path),
              httpMethod: change.httpMethod,
              patchOperations: patch,
            }),
          ),
        )
        break
      }
      case 'delete-method':
        await send(what, (c) =>
          c.send(new DeleteMethodCommand({ restApiId, resourceId: idOf(change.path), httpMethod: change.httpMethod })),
        )
        break
      case 'put-integration': {
        const i = change.method.integration
        await send(what, (c) =>
          c.send(
            new PutIntegrationCommand({
              restApiId,
              resourceId: idOf(change.path),
              httpMethod: change.httpMethod,
              type: i.type,
              ...(i.httpMethod ? { integrationHttpMethod: i.httpMethod } : {}),
              ...(i.uri ? { uri: i.uri } : {}),
              ...(i.requestTemplates ? { requestTemplates: i.requestTemplates } : {}),
              ...(i.timeoutInMillis !== undefined ? { timeoutInMillis: i.timeoutInMillis } : {}),
            }),
          ),
        )
        break
      }
      case 'put-method-response': {
        const at = {
          restApiId,
          resourceId: idOf(change.path),
          httpMethod: change.httpMethod,
          statusCode: change.statusCode,
        }
        // PutMethodResponse refuses to overwrite: a differing response is deleted first.
        if (change.replace) await send(what, (c) => c.send(new DeleteMethodResponseCommand(at)))
        await send(what, (c) => c.send(new PutMethodResponseCommand({ ...at, responseParameters: change.parameters })))
        break
      }
      case 'put-integration-response':
        await send(what, (c) =>
          c.send(
            new PutIntegrationResponseCommand({
              restApiId,
              resourceId: idOf(change.path),
              httpMethod: change.httpMethod,
              statusCode: change.statusCode,
              ...change.response,
            }),
          ),
        )
        break
      case 'put-gateway-response':
        await send(what, (c) => c.send(new PutGatewayResponseCommand({ restApiId, ...change.response })))
        break
      case 'delete-gateway-response':
        await send(what, (c) =>
          c.send(new DeleteGatewayResponseCommand({ restApiId, responseType: change.responseType })),
        )
        break
    }
  }
}

function methodAuth(method: MethodSpec, authorizerIds: Map<string, string>) {
  const authorizerId = method.authorizer ? authorizerIds.get(method.authorizer) : undefined
  return {
    authorizationType: method.authorizationType,
    ...(method.authorizationType !== 'NONE' && authorizerId ? { authorizerId } : {}),
    apiKeyRequired: method.apiKeyRequired,
  }
}
