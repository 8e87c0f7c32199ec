// Steps 01 and 02 against the stateful fake AWS, in process: what a deploy creates, that a rerun sends no
// write, that one config change makes exactly one change, drift, adoption, dry runs and removal.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { deploy, editConfig, FAST_TIMING, plan, resultsOf, workspace } from '../support/context.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { parsePolicy } from '../../src/resources/policy-document.js'
import { loadContext, resourceContext } from '../../src/context/context.js'
import { remove } from '../../src/resources/engine/remove.js'
import type { AnyKind } from '../../src/resources/engine/kind.js'
import { kindNamed } from '../../src/resources/kinds.js'
import type { RemovalOptions } from '../../src/resources/types.js'

const steps = [iamStep, dynamodbStep]
const TABLES = ['conversations', 'prompts', 'usage', 'websocket-connections'].map((t) => `new-service-staging-${t}`)
const tagMap = (tags: { Key?: string; Value?: string }[]) => Object.fromEntries(tags.map((t) => [t.Key, t.Value]))

let aws: AllFakes
let root: string
beforeEach(() => {
  aws = createFakeAws().install()
  root = workspace()
})
afterEach(() => aws.restore())

const run = (opts: Parameters<typeof deploy>[1] = {}) => deploy(root, { steps, ...opts })

describe('fresh deploy', () => {
  test('creates exactly the two roles and the four tables, with the config’s shapes', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(aws.iam.roleNames().sort()).toEqual(['new-service-staging-bedrock-role', 'new-service-staging-lambda-role'])
    expect(aws.dynamodb.tableNames().sort()).toEqual(TABLES)

    const conversations = aws.dynamodb.table('new-service-staging-conversations')!
    expect(conversations.keySchema).toEqual([
      { AttributeName: 'conversation_id', KeyType: 'HASH' },
      { AttributeName: 'timestamp', KeyType: 'RANGE' },
    ])
    expect(conversations.billingMode).toBe('PAY_PER_REQUEST')
    expect(conversations.gsis.map((g) => [g.name, g.keySchema, g.projection])).toEqual([
      ['user-index', [{ AttributeName: 'user_id', KeyType: 'HASH' }], { ProjectionType: 'ALL' }],
    ])
    expect(conversations.stream).toEqual({ viewType: 'NEW_AND_OLD_IMAGES' })
    expect(conversations.ttl).toMatchObject({ enabled: true, attributeName: 'ttl' })
    expect(aws.dynamodb.table('new-service-staging-websocket-connections')!.ttl).toMatchObject({
      enabled: true,
      attributeName: 'ttl',
    })
    expect(aws.dynamodb.table('new-service-staging-usage')!.ttl.enabled).toBe(false)
    // Staging is not a production environment: no deletion protection or PITR by default.
    expect(conversations.deletionProtection).toBe(false)
    expect(conversations.pitr.enabled).toBe(false)
    expect(tagMap(conversations.tags)).toMatchObject({
      'infra:service': 'new-service-staging',
      'infra:env': 'staging',
      'managed-by': 'infra',
      project: 'new-service',
    })
  })

  test('production tables get point-in-time recovery and deletion protection', async () => {
    await run({ env: 'production' })
    const table = aws.dynamodb.table('new-service-conversations')!
    expect(table.deletionProtection).toBe(true)
    expect(table.pitr.enabled).toBe(true)
  })

  test('the Lambda role is least privilege: scoped to this service’s tables, logs and models, no managed policy', async () => {
    await run()
    const role = aws.iam.role('new-service-staging-lambda-role')!
    expect(role.attached).toEqual([])
    expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' })
    const policy = parsePolicy(role.inline['service-access']!) as {
      Statement: { Sid: string; Action: string[]; Resource: string | string[] }[]
    }
    const sid = (id: string) => policy.Statement.find((s) => s.Sid === id)!
    expect(sid('ReadTables').Resource).toContain(
      'arn:aws:dynamodb:us-east-1:887078546492:table/new-service-staging-conversations/index/*',
    )
    // usage is read-write for websocket-message; a table no function writes would be missing here.
    expect(sid('WriteTables').Resource).toContain(
      'arn:aws:dynamodb:us-east-1:887078546492:table/new-service-staging-usage',
    )
    expect(sid('ReadStreams').Resource).toEqual([
      'arn:aws:dynamodb:us-east-1:887078546492:table/new-service-staging-conversations/stream/*',
    ])
    expect(sid('WriteOwnLogs').Resource).toContain(
      'arn:aws:logs:us-east-1:887078546492:log-group:/aws/lambda/new-service-staging-websocket-message:*',
    )
    expect(sid('InvokeConfiguredModels').Resource).toEqual([
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    ])
    for (const s of policy.Statement.filter((x) => x.Sid !== 'WriteTraces')) expect(s.Resource).not.toBe('*')
    const bedrock = aws.iam.role('new-service-staging-bedrock-role')!
    expect(JSON.parse(bedrock.assumeRolePolicy).Statement[0]).toMatchObject({
      Principal: { Service: 'bedrock.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '887078546492' } },
    })
  })

  test('records every resource in the manifest, and the steps as done', async () => {
    await run()
    const ctxRun = await plan(root, { steps })
    expect(resultsOf(ctxRun).every((r) => r.action === 'unchanged')).toBe(true)
    const { readFileSync } = await import('node:fs')
    const manifest = JSON.parse(readFileSync(`${root}/.infra/staging/manifest.json`, 'utf8'))
    expect(Object.keys(manifest.resources).sort()).toEqual([
      'dynamodb-table:conversations',
      'dynamodb-table:prompts',
      'dynamodb-table:usage',
      'dynamodb-table:websocket-connections',
      'iam-role:bedrock-logging',
      'iam-role:lambda',
    ])
    expect(manifest.resources['dynamodb-table:conversations'].attributes.streamArn).toMatch(
      /^arn:aws:dynamodb:.*\/stream\//,
    )
    expect(manifest.steps.dynamodb.status).toBe('done')
    expect(manifest.history).toHaveLength(1)
  })
})

describe('rerun', () => {
  test('a second deploy sends no write call and reports everything unchanged', async () => {
    await run()
    aws.resetCalls()
    const outcome = await run()
    expect(aws.writes()).toEqual([])
    expect(resultsOf(outcome).map((r) => r.action)).toEqual(Array(6).fill('unchanged'))
    // One read per managed part: each table, its TTL, its backups, its tags; each role, its policy, its attachments.
    expect(aws.calls.length).toBe(4 * 4 + 2 * 3 + 1)
  })

  test('adding a GSI makes exactly one UpdateTable that creates it, and waits for it', async () => {
    await run()
    editConfig(
      root,
      (c) => (c.tables.usage.global_indexes = [{ name: 'by-date', partition_key: 'date', projection: 'KEYS_ONLY' }]),
    )
    aws.resetCalls()
    const outcome = await run()
    expect(aws.writes().map((c) => [c.command, c.input.TableName])).toEqual([
      ['UpdateTableCommand', 'new-service-staging-usage'],
    ])
    expect(aws.writes()[0]!.input.GlobalSecondaryIndexUpdates).toEqual([
      {
        Create: {
          IndexName: 'by-date',
          KeySchema: [{ AttributeName: 'date', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      },
    ])
    expect(aws.dynamodb.table('new-service-staging-usage')!.gsis.map((g) => [g.name, g.status])).toEqual([
      ['by-date', 'ACTIVE'],
    ])
    expect(resultsOf(outcome).find((r) => r.name === 'new-service-staging-usage')).toMatchObject({
      action: 'updated',
      changes: [{ field: 'GlobalSecondaryIndexes[by-date]' }],
    })
  })

  test('two GSI changes go one per UpdateTable, the second after the first is ACTIVE', async () => {
    await run()
    editConfig(root, (c) => {
      c.tables.conversations.global_indexes = [{ name: 'by-title', partition_key: 'title', projection: 'ALL' }]
    })
    aws.resetCalls()
    await run()
    const updates = aws.writes().map((c) => c.input.GlobalSecondaryIndexUpdates)
    expect(updates).toEqual([
      [{ Delete: { IndexName: 'user-index' } }],
      [expect.objectContaining({ Create: expect.objectContaining({ IndexName: 'by-title' }) })],
    ])
    expect(aws.dynamodb.table('new-service-staging-conversations')!.gsis.map((g) => g.name)).toEqual(['by-title'])
  })

  test('switching billing to provisioned makes exactly that update', async () => {
    await run()
    editConfig(root, (c) => {
      c.tables.prompts.billing_mode = 'PROVISIONED'
      c.tables.prompts.capacity = { read: 5, write: 5 }
      c.tables.prompts.global_indexes[0].capacity = { read: 2, write: 2 }
    })
    const envFile = `${root}/environments/staging.env`
    const { readFileSync, writeFileSync } = await import('node:fs')
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^DYNAMODB_BILLING=.*$/m, ''))
    aws.resetCalls()
    await run()
    expect(aws.writes().map((c) => c.command)).toEqual(['UpdateTableCommand'])
    expect(aws.writes()[0]!.input).toMatchObject({
      TableName: 'new-service-staging-prompts',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      GlobalSecondaryIndexUpdates: [
        {
          Update: {
            IndexName: 'prompts-by-user',
            ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
          },
        },
      ],
    })
    expect(aws.dynamodb.table('new-service-staging-prompts')!.billingMode).toBe('PROVISIONED')
  })

  test.each([
    [
      'adding an index',
      [
        { name: 'by-title', partition_key: 'title', projection: 'ALL', capacity: { read: 1, write: 1 } },
        { name: 'prompts-by-user', partition_key: 'user_id', projection: 'ALL', capacity: { read: 2, write: 2 } },
      ],
      ['prompts-by-user', 'by-title'],
    ],
    ['dropping an index', [], []],
  ])('switching to provisioned while %s: drop, switch, then create', async (_, indexes, expected) => {
    await run()
    editConfig(root, (c) => {
      c.tables.prompts.billing_mode = 'PROVISIONED'
      c.tables.prompts.capacity = { read: 5, write: 5 }
      c.tables.prompts.global_indexes = indexes
    })
    const { readFileSync, writeFileSync } = await import('node:fs')
    const envFile = `${root}/environments/staging.env`
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^DYNAMODB_BILLING=.*$/m, ''))
    const outcome = await run()
    expect(outcome.steps.find((s) => s.id === 'dynamodb')!.error).toBeUndefined()
    const table = aws.dynamodb.table('new-service-staging-prompts')!
    expect(table.billingMode).toBe('PROVISIONED')
    expect(table.gsis.map((g) => g.name)).toEqual(expected)
  })

  test('a TTL change within the hour is deferred with a note; the other changes still go through', async () => {
    await run()
    editConfig(root, (c) => {
      delete c.tables['websocket-connections'].ttl_attribute
      c.tables['websocket-connections'].point_in_time_recovery = true
    })
    const outcome = await run()
    const result = resultsOf(outcome).find((r) => r.name === 'new-service-staging-websocket-connections')!
    expect(outcome.ok).toBe(true)
    expect(result.note).toContain('TTL change deferred')
    const table = aws.dynamodb.table('new-service-staging-websocket-connections')!
    expect(table.pitr.enabled).toBe(true)
    expect(table.ttl.enabled).toBe(true)
  })

  test('a key schema change is refused with a message, and nothing is changed', async () => {
    await run()
    editConfig(root, (c) => (c.tables.usage.sort_key = 'day'))
    aws.resetCalls()
    const outcome = await run()
    const failed = outcome.steps.find((s) => s.id === 'dynamodb')!
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatchObject({ code: 'TableReplacementRefused' })
    expect(failed.error!.message).toContain(
      'KeySchema is user_id(partition), date(sort), config says user_id(partition), day(sort)',
    )
    expect(aws.writes()).toEqual([])
  })

  test('a trust or inline policy edited out of band is put back; a FullAccess policy attached by hand is detached', async () => {
    await run()
    const role = aws.iam.role('new-service-staging-lambda-role')!
    role.inline['service-access'] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
    })
    role.attached.push('arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess')
    aws.resetCalls()
    await run()
    expect(
      aws
        .writes()
        .map((c) => c.command)
        .sort(),
    ).toEqual(['DetachRolePolicyCommand', 'PutRolePolicyCommand'])
    expect(role.attached).toEqual([])
  })
})

describe('drift', () => {
  test('a table and a role deleted behind the tool’s back are reported by a plan, then recreated', async () => {
    await run()
    aws.dynamodb.deleteTableOutOfBand('new-service-staging-usage')
    aws.iam.deleteRoleOutOfBand('new-service-staging-lambda-role')
    aws.resetCalls()
    const report = await plan(root, { steps })
    expect(aws.writes()).toEqual([])
    expect(
      resultsOf(report)
        .filter((r) => r.action !== 'unchanged')
        .map((r) => [r.action, r.name]),
    ).toEqual([
      ['would-create', 'new-service-staging-lambda-role'],
      ['would-create', 'new-service-staging-usage'],
    ])
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(
      aws
        .writes()
        .filter((c) => c.command.startsWith('Create'))
        .map((c) => c.command)
        .sort(),
    ).toEqual(['CreateRoleCommand', 'CreateTableCommand'])
    expect(aws.dynamodb.table('new-service-staging-usage')).toBeDefined()
    expect(aws.iam.role('new-service-staging-lambda-role')!.inline['service-access']).toBeDefined()
  })
})

describe('adoption', () => {
  test('a same-named role without our tags stops the IAM step: no function may run with it', async () => {
    const { IAMClient, CreateRoleCommand } = await import('@aws-sdk/client-iam')
    await new IAMClient({ region: 'us-east-1' }).send(
      new CreateRoleCommand({
        RoleName: 'new-service-staging-lambda-role',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      }),
    )
    aws.resetCalls()
    const outcome = await run()
    const iam = outcome.steps.find((s) => s.id === 'iam')!
    expect(iam.status).toBe('failed')
    expect(iam.error).toMatchObject({ code: 'RoleNotManaged', hint: expect.stringContaining('--adopt') })
    expect(
      aws.writes().filter((c) => c.service === 'iam' && c.input.RoleName === 'new-service-staging-lambda-role'),
    ).toEqual([])
  })

  test('a same-named table without our tags is reported and left alone; --adopt takes it over', async () => {
    const { DynamoDBClient, CreateTableCommand } = await import('@aws-sdk/client-dynamodb')
    await new DynamoDBClient({ region: 'us-east-1' }).send(
      new CreateTableCommand({
        TableName: 'new-service-staging-usage',
        AttributeDefinitions: [
          { AttributeName: 'user_id', AttributeType: 'S' },
          { AttributeName: 'date', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'user_id', KeyType: 'HASH' },
          { AttributeName: 'date', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    aws.dynamodb.settle()
    aws.resetCalls()
    const first = await run()
    const usage = resultsOf(first).find((r) => r.name === 'new-service-staging-usage')!
    expect(usage.action).toBe('unmanaged')
    expect(usage.note).toContain('--adopt')
    expect(
      aws
        .writes()
        .filter(
          (c) =>
            c.input.TableName === 'new-service-staging-usage' ||
            c.input.ResourceArn?.endsWith('/new-service-staging-usage'),
        ),
    ).toEqual([])

    aws.resetCalls()
    await run({ adopt: true })
    expect(aws.writes().map((c) => c.command)).toEqual(['TagResourceCommand'])
    expect(tagMap(aws.dynamodb.table('new-service-staging-usage')!.tags)['managed-by']).toBe('infra')
  })
})

describe('dry run', () => {
  test('plans creates from empty and sends no write call', async () => {
    const outcome = await plan(root, { steps })
    expect(aws.writes()).toEqual([])
    expect(resultsOf(outcome).map((r) => r.action)).toEqual(Array(6).fill('would-create'))
    expect(aws.dynamodb.tableNames()).toEqual([])
  })

  test('plans an update with the changed fields', async () => {
    await run()
    editConfig(root, (c) => (c.tables.usage.ttl_attribute = 'expires_at'))
    aws.resetCalls()
    const outcome = await plan(root, { steps })
    expect(aws.writes()).toEqual([])
    expect(resultsOf(outcome).find((r) => r.name === 'new-service-staging-usage')).toMatchObject({
      action: 'would-update',
      changes: [{ field: 'TimeToLive', from: undefined, to: 'expires_at' }],
    })
  })
})

describe('removal', () => {
  /** Removes one recorded resource the way `infra destroy` does, with these removal options. */
  async function destroyOne(env: string, stepId: string, key: string, removal: RemovalOptions) {
    const ctx = await loadContext({ root, env, command: 'test', mode: 'apply', timing: FAST_TIMING, removal })
    try {
      const record = ctx.manifest.manifest.resources[key]!
      const kind = kindNamed(record.kind) as AnyKind
      return await remove(
        resourceContext(ctx, stepId, () => undefined),
        kind,
        key,
        record,
      )
    } finally {
      await ctx.close()
    }
  }
  const destroy = { mode: 'destroy', deleteData: true } as const

  test('a protected table is not deleted without --disable-deletion-protection: the run stops and names the flag', async () => {
    await run({ env: 'production' })
    aws.resetCalls()
    const attempt = destroyOne('production', 'dynamodb', 'dynamodb-table:usage', {
      ...destroy,
      disableDeletionProtection: false,
    })
    await expect(attempt).rejects.toMatchObject({
      code: 'DeletionProtectionOn',
      message: expect.stringContaining('new-service-usage'),
      hint: expect.stringContaining('--disable-deletion-protection'),
    })
    expect(aws.writes()).toEqual([])
    expect(aws.dynamodb.table('new-service-usage')!.deletionProtection).toBe(true)
  })

  test('with --disable-deletion-protection the protection is lifted, then the table deleted and forgotten', async () => {
    await run({ env: 'production' })
    aws.resetCalls()
    const result = await destroyOne('production', 'dynamodb', 'dynamodb-table:usage', {
      ...destroy,
      disableDeletionProtection: true,
    })
    expect(result.action).toBe('deleted')
    expect(aws.writes().map((c) => [c.command, c.input.DeletionProtectionEnabled])).toEqual([
      ['UpdateTableCommand', false],
      ['DeleteTableCommand', undefined],
    ])
    expect(aws.dynamodb.table('new-service-usage')).toBeUndefined()
  })

  test('a role goes with its inline policies and attachments; a DeleteConflict IAM still reports is retried', async () => {
    await run()
    const name = 'new-service-staging-lambda-role'
    aws.iam.role(name)!.attached.push('arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess')
    aws.failNext('DeleteRole', () => aws.errorFor('DeleteRole', 'DeleteConflict', 'Cannot delete entity'))
    aws.resetCalls()
    const result = await destroyOne('staging', 'iam', 'iam-role:lambda', {
      ...destroy,
      disableDeletionProtection: false,
    })
    expect(result.action).toBe('deleted')
    expect(aws.writes().map((c) => c.command)).toEqual([
      'DeleteRolePolicyCommand',
      'DetachRolePolicyCommand',
      'DeleteRoleCommand',
      'DeleteRoleCommand',
    ])
    expect(aws.iam.role(name)).toBeUndefined()
  })
})
