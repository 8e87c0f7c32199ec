// A function's triggers → their resolved shapes, with the rules AWS would only enforce mid-deploy (a queue's visibility
// timeout under its consumer's timeout, overlapping S3 notifications, a FIFO queue with a batching window, a stream
// that is off) reported at load, before any AWS call.
import type { S3TriggerConfig, TriggerConfig } from './events-types.js'
import { didYouMean, type FieldPath } from './issues.js'
import type { ResolveContext } from './resolve.js'
import type { RawFunction } from './schema.js'

type RawTrigger = RawFunction['triggers'][string]

// Lambda polls a FIFO queue 10 messages at a time and supports no batching window on it.
const FIFO_MAX_BATCH = 10
// Lambda: a standard queue's batch over 10 messages needs a batching window of at least one second.
const SQS_UNWINDOWED_MAX_BATCH = 10
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])

/** `… (did you mean x? buckets: a, b)`: the end of a message about an unknown key of a section. */
export function unknownIn(section: string, key: string, keys: string[]): string {
  return `(${didYouMean(key, keys)}${section}: ${keys.join(', ') || 'none'})`
}

export function resolveTrigger(
  ctx: ResolveContext,
  at: FieldPath,
  id: string,
  t: RawTrigger,
  timeoutS: number,
): TriggerConfig {
  const { raw } = ctx
  switch (t.type) {
    case 's3':
      if (!Object.hasOwn(raw.buckets, t.bucket))
        ctx.problem(
          [...at, 'bucket'],
          `"${t.bucket}" is not in buckets ${unknownIn('buckets', t.bucket, Object.keys(raw.buckets))}`,
        )
      return {
        logicalId: id,
        type: 's3',
        bucket: t.bucket,
        events: t.events,
        ...(t.prefix !== undefined && { prefix: t.prefix }),
        ...(t.suffix !== undefined && { suffix: t.suffix }),
      }
    case 'queue': {
      const queue = raw.queues[t.queue]
      if (!queue)
        ctx.problem(
          [...at, 'queue'],
          `"${t.queue}" is not in queues ${unknownIn('queues', t.queue, Object.keys(raw.queues))}`,
        )
      else {
        // CreateEventSourceMapping refuses a queue whose messages would reappear while the function still runs.
        if (queue.visibility_timeout_s < timeoutS)
          ctx.problem(
            [...at, 'queue'],
            `queue ${t.queue}'s visibility_timeout_s ${queue.visibility_timeout_s} is less than this function's timeout ${timeoutS} s (set queues.${t.queue}.visibility_timeout_s to at least ${timeoutS}; AWS advises 6 times the timeout)`,
          )
        if (queue.fifo && t.window_s > 0)
          ctx.problem(
            [...at, 'window_s'],
            `queue ${t.queue} is FIFO: Lambda supports no batching window on it (remove window_s)`,
          )
        if (queue.fifo && t.batch_size > FIFO_MAX_BATCH)
          ctx.problem([...at, 'batch_size'], `queue ${t.queue} is FIFO: at most ${FIFO_MAX_BATCH} messages per batch`)
        if (!queue.fifo && t.batch_size > SQS_UNWINDOWED_MAX_BATCH && t.window_s < 1)
          ctx.problem(
            [...at, 'window_s'],
            `a batch_size over ${SQS_UNWINDOWED_MAX_BATCH} needs window_s of at least 1 (Lambda's rule)`,
          )
      }
      return {
        logicalId: id,
        type: 'queue',
        queue: t.queue,
        batchSize: t.batch_size,
        windowS: t.window_s,
        reportFailures: t.report_failures,
        ...(t.max_concurrency !== undefined && { maxConcurrency: t.max_concurrency }),
      }
    }
    case 'stream': {
      const table = raw.tables[t.table]
      if (!table)
        ctx.problem(
          [...at, 'table'],
          `"${t.table}" is not in tables ${unknownIn('tables', t.table, Object.keys(raw.tables))}`,
        )
      else if (table.stream === false)
        ctx.problem(
          [...at, 'table'],
          `table ${t.table} has no stream (set tables.${t.table}.stream, e.g. "NEW_AND_OLD_IMAGES")`,
        )
      return {
        logicalId: id,
        type: 'stream',
        table: t.table,
        batchSize: t.batch_size,
        windowS: t.window_s,
        startingPosition: t.starting_position,
        reportFailures: t.report_failures,
        ...(t.max_retries !== undefined && { maxRetries: t.max_retries }),
      }
    }
    case 'schedule':
      if (!TIME_ZONES.has(t.timezone))
        ctx.problem([...at, 'timezone'], `"${t.timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Paris")`)
      return {
        logicalId: id,
        type: 'schedule',
        expression: t.expression,
        timezone: t.timezone,
        ...(t.input !== undefined && { input: JSON.stringify(t.input) }),
        enabled: t.enabled,
      }
  }
}

/** S3 refuses two notifications of a bucket whose event types and key filters overlap; ours are checked here. */
export function checkS3Overlaps(
  ctx: ResolveContext,
  functions: Array<{ logicalId: string; triggers: TriggerConfig[] }>,
): void {
  const seen: Array<{ fn: string; trigger: S3TriggerConfig }> = []
  for (const fn of functions) {
    for (const trigger of fn.triggers) {
      if (trigger.type !== 's3') continue
      const clash = seen.find((s) => s.trigger.bucket === trigger.bucket && overlaps(s.trigger, trigger))
      if (clash)
        ctx.problem(
          ['functions', fn.logicalId, 'triggers', trigger.logicalId],
          `overlaps functions.${clash.fn}.triggers.${clash.trigger.logicalId} on bucket ${trigger.bucket} (S3 refuses notifications whose events and prefix/suffix overlap: make the prefixes or suffixes disjoint)`,
        )
      seen.push({ fn: fn.logicalId, trigger })
    }
  }
}

const eventFamily = (e: string) => e.replace(/:[^:]*$/, '')
const sharesEvent = (a: string[], b: string[]) =>
  a.some((x) => b.some((y) => x === y || (eventFamily(x) === eventFamily(y) && (x.endsWith('*') || y.endsWith('*')))))
const prefixOverlap = (a = '', b = '') => a.startsWith(b) || b.startsWith(a)
const suffixOverlap = (a = '', b = '') => a.endsWith(b) || b.endsWith(a)

function overlaps(a: S3TriggerConfig, b: S3TriggerConfig): boolean {
  return sharesEvent(a.events, b.events) && prefixOverlap(a.prefix, b.prefix) && suffixOverlap(a.suffix, b.suffix)
}
