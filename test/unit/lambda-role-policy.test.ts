import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { lambdaRolePolicy } from '../../src/policies/lambda-role.js'
import { REPO_ROOT } from '../support/context.js'

const statement = (policy: ReturnType<typeof lambdaRolePolicy>, sid: string) =>
  policy.Statement.find((s) => s.Sid === sid)

describe('lambdaRolePolicy', () => {
  test('write actions only on tables some function may write; reads include their indexes', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'dev' })
    for (const fn of config.functions)
      for (const table of Object.keys(fn.tables)) if (table === 'usage') fn.tables[table] = 'read'
    const policy = lambdaRolePolicy(config)
    expect(statement(policy, 'WriteTables')!.Resource).not.toContain(
      'arn:aws:dynamodb:us-east-1:887078546492:table/new-service-dev-usage',
    )
    expect(statement(policy, 'ReadTables')!.Resource).toContain(
      'arn:aws:dynamodb:us-east-1:887078546492:table/new-service-dev-usage/index/*',
    )
  })

  test('a cross-region inference profile grants the profile and the model in any region', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'dev' })
    config.bedrockModels = ['us.anthropic.claude-3-5-haiku-20241022-v1:0']
    expect(statement(lambdaRolePolicy(config), 'InvokeConfiguredModels')!.Resource).toEqual([
      'arn:aws:bedrock:us-east-1:887078546492:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
    ])
  })

  test('secret parameters are readable by name only, and nothing is granted on "*" but X-Ray', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'dev' })
    config.functions[0]!.secrets = { API_KEY_PARAMETER: '/new-service/api-key' }
    const policy = lambdaRolePolicy(config)
    expect(statement(policy, 'ReadSecretParameters')!.Resource).toEqual([
      'arn:aws:ssm:us-east-1:887078546492:parameter/new-service/api-key',
    ])
    expect(policy.Statement.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['WriteTraces'])
  })

  test('another service’s config gets another policy: nothing about the chat service is built in', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'dev' })
    config.functions = config.functions
      .slice(0, 1)
      .map((f) => ({ ...f, bedrock: false, tables: {}, tracing: 'PassThrough' }))
    const policy = lambdaRolePolicy(config)
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['WriteOwnLogs'])
  })

  test('a dead-letter queue or topic may be written to, and only it', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'dev' })
    config.functions[0]!.deadLetterArn = 'arn:aws:sqs:us-east-1:887078546492:dlq'
    config.functions[1]!.deadLetterArn = 'arn:aws:sns:us-east-1:887078546492:failures'
    const policy = lambdaRolePolicy(config)
    expect(statement(policy, 'SendToDeadLetterQueues')).toMatchObject({
      Action: 'sqs:SendMessage',
      Resource: ['arn:aws:sqs:us-east-1:887078546492:dlq'],
    })
    expect(statement(policy, 'PublishToDeadLetterTopics')).toMatchObject({
      Action: 'sns:Publish',
      Resource: ['arn:aws:sns:us-east-1:887078546492:failures'],
    })
  })
})
