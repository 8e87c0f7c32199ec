// Retries for one call's eventual consistency (a new role not yet assumable, an update still in progress).
// Throttling and 5xx are the SDK's job (clients.ts); what outlives the SDK's retries is retried here too,
// because a long provisioning run should look slow on a bad day, not fail.
import { StepError } from '../errors/index.js'
import { awsReason, isTransient } from './errors.js'
import { timeWait, type WaitSubject, type WaitTarget } from './waits.js'

export interface Backoff {
  /** First delay; doubles each attempt up to maxMs, with full jitter. */
  minMs: number
  maxMs: number
}

export interface RetryOptions {
  /** Give up after this long (the last error is reported). */
  timeoutMs: number
  /** What is being retried, for the error: 'creating Lambda function (x)'. */
  label: string
  backoff: Backoff
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
  /** A retry that is a wait (IAM propagation, a resource still busy): recorded in the run's waits report. */
  report?: WaitSubject & { to: WaitTarget }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function backoffDelay(attempt: number, backoff: Backoff): number {
  const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** (attempt - 1))
  return Math.max(backoff.minMs, Math.round(Math.random() * ceiling))
}

/** Calls fn until it succeeds, retrying only errors that `retryable` (or isTransient) accepts, until the deadline. */
export async function retryWhile<T>(
  fn: () => Promise<T>,
  retryable: (e: unknown) => boolean,
  opts: RetryOptions,
): Promise<T> {
  if (!opts.report) return retry(fn, retryable, opts, () => undefined)
  const { to, ...subject } = opts.report
  return timeWait(to, subject, (counted) => retry(fn, retryable, opts, counted))
}

async function retry<T>(
  fn: () => Promise<T>,
  retryable: (e: unknown) => boolean,
  opts: RetryOptions,
  counted: () => void,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  for (let attempt = 1; ; attempt++) {
    try {
      counted()
      return await fn()
    } catch (e) {
      if (!retryable(e) && !isTransient(e)) throw e
      const delay = backoffDelay(attempt, opts.backoff)
      if (Date.now() + delay > deadline) {
        throw new StepError(
          'RetryDeadlineExceeded',
          `${opts.label}: still failing after ${Math.round(opts.timeoutMs / 1000)} s: ${awsReason(e)}`,
          {
            hint: 'AWS has not settled in time. Rerun the same command: what was created is kept and the run resumes.',
            cause: e,
          },
        )
      }
      opts.onRetry?.(e, attempt, delay)
      await sleep(delay)
    }
  }
}
