// Waiting for asynchronous state where the SDK has no waiter, or where its waiter is not strict enough
// (DynamoDB GSIs, two consecutive ACTIVE reads). Every wait has a deadline, reports the service's own state, and is
// timed in the run's waits report (waits.ts).
import { StepError } from '../errors/index.js'
import { sleep, type Backoff } from './retry.js'
import { timeWait, type WaitSubject, type WaitTarget } from './waits.js'

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
  /** Where the wait is recorded for the run's waits report, and what it waits for. */
  report?: WaitSubject & { to: WaitTarget }
}

/**
 * The delay before poll `attempt + 1`: Terraform's StateChangeConf schedule (helper/retry/state.go: the first read at
 * once, then 100 ms doubling up to a cap, 10 s in real runs). Most states AWS makes us wait for settle within seconds
 * (a function Active, a table ACTIVE, a guardrail READY): the former 1 s first delay (then doubling with full jitter)
 * cost up to a second per wait for nothing. Reads per wait, simulated (former schedule in brackets): 4 for a 0.5 s
 * wait (2), 8 for 6 s (5), 11 for 30 s (8), 21 for 2 min (17), 42 for 5 min (35): a few reads more per wait, not a
 * multiple, and a long wait notices the state sooner (within 10 s instead of up to 20 s). Up to a quarter of jitter
 * keeps waits started together (tables created in parallel) from polling in lock-step. Waits AWS documents as slow to
 * poll (CloudFront) pass their own backoff.
 */
export function pollDelay(attempt: number, backoff: Backoff): number {
  const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** (attempt - 1))
  return Math.max(backoff.minMs, Math.round(ceiling - (Math.random() * ceiling) / 4))
}

export async function pollUntil<T>(opts: PollOptions<T>): Promise<T> {
  if (!opts.report) return poll(opts, () => undefined)
  const { to, ...subject } = opts.report
  return timeWait(to, subject, (counted) => poll(opts, counted))
}

async function poll<T>(opts: PollOptions<T>, counted: () => void): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  const needed = opts.consecutive ?? 1
  let streak = 0
  let delay = opts.backoff.minMs
  for (let attempt = 1; ; attempt++) {
    counted()
    const value = await opts.read()
    const verdict = opts.judge(value)
    if (typeof verdict === 'object') {
      throw new StepError('WaitFailed', `${opts.label}: ${verdict.failed}`, {
        hint: 'Look at the resource in the AWS console, fix the cause, then rerun the command.',
      })
    }
    streak = verdict === 'done' ? streak + 1 : 0
    if (streak >= needed) return value
    // A confirming read comes after the same delay as the read it confirms (as StateChangeConf's
    // ContinuousTargetOccurence does); waiting for a change backs off.
    if (streak === 0) delay = pollDelay(attempt, opts.backoff)
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
