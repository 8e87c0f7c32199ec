// Waiting for asynchronous state where the SDK has no waiter, or where its waiter is not strict enough
// (DynamoDB GSIs, two consecutive ACTIVE reads). Every wait has a deadline and reports the service's own state.
import { StepError } from '../errors/index.js'
import { backoffDelay, sleep, type Backoff } from './retry.js'

export type PollVerdict = 'done' | 'waiting' | { failed: string }

export interface PollOptions<T> {
  read: () => Promise<T>
  judge: (value: T) => PollVerdict
  /** The service's own words for the current state, reported when the wait gives up. */
  describe: (value: T) => string
  label: string
  timeoutMs: number
  backoff: Backoff
  /** How many 'done' reads in a row count as done (DynamoDB: 2, as terraform-provider-aws requires). */
  consecutive?: number
}

export async function pollUntil<T>(opts: PollOptions<T>): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  const needed = opts.consecutive ?? 1
  let streak = 0
  for (let attempt = 1; ; attempt++) {
    const value = await opts.read()
    const verdict = opts.judge(value)
    if (typeof verdict === 'object') {
      throw new StepError('WaitFailed', `${opts.label}: ${verdict.failed}`, {
        hint: 'Look at the resource in the AWS console, fix the cause, then rerun the command.',
      })
    }
    streak = verdict === 'done' ? streak + 1 : 0
    if (streak >= needed) return value
    // The confirming read of a streak comes quickly; waiting for a change backs off.
    const delay = streak > 0 ? opts.backoff.minMs : backoffDelay(attempt, opts.backoff)
    if (Date.now() + delay > deadline) {
      throw new StepError(
        'WaitTimedOut',
        `${opts.label}: gave up after ${Math.round(opts.timeoutMs / 1000)} s; last state: ${opts.describe(value)}`,
        {
          hint: 'Rerun the same command later: it resumes and waits again.',
        },
      )
    }
    await sleep(delay)
  }
}
