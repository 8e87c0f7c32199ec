// What a later step needs of a new resource (a table's ARN, a guardrail version's number) is often known from the
// create call's response, while the engine still waits for the resource to settle and applies what needs it settled.
// A step that publishes its outputs early (runner/readiness.ts) learns it here.
import type { Observation, ResourceKind, SpecBase } from './kind.js'

/** The kind, telling `created` what its create returned, before the engine records, waits and applies the rest. */
export function onCreated<S extends SpecBase, O>(
  kind: ResourceKind<S, O>,
  created: ((made: Observation<O>) => void) | undefined,
): ResourceKind<S, O> {
  if (!created) return kind
  return {
    ...kind,
    async create(ctx, spec, token) {
      const made = await kind.create(ctx, spec, token)
      created(made)
      return made
    },
  }
}
