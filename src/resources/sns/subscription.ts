// SNS subscription: an endpoint (an e-mail address) on a topic of ours; it has no tags and is ours because its topic
// is. Subscribing an endpoint again returns the subscription it has, so it is found by listing the topic's
// subscriptions. An e-mail subscription stays pending until the recipient confirms it: that is reported, not an error.
import {
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
  type Subscription,
} from '@aws-sdk/client-sns'
import type { ResourceKind } from '../engine/kind.js'
import { KNOWN_AFTER_APPLY } from '../types.js'

export const SUBSCRIPTION_KIND = 'sns-subscription'

/** What ListSubscriptionsByTopic shows instead of an ARN while the endpoint has not confirmed. */
const PENDING_CONFIRMATION = 'PendingConfirmation'

export interface SubscriptionSpec {
  logicalId: string
  /** The endpoint, for people. */
  name: string
  topicArn: string
  protocol: 'email' | 'email-json' | 'https' | 'sqs' | 'lambda'
  endpoint: string
}

export interface ObservedSubscription {
  arn?: string
  pendingConfirmation: boolean
}

async function listSubscriptions(sns: SNSClient, topicArn: string): Promise<Subscription[]> {
  const all: Subscription[] = []
  let token: string | undefined
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }))
    all.push(...(page.Subscriptions ?? []))
    token = page.NextToken
  } while (token)
  return all
}

/** A note for the user when the endpoint has not confirmed yet. */
export function pendingNote(spec: SubscriptionSpec, observed: ObservedSubscription | undefined): string | undefined {
  if (!observed?.pendingConfirmation) return undefined
  return `${spec.endpoint} has not confirmed yet: alarms reach it once the link in AWS's e-mail is followed (unconfirmed subscriptions expire after 3 days; a rerun asks again)`
}

export const subscriptionKind: ResourceKind<SubscriptionSpec, ObservedSubscription> = {
  kind: SUBSCRIPTION_KIND,
  label: 'SNS subscription',
  codePrefix: 'Subscription',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    if (spec.topicArn === KNOWN_AFTER_APPLY) return []
    const subs = await listSubscriptions(ctx.aws.get(SNSClient), spec.topicArn)
    return subs
      .filter((s) => s.Protocol === spec.protocol && s.Endpoint === spec.endpoint)
      .map((s) => {
        const pendingConfirmation = s.SubscriptionArn === PENDING_CONFIRMATION
        const arn = pendingConfirmation ? undefined : s.SubscriptionArn
        return { observed: { arn, pendingConfirmation }, ...(arn ? { id: arn } : {}) }
      })
  },
  // An endpoint on a topic is all a subscription is: nothing to change in place.
  diff: () => [],
  async create(ctx, spec) {
    const { SubscriptionArn } = await ctx.aws.get(SNSClient).send(
      new SubscribeCommand({
        TopicArn: spec.topicArn,
        Protocol: spec.protocol,
        Endpoint: spec.endpoint,
        ReturnSubscriptionArn: true,
      }),
    )
    const confirmedAtOnce = spec.protocol === 'sqs' || spec.protocol === 'lambda'
    return { observed: { arn: SubscriptionArn, pendingConfirmation: !confirmedAtOnce }, id: SubscriptionArn }
  },
  async apply() {},
  async delete(ctx, record) {
    // Without an ARN (found while pending) there is nothing to unsubscribe: AWS drops it after 3 days unconfirmed.
    if (record.id) await ctx.aws.get(SNSClient).send(new UnsubscribeCommand({ SubscriptionArn: record.id }))
  },
  attributes: (_observed, spec) => ({ topicArn: spec.topicArn, protocol: spec.protocol }),
  describe: (spec) => `${spec.protocol} ${spec.endpoint}`,
}
