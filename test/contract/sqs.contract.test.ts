import { describe, expect, test } from 'vitest'
import { converge } from '../../src/resources/engine/converge.js'
import { queueKind, type QueueSpec } from '../../src/resources/sqs/queue.js'
import { contractSuite, harness, OUR_TAGS } from './harness.js'

const spec = (name = 'contract-svc-jobs', extra: Partial<QueueSpec> = {}): QueueSpec => ({
  logicalId: 'jobs',
  name,
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeoutS: 60,
  retentionS: 345_600,
  delayS: 0,
  receiveWaitS: 0,
  tags: OUR_TAGS,
  ...extra,
})

contractSuite<QueueSpec, unknown>({
  kind: queueKind as never,
  spec: () => spec(),
  changed: (s) => ({ ...s, visibilityTimeoutS: 120 }),
  updateCalls: ['SetQueueAttributes'],
  createCommand: 'CreateQueue',
  // CreateQueue with the same attributes answers with the queue; with others, QueueAlreadyExists.
  alreadyExists: 'QueueNameExists',
  count: (aws, s) => (aws.sqs.queue(s.name) ? 1 : 0),
  deleteOutOfBand: (aws, s) => aws.sqs.deleteQueueOutOfBand(s.name),
})

describe('sqs-queue: dead letters, FIFO, name reuse', () => {
  test('a redrive policy to a dead-letter queue, then removed with one call', async () => {
    const h = await harness()
    try {
      await converge(h.ctx(), queueKind, spec('contract-svc-dlq', { logicalId: 'dlq' }))
      const dlqArn = h.aws.sqs.arn('contract-svc-dlq')
      const withDlq = spec('contract-svc-jobs', { deadLetter: { targetArn: dlqArn, maxReceives: 5 } })
      await converge(h.ctx(), queueKind, withDlq)
      expect(JSON.parse(h.aws.sqs.queue('contract-svc-jobs')!.attributes.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: 5,
      })
      h.aws.resetCalls()
      expect((await converge(h.ctx(), queueKind, withDlq)).result.action).toBe('unchanged')
      await converge(h.ctx(), queueKind, spec())
      expect(h.aws.writes().map((c) => [c.command, c.input.Attributes])).toEqual([
        ['SetQueueAttributesCommand', { RedrivePolicy: '' }],
      ])
      expect(h.aws.sqs.queue('contract-svc-jobs')!.attributes.RedrivePolicy).toBe('')
    } finally {
      h.aws.restore()
      await h.manifest.unlock()
    }
  })

  test('a FIFO queue keeps its type: turning it into a standard one is refused', async () => {
    const h = await harness()
    try {
      const fifo = spec('contract-svc-jobs.fifo', { fifo: true, contentBasedDeduplication: true })
      await converge(h.ctx(), queueKind, fifo)
      expect(h.aws.sqs.queue('contract-svc-jobs.fifo')!.attributes).toMatchObject({
        FifoQueue: 'true',
        ContentBasedDeduplication: 'true',
      })
      await expect(converge(h.ctx(), queueKind, { ...fifo, fifo: false })).rejects.toMatchObject({
        code: 'QueueTypeChange',
      })
    } finally {
      h.aws.restore()
      await h.manifest.unlock()
    }
  })

  test('re-created within a minute of its deletion: QueueDeletedRecently is waited out, then it is made', async () => {
    const h = await harness()
    try {
      let now = 1_000_000
      h.aws.clock = { now: () => now }
      await converge(h.ctx(), queueKind, spec())
      const url = h.aws.sqs.url('contract-svc-jobs')
      const { DeleteQueueCommand, SQSClient } = await import('@aws-sdk/client-sqs')
      await h
        .ctx()
        .aws.get(SQSClient)
        .send(new DeleteQueueCommand({ QueueUrl: url }))
      // The second CreateQueue comes a minute later (the fake's clock moves when the first one is refused).
      h.aws.onCall((call) => {
        if (call.command === 'CreateQueueCommand' && call.error === 'QueueDeletedRecently') now += 61_000
      })
      const { result } = await converge(h.ctx(), queueKind, spec())
      expect(result.action).toBe('created')
      expect(h.aws.calls.filter((c) => c.command === 'CreateQueueCommand').map((c) => c.error)).toEqual([
        undefined,
        'QueueDeletedRecently',
        undefined,
      ])
    } finally {
      h.aws.restore()
      await h.manifest.unlock()
    }
  })
})
