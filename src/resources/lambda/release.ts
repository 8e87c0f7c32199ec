// After $LATEST converged: make the environment's alias serve a published version that matches the config.
// A version is published only when no existing one matches (so a no-op rerun publishes nothing), and with a canary
// the alias keeps its version and routes a share of the traffic to the new one.
import { LambdaClient } from '@aws-sdk/client-lambda'
import { awsFailure } from '../../aws/errors.js'
import {
  ALIAS_KIND,
  aliasState,
  desiredAlias,
  diffAlias,
  findAlias,
  rollbackHold,
  putAlias,
  recordAlias,
  weightPercent,
  type AliasState,
} from './alias.js'
import type { FunctionCode, FunctionSpec } from './function-diff.js'
import { functionKey, type EnsuredFunction } from './function.js'
import { findMatchingVersion, publishVersion, recordedVersions } from './version.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export interface EnsuredRelease {
  result: Ensured
  /** The alias as it is (or would be) after this run. */
  alias?: AliasState
  aliasArn?: string
}

export async function ensureRelease(
  ctx: ResourceContext,
  spec: FunctionSpec,
  fn: EnsuredFunction,
  code: FunctionCode | undefined,
  canaryPercent?: number,
): Promise<EnsuredRelease | undefined> {
  if (fn.result.action === 'unmanaged') return undefined
  const key = functionKey(spec.logicalId)
  const base = { kind: ALIAS_KIND, key: `${ALIAS_KIND}:${spec.logicalId}`, name: `${spec.name}:${spec.aliasName}` }
  if (ctx.offline || !code) {
    const known = ctx.record.manifest.resources[key]?.attributes?.alias as AliasState | undefined
    return known
      ? {
          result: { ...base, action: 'unverified', changes: [], note: 'offline: not checked against AWS' },
          alias: known,
        }
      : { result: { ...base, action: 'would-create', changes: [] } }
  }
  if (!fn.latest) {
    const alias = { name: spec.aliasName, version: KNOWN_AFTER_APPLY }
    return {
      result: { ...base, action: 'would-create', changes: diffAlias(undefined, alias), arn: KNOWN_AFTER_APPLY },
      alias,
    }
  }
  const lambda = ctx.aws.get(LambdaClient)
  const fail = (e: unknown) => {
    throw awsFailure(e, { code: 'AliasReadFailed', doing: 'reading', kind: 'Lambda alias', name: base.name })
  }
  const found = await findAlias(lambda, spec.name, spec.aliasName).catch(fail)
  const current = found && aliasState(found)

  // After `infra rollback`, the code it rolled back from does not come back by itself: new code releases the hold.
  const hold = rollbackHold(ctx, key)
  if (hold && current && hold.codeSha256 === code.codeSha256) {
    return {
      result: {
        ...base,
        action: 'unchanged',
        changes: [],
        arn: found?.AliasArn,
        note: `held on version ${current.version} by \`infra rollback\`: the code of version ${hold.version} is unchanged; deploy new code, or \`infra rollback --alias ${spec.aliasName} --env ${ctx.identity.env} --function ${spec.logicalId} --to ${hold.version}\` to return to it`,
      },
      alias: current,
      aliasArn: found?.AliasArn,
    }
  }

  // Unchanged $LATEST: the version the alias (or its canary) serves, or the last one we published, may already match.
  const lastRecorded = recordedVersions(ctx, spec.logicalId).at(-1)?.version
  let target = fn.changed
    ? undefined
    : await findMatchingVersion(lambda, spec, code.codeSha256, [
        current?.canary?.version,
        current?.version,
        lastRecorded,
      ]).catch(fail)
  let note: string | undefined
  if (!target && ctx.dryRun) {
    target = KNOWN_AFTER_APPLY
    note = 'a new version would be published'
  } else if (!target) {
    target = await publishVersion(ctx, spec, fn.latest, code.codeSha256)
    note = `published version ${target}`
  }

  const want = desiredAlias(current, spec.aliasName, target, canaryPercent)
  if (canaryPercent !== undefined && !want.canary)
    note = [note, 'no earlier version to compare with: the alias takes all traffic'].filter(Boolean).join('; ')
  const changes = diffAlias(current, want)
  const record = { name: spec.name, arn: fn.result.arn }
  if (changes.length === 0) {
    await recordAlias(ctx, key, record, want)
    return {
      result: {
        ...base,
        action: 'unchanged',
        changes,
        arn: found?.AliasArn,
        ...(want.canary ? { note: canaryNote(want, ctx.identity.env) } : {}),
      },
      alias: want,
      aliasArn: found?.AliasArn,
    }
  }
  if (ctx.dryRun) {
    const arn = found?.AliasArn ?? KNOWN_AFTER_APPLY
    return {
      result: { ...base, action: found ? 'would-update' : 'would-create', changes, arn, note },
      alias: want,
      aliasArn: arn,
    }
  }
  const out = await putAlias(ctx, spec.name, found, want)
  await recordAlias(ctx, key, record, want)
  if (want.canary) note = [note, canaryNote(want, ctx.identity.env)].filter(Boolean).join('; ')
  return {
    result: { ...base, action: found ? 'updated' : 'created', changes, arn: out.AliasArn, note },
    alias: want,
    aliasArn: out.AliasArn,
  }
}

const canaryNote = (a: AliasState, env: string) =>
  `canary: ${weightPercent(a.canary?.weight ?? 0)}% of traffic on version ${a.canary?.version}; \`infra promote --alias ${a.name} --env ${env}\` moves all traffic to it, \`infra rollback --alias ${a.name} --env ${env}\` removes it`
