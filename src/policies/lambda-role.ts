// Least privilege for the functions' shared execution role, derived from config: each table the functions
// use (with its indexes and, when it has one, its stream), each function's own log group, the configured
// Bedrock models, and the SSM parameters named as secrets. No *FullAccess managed policy.
import type { ResolvedConfig } from '../config/types.js'
import type { PolicyDocument, PolicyStatement } from '../resources/policy-document.js'
import { partitionOf } from '../resources/common.js'
import { eventStatements } from './events.js'
import { declaredStatements } from './declared-statements.js'

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
]
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']
const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]
// Cross-region inference profiles ("us.anthropic…") route to the model in several regions.
const INFERENCE_PROFILE_PREFIX = /^(us|eu|apac|us-gov|global)\./

export function lambdaRolePolicy(config: ResolvedConfig): PolicyDocument {
  const partition = partitionOf(config.region)
  const regional = (service: string, resource: string) =>
    `arn:${partition}:${service}:${config.region}:${config.accountId}:${resource}`
  const tableArn = (name: string) => regional('dynamodb', `table/${name}`)
  const statements: PolicyStatement[] = []

  const access = new Map<string, 'read' | 'read-write'>()
  for (const fn of config.functions) {
    for (const [table, mode] of Object.entries(fn.tables))
      if (access.get(table) !== 'read-write') access.set(table, mode)
  }
  const tables = config.tables.filter((t) => access.has(t.logicalId))
  const tableResources = (list: typeof tables) => list.flatMap((t) => [tableArn(t.name), `${tableArn(t.name)}/index/*`])
  if (tables.length > 0)
    statements.push({ Sid: 'ReadTables', Effect: 'Allow', Action: READ_ACTIONS, Resource: tableResources(tables) })
  const writable = tables.filter((t) => access.get(t.logicalId) === 'read-write')
  if (writable.length > 0)
    statements.push({
      Sid: 'WriteTables',
      Effect: 'Allow',
      Action: WRITE_ACTIONS,
      Resource: writable.map((t) => tableArn(t.name)),
    })
  const streamed = tables.filter((t) => t.stream)
  if (streamed.length > 0)
    statements.push({
      Sid: 'ReadStreams',
      Effect: 'Allow',
      Action: STREAM_ACTIONS,
      Resource: streamed.map((t) => `${tableArn(t.name)}/stream/*`),
    })

  if (config.functions.length > 0) {
    statements.push({
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: config.functions.map((f) => regional('logs', `log-group:/aws/lambda/${f.name}:*`)),
    })
  }
  if (config.functions.some((f) => f.tracing === 'Active')) {
    // X-Ray's write actions support no resource-level permissions.
    statements.push({
      Sid: 'WriteTraces',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      Resource: '*',
    })
  }
  if (config.functions.some((f) => f.bedrock) && config.bedrockModels.length > 0) {
    statements.push({
      Sid: 'InvokeConfiguredModels',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: config.bedrockModels.flatMap((model) => {
        if (!INFERENCE_PROFILE_PREFIX.test(model))
          return [`arn:${partition}:bedrock:${config.region}::foundation-model/${model}`]
        const base = model.replace(INFERENCE_PROFILE_PREFIX, '')
        return [
          regional('bedrock', `inference-profile/${model}`),
          `arn:${partition}:bedrock:*::foundation-model/${base}`,
        ]
      }),
    })
  }
  // Buckets and queues the functions declare, and what their triggers read.
  statements.push(...eventStatements(config))
  // Lambda checks, when a function is created or updated, that its role may send to the dead-letter target.
  const deadLetters = [...new Set(config.functions.flatMap((f) => (f.deadLetterArn ? [f.deadLetterArn] : [])))]
  const queues = deadLetters.filter((a) => a.split(':')[2] === 'sqs')
  const topics = deadLetters.filter((a) => a.split(':')[2] === 'sns')
  if (queues.length > 0)
    statements.push({ Sid: 'SendToDeadLetterQueues', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queues })
  if (topics.length > 0)
    statements.push({ Sid: 'PublishToDeadLetterTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: topics })
  const parameters = [...new Set(config.functions.flatMap((f) => Object.values(f.secrets)))]
  if (parameters.length > 0) {
    statements.push({
      Sid: 'ReadSecretParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: parameters.map((p) => regional('ssm', `parameter${p}`)),
    })
  }
  // Last: what functions declare beyond the shorthands (`permissions`).
  statements.push(
    ...declaredStatements(
      config.functions.flatMap((f) => f.permissions ?? []),
      'Declared',
    ),
  )
  return { Version: '2012-10-17', Statement: statements }
}

/** Bedrock model-invocation logging writes to one log group, in this account only. */
export function bedrockLoggingPolicy(config: ResolvedConfig, logGroupName: string): PolicyDocument {
  const partition = partitionOf(config.region)
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'WriteInvocationLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:${partition}:logs:${config.region}:${config.accountId}:log-group:${logGroupName}:log-stream:aws/bedrock/modelinvocations`,
      },
    ],
  }
}

export function bedrockTrustCondition(config: ResolvedConfig): PolicyStatement['Condition'] {
  return {
    StringEquals: { 'aws:SourceAccount': config.accountId },
    ArnLike: { 'aws:SourceArn': `arn:${partitionOf(config.region)}:bedrock:${config.region}:${config.accountId}:*` },
  }
}
