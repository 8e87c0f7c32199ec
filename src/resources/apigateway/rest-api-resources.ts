// The calls behind a REST API's definition (rest-api-definition.ts): its resources (paths), methods, integrations,
// method and integration responses, authorizers and gateway responses. Observed in a few reads
// (GetResources?embed=methods, GetAuthorizers, GetGatewayResponses), changed one call at a time in the order the pure
// diff (rest-api-diff.ts) gives, which API Gateway accepts.
import {
  APIGatewayClient,
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
import { isAlreadyExists, isCreateOutcomeUnknown, isNotFound } from '../../aws/errors.js'
import { failureFor } from '../common.js'
import type { ResourceContext } from '../types.js'
import { allPages, callApi } from './call.js'
import {
  parentPath,
  type DefinitionChange,
  type MethodSpec,
  type ObservedDefinition,
  type ObservedResource,
} from './rest-api-diff.js'

const PAGE = 500

/** The API's definition as API Gateway has it: one paginated read per collection, GetIntegration only if not embedded. */
export async function observeDefinition(ctx: ResourceContext, restApiId: string): Promise<ObservedDefinition> {
  const client = ctx.aws.get(APIGatewayClient)
  const [resources, authorizers, gatewayResponses] = await Promise.all([
    allPages<Resource>((position) =>
      callApi(ctx, 'reading REST API resources', () =>
        client.send(new GetResourcesCommand({ restApiId, embed: ['methods'], limit: PAGE, position })),
      ),
    ),
    allPages<Authorizer>((position) =>
      callApi(ctx, 'reading REST API authorizers', () =>
        client.send(new GetAuthorizersCommand({ restApiId, limit: PAGE, position })),
      ),
    ),
    allPages<GatewayResponse>((position) =>
      callApi(ctx, 'reading REST API gateway responses', () =>
        client.send(new GetGatewayResponsesCommand({ restApiId, limit: PAGE, position })),
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
    return await callApi(ctx, 'reading a REST API integration', () =>
      ctx.aws.get(APIGatewayClient).send(new GetIntegrationCommand({ restApiId, resourceId, httpMethod })),
    )
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/**
 * One call per change, in order; the first failure stops them (later calls may need it) and names the change. A lost
 * response or "already exists" is left as it is: the engine resolves those by looking again.
 */
export async function applyDefinitionChanges(
  ctx: ResourceContext,
  api: { id: string; name: string },
  observed: ObservedDefinition,
  changes: DefinitionChange[],
): Promise<void> {
  const restApiId = api.id
  const resourceIds = new Map(observed.resources.map((r) => [r.path, r.id]))
  const authorizerIds = new Map(observed.authorizers.map((a) => [a.name ?? '', a.id ?? '']))
  const idOf = (path: string) => resourceIds.get(path) ?? ''
  const client = ctx.aws.get(APIGatewayClient)
  const send = <T>(what: string, call: (c: APIGatewayClient) => Promise<T>) => callApi(ctx, what, () => call(client))

  for (const change of changes) {
    const failed = failureFor(ctx, 'REST API', `${api.name}, ${change.field}`)('updating', 'RestApiUpdateFailed')
    await applyOne(change).catch((e: unknown) => {
      throw isAlreadyExists(e) || isCreateOutcomeUnknown(e) ? e : failed(e)
    })
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
