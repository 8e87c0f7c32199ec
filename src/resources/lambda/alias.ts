// The Lambda alias that serves traffic (named after the environment): which version it points at and, during a
// canary, which newer version gets a share of the traffic (RoutingConfig.AdditionalVersionWeights).
import {
  CreateAliasCommand,
  GetAliasCommand,
  LambdaClient,
  UpdateAliasCommand,
  type AliasConfiguration,
} from '@aws-sdk/client-lambda'
import { StepError } from '../../errors/index.js'
import { awsFailure, isNotFound, isPreconditionFailed } from '../../aws/errors.js'
import { recordIfChanged } from '../common.js'
import { FUNCTION_KIND } from './function.js'
import type { Change, ResourceContext } from '../types.js'

export const ALIAS_KIND = 'lambda-alias'

/** What the manifest records of an alias (`attributes.alias` of the function) and what `infra status` shows. */
export interface AliasState {
  name: string
  version: string
  /** A canary: this newer version receives `weight` (0–1) of the traffic, the rest goes to `version`. */
  canary?: { version: string; weight: number }
}

/** `--canary 10` → 0.1, the weight Lambda takes. */
export function canaryWeight(percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 99)
    throw new RangeError(`canary percent must be an integer from 1 to 99, got ${percent}`)
  return percent / 100
}

/** 0.1 → 10 (Lambda returns weights as floats). */
export const weightPercent = (weight: number) => Math.round(weight * 10_000) / 100

/** Pure: an alias as Lambda returns it → our state. */
export function aliasState(alias: AliasConfiguration): AliasState {
  const [routed] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})
  return {
    name: alias.Name ?? '',
    version: alias.FunctionVersion ?? '',
    ...(routed ? { canary: { version: routed[0], weight: routed[1] } } : {}),
  }
}

/**
 * Pure: where the alias should point once `target` (the version that serves the config) is deployed.
 * - no canary asked: all traffic to target, except that a canary already running on target is left running (a plain
 *   rerun must not promote it; `infra promote` does);
 * - canary asked: the alias stays on its current version and `percent` goes to target; with no alias yet, or when the
 *   alias is already on target, there is nothing to compare with, so all traffic goes to target.
 */
export function desiredAlias(
  current: AliasState | undefined,
  name: string,
  target: string,
  canaryPercent?: number,
): AliasState {
  if (canaryPercent === undefined) {
    if (current?.canary?.version === target) return current
    return { name, version: target }
  }
  if (!current || current.version === target) return { name, version: target }
  return { name, version: current.version, canary: { version: target, weight: canaryWeight(canaryPercent) } }
}

const describe = (s: AliasState | undefined) =>
  s ? `${s.version}${s.canary ? ` + ${s.canary.version} at ${weightPercent(s.canary.weight)}%` : ''}` : undefined

/** Pure: the alias changes, for the user (one UpdateAlias applies them all). */
export function diffAlias(current: AliasState | undefined, want: AliasState): Change[] {
  const changes: Change[] = []
  if (current?.version !== want.version)
    changes.push({ field: 'FunctionVersion', from: current?.version, to: want.version })
  const sameCanary =
    current?.canary?.version === want.canary?.version &&
    Math.abs((current?.canary?.weight ?? 0) - (want.canary?.weight ?? 0)) < 1e-9
  if (!sameCanary) {
    changes.push({
      field: 'RoutingConfig',
      from: current?.canary ? describe(current) : undefined,
      to: want.canary ? describe(want) : undefined,
    })
  }
  return changes
}

export function formatAlias(s: AliasState | undefined): string {
  return describe(s) ?? '(none)'
}

export async function findAlias(
  lambda: LambdaClient,
  functionName: string,
  aliasName: string,
): Promise<AliasConfiguration | undefined> {
  try {
    return await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: aliasName }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

const routingOf = (want: AliasState) => ({
  AdditionalVersionWeights: want.canary ? { [want.canary.version]: want.canary.weight } : {},
})

/**
 * Creates the alias or points it at `want`. An update carries the RevisionId we read, so that two deploys or a
 * deploy and a rollback cannot silently overwrite each other.
 */
export async function putAlias(
  ctx: ResourceContext,
  functionName: string,
  current: AliasConfiguration | undefined,
  want: AliasState,
): Promise<AliasConfiguration> {
  const lambda = ctx.aws.get(LambdaClient)
  const fields = { FunctionName: functionName, Name: want.name, FunctionVersion: want.version }
  try {
    if (current)
      return await lambda.send(
        new UpdateAliasCommand({ ...fields, RoutingConfig: routingOf(want), RevisionId: current.RevisionId }),
      )
    return await lambda.send(
      new CreateAliasCommand({ ...fields, ...(want.canary ? { RoutingConfig: routingOf(want) } : {}) }),
    )
  } catch (e) {
    if (isPreconditionFailed(e)) {
      throw new StepError(
        'AliasChangedConcurrently',
        `updating Lambda alias (${functionName}:${want.name}): it changed since it was read (another deploy or rollback?)`,
        {
          hint: 'Make sure no other infra command runs on this environment, then rerun.',
          cause: e,
        },
      )
    }
    throw awsFailure(e, {
      code: current ? 'AliasUpdateFailed' : 'AliasCreateFailed',
      doing: current ? 'updating' : 'creating',
      kind: 'Lambda alias',
      name: `${functionName}:${want.name}`,
    })
  }
}

/**
 * Left by `infra rollback`: the code it rolled back from. Until different code is deployed (or `--to` goes back to
 * it), deploys keep the alias where the rollback put it instead of moving it forward onto that code again.
 */
export interface RollbackHold {
  version: string
  codeSha256: string
}

export function rollbackHold(ctx: Pick<ResourceContext, 'record'>, key: string): RollbackHold | undefined {
  const hold = ctx.record.manifest.resources[key]?.attributes?.rollbackHold as RollbackHold | undefined
  return hold && typeof hold.codeSha256 === 'string' ? hold : undefined
}

/** Records the alias's target on the function's manifest record (`attributes.alias`), and sets or clears the hold. */
export async function recordAlias(
  ctx: ResourceContext,
  key: string,
  fn: { name: string; arn?: string },
  state: AliasState,
  hold?: RollbackHold,
): Promise<void> {
  await recordIfChanged(ctx, key, {
    kind: FUNCTION_KIND,
    name: fn.name,
    arn: fn.arn,
    attributes: { alias: state, rollbackHold: hold },
  })
}
