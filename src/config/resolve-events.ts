// buckets.*, queues.* and what functions declare about them → their resolved shapes: names expanded and checked, every
// reference to a bucket, queue or table checked against config (listing the ones that exist), and the rules AWS would
// only enforce mid-deploy (a queue's visibility timeout under its consumer's timeout, overlapping S3 notifications,
// a FIFO queue with a batching window) reported at load, before any AWS call.
import { partitionOf } from '../resources/common.js'
import type {
  BucketConfig,
  FunctionEvents,
  QueueConfig,
  S3TriggerConfig,
  SchedulerRoleConfig,
  TriggerConfig,
} from './events-types.js'
import { didYouMean, type FieldPath } from './issues.js'
import { expandTemplate } from './names.js'
import type { ResolveContext } from './resolve.js'
import type { RawFunction } from './schema.js'

type RawTrigger = RawFunction['triggers'][string]

const DEFAULT_NAME = '${SERVICE_NAME}-${name}'
const BUCKET_EDGES = /^[a-z0-9](.*[a-z0-9])?$/
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/
const FIFO_SUFFIX = '.fifo'
// Lambda polls a FIFO queue 10 messages at a time and supports no batching window on it.
const FIFO_MAX_BATCH = 10
// Lambda: a standard queue's batch over 10 messages needs a batching window of at least one second.
const SQS_UNWINDOWED_MAX_BATCH = 10
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])

/** `… (did you mean x? buckets: a, b)`: the end of a message about an unknown key of a section. */
function unknownIn(section: string, key: string, keys: string[]): string {
  return `(${didYouMean(key, keys)}${section}: ${keys.join(', ') || 'none'})`
}

export function resolveBuckets(ctx: ResolveContext): BucketConfig[] {
  return Object.entries(ctx.raw.buckets).map(([key, b]) => {
    const at: FieldPath = ['buckets', key]
    const name = ctx.entryName('bucket', at, b.name ?? DEFAULT_NAME, key)
    if (!BUCKET_EDGES.test(name) || name.includes('..') || IP_ADDRESS.test(name))
      ctx.problem(
        [...at, 'name'],
        `"${name}" is not a valid bucket name (it starts and ends with a letter or digit, has no "..", is not an IP address)`,
      )
    const ids = new Set<string>()
    b.lifecycle.forEach((rule, i) => {
      if (ids.has(rule.id)) ctx.problem([...at, 'lifecycle', i, 'id'], `"${rule.id}" is used twice in this bucket`)
      ids.add(rule.id)
    })
    return {
      logicalId: key,
      name,
      versioning: b.versioning,
      ...(b.kms_key !== undefined && { kmsKeyId: b.kms_key }),
      lifecycle: b.lifecycle.map((r) => ({
        id: r.id,
        prefix: r.prefix,
        ...(r.expire_days !== undefined && { expireDays: r.expire_days }),
        transitions: r.transitions.map((t) => ({ days: t.days, storageClass: t.storage_class })),
        ...(r.noncurrent_expire_days !== undefined && { noncurrentExpireDays: r.noncurrent_expire_days }),
        noncurrentTransitions: r.noncurrent_transitions.map((t) => ({ days: t.days, storageClass: t.storage_class })),
        ...(r.abort_incomplete_uploads_days !== undefined && {
          abortIncompleteUploadsDays: r.abort_incomplete_uploads_days,
        }),
      })),
      cors: b.cors.map((c) => ({
        allowedOrigins: c.allowed_origins,
        allowedMethods: c.allowed_methods,
        allowedHeaders: c.allowed_headers,
        exposeHeaders: c.expose_headers,
        ...(c.max_age_s !== undefined && { maxAgeS: c.max_age_s }),
      })),
      tags: ctx.tags([...at, 'tags'], b.tags),
    }
  })
}

export function resolveQueues(ctx: ResolveContext): QueueConfig[] {
  const queues = ctx.raw.queues
  const keys = Object.keys(queues)
  return Object.entries(queues).map(([key, q]) => {
    const at: FieldPath = ['queues', key]
    const base = ctx.entryName('queue', at, queueTemplate(q), key)
    const name = q.fifo ? `${base}${FIFO_SUFFIX}` : base
    if (name.length > 80)
      ctx.problem(
        [...at, 'name'],
        `"${name}" is ${name.length} characters (queue names are at most 80, .fifo included)`,
      )
    if (!q.fifo && q.content_based_deduplication)
      ctx.problem([...at, 'content_based_deduplication'], 'applies to FIFO queues only (set fifo: true, or remove it)')
    const dlq = q.dead_letter
    if (dlq) {
      const target = queues[dlq.queue]
      if (!target)
        ctx.problem(
          [...at, 'dead_letter', 'queue'],
          `"${dlq.queue}" is not in queues ${unknownIn('queues', dlq.queue, keys)}`,
        )
      else if (dlq.queue === key)
        ctx.problem([...at, 'dead_letter', 'queue'], 'is the queue itself (name another queue of queues)')
      else if (deadLetterChain(queues, key).includes(key))
        ctx.problem(
          [...at, 'dead_letter', 'queue'],
          `makes a loop (${[key, ...deadLetterChain(queues, key)].join(' -> ')}): a dead-letter queue must exist before the queues that use it`,
        )
      else if (target.fifo !== q.fifo)
        ctx.problem(
          [...at, 'dead_letter', 'queue'],
          `"${dlq.queue}" is ${target.fifo ? 'a FIFO' : 'a standard'} queue; a ${q.fifo ? 'FIFO' : 'standard'} queue's dead-letter queue must be of the same type`,
        )
    }
    return {
      logicalId: key,
      name,
      fifo: q.fifo,
      contentBasedDeduplication: q.content_based_deduplication,
      visibilityTimeoutS: q.visibility_timeout_s,
      retentionS: q.retention_s,
      delayS: q.delay_s,
      receiveWaitS: q.receive_wait_s,
      ...(dlq && { deadLetter: { queue: dlq.queue, maxReceives: dlq.max_receives } }),
      tags: ctx.tags([...at, 'tags'], q.tags),
    }
  })
}

/** The dead-letter queues after `key`, following each one's own, up to the first repeat. */
export function deadLetterChain(queues: Record<string, { dead_letter?: { queue: string } }>, key: string): string[] {
  const chain: string[] = []
  for (let next = queues[key]?.dead_letter?.queue; next !== undefined; next = queues[next]?.dead_letter?.queue) {
    chain.push(next)
    if (next === key || chain.indexOf(next) !== chain.length - 1) break
  }
  return chain
}

/** The function's bucket and queue access and its triggers, checked against the rest of config. */
export function resolveFunctionEvents(
  ctx: ResolveContext,
  key: string,
  f: RawFunction,
  timeoutS: number,
): FunctionEvents & { deadLetterArn?: string } {
  const { raw } = ctx
  const at: FieldPath = ['functions', key]
  for (const bucket of Object.keys(f.buckets)) {
    if (!Object.hasOwn(raw.buckets, bucket))
      ctx.problem(
        [...at, 'buckets', bucket],
        `function ${key} uses bucket "${bucket}", which is not in buckets ${unknownIn('buckets', bucket, Object.keys(raw.buckets))}`,
      )
  }
  for (const queue of Object.keys(f.queues)) {
    if (!Object.hasOwn(raw.queues, queue))
      ctx.problem(
        [...at, 'queues', queue],
        `function ${key} uses queue "${queue}", which is not in queues ${unknownIn('queues', queue, Object.keys(raw.queues))}`,
      )
  }
  const triggers = Object.entries(f.triggers).map(([id, t]) =>
    resolveTrigger(ctx, [...at, 'triggers', id], id, t, timeoutS),
  )
  const deadLetterArn = deadLetter(ctx, at, f)
  return {
    buckets: f.buckets,
    queues: f.queues,
    triggers,
    ...(deadLetterArn !== undefined && { deadLetterArn }),
  }
}

function deadLetter(ctx: ResolveContext, at: FieldPath, f: RawFunction): string | undefined {
  const target = f.dead_letter
  if (target === undefined) return f.dead_letter_arn
  if (f.dead_letter_arn !== undefined) {
    ctx.problem([...at, 'dead_letter'], 'is set together with dead_letter_arn (keep one: dead_letter takes either)')
    return f.dead_letter_arn
  }
  if (target.startsWith('arn:')) return target
  const queue = ctx.raw.queues[target]
  if (!queue) {
    ctx.problem(
      [...at, 'dead_letter'],
      `"${target}" is neither an ARN nor a queue in queues ${unknownIn('queues', target, Object.keys(ctx.raw.queues))}`,
    )
    return undefined
  }
  // Lambda's asynchronous dead-letter target: a standard queue only.
  if (queue.fifo)
    ctx.problem(
      [...at, 'dead_letter'],
      `"${target}" is a FIFO queue (Lambda sends failed events to standard queues only)`,
    )
  return queueArn(ctx, target)
}

/** The queue's ARN, known before it exists: SQS ARNs are `arn:<partition>:sqs:<region>:<account>:<name>`. */
function queueArn(ctx: ResolveContext, key: string): string {
  const region = ctx.vars.AWS_REGION ?? ''
  return `arn:${partitionOf(region)}:sqs:${region}:${ctx.vars.ACCOUNT_ID ?? ''}:${queueName(ctx, key)}`
}

/** Expanded the way resolveQueues names it (problems are reported there, once). */
function queueName(ctx: ResolveContext, key: string): string {
  const q = ctx.raw.queues[key]!
  const { value } = expandTemplate(queueTemplate(q), { ...ctx.vars, name: key })
  return q.fifo ? `${value}${FIFO_SUFFIX}` : value
}

/** The template without `.fifo`, which is added for FIFO queues whether or not the template has it. */
const queueTemplate = (q: { name?: string }) => (q.name ?? DEFAULT_NAME).replace(/\.fifo$/, '')

function resolveTrigger(
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

/** The Scheduler role, when some function has a schedule. */
export function resolveSchedulerRole(
  ctx: ResolveContext,
  functions: Array<{ triggers: TriggerConfig[] }>,
): SchedulerRoleConfig | undefined {
  if (!functions.some((f) => f.triggers.some((t) => t.type === 'schedule'))) return undefined
  return { name: ctx.name('role', ['functions'], '${SERVICE_NAME}-scheduler-role') }
}
