// SNS topic: CreateTopic is idempotent by name (the same name returns the same ARN), and the ARN follows from the
// name, so the topic is found by GetTopicAttributes on that ARN. Tags decide whether it is ours.
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
} from '@aws-sdk/client-sns'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags, partitionOf } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { ResourceContext } from '../types.js'

export const TOPIC_KIND = 'sns-topic'

export interface TopicSpec {
  logicalId: string
  name: string
  tags: Tags
}

export interface ObservedTopic {
  arn: string
  tags: Tags
}

/** A topic's ARN follows from its name. */
export const topicArnOf = (
  { identity }: { identity: Pick<ResourceContext['identity'], 'region' | 'accountId'> },
  name: string,
) => `arn:${partitionOf(identity.region)}:sns:${identity.region}:${identity.accountId}:${name}`

const toTagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))

async function findTopic(sns: SNSClient, arn: string): Promise<ObservedTopic | undefined> {
  const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn })).catch((e: unknown) => {
    if (isNotFound(e)) return undefined
    throw e
  })
  if (!attributes) return undefined
  const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }))
  return { arn, tags: Object.fromEntries((Tags ?? []).map((t) => [t.Key, t.Value])) }
}

export const topicKind: ResourceKind<TopicSpec, ObservedTopic> = {
  kind: TOPIC_KIND,
  label: 'SNS topic',
  codePrefix: 'Topic',
  identity: 'name',
  ...foundByName('sns', async (ctx, name) => {
    const found = await findTopic(ctx.aws.get(SNSClient), topicArnOf(ctx, name))
    return found ? [{ observed: found, arn: found.arn, tags: found.tags }] : []
  }),
  diff: (have, want) => diffTags(have.tags, want.tags),
  async create(ctx, spec) {
    const { TopicArn } = await ctx.aws
      .get(SNSClient)
      .send(new CreateTopicCommand({ Name: spec.name, Tags: toTagList(spec.tags) }))
    const arn = TopicArn ?? topicArnOf(ctx, spec.name)
    return { observed: { arn, tags: spec.tags }, arn, tags: spec.tags }
  },
  async apply(ctx, observed, _spec, changes) {
    await ctx.aws
      .get(SNSClient)
      .send(new TagResourceCommand({ ResourceArn: observed.arn, Tags: toTagList(changedTags(changes)) }))
  },
  async delete(ctx, record) {
    // Deleting a topic that is gone is no error; its subscriptions go with it.
    await ctx.aws.get(SNSClient).send(new DeleteTopicCommand({ TopicArn: record.arn ?? topicArnOf(ctx, record.name) }))
  },
  describe: () => 'alarm notifications',
}
