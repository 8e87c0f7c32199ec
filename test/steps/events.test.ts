// Buckets, queues and triggers through steps 01, 02, 03 and 06 against the fake, in process: what a fresh deploy
// makes, that a rerun writes nothing, that S3 notifications others put on a bucket survive, that a lost create
// response and IAM propagation make no duplicate, and that dropping a trigger removes only what it made.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import path from 'node:path'
import { ManifestStore } from '../../src/manifest/index.js'
import { s3Step } from '../../src/steps/06-s3.js'
import { parsePolicy } from '../../src/resources/policy-document.js'
import { deploy, editConfig, workspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { LAMBDA_STEPS } from './lambda-helpers.js'

const steps = [...LAMBDA_STEPS, s3Step]
const SVC = 'new-service-staging'
const BUCKET = `${SVC}-uploads`
const FN = `${SVC}-usage-handler`
const ALIAS_ARN = `arn:aws:lambda:us-east-1:887078546492:function:${FN}:staging`

function withEvents(config: any): void {
  config.buckets = {
    uploads: {
      lifecycle: [{ id: 'tmp', prefix: 'tmp/', expire_days: 7, abort_incomplete_uploads_days: 1 }],
      cors: [{ allowed_origins: ['https://app.example.com'], allowed_methods: ['PUT', 'GET'] }],
    },
  }
  config.queues = {
    jobs: { visibility_timeout_s: 180, dead_letter: { queue: 'jobs-dlq', max_receives: 5 } },
    'jobs-dlq': { retention_s: 1_209_600 },
  }
  Object.assign(config.functions['conversation-api'], { buckets: { uploads: 'read-write' }, queues: { jobs: 'send' } })
  Object.assign(config.functions['usage-handler'], {
    dead_letter: 'jobs-dlq',
    triggers: {
      upload: { type: 's3', bucket: 'uploads', prefix: 'incoming/', suffix: '.pdf' },
      work: { type: 'queue', queue: 'jobs', batch_size: 5 },
      changes: { type: 'stream', table: 'conversations', starting_position: 'TRIM_HORIZON' },
      nightly: { type: 'schedule', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' },
    },
  })
}

/** Steps 04 and 05 as a previous run recorded them (step 06 needs them for the frontend's config.js). */
async function apisDeployed() {
  const store = await ManifestStore.open(path.join(root, '.infra', 'staging'), {
    service: SVC,
    env: 'staging',
    region: 'us-east-1',
    account: '887078546492',
  })
  await store.lock({ command: 'test' })
  await store.stepFinished('api', {}, 'api')
  await store.stepFinished('websocket', {}, 'websocket')
  await store.unlock()
}

let aws: AllFakes
let root: string
beforeEach(async () => {
  aws = createFakeAws({ describesUntilActive: 0 }).install()
  root = workspace(withEvents)
  await apisDeployed()
})
afterEach(() => aws.restore())

const run = async () => {
  const outcome = await deploy(root, { steps })
  const failed = outcome.steps.find((s) => s.status === 'failed')
  expect(failed?.error, failed?.id).toBeUndefined()
  return outcome
}
const writes = () => aws.writes().map((c) => c.command.replace(/Command$/, ''))
const mappings = () => Object.values(aws.lambda.eventSourceMappings)
const rolePolicy = () =>
  parsePolicy(aws.iam.role(`${SVC}-lambda-role`)!.inline['service-access']!) as {
    Statement: Array<{ Sid: string; Action: string | string[]; Resource: string | string[] }>
  }
const statement = (sid: string) => rolePolicy().Statement.find((s) => s.Sid === sid)

describe('buckets, queues and triggers: fresh deploy', () => {
  test('makes each, wired in order, with least-privilege statements', async () => {
    const outcome = await run()
    const bucket = aws.s3.buckets[BUCKET]!
    expect(bucket.versioning).toBe('Enabled')
    expect(bucket.publicAccessBlock?.BlockPublicPolicy).toBe(true)
    expect(bucket.lifecycle).toEqual([
      {
        ID: 'infra-tmp',
        Status: 'Enabled',
        Filter: { Prefix: 'tmp/' },
        Expiration: { Days: 7 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ])
    expect(bucket.cors).toEqual([{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['PUT', 'GET'] }])

    expect(aws.sqs.queue(`${SVC}-jobs`)!.attributes).toMatchObject({
      VisibilityTimeout: '180',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: aws.sqs.arn(`${SVC}-jobs-dlq`), maxReceiveCount: 5 }),
    })
    expect(aws.sqs.queue(`${SVC}-jobs-dlq`)!.attributes.MessageRetentionPeriod).toBe('1209600')
    // The dead-letter queue was made before the queue that names it.
    const queues = aws.calls.filter((c) => c.command === 'CreateQueueCommand').map((c) => c.input.QueueName)
    expect(queues).toEqual([`${SVC}-jobs-dlq`, `${SVC}-jobs`])
    expect(aws.lambda.fn(FN)!.latest.config.DeadLetterConfig).toEqual({ TargetArn: aws.sqs.arn(`${SVC}-jobs-dlq`) })

    // S3 → function: the permission (bucket and account), then the notification on the alias.
    const statements = aws.lambda.fn(FN)!.policies.staging!
    expect(statements.find((s) => s.Sid === 'infra-s3-upload')).toMatchObject({
      Principal: { Service: 's3.amazonaws.com' },
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '887078546492' },
        ArnLike: { 'AWS:SourceArn': `arn:aws:s3:::${BUCKET}` },
      },
    })
    expect(bucket.notifications?.LambdaFunctionConfigurations).toEqual([
      {
        Id: 'infra-usage-handler-upload',
        LambdaFunctionArn: ALIAS_ARN,
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'Prefix', Value: 'incoming/' },
              { Name: 'Suffix', Value: '.pdf' },
            ],
          },
        },
      },
    ])

    // Queue and stream → function: mappings on the alias, partial batch failures on.
    expect(
      mappings().map((m) => [
        m.EventSourceArn?.split(':')[2],
        m.FunctionArn,
        m.BatchSize,
        m.State,
        m.FunctionResponseTypes,
      ]),
    ).toEqual([
      ['sqs', ALIAS_ARN, 5, 'Enabled', ['ReportBatchItemFailures']],
      ['dynamodb', ALIAS_ARN, 100, 'Enabled', ['ReportBatchItemFailures']],
    ])
    expect(mappings()[1]!.StartingPosition).toBe('TRIM_HORIZON')

    // Schedule → function, with a role that may invoke only the scheduled alias.
    expect(aws.scheduler.schedule(`${FN}-nightly`)).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: { Arn: ALIAS_ARN, RoleArn: `arn:aws:iam::887078546492:role/${SVC}-scheduler-role` },
      State: 'ENABLED',
    })
    const scheduler = parsePolicy(aws.iam.role(`${SVC}-scheduler-role`)!.inline['invoke-functions']!) as any
    expect(scheduler.Statement).toEqual([
      { Sid: 'InvokeScheduledFunctions', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [ALIAS_ARN] },
    ])

    expect(statement('ListBuckets')!.Resource).toEqual([`arn:aws:s3:::${BUCKET}`])
    expect(statement('WriteBucketObjects')!.Resource).toEqual([`arn:aws:s3:::${BUCKET}/*`])
    expect(statement('SendToQueues')!.Resource).toEqual([aws.sqs.arn(`${SVC}-jobs`)])
    // The queue trigger consumes what conversation-api sends.
    expect(statement('ConsumeQueues')!.Resource).toEqual([aws.sqs.arn(`${SVC}-jobs`)])

    const s3 = outcome.steps.find((s) => s.id === 's3')!.outputs as any
    expect(s3.buckets).toEqual({ uploads: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` } })
    const dynamodb = outcome.steps.find((s) => s.id === 'dynamodb')!.outputs as any
    expect(dynamodb.queues.jobs).toEqual({
      name: `${SVC}-jobs`,
      url: aws.sqs.url(`${SVC}-jobs`),
      arn: aws.sqs.arn(`${SVC}-jobs`),
    })
  })

  test('a rerun writes nothing', async () => {
    await run()
    aws.resetCalls()
    await run()
    expect(writes()).toEqual([])
  })
})

describe('plan', () => {
  test('a dry run of a new environment lists what it would make and writes nothing', async () => {
    const outcome = await deploy(root, { steps, mode: 'plan' })
    expect(outcome.ok).toBe(true)
    const actions = outcome.steps
      .flatMap((s) => s.results)
      .filter((r) => /queue|bucket|notification|mapping|schedule/.test(r.kind))
    expect(actions.map((r) => `${r.action} ${r.kind}`)).toEqual(
      expect.arrayContaining([
        'would-create sqs-queue',
        'would-create s3-bucket',
        'would-create s3-notifications',
        'would-create lambda-event-source-mapping',
        'would-create scheduler-schedule',
      ]),
    )
    expect(writes()).toEqual([])
  })
})

describe('S3 notifications others put on the bucket', () => {
  test('are kept when ours are added, changed and removed', async () => {
    await run()
    // Someone else's: a Lambda entry (on a function S3 may invoke) and an SNS topic entry.
    const theirs = { Id: 'their-audit', LambdaFunctionArn: ALIAS_ARN, Events: ['s3:ObjectRemoved:*' as const] }
    const topic = {
      Id: 'their-topic',
      TopicArn: 'arn:aws:sns:us-east-1:887078546492:t',
      Events: ['s3:ObjectRestore:*' as const],
    }
    const bucket = aws.s3.buckets[BUCKET]!
    bucket.notifications = {
      TopicConfigurations: [topic],
      LambdaFunctionConfigurations: [theirs, ...bucket.notifications!.LambdaFunctionConfigurations!],
    }
    editConfig(root, (c) => (c.functions['usage-handler'].triggers.upload.suffix = '.docx'))
    await run()
    const ids = () => aws.s3.buckets[BUCKET]!.notifications?.LambdaFunctionConfigurations?.map((c) => c.Id)
    expect(ids()).toEqual(['their-audit', 'infra-usage-handler-upload'])
    editConfig(root, (c) => delete c.functions['usage-handler'].triggers.upload)
    await run()
    expect(ids()).toEqual(['their-audit'])
    expect(aws.s3.buckets[BUCKET]!.notifications?.TopicConfigurations).toEqual([topic])
    expect(aws.lambda.fn(FN)!.policies.staging?.some((s) => s.Sid === 'infra-s3-upload') ?? false).toBe(false)
  })
})

describe('resume and propagation', () => {
  test('a lost CreateEventSourceMapping response: the rerun adopts the mapping, no second one', async () => {
    aws.loseNextResponse('CreateEventSourceMapping')
    const first = await deploy(root, { steps })
    expect(first.ok).toBe(true)
    await run()
    expect(mappings()).toHaveLength(2)
  })

  test('role permissions not yet visible to Lambda: the mapping is retried, then made', async () => {
    aws.lambda.mappingRoleFailures = 2
    await run()
    expect(mappings()).toHaveLength(2)
    const creates = aws.calls.filter((c) => c.command === 'CreateEventSourceMappingCommand')
    expect(creates.map((c) => c.error)).toEqual([
      'InvalidParameterValueException',
      'InvalidParameterValueException',
      undefined,
      undefined,
    ])
  })

  test('dropping the queue trigger deletes its mapping and nothing else', async () => {
    await run()
    editConfig(root, (c) => delete c.functions['usage-handler'].triggers.work)
    await run()
    expect(mappings().map((m) => m.EventSourceArn?.split(':')[2])).toEqual(['dynamodb'])
    expect(aws.sqs.queue(`${SVC}-jobs`)).toBeDefined()
  })
})
