// The engine's contract for the storage-and-events kinds: event source mappings, schedules, S3 notifications, and a
// general bucket's lifecycle and CORS rules.
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, AddPermissionCommand } from '@aws-sdk/client-lambda'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs'
import { eventSourceMappingKind, type EventSourceMappingSpec } from '../../src/resources/lambda/event-source-mapping.js'
import { scheduleKind, type ScheduleSpec } from '../../src/resources/scheduler/schedule.js'
import { notificationsKind, type NotificationsSpec } from '../../src/resources/s3/bucket-notifications.js'
import { bucketKind, type BucketSpec } from '../../src/resources/s3/bucket.js'
import { lifecycleRule } from '../../src/resources/s3/bucket-lifecycle.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { describe, expect, test } from 'vitest'
import { converge } from '../../src/resources/engine/converge.js'
import { contractSuite, harness, OUR_TAGS } from './harness.js'

const FUNCTION = 'contract-fn'
const ALIAS = 'live'
const BUCKET = 'contract-svc-uploads'
const QUEUE = 'contract-svc-jobs'
const aliasArn = (aws: AllFakes) => `arn:aws:lambda:${aws.region}:${aws.account}:function:${FUNCTION}:${ALIAS}`

/** A function with its alias, made through the fake and settled. */
async function functionWithAlias(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const lambda = ctx.aws.get(LambdaClient)
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::${aws.account}:role/contract-lambda`,
      Code: { ZipFile: Buffer.from('v1') },
      Publish: true,
    }),
  )
  aws.lambda.settle(FUNCTION)
  await lambda.send(new CreateAliasCommand({ FunctionName: FUNCTION, Name: ALIAS, FunctionVersion: '1' }))
  return { functionArn: aliasArn(aws) }
}

contractSuite<EventSourceMappingSpec, unknown>({
  kind: eventSourceMappingKind as never,
  setup: async (ctx, aws) => {
    const parents = await functionWithAlias(ctx, aws)
    await ctx.aws
      .get(SQSClient)
      .send(new CreateQueueCommand({ QueueName: QUEUE, Attributes: { VisibilityTimeout: '60' } }))
    return { ...parents, queueArn: aws.sqs.arn(QUEUE) }
  },
  spec: (parents) => ({
    logicalId: 'fn-work',
    name: `${FUNCTION}:${ALIAS} <- queue jobs`,
    functionArn: parents.functionArn!,
    eventSourceArn: parents.queueArn!,
    batchSize: 10,
    windowS: 0,
    reportFailures: true,
  }),
  changed: (spec) => ({ ...spec, batchSize: 5 }),
  updateCalls: ['UpdateEventSourceMapping'],
  createCommand: 'CreateEventSourceMapping',
  alreadyExists: 'ResourceConflictException',
  count: (aws) => Object.keys(aws.lambda.eventSourceMappings).length,
  deleteOutOfBand: (aws) => {
    aws.lambda.eventSourceMappings = {}
  },
})

const ROLE = 'arn:aws:iam::887078546492:role/contract-scheduler'
contractSuite<ScheduleSpec, unknown>({
  kind: scheduleKind as never,
  spec: (parents) => ({
    logicalId: 'fn-nightly',
    name: `${FUNCTION}-nightly`,
    expression: 'rate(1 day)',
    timezone: 'UTC',
    targetArn: parents.functionArn ?? `arn:aws:lambda:us-east-1:887078546492:function:${FUNCTION}:${ALIAS}`,
    roleArn: ROLE,
    enabled: true,
  }),
  changed: (spec) => ({ ...spec, expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' }),
  updateCalls: ['UpdateSchedule'],
  createCommand: 'CreateSchedule',
  alreadyExists: 'ConflictException',
  count: (aws, spec) => (aws.scheduler.schedule(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws) => {
    aws.scheduler.schedules = {}
  },
})

/** The bucket, the function, and S3's permission to invoke it; plus someone else's SNS notification on the bucket. */
async function bucketWithDestination(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const parents = await functionWithAlias(ctx, aws)
  await ctx.aws.get(S3Client).send(new CreateBucketCommand({ Bucket: BUCKET }))
  await ctx.aws.get(LambdaClient).send(
    new AddPermissionCommand({
      FunctionName: FUNCTION,
      Qualifier: ALIAS,
      StatementId: 's3',
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: `arn:aws:s3:::${BUCKET}`,
      SourceAccount: aws.account,
    }),
  )
  aws.s3.buckets[BUCKET]!.notifications = {
    TopicConfigurations: [
      { Id: 'theirs', TopicArn: 'arn:aws:sns:us-east-1:887078546492:t', Events: ['s3:ObjectRemoved:*'] },
    ],
  }
  return parents
}

const ours = (aws: AllFakes) =>
  (aws.s3.buckets[BUCKET]?.notifications?.LambdaFunctionConfigurations ?? []).filter((c) => c.Id?.startsWith('infra-'))
contractSuite<NotificationsSpec, unknown>({
  kind: notificationsKind as never,
  setup: bucketWithDestination,
  spec: (parents) => ({
    logicalId: 'uploads',
    name: BUCKET,
    configurations: [
      { Id: 'infra-fn-upload', LambdaFunctionArn: parents.functionArn!, Events: ['s3:ObjectCreated:*'] },
    ],
  }),
  changed: (spec) => ({
    ...spec,
    configurations: [
      { ...spec.configurations[0]!, Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.pdf' }] } } },
    ],
  }),
  updateCalls: ['PutBucketNotificationConfiguration'],
  createCommand: 'PutBucketNotificationConfiguration',
  // A put replaces the configuration: there is no "already exists".
  alreadyExists: false,
  // Someone else's topic notification is there before, during and after: only ours is counted.
  count: (aws) => {
    if (aws.s3.buckets[BUCKET] && !aws.s3.buckets[BUCKET].notifications?.TopicConfigurations?.length)
      throw new Error("someone else's notification was lost")
    return ours(aws).length
  },
  deleteOutOfBand: (aws) => {
    const n = aws.s3.buckets[BUCKET]!.notifications!
    n.LambdaFunctionConfigurations = []
  },
})

const generalBucket = (): BucketSpec => ({
  logicalId: 'bucket-uploads',
  name: BUCKET,
  region: 'us-east-1',
  versioning: false,
  lifecycleRules: [
    lifecycleRule({ id: 'tmp', prefix: 'tmp/', transitions: [], noncurrentTransitions: [], expireDays: 7 }),
  ],
  cors: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['PUT'] }],
  configField: 'buckets.uploads.name',
  tags: OUR_TAGS,
})
contractSuite<BucketSpec, unknown>({
  kind: bucketKind as never,
  spec: generalBucket,
  changed: (spec) => ({ ...spec, cors: [] }),
  updateCalls: ['DeleteBucketCors'],
  createCommand: 'CreateBucket',
  alreadyExists: 'BucketAlreadyOwnedByYou',
  count: (aws, spec) => (aws.s3.buckets[spec.name] ? 1 : 0),
  deleteOutOfBand: (aws, spec) => delete aws.s3.buckets[spec.name],
})

describe('lambda-event-source-mapping: a new source', () => {
  test('replaces the mapping (a stream re-enabled has a new ARN); the next run finds the new one', async () => {
    const h = await harness()
    try {
      const parents = await functionWithAlias(h.ctx(), h.aws)
      const sqs = h.ctx().aws.get(SQSClient)
      for (const q of ['contract-a', 'contract-b']) await sqs.send(new CreateQueueCommand({ QueueName: q }))
      const spec: EventSourceMappingSpec = {
        logicalId: 'fn-work',
        name: 'fn <- queue',
        functionArn: parents.functionArn!,
        eventSourceArn: h.aws.sqs.arn('contract-a'),
        batchSize: 10,
        windowS: 0,
        reportFailures: true,
      }
      await converge(h.ctx(), eventSourceMappingKind, spec)
      const moved = { ...spec, eventSourceArn: h.aws.sqs.arn('contract-b') }
      const { result } = await converge(h.ctx(), eventSourceMappingKind, moved)
      expect(result.note).toMatch(/replaced/)
      expect(Object.values(h.aws.lambda.eventSourceMappings).map((m) => m.EventSourceArn)).toEqual([
        moved.eventSourceArn,
      ])
      h.aws.resetCalls()
      expect((await converge(h.ctx(), eventSourceMappingKind, moved)).result.action).toBe('unchanged')
      expect(h.aws.writes()).toEqual([])
    } finally {
      h.aws.restore()
      await h.manifest.unlock()
    }
  })
})
