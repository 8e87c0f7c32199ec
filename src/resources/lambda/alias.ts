// The Lambda alias that serves traffic, as an engine kind: it has no tags of its own and is ours because its function
// is. Where it should point is decided before (release.ts: a matching version, a canary, a rollback hold); the kind
// only makes the alias point there. Its target is also recorded on the function's record, which `infra status` and
// `infra rollback` read.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  LambdaClient,
  UpdateAliasCommand,
  type AliasConfiguration,
} from '@aws-sdk/client-lambda'
import { StepError } from '../../errors/index.js'
import { isNotFound, isPreconditionFailed } from '../../aws/errors.js'
import { recordIfChanged } from '../common.js'
import type { Observation, ResourceKind, SpecBase } from '../engine/kind.js'
import { recordedString } from '../engine/early.js'
import { aliasState, diffAlias, formatAlias, type AliasState } from './alias-diff.js'
import { FUNCTION_KIND, functionKey } from './function.js'
import type { ResourceContext } from '../types.js'

export const ALIAS_KIND = 'lambda-alias'

/** An alias as Lambda returns it; an update presents its RevisionId. */
export type LiveAlias = AliasConfiguration

export interface AliasSpec extends SpecBase {
  functionName: string
  /** Its name, and the version (and canary) it should serve. */
  want: AliasState
}

export const aliasSpec = (fn: { logicalId: string; name: string }, want: AliasState): AliasSpec => ({
  logicalId: fn.logicalId,
  name: `${fn.name}:${want.name}`,
  functionName: fn.name,
  want,
})

export async function findAlias(
  ctx: ResourceContext,
  functionName: string,
  aliasName: string,
): Promise<LiveAlias | undefined> {
  try {
    return await ctx.aws.get(LambdaClient).send(new GetAliasCommand({ FunctionName: functionName, Name: aliasName }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

const routingOf = (want: AliasState) => ({
  AdditionalVersionWeights: want.canary ? { [want.canary.version]: want.canary.weight } : {},
})

/**
 * Creates the alias or points it at `want`. An update carries the RevisionId read with `current`, so that two deploys
 * or a deploy and a rollback cannot silently overwrite each other.
 */
export async function putAlias(
  ctx: ResourceContext,
  functionName: string,
  current: LiveAlias | undefined,
  want: AliasState,
): Promise<LiveAlias> {
  const lambda = ctx.aws.get(LambdaClient)
  const fields = { FunctionName: functionName, Name: want.name, FunctionVersion: want.version }
  const sent = current
    ? lambda.send(new UpdateAliasCommand({ ...fields, RoutingConfig: routingOf(want), RevisionId: current.RevisionId }))
    : lambda.send(new CreateAliasCommand({ ...fields, ...(want.canary ? { RoutingConfig: routingOf(want) } : {}) }))
  return sent.catch((e: unknown) => {
    if (!isPreconditionFailed(e)) throw e
    throw new StepError(
      'AliasChangedConcurrently',
      `updating Lambda alias (${functionName}:${want.name}): it changed since it was read (another deploy or rollback?)`,
      { hint: 'Make sure no other infra command runs on this environment, then rerun.', cause: e },
    )
  })
}

async function observeAlias(
  ctx: ResourceContext,
  functionName: string,
  aliasName: string,
): Promise<Array<Observation<LiveAlias>>> {
  const found = await findAlias(ctx, functionName, aliasName)
  return found ? [{ observed: found, arn: found.AliasArn }] : []
}

export const aliasKind: ResourceKind<AliasSpec, LiveAlias> = {
  kind: ALIAS_KIND,
  label: 'Lambda alias',
  codePrefix: 'Alias',
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => observeAlias(ctx, spec.functionName, spec.want.name),
  early: {
    service: 'lambda',
    read: (ctx, recorded) =>
      observeAlias(ctx, recordedString(recorded, 'functionName') ?? '', recordedString(recorded, 'aliasName') ?? ''),
    covers: (recorded, spec) =>
      recordedString(recorded, 'functionName') === spec.functionName &&
      recordedString(recorded, 'aliasName') === spec.want.name,
  },
  diff: (observed, spec) => diffAlias(aliasState(observed), spec.want),
  async create(ctx, spec) {
    const made = await putAlias(ctx, spec.functionName, undefined, spec.want)
    return { observed: made, arn: made.AliasArn }
  },
  async apply(ctx, observed, spec) {
    return { observed: await putAlias(ctx, spec.functionName, observed, spec.want) }
  },
  async delete(ctx, record) {
    const { functionName, aliasName } = record.attributes as { functionName: string; aliasName: string }
    await ctx.aws.get(LambdaClient).send(new DeleteAliasCommand({ FunctionName: functionName, Name: aliasName }))
  },
  attributes: (_, spec) => ({ functionName: spec.functionName, aliasName: spec.want.name }),
  describe: (spec) => `version ${formatAlias(spec.want)}`,
}

/**
 * Left by `infra rollback`: the code it rolled back from. Until different code is deployed (or `--to` goes back to
 * it), deploys keep the alias where the rollback put it instead of moving it forward onto that code again.
 */
export interface RollbackHold {
  version: string
  codeSha256: string
}

export function rollbackHold(ctx: Pick<ResourceContext, 'record'>, logicalId: string): RollbackHold | undefined {
  const hold = ctx.record.manifest.resources[functionKey(logicalId)]?.attributes?.rollbackHold as
    RollbackHold | undefined
  return hold && typeof hold.codeSha256 === 'string' ? hold : undefined
}

/** The alias's target as the function's record last saw it (what an offline plan and `infra status` show). */
export function recordedAlias(ctx: Pick<ResourceContext, 'record'>, logicalId: string): AliasState | undefined {
  return ctx.record.manifest.resources[functionKey(logicalId)]?.attributes?.alias as AliasState | undefined
}

/** Records the alias's target on the function's manifest record (`attributes.alias`), and sets or clears the hold. */
export async function recordAlias(
  ctx: ResourceContext,
  fn: { logicalId: string; name: string; arn?: string },
  state: AliasState,
  hold?: RollbackHold,
): Promise<void> {
  await recordIfChanged(ctx, functionKey(fn.logicalId), {
    kind: FUNCTION_KIND,
    name: fn.name,
    arn: fn.arn,
    attributes: { alias: state, rollbackHold: hold },
  })
}
