// Waiting on Lambda: a function (or version) until it is Active or its update has finished, and a call that names a
// role Lambda cannot assume yet, retried until IAM has propagated it.
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda'
import { StepError } from '../../errors/index.js'
import { awsReason, isFunctionBusy, isNotFound, isRolePropagationError } from '../../aws/errors.js'
import { pollUntil } from '../../aws/poll.js'
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
 * Polls GetFunctionConfiguration until Active after a create or LastUpdateStatus Successful after an update — what the
 * SDK's FunctionActiveV2 / FunctionUpdatedV2 waiters accept — on the run's poll schedule, timed in the waits report; on
 * failure or timeout the error carries the function's own state reason. Returns the function as last seen.
 */
export async function waitForFunction(
  ctx: ResourceContext,
  name: string,
  until: 'active' | 'updated',
  qualifier?: string,
): Promise<FunctionConfiguration> {
  const lambda = ctx.aws.get(LambdaClient)
  const timeoutMs = (until === 'active' ? FUNCTION_ACTIVE_MS : FUNCTION_UPDATE_MS) * ctx.timing.deadlineScale
  const state = until === 'active' ? 'Active' : 'updated'
  try {
    return await pollUntil({
      // Not found yet right after a create is waited for, as the SDK's waiters and Terraform's NotFoundChecks do.
      read: () =>
        lambda
          .send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }))
          .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e))),
      judge: (c) => {
        const status = until === 'active' ? c?.State : c?.LastUpdateStatus
        if (status === 'Failed') return { failed: `failed; last state: ${describeFunctionState(c)}` }
        return status === (until === 'active' ? 'Active' : 'Successful') ? 'done' : 'waiting'
      },
      describe: describeFunctionState,
      label: `waiting for Lambda function (${name}) to become ${state}`,
      timeoutMs,
      backoff: ctx.timing.poll,
      report: { to: ctx, resource: `function ${qualifier ? `${name}:${qualifier}` : name}`, state },
    }).then((c) => c!)
  } catch (e) {
    if (!(e instanceof StepError)) throw e
    // pollUntil's message already names the function, the state waited for and Lambda's own state reason.
    throw new StepError('FunctionWaitFailed', e.message, {
      hint: 'Look at the function in the Lambda console, fix the cause, then rerun: the run resumes and waits again.',
      cause: e,
    })
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
      report: { to: ctx, resource: `function ${fn.name}`, state: 'role assumable' },
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
