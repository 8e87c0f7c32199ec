// buckets.*, queues.* and what functions declare about them → their resolved shapes: names expanded and checked, every
// reference to a bucket or queue checked against config (listing the ones that exist). Triggers: resolve-triggers.ts.
import { partitionOf } from '../resources/common.js'
import type { BucketConfig, FunctionEvents, QueueConfig, SchedulerRoleConfig, TriggerConfig } from './events-types.js'
import type { FieldPath } from './issues.js'
import { expandTemplate } from './names.js'
import type { ResolveContext } from './resolve.js'
import { resolveTrigger, unknownIn } from './resolve-triggers.js'
import type { RawFunction } from './schema.js'

export { checkS3Overlaps } from './resolve-triggers.js'

const DEFAULT_NAME = '${SERVICE_NAME}-${name}'
const BUCKET_EDGES = /^[a-z0-9](.*[a-z0-9])?$/
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/
const FIFO_SUFFIX = '.fifo'

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
function deadLetterChain(queues: Record<string, { dead_letter?: { queue: string } }>, key: string): string[] {
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

/** The Scheduler role, when some function has a schedule. */
export function resolveSchedulerRole(
  ctx: ResolveContext,
  functions: Array<{ triggers: TriggerConfig[] }>,
): SchedulerRoleConfig | undefined {
  if (!functions.some((f) => f.triggers.some((t) => t.type === 'schedule'))) return undefined
  return { name: ctx.name('role', ['functions'], '${SERVICE_NAME}-scheduler-role') }
}
