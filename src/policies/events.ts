// Least privilege on the functions' role for buckets and queues: what functions declare (`buckets: { docs: "read" }`,
// `queues: { jobs: "send" }`) and what their triggers need (a queue trigger consumes its queue; a stream trigger reads
// its table's stream). The role is shared by the service's functions, so each bucket and queue gets the widest access
// any function declares, as tables do.
import type { BucketAccess, QueueAccess } from '../config/events-types.js'
import type { ResolvedConfig } from '../config/types.js'
import { partitionOf } from '../resources/common.js'
import type { PolicyDocument, PolicyStatement } from '../resources/policy-document.js'

const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging']
const OBJECT_WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:AbortMultipartUpload']
const QUEUE_SEND = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']
// What a consumer calls, and what Lambda's event source mapping calls with the function's role.
const QUEUE_CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
]
const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]
// SSE-KMS objects: reading decrypts, writing asks KMS for a data key.
const KMS_FOR = { read: ['kms:Decrypt'], write: ['kms:GenerateDataKey'] }
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//

const widest = <T extends string>(a: T | undefined, b: T, both: T): T => (a === undefined || a === b ? b : both)

/** Each bucket and queue with the widest access any function declares or its triggers need. */
function accessByName(config: ResolvedConfig) {
  const buckets = new Map<string, BucketAccess>()
  const queues = new Map<string, QueueAccess | 'send-consume'>()
  const streams = new Set<string>()
  for (const fn of config.functions) {
    for (const [key, mode] of Object.entries(fn.buckets)) buckets.set(key, widest(buckets.get(key), mode, 'read-write'))
    const wanted = Object.entries(fn.queues).concat(
      fn.triggers.flatMap((t) => (t.type === 'queue' ? [[t.queue, 'consume' as const]] : [])),
    )
    for (const [key, mode] of wanted) queues.set(key, widest(queues.get(key), mode, 'send-consume'))
    for (const t of fn.triggers) if (t.type === 'stream') streams.add(t.table)
  }
  return { buckets, queues, streams }
}

export function eventStatements(config: ResolvedConfig): PolicyStatement[] {
  const partition = partitionOf(config.region)
  const { buckets, queues, streams } = accessByName(config)
  const bucket = (key: string) => config.buckets.find((b) => b.logicalId === key)!
  const bucketArn = (key: string) => `arn:${partition}:s3:::${bucket(key).name}`
  const queueArn = (key: string) =>
    `arn:${partition}:sqs:${config.region}:${config.accountId}:${config.queues.find((q) => q.logicalId === key)!.name}`
  const keys = <T>(map: Map<string, T>, ...modes: T[]) => [...map].filter(([, m]) => modes.includes(m)).map(([k]) => k)
  const statements: PolicyStatement[] = []
  const add = (Sid: string, Action: string[], Resource: string[]) => {
    if (Resource.length > 0) statements.push({ Sid, Effect: 'Allow', Action, Resource })
  }

  const readable = keys(buckets, 'read', 'read-write')
  const writable = keys(buckets, 'write', 'read-write')
  add('ListBuckets', ['s3:ListBucket'], readable.map(bucketArn))
  add(
    'ReadBucketObjects',
    OBJECT_READ,
    readable.map((k) => `${bucketArn(k)}/*`),
  )
  add(
    'WriteBucketObjects',
    OBJECT_WRITE,
    writable.map((k) => `${bucketArn(k)}/*`),
  )
  const keyArns = (list: string[]) => [
    ...new Set(list.map((k) => bucket(k).kmsKeyId).filter((id): id is string => !!id && KEY_ARN.test(id))),
  ]
  add('DecryptBucketObjects', KMS_FOR.read, keyArns(readable))
  add('EncryptBucketObjects', KMS_FOR.write, keyArns(writable))

  add('SendToQueues', QUEUE_SEND, keys(queues, 'send', 'send-consume').map(queueArn))
  add('ConsumeQueues', QUEUE_CONSUME, keys(queues, 'consume', 'send-consume').map(queueArn))

  // Streams of tables no function lists in `tables` (those are in the tables' own ReadStreams statement).
  const listed = new Set(config.functions.flatMap((f) => Object.keys(f.tables)))
  const tableArn = (name: string) => `arn:${partition}:dynamodb:${config.region}:${config.accountId}:table/${name}`
  add(
    'ReadTriggerStreams',
    STREAM_READ,
    config.tables
      .filter((t) => streams.has(t.logicalId) && !listed.has(t.logicalId))
      .map((t) => `${tableArn(t.name)}/stream/*`),
  )
  return statements
}

/** The Scheduler role invokes, for each function with a schedule, its environment's alias, and nothing else. */
export function schedulerRolePolicy(config: ResolvedConfig): PolicyDocument {
  const partition = partitionOf(config.region)
  const scheduled = config.functions.filter((f) => f.triggers.some((t) => t.type === 'schedule'))
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'InvokeScheduledFunctions',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: scheduled.map(
          (f) =>
            `arn:${partition}:lambda:${config.region}:${config.accountId}:function:${f.name}:${config.environment}`,
        ),
      },
    ],
  }
}

/** Only this account's schedules may assume it (confused deputy). */
export function schedulerTrustCondition(config: ResolvedConfig): PolicyStatement['Condition'] {
  return { StringEquals: { 'aws:SourceAccount': config.accountId } }
}
