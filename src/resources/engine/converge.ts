// The driver every kind goes through: observe → judge ownership → create or diff → apply → record. Written once,
// so that offline and dry runs never write, a stranger's resource is never touched, duplicates are refused the same
// way everywhere, and a create is journalled before its call and recorded right after it.
import { StepError } from '../../errors/index.js'
import { isAlreadyExists, isCreateOutcomeUnknown } from '../../aws/errors.js'
import { failureFor, isOurs, offlineOutcome, recordIfChanged, unmanagedOutcome } from '../common.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'
import type { Observation, ResourceKind, SpecBase } from './kind.js'
import { adoptFound, ambiguousOutcome, chooseCandidate } from './adopt.js'

/** What converge did, and the resource as it is now (undefined when it would be created, or is not ours). */
export interface Converged<O> {
  result: Ensured
  observed?: O
  /** The resource is ours and was (or would be) converged: not a stranger's, not an offline guess. */
  managed: boolean
}

/** How often a create whose outcome was lost is tried again after looking for what it made. */
const CREATE_ATTEMPTS = 3

export const keyOf = (kind: { kind: string }, logicalId: string) => `${kind.kind}:${logicalId}`

export interface ConvergeOptions<O> {
  /** What the caller read of it in this run already (the candidates find would return): not read twice. */
  found?: Array<Observation<O>>
}

export async function converge<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  opts: ConvergeOptions<O> = {},
): Promise<Converged<O>> {
  const key = keyOf(kind, spec.logicalId)
  ctx.converged?.add(key)
  if (ctx.offline)
    return { result: offlineOutcome(ctx, kind.kind, key, spec.name, kind.describe(spec)), managed: false }
  const fail = failureFor(ctx, kind.label, spec.name)
  const found = await (opts.found ? Promise.resolve(opts.found) : observe(ctx, kind, spec))
    .then((candidates) => choose(ctx, kind, spec, candidates))
    .catch(fail('reading', `${kind.codePrefix}ReadFailed`))
  if (found.ambiguous && ctx.importing) return ambiguousOutcome(ctx.importing, key, kind.kind)
  if (found.foreign) {
    return {
      result: unmanagedOutcome(kind.label, key, spec.name, found.foreign.arn ?? found.foreign.id),
      managed: false,
    }
  }
  if (!found.ours) return createNew(ctx, kind, spec, key)
  if (ctx.importing) return adoptFound({ ...ctx, importing: ctx.importing }, kind, spec, key, found.ours)
  return update(ctx, kind, spec, key, found.ours)
}

/**
 * What find would return: the read this run started before the steps (engine/early.ts) when it still holds for this
 * spec, else find now. A pending operation (an interrupted run) is always looked up afresh. For a step that reads a
 * resource itself before converging it (`found`).
 */
export async function observe<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
): Promise<Array<Observation<O>>> {
  const key = keyOf(kind, spec.logicalId)
  const recorded = ctx.record.manifest.resources[key]
  const early = ctx.record.manifest.pending[key] ? undefined : ctx.early?.take(kind, key, spec, recorded)
  return early ? ((await early) as Array<Observation<O>>) : kind.find(ctx, spec, recorded)
}

interface Choice<O> {
  ours?: Observation<O>
  /** Same name, without this service's tags, and no --adopt. */
  foreign?: Observation<O>
  /** `infra import`: several candidates and no choice between them yet. */
  ambiguous?: boolean
}

/**
 * One rule for every kind: one candidate of ours is it; two are refused; a stranger's is adopted only when asked.
 * `infra import` adopts strangers too, and between several takes the one the user chose.
 */
function choose<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  candidates: Array<Observation<O>>,
): Choice<O> {
  const mine = (c: Observation<O>) => kind.ownership === 'parent' || isOurs(c.tags, ctx.identity)
  const ours = candidates.filter(mine)
  const others = candidates.filter((c) => !mine(c))
  const pool = ours.length > 0 ? ours : ctx.adopt || ctx.importing ? others : []
  if (pool.length > 1 && ctx.importing) {
    const chosen = chooseCandidate(ctx.importing, ctx, kind, keyOf(kind, spec.logicalId), spec.name, pool)
    return chosen ? { ours: chosen } : { ambiguous: true }
  }
  if (pool.length > 1) {
    const ids = pool.map((c) => c.id ?? c.arn ?? '?').join(', ')
    throw new StepError(
      `${kind.codePrefix}Ambiguous`,
      `finding ${kind.label} (${spec.name}): ${pool.length} match (${ids}); infra will not guess which one is this service's`,
      {
        hint: `Keep one: delete the others (after checking what they hold) or remove their infra tags, then rerun \`infra step ${ctx.stepId} --env ${ctx.identity.env}\`.`,
      },
    )
  }
  if (pool[0]) return { ours: pool[0] }
  return others[0] ? { foreign: others[0] } : {}
}

async function createNew<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  key: string,
): Promise<Converged<O>> {
  const base = { kind: kind.kind, key, name: spec.name }
  // Drift: the manifest knows one that AWS no longer has (deleted behind infra's back).
  const previous = ctx.record.manifest.resources[key]
  const gone = previous && `the one recorded in the manifest (${previous.id ?? previous.name}) no longer exists`
  if (ctx.dryRun) {
    const unknown = kind.identity === 'name' ? { arn: KNOWN_AFTER_APPLY } : { id: KNOWN_AFTER_APPLY }
    return {
      result: {
        ...base,
        action: 'would-create',
        changes: [],
        ...unknown,
        detail: kind.describe(spec),
        ...(gone ? { note: gone } : {}),
      },
      managed: true,
    }
  }
  const fail = failureFor(ctx, kind.label, spec.name)
  // Journal first: a run that dies before the record below resolves the create by lookup (and reuses the token).
  const token =
    kind.identity === 'token' ? (ctx.record.manifest.pending[key]?.token ?? kind.token?.(spec, ctx)) : undefined
  await ctx.record.journal(key, {
    operation: 'create',
    kind: kind.kind,
    name: spec.name,
    ...(token ? { token } : {}),
    startedAt: new Date().toISOString(),
  })
  ctx.early?.wrote(kind, key, previous)
  const made = await createOnce(ctx, kind, spec, token).catch(fail('creating', `${kind.codePrefix}CreateFailed`))
  if ('foreign' in made) {
    await ctx.record.clearPending(key)
    return { result: unmanagedOutcome(kind.label, key, spec.name, made.foreign.arn ?? made.foreign.id), managed: false }
  }
  await record(ctx, kind, spec, key, made.created, true)
  ctx.early?.wrote(kind, key, ctx.record.manifest.resources[key])
  ctx.log(`created ${kind.label} ${spec.name}${made.created.id ? ` (${made.created.id})` : ''}`)
  let observed = made.created.observed
  if (kind.waitFor) observed = await kind.waitFor(ctx, observed, spec)
  // What the create call could not set (a table's TTL, a role's inline policies) is applied at once.
  const rest = kind.diff(observed, spec)
  const notes: string[] = made.adopted ? ['its create response was lost; found and adopted it'] : []
  if (gone && !made.adopted) notes.push(gone)
  if (rest.length > 0) {
    const applied = await applyChanges(ctx, kind, spec, observed, rest).catch(
      fail('configuring', `${kind.codePrefix}UpdateFailed`),
    )
    observed = applied.observed
    notes.push(...applied.notes)
    await record(ctx, kind, spec, key, { ...made.created, observed }, false)
  }
  const result: Ensured = { ...base, action: 'created', changes: [], ...ids(made.created) }
  return { result: notes.length > 0 ? { ...result, note: notes.join('; ') } : result, observed, managed: true }
}

type Made<O> = { created: Observation<O>; adopted: boolean } | { foreign: Observation<O> }

/**
 * A create whose response was lost (a 5xx, a timeout, a dropped connection after the request left) or whose retry
 * met "already exists" may have made the resource: look again, adopt it when it is ours, and only then try again.
 */
async function createOnce<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  token: string | undefined,
): Promise<Made<O>> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Creates without a token are sent once by the SDK: a blind retry of a lost one would make a second resource.
      const createCtx = kind.identity === 'recorded-id' ? { ...ctx, aws: ctx.aws.singleAttempt() } : ctx
      return { created: await kind.create(createCtx, spec, token), adopted: false }
    } catch (e) {
      if (!isAlreadyExists(e) && !isCreateOutcomeUnknown(e)) throw e
      const again = choose(
        ctx,
        kind,
        spec,
        await kind.find(ctx, spec, ctx.record.manifest.resources[keyOf(kind, spec.logicalId)]),
      )
      if (again.ours) return { created: again.ours, adopted: true }
      if (again.foreign) return { foreign: again.foreign }
      if (isAlreadyExists(e) || attempt >= CREATE_ATTEMPTS) throw e
      ctx.log(`${kind.label} ${spec.name}: the create's outcome is unknown and nothing was made; trying again`)
    }
  }
}

async function update<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  key: string,
  found: Observation<O>,
): Promise<Converged<O>> {
  const base = { kind: kind.kind, key, name: spec.name, ...ids(found) }
  const fail = failureFor(ctx, kind.label, spec.name)
  const recorded = ctx.record.manifest.resources[key]
  const notes: string[] = []
  if (ctx.record.manifest.pending[key]?.operation === 'create')
    notes.push(`an interrupted create was resolved: found ${kind.label} ${found.id ?? spec.name}`)
  if (recorded?.id && found.id && recorded.id !== found.id)
    notes.push(`the ${kind.label} recorded in the manifest (${recorded.id}) no longer exists; found ${found.id}`)
  kind.refuse?.(found.observed, spec)
  let observed = found.observed
  // A resource left mid-change by an interrupted run (or another tool) is waited for before anything else (rule 26).
  if (!ctx.dryRun && kind.busy?.(observed) && kind.waitFor) observed = await kind.waitFor(ctx, observed, spec)
  const changes = kind.diff(observed, spec)
  const withNotes = (r: Ensured): Ensured => (notes.length > 0 ? { ...r, note: notes.join('; ') } : r)
  if (changes.length === 0) {
    await record(ctx, kind, spec, key, { ...found, observed }, false)
    return { result: withNotes({ ...base, action: 'unchanged', changes }), observed, managed: true }
  }
  if (ctx.dryRun) return { result: withNotes({ ...base, action: 'would-update', changes }), observed, managed: true }
  ctx.early?.wrote(kind, key, recorded && { ...recorded, ...ids(found) })
  const applied = await applyChanges(ctx, kind, spec, observed, changes).catch(
    fail('updating', `${kind.codePrefix}UpdateFailed`),
  )
  notes.push(...applied.notes)
  await record(ctx, kind, spec, key, { ...found, observed: applied.observed }, false)
  return { result: withNotes({ ...base, action: 'updated', changes }), observed: applied.observed, managed: true }
}

async function applyChanges<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  observed: O,
  changes: Change[],
): Promise<{ observed: O; notes: string[] }> {
  const out = await kind.apply(ctx, observed, spec, changes)
  return { observed: out?.observed ?? observed, notes: out?.notes ?? [] }
}

/** Right after a create, always (it clears the journal); otherwise only when what we know changed. */
async function record<S extends SpecBase, O>(
  ctx: ResourceContext,
  kind: ResourceKind<S, O>,
  spec: S,
  key: string,
  found: Observation<O>,
  force: boolean,
): Promise<void> {
  const attributes = kind.attributes?.(found.observed, spec)
  const rec = { kind: kind.kind, name: spec.name, ...ids(found), ...(attributes ? { attributes } : {}) }
  if (force) {
    // A new resource starts a new record: nothing an earlier one of the same name left (versions, holds) applies.
    await ctx.record.recordResource(key, { ...rec, step: ctx.stepId, attributes: attributes ?? {} })
    return
  }
  if (ctx.record.manifest.pending[key]) {
    const known = ctx.record.manifest.resources[key]
    await ctx.record.recordResource(key, {
      ...rec,
      step: ctx.stepId,
      attributes: { ...known?.attributes, ...attributes },
    })
    return
  }
  await recordIfChanged(ctx, key, rec)
}

const ids = (o: { id?: string; arn?: string }) => ({
  ...(o.id !== undefined ? { id: o.id } : {}),
  ...(o.arn !== undefined ? { arn: o.arn } : {}),
})
