// The calls behind a REST API's definition (rest-api-definition.ts): observed in a few reads
// (GetResources?embed=methods, GetAuthorizers, GetGatewayResponses, in parallel), replaced in one PutRestApi
// (mode=overwrite) with the OpenAPI document (rest-api-openapi.ts).
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetResourcesCommand,
  PutRestApiCommand,
  type Authorizer,
  type GatewayResponse,
  type Integration,
  type Resource,
} from '@aws-sdk/client-api-gateway'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceContext } from '../types.js'
import { allPages, callApi } from './call.js'
import type { ObservedDefinition, ObservedResource } from './rest-api-diff.js'
import { documentText, type OpenApiDocument } from './rest-api-openapi.js'

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
 * Replaces the API's whole definition (resources, methods, integrations, authorizers, gateway responses) with the
 * document. All or nothing: with failOnWarnings a warning rolls the import back, as an error does, and sending the same
 * document again is harmless, so a run that died around this call simply sends it again.
 */
export async function putDefinition(
  ctx: ResourceContext,
  api: { id: string; name: string },
  document: OpenApiDocument,
): Promise<void> {
  const body = new TextEncoder().encode(documentText(document))
  await callApi(ctx, `putting the OpenAPI definition of REST API (${api.name})`, () =>
    ctx.aws
      .get(APIGatewayClient)
      .send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', failOnWarnings: true, body })),
  )
}
