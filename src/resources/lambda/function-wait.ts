// Waiting on Lambda: a function (or version) until it is Active or its update has finished, and a call that names a
// role Lambda cannot assume yet, retried until IAM has propagated it.
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
} from '@aws-sdk/client-lambda'
import { StepError } from '../../errors/index.js'
import { awsReason, isFunctionBusy, isRolePropagationError } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import type { ResourceContext } from '../types.js'

// A new role can take minutes to become assumable by Lambda; terraform-provider-aws allows 15 min
// (lambdaPropagationTimeout, reliability rules, rule 10).
export const IAM_PROPAGATION_MS = 15 * 60_000
// terraform-provider-aws: 10 min for Pending → Active and for an update to finish (rule 10).
const FUNCTION_ACTIVE_MS = 10 * 60_000
export const FUNCTION_UPDATE_MS = 10 * 60_000

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
export async function withRolePropagation<T>(
  ctx: ResourceContext,
  fn: { name: string; roleArn: string },
  doing: string,
  call: () => Promise<T>,
): Promise<T> {
  const retryable = (e: unknown) => isRolePropagationError(e) || isFunctionBusy(e)
  const timeoutMs = IAM_PROPAGATION_MS * ctx.timing.deadlineScale
  let waitedForRole = false
  try {
    return await retryWhile(call, retryable, {
      timeoutMs,
      label: `${doing} Lambda function (${fn.name})`,
      backoff: ctx.timing.retry,
      onRetry: (e) => {
        if (isRolePropagationError(e) && !waitedForRole)
          ctx.log(`${fn.name}: role ${fn.roleArn} is not assumable by Lambda yet; retrying`)
        waitedForRole ||= isRolePropagationError(e)
      },
    })
  } catch (e) {
    if (!(e instanceof StepError && e.code === 'RetryDeadlineExceeded' && isRolePropagationError(e.cause))) throw e
    throw new StepError(
      'RoleNotAssumable',
      `${doing} Lambda function (${fn.name}): role ${fn.roleArn} still refused by Lambda after ${Math.round(timeoutMs / 1000)} s: ${awsReason(e.cause)}`,
      {
        hint: `Check the role's trust policy and permissions (e.g. on the dead-letter target); \`infra step iam --env ${ctx.identity.env}\` sets them from config.json. Then rerun \`infra step lambda --env ${ctx.identity.env}\`.`,
        cause: e.cause,
      },
    )
  }
}
