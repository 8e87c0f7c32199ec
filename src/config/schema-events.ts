import { z } from 'zod'

// The storage-and-events part of config.json: general buckets, queues, and what a function declares about them
// (access shorthands, triggers, a dead-letter queue by name). Built from schema.ts's shared pieces, which it passes
// in: importing them here would make the two modules import each other.

export interface SchemaBase {
  nameTemplate: z.ZodString
  tags: z.ZodRecord<z.ZodString, z.ZodString>
  logicalId: z.ZodString
}

// S3 lifecycle storage classes a transition may name (PutBucketLifecycleConfiguration's TransitionStorageClass).
const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE']
// The event types S3 can send to a function (S3 User Guide, "Supported event types").
export const S3_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:LifecycleExpiration:*',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:Replication:*',
] as const

// EventBridge Scheduler's expressions: rate(value unit), cron(six fields), at(yyyy-mm-ddThh:mm:ss).
const SCHEDULE_EXPRESSION =
  /^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/

export function eventSchemas({ nameTemplate, tags, logicalId }: SchemaBase) {
  const transition = z.strictObject({ days: z.int().min(0), storage_class: z.enum(STORAGE_CLASSES) })
  const lifecycleRule = z
    .strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,100}$/, '1-100 letters, digits, . _ -')
        .describe('Names the rule: S3 keeps it as infra-<id>, beside rules others added'),
      prefix: z.string().default('').describe('Only keys starting with it; all keys when empty'),
      expire_days: z.int().min(1).optional().describe('Current versions expire this many days after creation'),
      transitions: z.array(transition).default([]),
      noncurrent_expire_days: z.int().min(1).optional().describe('Replaced or deleted versions go after these days'),
      noncurrent_transitions: z.array(transition).default([]),
      abort_incomplete_uploads_days: z.int().min(1).optional().describe('Unfinished multipart uploads are aborted'),
    })
    .refine(
      (r) =>
        r.expire_days !== undefined ||
        r.noncurrent_expire_days !== undefined ||
        r.abort_incomplete_uploads_days !== undefined ||
        r.transitions.length + r.noncurrent_transitions.length > 0,
      'a rule needs an action: expire_days, transitions, noncurrent_expire_days, noncurrent_transitions or abort_incomplete_uploads_days',
    )
  const corsRule = z.strictObject({
    allowed_origins: z.array(z.string().min(1)).min(1).describe('"https://app.example.com", or "*"'),
    allowed_methods: z.array(z.enum(['GET', 'PUT', 'POST', 'DELETE', 'HEAD'])).min(1),
    allowed_headers: z.array(z.string().min(1)).default([]),
    expose_headers: z.array(z.string().min(1)).default([]),
    max_age_s: z.int().min(0).optional(),
  })
  const bucket = z.strictObject({
    // Default `${SERVICE_NAME}-${name}`; names are global across AWS: `${ACCOUNT_ID}` or `${AWS_REGION}` keep them free.
    name: nameTemplate.optional(),
    versioning: z.boolean().default(true).describe('Keep every version of an object (false: suspended)'),
    kms_key: z.string().min(1).optional().describe('KMS key (id, alias or ARN) for SSE-KMS; SSE-S3 when absent'),
    lifecycle: z.array(lifecycleRule).max(100).default([]),
    cors: z.array(corsRule).max(100).default([]),
    tags: tags.default({}),
  })

  const queue = z.strictObject({
    // Default `${SERVICE_NAME}-${name}`, `.fifo` added for a FIFO queue.
    name: nameTemplate.optional(),
    fifo: z.boolean().default(false).describe('A FIFO queue (fixed once created)'),
    content_based_deduplication: z.boolean().default(false).describe('FIFO only: deduplicate by a hash of the body'),
    visibility_timeout_s: z.int().min(0).max(43_200).default(30),
    retention_s: z.int().min(60).max(1_209_600).default(345_600).describe('How long a message is kept: 1 min-14 days'),
    delay_s: z.int().min(0).max(900).default(0),
    receive_wait_s: z.int().min(0).max(20).default(0).describe('Long polling: how long a receive waits for a message'),
    dead_letter: z
      .strictObject({
        queue: logicalId.describe('A key of queues'),
        max_receives: z.int().min(1).max(1000).describe('Receives before a message moves to the dead-letter queue'),
      })
      .optional(),
    tags: tags.default({}),
  })

  const s3Trigger = z.strictObject({
    type: z.literal('s3'),
    bucket: logicalId.describe('A key of buckets'),
    events: z.array(z.enum(S3_EVENTS)).min(1).default(['s3:ObjectCreated:*']),
    prefix: z.string().min(1).optional(),
    suffix: z.string().min(1).optional(),
  })
  const queueTrigger = z.strictObject({
    type: z.literal('queue'),
    queue: logicalId.describe('A key of queues'),
    batch_size: z.int().min(1).max(10_000).default(10),
    window_s: z.int().min(0).max(300).default(0).describe('Seconds to gather a batch (standard queues only)'),
    report_failures: z.boolean().default(true).describe('Partial batch responses (ReportBatchItemFailures)'),
    max_concurrency: z.int().min(2).max(1000).optional(),
  })
  const streamTrigger = z.strictObject({
    type: z.literal('stream'),
    table: logicalId.describe('A key of tables whose stream is on'),
    batch_size: z.int().min(1).max(10_000).default(100),
    window_s: z.int().min(0).max(300).default(0),
    starting_position: z.enum(['LATEST', 'TRIM_HORIZON']).default('LATEST').describe('Fixed once created'),
    report_failures: z.boolean().default(true).describe('Partial batch responses (ReportBatchItemFailures)'),
    max_retries: z.int().min(-1).max(10_000).optional().describe('-1: until the record expires (Lambda default)'),
  })
  const scheduleTrigger = z.strictObject({
    type: z.literal('schedule'),
    expression: z
      .string()
      .regex(SCHEDULE_EXPRESSION, 'rate(5 minutes), cron(0 3 * * ? *) with six fields, or at(2030-01-01T00:00:00)'),
    timezone: z.string().min(1).default('UTC').describe('IANA time zone for cron and at: "Europe/Paris"'),
    input: z.record(z.string(), z.unknown()).optional().describe('The event the function receives (JSON)'),
    enabled: z.boolean().default(true),
  })
  const trigger = z.discriminatedUnion('type', [s3Trigger, queueTrigger, streamTrigger, scheduleTrigger])

  /** Spread into the function schema. */
  const functionFields = {
    buckets: z
      .record(logicalId, z.enum(['read', 'write', 'read-write']))
      .default({})
      .describe('Buckets (keys of buckets) this function may use, and how'),
    queues: z
      .record(logicalId, z.enum(['send', 'consume']))
      .default({})
      .describe('Queues (keys of queues) this function may use, and how'),
    dead_letter: z
      .string()
      .min(1)
      .optional()
      .describe('Where failed asynchronous invocations go: a key of queues, or an SQS queue or SNS topic ARN'),
    triggers: z
      .record(logicalId, trigger)
      .default({})
      .describe('Trigger name -> what invokes this function: s3, queue, stream or schedule'),
  }
  return { bucket, queue, functionFields }
}
