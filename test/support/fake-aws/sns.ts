// FakeSns: topics (create by name, attributes, tags, delete) and their subscriptions (subscribe, list, unsubscribe),
// e-mail ones pending until confirmed. What it models: sns.md.
import * as sdk from '@aws-sdk/client-sns'
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  NotFoundException,
  ResourceNotFoundException,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  type CreateTopicInput,
  type SubscribeInput,
  type Tag,
} from '@aws-sdk/client-sns'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface SubscriptionState {
  arn: string
  protocol: string
  endpoint: string
  confirmed: boolean
}

export interface TopicState {
  name: string
  tags: Record<string, string>
  subscriptions: SubscriptionState[]
}

/** What ListSubscriptionsByTopic shows for a subscription not confirmed yet. */
export const PENDING_CONFIRMATION = 'PendingConfirmation'
const PAGE = 100
const PROTOCOLS_CONFIRMED_AT_ONCE = new Set(['sqs', 'lambda', 'firehose'])

const tagsOf = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]))
const sameTags = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

export class FakeSns implements ServiceFake {
  readonly service = 'sns'
  readonly sdk = sdk
  readonly client = SNSClient
  topics: Record<string, TopicState> = {}
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }
  private nextSubscription = 1

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateTopicCommand, (i) => this.createTopic(i)),
      on(GetTopicAttributesCommand, (i) => this.getTopicAttributes(i.TopicArn)),
      on(ListTagsForResourceCommand, (i) => ({
        Tags: Object.entries(this.taggable(i.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })),
      })),
      on(TagResourceCommand, (i) => this.tagResource(i.ResourceArn, i.Tags)),
      on(SubscribeCommand, (i) => this.subscribe(i)),
      on(ListSubscriptionsByTopicCommand, (i) => this.listSubscriptions(i.TopicArn, i.NextToken)),
      on(UnsubscribeCommand, (i) => this.unsubscribe(i.SubscriptionArn)),
      on(DeleteTopicCommand, (i) => this.deleteTopic(i.TopicArn)),
    ]
  }

  topicArn(name: string): string {
    return `arn:aws:sns:${this.env.region}:${this.env.account}:${name}`
  }

  topic(name: string): TopicState | undefined {
    return this.topics[name]
  }

  /** The recipient clicked the link in the confirmation e-mail. */
  confirm(topicName: string, endpoint: string): void {
    for (const s of this.topics[topicName]?.subscriptions ?? []) if (s.endpoint === endpoint) s.confirmed = true
  }

  deleteTopicOutOfBand(name: string): void {
    delete this.topics[name]
  }

  toJSON(): unknown {
    return structuredClone({ topics: this.topics, nextSubscription: this.nextSubscription })
  }

  load(state: any): void {
    this.topics = structuredClone(state?.topics ?? {})
    this.nextSubscription = state?.nextSubscription ?? 1
  }

  private topicOf(arn: string | undefined): TopicState {
    const topic = Object.values(this.topics).find((t) => this.topicArn(t.name) === arn)
    if (!topic) throw awsError(NotFoundException, 'Topic does not exist')
    return topic
  }

  private taggable(arn: string | undefined): TopicState {
    const topic = Object.values(this.topics).find((t) => this.topicArn(t.name) === arn)
    if (!topic) throw awsError(ResourceNotFoundException, 'Resource does not exist')
    return topic
  }

  // Idempotent by name: the same name returns the same ARN, unless the tags given differ from the topic's.
  private createTopic(i: CreateTopicInput) {
    const name = i.Name ?? ''
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
      throw awsError(InvalidParameterException, 'Invalid parameter: Topic Name')
    }
    const existing = this.topics[name]
    const tags = tagsOf(i.Tags)
    if (existing && i.Tags && !sameTags(existing.tags, tags)) {
      throw awsError(
        InvalidParameterException,
        'Invalid parameter: Tags Reason: Topic already exists with different tags',
      )
    }
    if (!existing) this.topics[name] = { name, tags, subscriptions: [] }
    return { TopicArn: this.topicArn(name) }
  }

  private getTopicAttributes(arn: string | undefined) {
    const topic = this.topicOf(arn)
    const confirmed = topic.subscriptions.filter((s) => s.confirmed).length
    return {
      Attributes: {
        TopicArn: this.topicArn(topic.name),
        Owner: this.env.account,
        DisplayName: '',
        SubscriptionsConfirmed: String(confirmed),
        SubscriptionsPending: String(topic.subscriptions.length - confirmed),
        SubscriptionsDeleted: '0',
      },
    }
  }

  private tagResource(arn: string | undefined, tags: Tag[] | undefined) {
    const topic = this.taggable(arn)
    topic.tags = { ...topic.tags, ...tagsOf(tags) }
    return {}
  }

  // Subscribing an endpoint again returns the subscription it has: no second one.
  private subscribe(i: SubscribeInput) {
    const topic = this.topicOf(i.TopicArn)
    const protocol = i.Protocol ?? ''
    const endpoint = i.Endpoint ?? ''
    if (protocol === 'email' && !/^[^@\s]+@[^@\s]+$/.test(endpoint)) {
      throw awsError(InvalidParameterException, 'Invalid parameter: Email address')
    }
    let sub = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint)
    if (!sub) {
      sub = {
        arn: `${this.topicArn(topic.name)}:${String(this.nextSubscription++).padStart(8, '0')}-fake`,
        protocol,
        endpoint,
        confirmed: PROTOCOLS_CONFIRMED_AT_ONCE.has(protocol),
      }
      topic.subscriptions.push(sub)
    }
    return { SubscriptionArn: sub.confirmed || i.ReturnSubscriptionArn ? sub.arn : 'pending confirmation' }
  }

  private listSubscriptions(arn: string | undefined, token: string | undefined) {
    const topic = this.topicOf(arn)
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0
    const page = topic.subscriptions.slice(start, start + PAGE)
    return {
      Subscriptions: page.map((s) => ({
        SubscriptionArn: s.confirmed ? s.arn : PENDING_CONFIRMATION,
        Owner: this.env.account,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        TopicArn: this.topicArn(topic.name),
      })),
      ...(start + PAGE < topic.subscriptions.length && {
        NextToken: Buffer.from(String(start + PAGE), 'utf8').toString('base64url'),
      }),
    }
  }

  private unsubscribe(arn: string | undefined) {
    for (const topic of Object.values(this.topics)) {
      const index = topic.subscriptions.findIndex((s) => s.arn === arn)
      if (index >= 0) {
        topic.subscriptions.splice(index, 1)
        return {}
      }
    }
    throw awsError(NotFoundException, 'Subscription does not exist')
  }

  // Deleting a topic that does not exist is not an error (AWS: "idempotent").
  private deleteTopic(arn: string | undefined) {
    const topic = Object.values(this.topics).find((t) => this.topicArn(t.name) === arn)
    if (topic) delete this.topics[topic.name]
    return {}
  }
}
