// An SQS queue (standard or FIFO): attributes, dead-letter redrive, tags. Names are unique per account and region,
// so it is found by name; CreateQueue with the same name and attributes answers with the existing queue, and with
// other attributes QueueAlreadyExists, which the engine resolves by looking again and applying the difference.
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs'
import { isNotFound, isQueueDeletedRecently } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { arn, changedTags } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { ResourceContext } from '../types.js'
import { createAttributes, diffQueue, refuseQueue, type ObservedQueue, type QueueSpec } from './queue-diff.js'

export type { ObservedQueue, QueueSpec } from './queue-diff.js'
export const QUEUE_KIND = 'sqs-queue'
// SQS: "You must wait 60 seconds after deleting a queue before you can create another with the same name."
const QUEUE_NAME_REUSE_MS = 70_000

async function queueUrl(ctx: ResourceContext, name: string): Promise<string | undefined> {
  try {
    return (await ctx.aws.get(SQSClient).send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

export async function findQueue(ctx: ResourceContext, name: string): Promise<ObservedQueue | undefined> {
  const url = await queueUrl(ctx, name)
  if (!url) return undefined
  const sqs = ctx.aws.get(SQSClient)
  const [attributes, tags] = await Promise.all([
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
    sqs.send(new ListQueueTagsCommand({ QueueUrl: url })),
  ])
  return { url, attributes: attributes.Attributes ?? {}, tags: tags.Tags ?? {} }
}

export const queueKind: ResourceKind<QueueSpec, ObservedQueue> = {
  kind: QUEUE_KIND,
  label: 'SQS queue',
  codePrefix: 'Queue',
  identity: 'name',
  ...foundByName('sqs', async (ctx, name) => {
    const found = await findQueue(ctx, name)
    return found ? [{ observed: found, id: found.url, arn: found.attributes.QueueArn, tags: found.tags }] : []
  }),
  diff: diffQueue,
  refuse: refuseQueue,
  async create(ctx, spec) {
    const Attributes = createAttributes(spec)
    // Tagged as it is made: a run killed right after the create finds it as ours.
    const out = await retryWhile(
      () => ctx.aws.get(SQSClient).send(new CreateQueueCommand({ QueueName: spec.name, Attributes, tags: spec.tags })),
      isQueueDeletedRecently,
      {
        timeoutMs: QUEUE_NAME_REUSE_MS * ctx.timing.deadlineScale,
        label: `creating SQS queue (${spec.name}) after one of its name was deleted`,
        backoff: ctx.timing.retry,
        report: { to: ctx, resource: `queue ${spec.name}`, state: 'name reusable' },
        onRetry: () =>
          ctx.log(`SQS queue ${spec.name}: a queue of this name was deleted less than a minute ago; waiting`),
      },
    )
    const url = out.QueueUrl ?? ''
    const queueArn = arn(ctx, 'sqs', spec.name)
    const attributes = { ...Attributes, RedrivePolicy: Attributes.RedrivePolicy ?? '', QueueArn: queueArn }
    return { observed: { url, attributes, tags: spec.tags }, id: url, arn: queueArn, tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const sqs = ctx.aws.get(SQSClient)
    const attributes = Object.fromEntries(
      changes.filter((c) => !c.field.startsWith('Tags[')).map((c) => [c.field, c.to === 'none' ? '' : String(c.to)]),
    )
    // One call sets every changed attribute; SQS applies them within seconds (up to a minute for retention).
    if (Object.keys(attributes).length > 0)
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: observed.url, Attributes: attributes }))
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0) await sqs.send(new TagQueueCommand({ QueueUrl: observed.url, Tags: tags }))
  },
  async delete(ctx, record) {
    const url = await queueUrl(ctx, record.name)
    if (url) await ctx.aws.get(SQSClient).send(new DeleteQueueCommand({ QueueUrl: url }))
  },
  attributes: (observed) => ({ url: observed.url }),
  describe: (spec) =>
    [
      spec.fifo ? 'FIFO' : 'standard',
      `visibility ${spec.visibilityTimeoutS} s`,
      `retention ${spec.retentionS} s`,
      spec.deadLetter && `dead letters after ${spec.deadLetter.maxReceives} receives`,
    ]
      .filter(Boolean)
      .join(', '),
}
