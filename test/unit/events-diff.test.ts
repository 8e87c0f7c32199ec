// Pure diffs of the storage-and-events kinds: what S3, SQS, Lambda and Scheduler answer in their own shapes is
// compared by meaning, so a rerun sees no change where there is none.
import { describe, expect, test } from 'vitest'
import { diffMapping, type EventSourceMappingSpec } from '../../src/resources/lambda/event-source-mapping.js'
import { diffSchedule, type ScheduleSpec } from '../../src/resources/scheduler/schedule.js'
import { diffBucket, type BucketSpec, type ObservedBucket } from '../../src/resources/s3/bucket-diff.js'
import { lifecycleRule, ruleMeaning } from '../../src/resources/s3/bucket-lifecycle.js'
import { diffNotifications, mergedNotifications } from '../../src/resources/s3/bucket-notifications.js'
import { diffQueue, queueAttributes, type QueueSpec } from '../../src/resources/sqs/queue-diff.js'

describe('bucket lifecycle and CORS', () => {
  const rule = lifecycleRule({ id: 'tmp', prefix: 'tmp/', expireDays: 7, transitions: [], noncurrentTransitions: [] })
  const spec: BucketSpec = {
    logicalId: 'bucket-u',
    name: 'u',
    region: 'us-east-1',
    versioning: false,
    lifecycleRules: [rule],
    cors: [],
    tags: {},
  }
  const have: ObservedBucket = {
    name: 'u',
    region: 'us-east-1',
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    ownership: 'BucketOwnerEnforced',
    encryption: { algorithm: 'AES256' },
    // S3 may answer a rule's prefix inside And, or as the legacy top-level Prefix.
    lifecycleRules: [
      { ID: 'infra-tmp', Status: 'Enabled', Prefix: 'tmp/', Expiration: { Days: 7 } },
      { ID: 'theirs', Status: 'Enabled', Filter: {} },
    ],
    cors: [],
    tags: {},
  }

  test('a rule the same in meaning, an unversioned bucket never versioned, no CORS: nothing to do', () => {
    expect(ruleMeaning(have.lifecycleRules[0]!)).toBe(ruleMeaning(rule))
    expect(diffBucket(have, spec)).toEqual([])
  })

  test('a rule of ours no longer wanted goes; others’ are not touched; versioning on → suspended', () => {
    const changes = diffBucket({ ...have, versioning: 'Enabled' }, { ...spec, lifecycleRules: [] })
    expect(changes.map((c) => [c.field, c.to])).toEqual([
      ['Versioning', 'Suspended'],
      ['LifecycleRules[infra-tmp]', 'none'],
    ])
  })

  test('CORS compared by content', () => {
    const cors = [{ AllowedOrigins: ['https://a.example'], AllowedMethods: ['GET'] }]
    expect(diffBucket({ ...have, cors }, { ...spec, cors }).map((c) => c.field)).toEqual([])
    expect(diffBucket(have, { ...spec, cors }).map((c) => c.field)).toEqual(['CORSRules'])
  })
})

describe('S3 notifications', () => {
  const ours = {
    Id: 'infra-fn-up',
    LambdaFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f:dev',
    Events: ['s3:ObjectCreated:*' as const],
    Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'in/' }] } },
  }
  const theirs = {
    Id: 'theirs',
    LambdaFunctionArn: 'arn:aws:lambda:us-east-1:1:function:g',
    Events: ['s3:ObjectRemoved:*' as const],
  }

  test("S3's capitalised filter names are the same rule; someone else's entry is neither a change nor lost", () => {
    const answered = { ...ours, Filter: { Key: { FilterRules: [{ Name: 'Prefix' as never, Value: 'in/' }] } } }
    const spec = { logicalId: 'u', name: 'b', configurations: [ours] }
    expect(diffNotifications({ LambdaFunctionConfigurations: [theirs, answered] }, spec)).toEqual([])
    expect(
      mergedNotifications({ LambdaFunctionConfigurations: [theirs, answered], TopicConfigurations: [] }, []),
    ).toEqual({
      LambdaFunctionConfigurations: [theirs],
      TopicConfigurations: [],
    })
  })
})

describe('SQS queue', () => {
  const spec: QueueSpec = {
    logicalId: 'q',
    name: 'q',
    fifo: false,
    contentBasedDeduplication: false,
    visibilityTimeoutS: 60,
    retentionS: 345_600,
    delayS: 0,
    receiveWaitS: 0,
    deadLetter: { targetArn: 'arn:aws:sqs:us-east-1:1:dlq', maxReceives: 5 },
    tags: { a: '1' },
  }

  test('a redrive policy with maxReceiveCount as a string is the same', () => {
    const attributes = {
      ...queueAttributes(spec),
      RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:dlq","maxReceiveCount":"5"}',
      QueueArn: 'arn:aws:sqs:us-east-1:1:q',
    }
    expect(diffQueue({ url: 'u', attributes, tags: { a: '1', theirs: 'x' } }, spec)).toEqual([])
  })

  test('a dead-letter queue removed from config: an empty RedrivePolicy', () => {
    const attributes = queueAttributes(spec)
    expect(diffQueue({ url: 'u', attributes, tags: { a: '1' } }, { ...spec, deadLetter: undefined })).toEqual([
      { field: 'RedrivePolicy', from: attributes.RedrivePolicy, to: 'none' },
    ])
  })
})

describe('event source mapping and schedule', () => {
  const mapping: EventSourceMappingSpec = {
    logicalId: 'f-w',
    name: 'f',
    functionArn: 'arn:aws:lambda:us-east-1:1:function:f:dev',
    eventSourceArn: 'arn:aws:sqs:us-east-1:1:q',
    batchSize: 10,
    windowS: 0,
    reportFailures: true,
  }

  test('Lambda’s defaults read as the spec; one change per setting', () => {
    const have = {
      EventSourceArn: mapping.eventSourceArn,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures' as const],
      MaximumRetryAttempts: -1,
    }
    expect(diffMapping(have, mapping)).toEqual([])
    expect(diffMapping({ ...have, FunctionResponseTypes: [] }, { ...mapping, maxConcurrency: 5 })).toEqual([
      { field: 'FunctionResponseTypes', from: false, to: true },
      { field: 'ScalingConfig', from: 'none', to: 5 },
    ])
  })

  test('a schedule without a time zone is in UTC', () => {
    const spec: ScheduleSpec = {
      logicalId: 'f-n',
      name: 'f-n',
      expression: 'rate(1 day)',
      timezone: 'UTC',
      targetArn: 't',
      roleArn: 'r',
      enabled: true,
    }
    expect(
      diffSchedule({ ScheduleExpression: 'rate(1 day)', Target: { Arn: 't', RoleArn: 'r' }, State: 'ENABLED' }, spec),
    ).toEqual([])
  })
})
