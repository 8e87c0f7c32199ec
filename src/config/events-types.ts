// Resolved shapes of buckets, queues and what a function declares about them (schema-events.ts), for one environment.
import type { Tags } from './types.js'

export type BucketAccess = 'read' | 'write' | 'read-write'
export type QueueAccess = 'send' | 'consume'

export interface LifecycleTransition {
  days: number
  storageClass: string
}

export interface LifecycleRuleConfig {
  id: string
  prefix: string
  expireDays?: number
  transitions: LifecycleTransition[]
  noncurrentExpireDays?: number
  noncurrentTransitions: LifecycleTransition[]
  abortIncompleteUploadsDays?: number
}

export interface CorsRuleConfig {
  allowedOrigins: string[]
  allowedMethods: string[]
  allowedHeaders: string[]
  exposeHeaders: string[]
  maxAgeS?: number
}

export interface BucketConfig {
  logicalId: string
  name: string
  versioning: boolean
  kmsKeyId?: string
  lifecycle: LifecycleRuleConfig[]
  cors: CorsRuleConfig[]
  /** The service's tags plus this bucket's own. */
  tags: Tags
}

export interface QueueConfig {
  logicalId: string
  /** Ends in `.fifo` for a FIFO queue. */
  name: string
  fifo: boolean
  contentBasedDeduplication: boolean
  visibilityTimeoutS: number
  retentionS: number
  delayS: number
  receiveWaitS: number
  /** The dead-letter queue's logical id (a key of queues). */
  deadLetter?: { queue: string; maxReceives: number }
  tags: Tags
}

interface TriggerBase {
  /** The trigger's key under the function: with the function's key it names the trigger's resources. */
  logicalId: string
}

export interface S3TriggerConfig extends TriggerBase {
  type: 's3'
  bucket: string
  events: string[]
  prefix?: string
  suffix?: string
}

export interface QueueTriggerConfig extends TriggerBase {
  type: 'queue'
  queue: string
  batchSize: number
  windowS: number
  reportFailures: boolean
  maxConcurrency?: number
}

export interface StreamTriggerConfig extends TriggerBase {
  type: 'stream'
  table: string
  batchSize: number
  windowS: number
  startingPosition: 'LATEST' | 'TRIM_HORIZON'
  reportFailures: boolean
  maxRetries?: number
}

export interface ScheduleTriggerConfig extends TriggerBase {
  type: 'schedule'
  expression: string
  timezone: string
  /** The event as JSON text. */
  input?: string
  enabled: boolean
}

export type TriggerConfig = S3TriggerConfig | QueueTriggerConfig | StreamTriggerConfig | ScheduleTriggerConfig

/** What a function declares about buckets and queues. */
export interface FunctionEvents {
  buckets: Record<string, BucketAccess>
  queues: Record<string, QueueAccess>
  triggers: TriggerConfig[]
}

/** The role EventBridge Scheduler assumes to invoke the functions that have schedules. */
export interface SchedulerRoleConfig {
  name: string
}
