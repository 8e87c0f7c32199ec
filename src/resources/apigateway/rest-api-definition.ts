// A REST API's definition as one kind: its resources (paths), methods, integrations, authorizers and gateway
// responses, sent together as one OpenAPI document (PutRestApi, mode=overwrite) before the stage deploys them. Observed
// by reading them back, so a method changed by hand is reported and put right by the next deploy; an endpoint or
// method that config no longer has goes with the overwrite, so a deployment never captures it.
import { isNotFound } from '../../aws/errors.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import { observeDefinition, putDefinition } from './rest-api-resources.js'
import { describeDefinition, diffRestApi, type ApiDefinition, type ObservedDefinition } from './rest-api-diff.js'
import { documentHash, openApiDocument, type OpenApiDocument } from './rest-api-openapi.js'

export const DEFINITION_KIND = 'rest-api-definition'

export interface DefinitionSpec extends SpecBase {
  /** The API's name. */
  name: string
  /** Undefined: the API is still to be created (a plan). */
  restApiId?: string
  /** The API was created by this run: it has nothing yet, no need to read it. */
  newApi?: boolean
  /** What the diff compares with what API Gateway has… */
  definition: ApiDefinition
  /** …and what is sent: the same definition as an OpenAPI document (openApiDocument). */
  document: OpenApiDocument
}

export type ObservedApiDefinition =
  | { restApiId: string; definition: ObservedDefinition }
  /** Right after a PutRestApi: API Gateway took this document whole (failOnWarnings), no need to read it back. */
  | { restApiId: string; sent: string }

/** A new API has only its root resource and API Gateway's default gateway responses: nothing is defined yet. */
const isEmpty = (d: ObservedDefinition) =>
  d.resources.every((r) => r.path === '/' && Object.keys(r.methods).length === 0) &&
  d.authorizers.length === 0 &&
  d.gatewayResponses.every((g) => g.defaultResponse !== false)

/** The API's definition, [] when the API has none yet (or no longer exists). */
async function observe(
  ctx: ResourceContext,
  restApiId: string | undefined,
): Promise<Array<Observation<ObservedApiDefinition>>> {
  if (!restApiId) return []
  try {
    const definition = await observeDefinition(ctx, restApiId)
    return isEmpty(definition) ? [] : [{ observed: { restApiId, definition }, id: restApiId }]
  } catch (e) {
    if (isNotFound(e)) return []
    throw e
  }
}

async function put(ctx: ResourceContext, restApiId: string, spec: DefinitionSpec): Promise<ObservedApiDefinition> {
  await putDefinition(ctx, { id: restApiId, name: spec.name }, spec.document)
  return { restApiId, sent: documentHash(spec.document) }
}

export const restApiDefinitionKind: ResourceKind<DefinitionSpec, ObservedApiDefinition> = {
  kind: DEFINITION_KIND,
  label: 'REST API definition',
  // The API's own codes: a refused document is `RestApiUpdateFailed`, with API Gateway's words.
  codePrefix: 'RestApi',
  // One per API: found through the API's id, as a name-unique resource is found by its name.
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => (spec.newApi ? Promise.resolve([]) : observe(ctx, spec.restApiId)),
  // Recorded under the API's id.
  early: {
    service: 'apigateway',
    read: (ctx, recorded) => observe(ctx, recorded.id),
    covers: (recorded, spec) => recorded.id === spec.restApiId,
  },
  diff(observed, spec) {
    if (!('sent' in observed)) return diffRestApi(observed.definition, spec.definition)
    const hash = documentHash(spec.document)
    return observed.sent === hash ? [] : [{ field: 'Document', from: observed.sent, to: hash }]
  },
  async create(ctx, spec) {
    if (!spec.restApiId) throw new Error(`REST API definition (${spec.name}): the API has no id yet`)
    return { observed: await put(ctx, spec.restApiId, spec), id: spec.restApiId }
  },
  async apply(ctx, observed, spec) {
    return { observed: await put(ctx, observed.restApiId, spec) }
  },
  // Emptied down to the root resource, which only DeleteRestApi removes. The API already gone: nothing to do (its
  // NotFoundException is ignored by the engine).
  async delete(ctx, record) {
    const nothing = openApiDocument(
      { resources: [], authorizers: [], gatewayResponses: [] },
      { title: record.name, description: '' },
    )
    await putDefinition(ctx, { id: record.id ?? '', name: record.name }, nothing)
  },

  describe: (spec) => `${describeDefinition(spec.definition)}, as one OpenAPI document`,
}
