import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { listEnvironments, loadConfig } from '../../src/config/index.js'
import { envFileWith, makeProject, realConfig, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

describe('the default config', () => {
  test('resolves for production with the manual names', async () => {
    const { root } = await makeProject()
    const c = await loadConfig({ root, env: 'production' })
    expect(c).toMatchObject({
      env: 'production',
      environment: 'production',
      serviceName: 'new-service',
      region: 'us-east-1',
      accountId: '887078546492',
      domain: 'new-service.com',
      production: true,
      tags: {
        'infra:service': 'new-service',
        'infra:env': 'production',
        'managed-by': 'infra',
        project: 'new-service',
      },
      iam: {
        // config.json's own list: it changes with the IAM work, so it is read rather than repeated here.
        lambdaRole: {
          name: 'new-service-lambda-role',
          managedPolicyArns: realConfig().iam.lambda_role.managed_policy_arns,
        },
        bedrockLoggingRole: { name: 'new-service-bedrock-role', logGroupName: '/aws/bedrock/new-service' },
      },
      bedrockModels: ['anthropic.claude-3-5-sonnet-20240620-v1:0'],
      files: { root, config: path.join(root, 'config.json'), envFile: path.join(root, 'environments/production.env') },
    })
    expect(c.profile).toBeUndefined()
    expect(c.tables.map((t) => t.name)).toEqual([
      'new-service-conversations',
      'new-service-prompts',
      'new-service-usage',
      'new-service-websocket-connections',
    ])
    expect(c.tables[0]).toEqual({
      logicalId: 'conversations',
      name: 'new-service-conversations',
      partitionKey: { name: 'conversation_id', type: 'S' },
      sortKey: { name: 'timestamp', type: 'S' },
      billingMode: 'PAY_PER_REQUEST',
      globalIndexes: [{ name: 'user-index', partitionKey: { name: 'user_id', type: 'S' }, projection: 'ALL' }],
      stream: 'NEW_AND_OLD_IMAGES',
      ttlAttribute: 'ttl',
      pointInTimeRecovery: true,
      deletionProtection: true,
      encryption: 'AWS_OWNED',
      tableClass: 'STANDARD',
      tags: {
        'infra:service': 'new-service',
        'infra:env': 'production',
        'managed-by': 'infra',
        project: 'new-service',
      },
    })
    const message = c.functions.find((f) => f.logicalId === 'websocket-message')
    expect(message).toMatchObject({
      name: 'new-service-websocket-message',
      source: path.join(root, 'handlers/websocket-message/index.ts'),
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      architecture: 'arm64',
      memoryMb: 512,
      timeoutS: 120,
      tables: { conversations: 'read-write', usage: 'read-write', 'websocket-connections': 'read-write' },
      bedrock: true,
      logRetentionDays: 30,
      tracing: 'Active',
      bundleAwsSdk: true,
    })
    expect(Object.keys(c.sections).sort()).toEqual(
      ['bedrock', 'cognito', 'dns', 'frontend', 'monitoring', 'rest_api', 'websocket_api'].sort(),
    )
    expect(c.sections.rest_api?.endpoints).toHaveLength(5)
    expect(c.sections.dns).toMatchObject({ hosted_zone: '${DOMAIN}' })
  })

  test('resolves for staging with its own SERVICE_NAME and no data protection', async () => {
    const { root } = await makeProject()
    const c = await loadConfig({ root, env: 'staging' })
    expect(c.serviceName).toBe('new-service-staging')
    expect(c.environment).toBe('staging')
    expect(c.production).toBe(false)
    expect(c.tables.map((t) => t.name)).toContain('new-service-staging-conversations')
    expect(c.tables.every((t) => !t.pointInTimeRecovery && !t.deletionProtection)).toBe(true)
    expect(c.iam.lambdaRole.name).toBe('new-service-staging-lambda-role')
    expect(c.tags['infra:env']).toBe('staging')
  })

  test('resolves for dev: LAMBDA_MEMORY replaces lambda_defaults, a function’s own timeout_s still wins', async () => {
    const { root } = await makeProject()
    const c = await loadConfig({ root, env: 'dev' })
    expect(c.serviceName).toBe('new-service-dev')
    expect(c.domain).toBe('dev.new-service.com')
    expect(c.functions.map((f) => [f.name, f.memoryMb, f.timeoutS])).toContainEqual([
      'new-service-dev-websocket-message',
      256,
      120,
    ])
    expect(c.functions.find((f) => f.logicalId === 'usage-handler')).toMatchObject({ memoryMb: 256, timeoutS: 30 })
  })

  test('the default env is config.json’s environment', async () => {
    const { root } = await makeProject()
    const c = await loadConfig({ root })
    expect(c.env).toBe('production')
    expect(c.tables[0]!.name).toBe('new-service-conversations')
  })

  test('listEnvironments lists environments/*.env, sorted', async () => {
    const { root } = await makeProject({ envFiles: { qa: 'ENVIRONMENT=qa\n' } })
    await expect(listEnvironments(root)).resolves.toEqual(['dev', 'production', 'qa', 'staging'])
    await expect(listEnvironments(path.join(root, 'nowhere'))).resolves.toEqual([])
  })
})

describe('precedence: flags > env file > config.json', () => {
  test('region and profile', async () => {
    const { root } = await makeProject({
      mutate: (c) => (c.region = 'eu-west-1'),
      envFiles: {
        staging: envFileWith('staging', { AWS_REGION: 'AWS_REGION=eu-central-1' }, ['AWS_PROFILE=staging-admin']),
        dev: envFileWith('dev', { AWS_REGION: null }),
      },
    })
    expect((await loadConfig({ root, env: 'dev' })).region).toBe('eu-west-1')
    const fromEnv = await loadConfig({ root, env: 'staging' })
    expect([fromEnv.region, fromEnv.profile]).toEqual(['eu-central-1', 'staging-admin'])
    const fromFlags = await loadConfig({ root, env: 'staging', flags: { region: 'ap-southeast-2', profile: 'ops' } })
    expect([fromFlags.region, fromFlags.profile]).toEqual(['ap-southeast-2', 'ops'])
  })

  test('env file values override config.json; a function’s own memory_mb wins over LAMBDA_MEMORY', async () => {
    const { root } = await makeProject({
      mutate: (c) => {
        c.functions['prompt-crud'].memory_mb = 1024
        c.tables.usage.billing_mode = 'PROVISIONED'
        c.tables.usage.capacity = { read: 5, write: 5 }
      },
      envFiles: {
        dev: envFileWith('dev', { ENVIRONMENT: 'ENVIRONMENT=development' }, ['AWS_ACCOUNT_ID=111122223333']),
      },
    })
    const c = await loadConfig({ root, env: 'dev' })
    expect(c).toMatchObject({ accountId: '111122223333', environment: 'development', env: 'dev' })
    expect(c.functions.find((f) => f.logicalId === 'prompt-crud')!.memoryMb).toBe(1024)
    expect(c.functions.find((f) => f.logicalId === 'conversation-api')!.memoryMb).toBe(256)
    // DYNAMODB_BILLING=PAY_PER_REQUEST in dev.env switches the PROVISIONED table and drops its capacity.
    const usage = c.tables.find((t) => t.logicalId === 'usage')!
    expect([usage.billingMode, usage.capacity]).toEqual(['PAY_PER_REQUEST', undefined])
  })

  test('without the env file’s override, a PROVISIONED table keeps its capacities', async () => {
    const { root } = await makeProject({
      mutate: (c) => {
        c.tables.conversations.billing_mode = 'PROVISIONED'
        c.tables.conversations.capacity = { read: 5, write: 2 }
        c.tables.conversations.global_indexes[0].capacity = { read: 3, write: 1 }
      },
      envFiles: { production: envFileWith('production', { DYNAMODB_BILLING: null }) },
    })
    const t = (await loadConfig({ root, env: 'production' })).tables[0]!
    expect(t).toMatchObject({ billingMode: 'PROVISIONED', capacity: { read: 5, write: 2 } })
    expect(t.globalIndexes[0]!.capacity).toEqual({ read: 3, write: 1 })
  })
})
