// After $LATEST converged: make the environment's alias serve a published version that matches the config.
// A version is published only when no existing one matches (so a no-op rerun publishes nothing), with a canary the
// alias keeps its version and routes a share of the traffic to the new one, and after `infra rollback` the alias
// stays where the rollback put it until new code comes. The alias itself then converges through the engine.
import { failureFor } from '../common.js'
import { converge, observe } from '../engine/converge.js'
import { aliasSpec, aliasKind, recordAlias, recordedAlias, rollbackHold } from './alias.js'
import { aliasState, desiredAlias, weightPercent, type AliasState } from './alias-diff.js'
import type { PackagedFunctionSpec } from './function-diff.js'
import type { EnsuredFunction } from './function.js'
import { findMatchingVersion, publishVersion, recordedVersions } from './version.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export interface EnsuredRelease {
  result: Ensured
  /** The alias as it is (or would be) after this run. */
  alias?: AliasState
  aliasArn?: string
}

const withNotes = (result: Ensured, notes: string[]): Ensured => {
  const all = [result.note, ...notes].filter(Boolean)
  return all.length > 0 ? { ...result, note: all.join('; ') } : result
}

export async function ensureRelease(
  ctx: ResourceContext,
  spec: PackagedFunctionSpec,
  fn: EnsuredFunction,
  canaryPercent?: number,
): Promise<EnsuredRelease | undefined> {
  if (fn.result.action === 'unmanaged') return undefined
  // An image function's code is the image Lambda resolved: its hash is $LATEST's CodeSha256.
  const codeSha256 = spec.code?.codeSha256 ?? (spec.imageUri ? fn.latest?.CodeSha256 : undefined)
  const unknown = { name: spec.aliasName, version: KNOWN_AFTER_APPLY }
  if (ctx.offline || !codeSha256) {
    const known = recordedAlias(ctx, spec.logicalId)
    const { result } = await converge(ctx, aliasKind, aliasSpec(spec, known ?? unknown))
    return { result, ...(known ? { alias: known } : {}) }
  }
  if (!fn.latest) {
    // A dry run that would create the function: its alias would point at its first version.
    const { result } = await converge(ctx, aliasKind, aliasSpec(spec, unknown))
    return { result, alias: unknown, aliasArn: result.arn }
  }
  const fail = failureFor(ctx, 'Lambda alias', `${spec.name}:${spec.aliasName}`)('reading', 'AliasReadFailed')
  // Read before the steps when the manifest records it (engine/early.ts), else now; a function this run created has
  // no alias yet.
  const [seenAlias] =
    fn.result.action === 'created' ? [] : await observe(ctx, aliasKind, aliasSpec(spec, unknown)).catch(fail)
  const found = seenAlias?.observed
  const current = found && aliasState(found)

  // After `infra rollback`, the code it rolled back from does not come back by itself: new code releases the hold.
  const hold = rollbackHold(ctx, spec.logicalId)
  if (hold && current && hold.codeSha256 === codeSha256) {
    const seen = [{ observed: found, arn: found.AliasArn }]
    const { result } = await converge(ctx, aliasKind, aliasSpec(spec, current), { found: seen })
    const note = `held on version ${current.version} by \`infra rollback\`: the code of version ${hold.version} is unchanged; deploy new code, or \`infra rollback --alias ${spec.aliasName} --env ${ctx.identity.env} --function ${spec.logicalId} --to ${hold.version}\` to return to it`
    return { result: withNotes(result, [note]), alias: current, aliasArn: result.arn }
  }

  // Unchanged $LATEST: the version the alias (or its canary) serves, or the last one we published, may already match.
  const lastRecorded = recordedVersions(ctx, spec.logicalId).at(-1)?.version
  const candidates = [current?.canary?.version, current?.version, lastRecorded]
  const served = [current?.canary?.version, current?.version]
  let target = fn.changed ? undefined : await findMatchingVersion(ctx, spec, codeSha256, candidates, served).catch(fail)
  const notes: string[] = []
  if (!target && ctx.dryRun) {
    target = KNOWN_AFTER_APPLY
    notes.push('a new version would be published')
  } else if (!target) {
    target = await publishVersion(ctx, spec, fn.latest, codeSha256)
    notes.push(`published version ${target}`)
  }

  const want = desiredAlias(current, spec.aliasName, target, canaryPercent)
  if (canaryPercent !== undefined && !want.canary)
    notes.push('no earlier version to compare with: the alias takes all traffic')
  // The alias was read above: the engine does not read it again.
  const seen = found ? [{ observed: found, arn: found.AliasArn }] : []
  const { result } = await converge(ctx, aliasKind, aliasSpec(spec, want), { found: seen })
  await recordAlias(ctx, { logicalId: spec.logicalId, name: spec.name, arn: fn.result.arn }, want)
  if (want.canary) notes.push(canaryNote(want, ctx.identity.env))
  return { result: withNotes(result, notes), alias: want, aliasArn: result.arn }
}

const canaryNote = (a: AliasState, env: string) =>
  `canary: ${weightPercent(a.canary?.weight ?? 0)}% of traffic on version ${a.canary?.version}; \`infra promote --alias ${a.name} --env ${env}\` moves all traffic to it, \`infra rollback --alias ${a.name} --env ${env}\` removes it`
