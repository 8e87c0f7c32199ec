// FakeSqs: queues, their attributes and tags (no messages). What it models: sqs.md.
import * as sdk from '@aws-sdk/client-sqs'
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, namedError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface QueueState {
  name: string
  attributes: Record<string, string>
  tags: Record<string, string>
  created: number
}

// SQS: "You must wait 60 seconds after deleting a queue before you can create another with the same name."
export const NAME_REUSE_MS = 60_000
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/
/** Settable attributes: their default, and the range SQS accepts. */
const NUMERIC: Record<string, { default: string; min: number; max: number }> = {
  VisibilityTimeout: { default: '30', min: 0, max: 43_200 },
  MessageRetentionPeriod: { default: '345600', min: 60, max: 1_209_600 },
  DelaySeconds: { default: '0', min: 0, max: 900 },
  ReceiveMessageWaitTimeSeconds: { default: '0', min: 0, max: 20 },
  MaximumMessageSize: { default: '1048576', min: 1024, max: 1_048_576 },
}
const OTHER_SETTABLE = new Set([
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Policy',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
])
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'])

const invalidValue = (attribute: string, reason?: string) =>
  awsError(
    sdk.InvalidAttributeValue,
    reason
      ? `Value for parameter ${attribute} is invalid. Reason: ${reason}`
      : `Invalid value for the parameter ${attribute}.`,
  )

export class FakeSqs implements ServiceFake {
  readonly service = 'sqs'
  readonly sdk = sdk
  readonly client = SQSClient
  queues: Record<string, QueueState> = {}
  /** Name → when it was deleted (FakeAws clock): a create within NAME_REUSE_MS fails. */
  deletedAt: Record<string, number> = {}
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateQueueCommand, (i) => this.createQueue(i.QueueName ?? '', i.Attributes ?? {}, i.tags ?? {})),
      on(GetQueueUrlCommand, (i) => ({ QueueUrl: this.url(this.byName(i.QueueName).name) })),
      on(GetQueueAttributesCommand, (i) => ({ Attributes: this.read(this.byUrl(i.QueueUrl), i.AttributeNames ?? []) })),
      on(SetQueueAttributesCommand, (i) => this.setAttributes(this.byUrl(i.QueueUrl), i.Attributes ?? {})),
      on(DeleteQueueCommand, (i) => {
        const q = this.byUrl(i.QueueUrl)
        delete this.queues[q.name]
        this.deletedAt[q.name] = this.env.clock.now()
        return {}
      }),
      on(ListQueueTagsCommand, (i) => {
        const tags = this.byUrl(i.QueueUrl).tags
        return Object.keys(tags).length > 0 ? { Tags: { ...tags } } : {}
      }),
      on(TagQueueCommand, (i) => {
        Object.assign(this.byUrl(i.QueueUrl).tags, i.Tags)
        return {}
      }),
      on(UntagQueueCommand, (i) => {
        const q = this.byUrl(i.QueueUrl)
        for (const key of i.TagKeys ?? []) delete q.tags[key]
        return {}
      }),
    ]
  }

  /** Test helpers. */
  queue(name: string): QueueState | undefined {
    return this.queues[name]
  }

  deleteQueueOutOfBand(name: string): void {
    delete this.queues[name]
  }

  url(name: string): string {
    return `https://sqs.${this.env.region}.amazonaws.com/${this.env.account}/${name}`
  }

  arn(name: string): string {
    return `arn:aws:sqs:${this.env.region}:${this.env.account}:${name}`
  }

  toJSON(): unknown {
    return structuredClone({ queues: this.queues, deletedAt: this.deletedAt })
  }

  load(state: any): void {
    this.queues = structuredClone(state?.queues ?? {})
    this.deletedAt = structuredClone(state?.deletedAt ?? {})
  }

  private notFound(): Error {
    return awsError(sdk.QueueDoesNotExist, 'The specified queue does not exist.')
  }

  private byName(name: string | undefined): QueueState {
    const q = name ? this.queues[name] : undefined
    if (!q) throw this.notFound()
    return q
  }

  private byUrl(url: string | undefined): QueueState {
    const prefix = `https://sqs.${this.env.region}.amazonaws.com/${this.env.account}/`
    if (!url?.startsWith(prefix)) throw this.notFound()
    return this.byName(url.slice(prefix.length))
  }

  private createQueue(name: string, attributes: Record<string, string>, tags: Record<string, string>) {
    const fifo = attributes.FifoQueue === 'true'
    if (fifo ? !FIFO_NAME.test(name) : !QUEUE_NAME.test(name)) {
      throw namedError(
        'InvalidParameterValue',
        fifo
          ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
          : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      )
    }
    const wanted = this.validated(attributes, fifo, true)
    const existing = this.queues[name]
    if (existing) {
      // Same name, same attributes: SQS answers with the queue it has. Any difference is QueueAlreadyExists.
      const differing = Object.keys(wanted).filter((k) => existing.attributes[k] !== wanted[k])
      if (differing.length > 0)
        throw awsError(
          sdk.QueueNameExists,
          `A queue already exists with the same name and a different value for attribute(s) ${differing.join(', ')}`,
        )
      return { QueueUrl: this.url(name) }
    }
    const deleted = this.deletedAt[name]
    if (deleted !== undefined && this.env.clock.now() - deleted < NAME_REUSE_MS)
      throw awsError(
        sdk.QueueDeletedRecently,
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      )
    const defaults = Object.fromEntries(Object.entries(NUMERIC).map(([k, v]) => [k, v.default]))
    const fifoDefaults: Record<string, string> = fifo
      ? { ContentBasedDeduplication: 'false', DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' }
      : {}
    const now = String(Math.floor(this.env.clock.now() / 1000))
    this.queues[name] = {
      name,
      attributes: {
        ...defaults,
        SqsManagedSseEnabled: 'true',
        ...fifoDefaults,
        ...wanted,
        QueueArn: this.arn(name),
        CreatedTimestamp: now,
        LastModifiedTimestamp: now,
      },
      tags: { ...tags },
      created: this.env.clock.now(),
    }
    return { QueueUrl: this.url(name) }
  }

  /** Checks every attribute as SQS does; returns them as stored (an empty RedrivePolicy means none). */
  private validated(attributes: Record<string, string>, fifo: boolean, creating: boolean): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(attributes)) {
      const range = NUMERIC[key]
      if (key === 'FifoQueue' && creating) {
        if (value === 'true') out[key] = value
        else if (value !== 'false') throw invalidValue(key)
        continue
      }
      if (FIFO_ONLY.has(key) && !fifo) throw awsError(sdk.InvalidAttributeName, `Unknown Attribute ${key}.`)
      if (range) {
        const n = Number(value)
        if (!/^\d+$/.test(value) || n < range.min || n > range.max) throw invalidValue(key)
      } else if (key === 'RedrivePolicy') {
        if (value !== '') this.checkRedrive(value, fifo)
      } else if (!OTHER_SETTABLE.has(key) && !FIFO_ONLY.has(key)) {
        throw awsError(sdk.InvalidAttributeName, `Unknown Attribute ${key}.`)
      }
      out[key] = value
    }
    return out
  }

  private checkRedrive(value: string, fifo: boolean): void {
    let policy: { deadLetterTargetArn?: string; maxReceiveCount?: unknown }
    try {
      policy = JSON.parse(value)
    } catch {
      throw invalidValue('RedrivePolicy', 'Invalid value for RedrivePolicy: it must be JSON.')
    }
    const count = Number(policy.maxReceiveCount)
    if (!Number.isInteger(count) || count < 1 || count > 1000)
      throw invalidValue('RedrivePolicy', 'Invalid value for maxReceiveCount: 1 to 1000.')
    const target = Object.values(this.queues).find((q) => q.attributes.QueueArn === policy.deadLetterTargetArn)
    if (!target) throw invalidValue('RedrivePolicy', 'Dead-letter target does not exist.')
    if ((target.attributes.FifoQueue === 'true') !== fifo)
      throw invalidValue('RedrivePolicy', 'Dead-letter queue must be same type of queue as the source.')
  }

  private read(q: QueueState, names: string[]): Record<string, string> {
    const all = names.includes('All')
    const visible = Object.entries(q.attributes).filter(([k, v]) => v !== '' && (all || names.includes(k)))
    const counts: Record<string, string> = all
      ? { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' }
      : {}
    return { ...Object.fromEntries(visible), ...counts }
  }

  private setAttributes(q: QueueState, attributes: Record<string, string>) {
    if ('FifoQueue' in attributes) throw awsError(sdk.InvalidAttributeName, 'Unknown Attribute FifoQueue.')
    const fifo = q.attributes.FifoQueue === 'true'
    Object.assign(q.attributes, this.validated(attributes, fifo, false), {
      LastModifiedTimestamp: String(Math.floor(this.env.clock.now() / 1000)),
    })
    return {}
  }
}
