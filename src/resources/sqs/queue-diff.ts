// Pure: a queue's desired shape, the attributes SQS takes for it, and what differs from what SQS reports.
import type { QueueConfig } from '../../config/events-types.js'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

/** The queue config describes, with its dead-letter queue resolved to an ARN. */
export interface QueueSpec extends Omit<QueueConfig, 'deadLetter'> {
  /** Manifest key `sqs-queue:<logicalId>`. */
  logicalId: string
  deadLetter?: { targetArn: string; maxReceives: number }
}

export interface ObservedQueue {
  url: string
  /** As GetQueueAttributes(All) reports them: every value a string. */
  attributes: Record<string, string>
  tags: Tags
}

/** The attributes infra sets, as SQS stores them. SSE with SQS-owned keys is always on. */
export function queueAttributes(spec: QueueSpec): Record<string, string> {
  return {
    VisibilityTimeout: String(spec.visibilityTimeoutS),
    MessageRetentionPeriod: String(spec.retentionS),
    DelaySeconds: String(spec.delayS),
    ReceiveMessageWaitTimeSeconds: String(spec.receiveWaitS),
    SqsManagedSseEnabled: 'true',
    // An empty RedrivePolicy removes one that config no longer has.
    RedrivePolicy: spec.deadLetter ? redrivePolicy(spec.deadLetter) : '',
    ...(spec.fifo && { ContentBasedDeduplication: String(spec.contentBasedDeduplication) }),
  }
}

/** What CreateQueue sends: the attributes above, FifoQueue, and no empty RedrivePolicy. */
export function createAttributes(spec: QueueSpec): Record<string, string> {
  const { RedrivePolicy, ...rest } = queueAttributes(spec)
  return { ...rest, ...(RedrivePolicy && { RedrivePolicy }), ...(spec.fifo && { FifoQueue: 'true' }) }
}

const redrivePolicy = (dlq: NonNullable<QueueSpec['deadLetter']>) =>
  JSON.stringify({ deadLetterTargetArn: dlq.targetArn, maxReceiveCount: dlq.maxReceives })

/** A redrive policy by meaning: SQS may give maxReceiveCount back as a string. */
function sameRedrive(have: string | undefined, want: string): boolean {
  if (!have || !want) return (have ?? '') === want
  const a = JSON.parse(have) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown }
  const b = JSON.parse(want) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown }
  return a.deadLetterTargetArn === b.deadLetterTargetArn && Number(a.maxReceiveCount) === Number(b.maxReceiveCount)
}

export function diffQueue(have: ObservedQueue, want: QueueSpec): Change[] {
  const changes: Change[] = []
  for (const [name, value] of Object.entries(queueAttributes(want))) {
    const current = have.attributes[name]
    const same = name === 'RedrivePolicy' ? sameRedrive(current, value) : (current ?? '') === value
    if (!same) changes.push({ field: name, from: current ?? 'none', to: value || 'none' })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}

/** A queue's type is fixed when it is created. */
export function refuseQueue(have: ObservedQueue, want: QueueSpec): void {
  const fifo = have.attributes.FifoQueue === 'true'
  if (fifo === want.fifo) return
  throw new StepError(
    'QueueTypeChange',
    `updating SQS queue (${want.name}): it is ${fifo ? 'a FIFO' : 'a standard'} queue and cannot become ${want.fifo ? 'a FIFO' : 'a standard'} one`,
    { hint: 'Give the queue another key or name in config.json (a new queue is made), or keep its fifo setting.' },
  )
}
