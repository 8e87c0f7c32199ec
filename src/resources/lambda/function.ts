// Lambda function ($LATEST): find → diff → create or update (configuration → wait → code → wait) → tags.
// Name-unique, so found by name. Versions and the alias are lambda-version.ts and lambda-alias.ts.
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
} from '@aws-sdk/client-lambda'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { awsReason, isFunctionBusy, isNotFound, isRolePropagationError } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import {
  changedTags,
  diffTags,
  isOurs,
  offlineOutcome,
  recordIfChanged,
  unmanagedOutcome,
  failureFor,
} from '../common.js'
import {
  diffFunctionCode,
  diffFunctionConfiguration,
  toCreateFunctionInput,
  toUpdateCodeInput,
  toUpdateConfigurationInput,
  type FunctionCode,
  type FunctionSpec,
} from './function-diff.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const FUNCTION_KIND = 'lambda-function'
// A new role can take minutes to become assumable by Lambda; terraform-provider-aws allows 15 min
// (lambdaPropagationTimeout, reliability rules, rule 10).
export const IAM_PROPAGATION_MS = 15 * 60_000
// terraform-provider-aws: 10 min for Pending → Active and for an update to finish (rule 10).
const FUNCTION_ACTIVE_MS = 10 * 60_000
const FUNCTION_UPDATE_MS = 10 * 60_000

export interface ObservedFunction {
  configuration: FunctionConfiguration
  tags: Tags
  reservedConcurrency?: number
}

/** What ensureFunction did, and the function as it is now (undefined in a dry run that would create it). */
export interface EnsuredFunction {
  result: Ensured
  latest?: FunctionConfiguration
  /** $LATEST was created or its code or configuration changed: a new version must be published. */
  changed: boolean
  reservedConcurrency?: number
}

export const functionKey = (logicalId: string) => `${FUNCTION_KIND}:${logicalId}`

export async function findFunction(lambda: LambdaClient, name: string): Promise<ObservedFunction | undefined> {
  let out: GetFunctionCommandOutput
  try {
    out = await lambda.send(new GetFunctionCommand({ FunctionName: name }))
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
  if (!out.Configuration) return undefined
  return {
    configuration: out.Configuration,
    tags: out.Tags ?? {},
    reservedConcurrency: out.Concurrency?.ReservedConcurrentExecutions,
  }
}

/** The function's state in Lambda's words, for errors. */
function describeFunctionState(c: FunctionConfiguration | undefined): string {
  if (!c) return 'not visible'
  const parts = [`State ${c.State ?? 'unknown'}${c.StateReason ? ` (${c.StateReason})` : ''}`]
  if (c.LastUpdateStatus)
    parts.push(
      `LastUpdateStatus ${c.LastUpdateStatus}${c.LastUpdateStatusReason ? ` (${c.LastUpdateStatusReason})` : ''}`,
    )
  return parts.join(', ')
}

/**
 * Waits with the SDK's waiter (Active after a create, LastUpdateStatus Successful after an update), with delays from the
 * context; on failure or timeout the error carries the function's own state reason. Returns the function as last seen.
 */
export async function waitForFunction(
  ctx: ResourceContext,
  name: string,
  until: 'active' | 'updated',
  qualifier?: string,
): Promise<FunctionConfiguration> {
  const lambda = ctx.aws.get(LambdaClient)
  const timeoutMs = (until === 'active' ? FUNCTION_ACTIVE_MS : FUNCTION_UPDATE_MS) * ctx.timing.deadlineScale
  const waiter = until === 'active' ? waitUntilFunctionActiveV2 : waitUntilFunctionUpdatedV2
  const config = {
    client: lambda,
    maxWaitTime: timeoutMs / 1000,
    minDelay: ctx.timing.poll.minMs / 1000,
    maxDelay: ctx.timing.poll.maxMs / 1000,
  }
  try {
    const done = await waiter(config, { FunctionName: name, Qualifier: qualifier })
    const seen = (done.reason as GetFunctionCommandOutput | undefined)?.Configuration
    return (
      seen ?? (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier })))
    )
  } catch (e) {
    const now = await lambda
      .send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }))
      .catch(() => undefined)
    const gaveUp = (e as Error).name === 'TimeoutError' ? `gave up after ${Math.round(timeoutMs / 1000)} s` : 'failed'
    throw new StepError(
      'FunctionWaitFailed',
      `waiting for Lambda function (${name}) to become ${until === 'active' ? 'Active' : 'updated'}: ${gaveUp}; last state: ${describeFunctionState(now)}`,
      {
        hint: 'Look at the function in the Lambda console, fix the cause, then rerun: the run resumes and waits again.',
        cause: e,
      },
    )
  }
}

/** A create or configuration update naming a role Lambda cannot assume yet is retried until IAM_PROPAGATION_MS. */
async function withRolePropagation<T>(
  ctx: ResourceContext,
  spec: FunctionSpec,
  doing: string,
  call: () => Promise<T>,
): Promise<T> {
  const retryable = (e: unknown) => isRolePropagationError(e) || isFunctionBusy(e)
  const timeoutMs = IAM_PROPAGATION_MS * ctx.timing.deadlineScale
  let waitedForRole = false
  try {
    return await retryWhile(call, retryable, {
      timeoutMs,
      label: `${doing} Lambda function (${spec.name})`,
      backoff: ctx.timing.retry,
      onRetry: (e) => {
        if (isRolePropagationError(e) && !waitedForRole)
          ctx.log(`${spec.name}: role ${spec.roleArn} is not assumable by Lambda yet; retrying`)
        waitedForRole ||= isRolePropagationError(e)
      },
    })
  } catch (e) {
    if (!(e instanceof StepError && e.code === 'RetryDeadlineExceeded' && isRolePropagationError(e.cause))) throw e
    throw new StepError(
      'RoleNotAssumable',
      `${doing} Lambda function (${spec.name}): role ${spec.roleArn} still refused by Lambda after ${Math.round(timeoutMs / 1000)} s: ${awsReason(e.cause)}`,
      {
        hint: `Check the role's trust policy and permissions (e.g. on the dead-letter target); \`infra step iam --env ${ctx.identity.env}\` sets them from config.json. Then rerun \`infra step lambda --env ${ctx.identity.env}\`.`,
        cause: e.cause,
      },
    )
  }
}

export async function ensureFunction(
  ctx: ResourceContext,
  spec: FunctionSpec,
  code: FunctionCode | undefined,
): Promise<EnsuredFunction> {
  const key = functionKey(spec.logicalId)
  const base = { kind: FUNCTION_KIND, key, name: spec.name }
  if (ctx.offline || !code)
    return {
      result: offlineOutcome(ctx, FUNCTION_KIND, key, spec.name, describeFunctionSpec(spec, code)),
      changed: false,
    }
  const lambda = ctx.aws.get(LambdaClient)
  const fail = failureFor(ctx, 'Lambda function', spec.name)
  const have = await findFunction(lambda, spec.name).catch(fail('reading', 'FunctionReadFailed'))

  if (!have) {
    if (ctx.dryRun)
      return {
        result: {
          ...base,
          action: 'would-create',
          changes: [],
          arn: KNOWN_AFTER_APPLY,
          detail: describeFunctionSpec(spec, code),
        },
        changed: true,
      }
    const created = await withRolePropagation(ctx, spec, 'creating', () =>
      lambda.send(new CreateFunctionCommand(toCreateFunctionInput(spec, code))),
    ).catch(fail('creating', 'FunctionCreateFailed'))
    // Recorded before waiting: a run that dies now finds the function by name and does not create it twice.
    // A new function has no versions and no alias yet, whatever the manifest remembers of an earlier one.
    await recordIfChanged(ctx, key, {
      kind: FUNCTION_KIND,
      name: spec.name,
      arn: created.FunctionArn,
      attributes: { codeSha256: code.codeSha256, versions: [], alias: undefined },
    })
    ctx.log(`created ${spec.name}; waiting for Active`)
    const latest = await waitForFunction(ctx, spec.name, 'active')
    return {
      result: { ...base, action: 'created', changes: [], arn: created.FunctionArn },
      latest,
      changed: true,
      reservedConcurrency: undefined,
    }
  }

  const arn = have.configuration.FunctionArn
  if (!isOurs(have.tags, ctx.identity) && !ctx.adopt)
    return { result: unmanagedOutcome('Lambda function', key, spec.name, arn), changed: false }
  // A function left mid-change by an interrupted run (or another tool) is waited for before anything else (rule 26).
  const current = ctx.dryRun ? have.configuration : await settle(ctx, spec.name, have.configuration)
  const configChanges = diffFunctionConfiguration(current, spec)
  const codeChanges = diffFunctionCode(current, spec, code.codeSha256)
  const tagChanges = diffTags(have.tags, spec.tags)
  const changes = [...configChanges, ...codeChanges, ...tagChanges]
  const outcome = { result: { ...base, changes, arn }, reservedConcurrency: have.reservedConcurrency }
  const changed = configChanges.length + codeChanges.length > 0
  if (changes.length === 0) {
    await recordIfChanged(ctx, key, {
      kind: FUNCTION_KIND,
      name: spec.name,
      arn,
      attributes: { codeSha256: code.codeSha256 },
    })
    return { ...outcome, result: { ...outcome.result, action: 'unchanged' }, latest: current, changed }
  }
  if (ctx.dryRun) return { ...outcome, result: { ...outcome.result, action: 'would-update' }, latest: current, changed }

  let latest = current
  // A tag change gives $LATEST a new RevisionId: tags go first, so that the revision read last (and given to
  // PublishVersion) is current.
  if (tagChanges.length > 0) {
    await applyTags(lambda, arn, tagChanges).catch(fail('tagging', 'FunctionTagFailed'))
    if (!changed)
      latest = await lambda
        .send(new GetFunctionConfigurationCommand({ FunctionName: spec.name }))
        .catch(fail('reading', 'FunctionReadFailed'))
  }
  // Never overlap Lambda updates: configuration → wait → code → wait (rule 11).
  if (configChanges.length > 0) {
    ctx.log(`${spec.name}: updating configuration (${configChanges.map((c) => c.field).join(', ')})`)
    await withRolePropagation(ctx, spec, 'updating', () =>
      lambda.send(new UpdateFunctionConfigurationCommand(toUpdateConfigurationInput(spec, configChanges))),
    ).catch(fail('updating', 'FunctionUpdateFailed'))
    latest = await waitForFunction(ctx, spec.name, 'updated')
  }
  if (codeChanges.length > 0) {
    ctx.log(`${spec.name}: uploading code (${code.zip.byteLength} bytes)`)
    await retryWhile(() => lambda.send(new UpdateFunctionCodeCommand(toUpdateCodeInput(spec, code))), isFunctionBusy, {
      timeoutMs: FUNCTION_UPDATE_MS * ctx.timing.deadlineScale,
      label: `updating the code of Lambda function (${spec.name})`,
      backoff: ctx.timing.retry,
    }).catch(fail('updating the code of', 'FunctionCodeUpdateFailed'))
    latest = await waitForFunction(ctx, spec.name, 'updated')
  }
  await recordIfChanged(ctx, key, {
    kind: FUNCTION_KIND,
    name: spec.name,
    arn,
    attributes: { codeSha256: code.codeSha256 },
  })
  return { ...outcome, result: { ...outcome.result, action: 'updated' }, latest, changed }
}

async function settle(ctx: ResourceContext, name: string, c: FunctionConfiguration): Promise<FunctionConfiguration> {
  if (c.State === 'Pending') return waitForFunction(ctx, name, 'active')
  if (c.LastUpdateStatus === 'InProgress') return waitForFunction(ctx, name, 'updated')
  return c
}

async function applyTags(lambda: LambdaClient, arn: string | undefined, changes: Change[]): Promise<void> {
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) await lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags }))
}

export function describeFunctionSpec(spec: FunctionSpec, code?: FunctionCode): string {
  return [
    `${spec.runtime} ${spec.architecture}, ${spec.memoryMb} MB, ${spec.timeoutS} s`,
    `env ${Object.keys(spec.environment).join(' ')}`,
    ...(code ? [`code ${code.codeSha256.slice(0, 12)}… (${Math.round(code.zip.length / 1024)} KiB)`] : []),
  ].join(', ')
}
