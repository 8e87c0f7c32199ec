// A REST API's definition as one kind: its resources (paths), methods, integrations, authorizers and gateway
// responses. They are changed together, in an order API Gateway accepts, before the stage deploys them; an endpoint or
// method that config no longer has is deleted by the same diff, so a deployment never captures it.
import { isNotFound } from '../../aws/errors.js'
import type { ResourceKind, SpecBase } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'
import { applyDefinitionChanges, observeDefinition } from './rest-api-resources.js'
import {
  asChanges,
  describeDefinition,
  diffRestApi,
  type ApiDefinition,
  type ObservedDefinition,
} from './rest-api-diff.js'

export const DEFINITION_KIND = 'rest-api-definition'

export interface DefinitionSpec extends SpecBase {
  /** The API's name. */
  name: string
  /** Undefined: the API is still to be created (a plan). */
  restApiId?: string
  definition: ApiDefinition
}

export interface ObservedApiDefinition {
  restApiId: string
  definition: ObservedDefinition
}

/** What is left once everything is deleted: the root resource, which API Gateway keeps. */
const NOTHING: ApiDefinition = { resources: [{ path: '/', methods: [] }], authorizers: [], gatewayResponses: [] }

/** A new API has only its root resource and API Gateway's default gateway responses: nothing is defined yet. */
const isEmpty = (d: ObservedDefinition) =>
  d.resources.every((r) => r.path === '/' && Object.keys(r.methods).length === 0) &&
  d.authorizers.length === 0 &&
  d.gatewayResponses.every((g) => g.defaultResponse !== false)

/** The API's definition; undefined when the API does not exist (any more). */
async function observe(ctx: ResourceContext, restApiId: string): Promise<ObservedApiDefinition | undefined> {
  try {
    return { restApiId, definition: await observeDefinition(ctx, restApiId) }
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function converged(
  ctx: ResourceContext,
  restApiId: string,
  name: string,
  from: ObservedDefinition,
  want: ApiDefinition,
): Promise<void> {
  const changes = diffRestApi(from, want)
  if (changes.length === 0) return
  ctx.log(`${name}: ${changes.length} definition change(s)`)
  await applyDefinitionChanges(ctx, { id: restApiId, name }, from, changes)
}

export const restApiDefinitionKind: ResourceKind<DefinitionSpec, ObservedApiDefinition> = {
  kind: DEFINITION_KIND,
  label: 'REST API definition',
  // The API's own codes: a failed definition change is `RestApiUpdateFailed`, naming the change.
  codePrefix: 'RestApi',
  // One per API: found through the API's id, as a name-unique resource is found by its name.
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    if (!spec.restApiId) return []
    const found = await observe(ctx, spec.restApiId)
    return found && !isEmpty(found.definition) ? [{ observed: found, id: spec.restApiId }] : []
  },
  diff: (observed, spec) => asChanges(diffRestApi(observed.definition, spec.definition)),
  async create(ctx, spec) {
    const restApiId = spec.restApiId
    if (!restApiId) throw new Error(`REST API definition (${spec.name}): the API has no id yet`)
    const empty = await observeDefinition(ctx, restApiId)
    await converged(ctx, restApiId, spec.name, empty, spec.definition)
    return { observed: { restApiId, definition: await observeDefinition(ctx, restApiId) }, id: restApiId }
  },
  async apply(ctx, observed, spec) {
    await converged(ctx, observed.restApiId, spec.name, observed.definition, spec.definition)
  },
  // Emptied down to the root resource, which only DeleteRestApi removes. The API already gone: nothing to do (its
  // NotFoundException is ignored by the engine).
  async delete(ctx, record) {
    const restApiId = record.id ?? ''
    await converged(ctx, restApiId, record.name, await observeDefinition(ctx, restApiId), NOTHING)
  },
  describe: (spec) => describeDefinition(spec.definition),
}
