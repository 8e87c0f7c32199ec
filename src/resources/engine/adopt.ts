// `infra import`: the --adopt path as a reviewed command of its own. Converge hands a found resource here instead of
// updating it: it is given this service's ownership tags and recorded in the manifest, and nothing else is changed;
// what else differs from config is shown, for the next deploy-all. Same-named duplicates are never guessed between:
// the user's choice (`--choose key=id`, or the prompt) picks one, or the resource is listed as ambiguous.
import { ENV_TAG, failureFor, isOurs, MANAGED_BY_TAG, SERVICE_TAG } from '../common.js'
import type { Change, Ensured, ImportOptions, ResourceContext } from '../types.js'
import type { Converged } from './converge.js'
import type { Observation, ResourceKind, SpecBase } from './kind.js'

const OWNERSHIP_TAG_NAMES = [MANAGED_BY_TAG, SERVICE_TAG, ENV_TAG]
const OWNERSHIP_TAGS = new Set(OWNERSHIP_TAG_NAMES.map((tag) => `Tags[${tag}]`))

// Where each service's describe calls put a resource's creation time (API Gateway v1 and v2, Cognito, the rest).
const CREATION_FIELDS = ['createdDate', 'CreatedDate', 'CreationDate', 'CreationTime', 'createdAt'] as const

/** When the candidate was made, as ISO text, when its description says so. */
export function createdAtOf(observed: unknown): string | undefined {
  if (!observed || typeof observed !== 'object') return undefined
  for (const field of CREATION_FIELDS) {
    const value = (observed as Record<string, unknown>)[field]
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'string' || typeof value === 'number') return new Date(value).toISOString()
  }
  return undefined
}

/**
 * Several same-named candidates: the one the user chose, or none (the resource is noted as ambiguous, to be asked
 * about before anything is written; a choice that names none of them is noted with it).
 */
export function chooseCandidate<O>(
  importing: ImportOptions,
  ctx: ResourceContext,
  kind: { label: string },
  key: string,
  name: string,
  pool: Array<Observation<O>>,
): Observation<O> | undefined {
  const choice = importing.choices[key]
  const chosen = pool.find((c) => choice !== undefined && (c.id === choice || c.arn === choice))
  if (chosen) return chosen
  importing.ambiguous.push({
    key,
    label: kind.label,
    name,
    candidates: pool.map((c) => {
      const createdAt = createdAtOf(c.observed)
      return { id: c.id ?? c.arn ?? '?', managed: isOurs(c.tags, ctx.identity), ...(createdAt ? { createdAt } : {}) }
    }),
    ...(choice !== undefined ? { rejectedChoice: choice } : {}),
  })
  return undefined
}

/** The result for a resource with several candidates and no choice yet: nothing is wired to any of them. */
export function ambiguousOutcome(importing: ImportOptions, key: string, kindName: string): Converged<never> {
  const found = importing.ambiguous.find((a) => a.key === key)!
  const listed = found.candidates.map((c) => `${c.id}${c.createdAt ? ` created ${c.createdAt}` : ''}`).join(', ')
  return {
    result: {
      kind: kindName,
      key,
      name: found.name,
      action: 'unmanaged',
      changes: [],
      note: `${found.candidates.length} are named ${found.name} (${listed}); choose one with --choose ${key}=<id>`,
    },
    managed: false,
  }
}

/**
 * A found resource during an import: planned (`would-adopt`), or tagged with the ownership tags alone and recorded
 * (`adopted`). One already ours and recorded as it is stays `unchanged`.
 */
export async function adoptFound<S extends SpecBase, O>(
  ctx: ResourceContext & { importing: ImportOptions },
  kind: ResourceKind<S, O>,
  spec: S,
  key: string,
  found: Observation<O>,
): Promise<Converged<O>> {
  const changes = kind.diff(found.observed, spec)
  const tagging = kind.ownership === 'parent' ? [] : changes.filter((c) => OWNERSHIP_TAGS.has(c.field))
  const recorded = ctx.record.manifest.resources[key]
  const unrecorded = !recorded || recorded.id !== found.id || recorded.arn !== found.arn
  const others = changes.filter((c) => !OWNERSHIP_TAGS.has(c.field))
  const base = {
    kind: kind.kind,
    key,
    name: spec.name,
    ...(found.id !== undefined ? { id: found.id } : {}),
    ...(found.arn !== undefined ? { arn: found.arn } : {}),
    changes,
    ...(others.length > 0 ? { note: differences(others) } : {}),
  }
  if (tagging.length === 0 && !unrecorded)
    return { result: { ...base, action: 'unchanged' }, observed: found.observed, managed: true }
  const writer = ctx.importing.writer
  if (!writer) return { result: { ...base, action: 'would-adopt' }, observed: found.observed, managed: true }
  let observed = found.observed
  if (tagging.length > 0) {
    const applied = await kind
      .apply({ ...ctx, aws: writer }, observed, withOwnershipTagsOnly(spec), tagging)
      .catch(failureFor(ctx, kind.label, spec.name)('tagging', `${kind.codePrefix}UpdateFailed`))
    observed = applied?.observed ?? observed
  }
  const attributes = kind.attributes?.(observed, spec) ?? {}
  await ctx.record.recordResource(key, {
    kind: kind.kind,
    name: spec.name,
    ...(found.id !== undefined ? { id: found.id } : {}),
    ...(found.arn !== undefined ? { arn: found.arn } : {}),
    step: ctx.stepId,
    attributes,
  })
  const result: Ensured = { ...base, action: 'adopted' }
  return { result, observed, managed: true }
}

/** Kinds whose tagging call replaces the whole set (S3) write the spec's tags: config's own tags wait for deploy-all. */
function withOwnershipTagsOnly<S extends SpecBase>(spec: S): S {
  const tags = (spec as { tags?: unknown }).tags
  if (!tags || typeof tags !== 'object') return spec
  const owned = OWNERSHIP_TAG_NAMES.filter((t) => t in tags).map((t) => [t, (tags as Record<string, string>)[t]])
  return { ...spec, tags: Object.fromEntries(owned) }
}

function differences(changes: Change[]): string {
  return `differs from config in ${changes.map((c) => c.field).join(', ')}: import leaves it as it is; the next deploy-all changes it`
}
