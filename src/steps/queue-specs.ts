// Pure: config → step 02's queues, dead-letter queues first (a redrive policy names a queue that must exist).
import type { QueueConfig } from '../config/events-types.js'
import type { ResolvedConfig } from '../config/types.js'
import { partitionOf } from '../resources/common.js'
import type { QueueSpec } from '../resources/sqs/queue-diff.js'
import type { QueueOutput } from './outputs.js'

/** SQS's ARN and URL are known from the name: `arn:<partition>:sqs:<region>:<account>:<name>`. */
export function queueOutput(config: ResolvedConfig, queue: Pick<QueueConfig, 'name'>): QueueOutput {
  const { region, accountId } = config
  const host = region.startsWith('cn-') ? `sqs.${region}.amazonaws.com.cn` : `sqs.${region}.amazonaws.com`
  return {
    name: queue.name,
    url: `https://${host}/${accountId}/${queue.name}`,
    arn: `arn:${partitionOf(region)}:sqs:${region}:${accountId}:${queue.name}`,
  }
}

export function queueSpec(config: ResolvedConfig, queue: QueueConfig): QueueSpec {
  const target = queue.deadLetter && config.queues.find((q) => q.logicalId === queue.deadLetter!.queue)
  return {
    logicalId: queue.logicalId,
    name: queue.name,
    fifo: queue.fifo,
    contentBasedDeduplication: queue.contentBasedDeduplication,
    visibilityTimeoutS: queue.visibilityTimeoutS,
    retentionS: queue.retentionS,
    delayS: queue.delayS,
    receiveWaitS: queue.receiveWaitS,
    ...(target && {
      deadLetter: { targetArn: queueOutput(config, target).arn, maxReceives: queue.deadLetter!.maxReceives },
    }),
    tags: queue.tags,
  }
}

/** Waves of queues: each one's dead-letter queue is in an earlier wave (config load refused loops). */
export function queueWaves(config: ResolvedConfig): QueueConfig[][] {
  const depth = (q: QueueConfig, seen = new Set<string>()): number => {
    const next = q.deadLetter && config.queues.find((x) => x.logicalId === q.deadLetter!.queue)
    if (!next || seen.has(next.logicalId)) return 0
    return 1 + depth(next, new Set([...seen, q.logicalId]))
  }
  const waves: QueueConfig[][] = []
  for (const q of config.queues) (waves[depth(q)] ??= []).push(q)
  // A queue's depth is one more than its dead-letter queue's: ascending depth puts every target first.
  return waves.filter(Boolean)
}
