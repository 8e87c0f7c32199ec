// The fake AWS itself, through the real SDK clients: classes and texts of errors, state transitions, the call log,
// fault injection, persistence, and the child-process preload.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  LimitExceededException,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  TableNotFoundException,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  ServiceFailureException,
  TagRoleCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { REPO_ROOT, fakeChildEnv, readCalls, readFakeState, type CliResult } from './cli.js'
import { createFakeAws, type AllFakes } from './fake-aws/index.js'

const ddb = new DynamoDBClient({ region: 'us-east-1' })
const iam = new IAMClient({ region: 'us-east-1' })
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
})
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
})
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'

const table = (name: string, extra: Partial<CreateTableCommandInput> = {}) =>
  new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  })
const describeTable = async (name: string) => (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table!
const addIndex = (name: string, key = name) =>
  new UpdateTableCommand({
    TableName: 'app-t',
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [
      {
        Create: {
          IndexName: name,
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      },
    ],
  })
const validationError = (message: string) => ({ name: 'ValidationException', message })

let aws: AllFakes
beforeEach(() => {
  aws = createFakeAws().install()
})
afterEach(() => aws.restore())

describe('FakeSts', () => {
  test('GetCallerIdentity answers the settable account', async () => {
    const sts = new STSClient({ region: 'us-east-1' })
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '887078546492' })
    aws.sts.account = '111122223333'
    const id = await sts.send(new GetCallerIdentityCommand({}))
    expect(id).toMatchObject({
      Account: '111122223333',
      Arn: expect.stringMatching(/^arn:aws:iam::111122223333:user\//),
    })
  })
})

describe('FakeIam', () => {
  const createRole = (extra = {}) =>
    iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST, ...extra }))

  test('CreateRole and GetRole: ARN with path, AROA id, tags, URL-encoded trust policy', async () => {
    const { Role } = await createRole({ Path: '/service/', Tags: [{ Key: 'infra:env', Value: 'dev' }] })
    expect(Role).toMatchObject({
      Arn: 'arn:aws:iam::887078546492:role/service/r',
      RoleId: expect.stringMatching(/^AROA/),
    })
    const got = (await iam.send(new GetRoleCommand({ RoleName: 'r' }))).Role!
    expect(got.Tags).toEqual([{ Key: 'infra:env', Value: 'dev' }])
    expect(got.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST))
    expect(got.CreateDate).toBeInstanceOf(Date)
    await expect(createRole()).rejects.toBeInstanceOf(EntityAlreadyExistsException)
  })

  test('missing roles and malformed documents raise IAM’s classes', async () => {
    await expect(iam.send(new GetRoleCommand({ RoleName: 'nope' }))).rejects.toBeInstanceOf(NoSuchEntityException)
    await expect(createRole({ AssumeRolePolicyDocument: '{not json' })).rejects.toBeInstanceOf(
      MalformedPolicyDocumentException,
    )
    await createRole()
    const put = new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: '{}' })
    await expect(iam.send(put)).rejects.toBeInstanceOf(MalformedPolicyDocumentException)
  })

  test('inline and attached policies block DeleteRole until removed', async () => {
    await createRole()
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: POLICY }))
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }))
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(POLICY)
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }))
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'r' }))
    expect(attached.AttachedPolicies).toEqual([{ PolicyArn: BASIC, PolicyName: 'AWSLambdaBasicExecutionRole' }])

    const del = () => iam.send(new DeleteRoleCommand({ RoleName: 'r' }))
    await expect(del()).rejects.toBeInstanceOf(DeleteConflictException)
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }))
    await expect(del()).rejects.toMatchObject({ name: 'DeleteConflictException', message: /detach all policies/ })
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }))
    await expect(iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }))).rejects.toBeInstanceOf(
      NoSuchEntityException,
    )
    await del()
    expect(aws.iam.role('r')).toBeUndefined()
  })

  test('UpdateRole, TagRole, ListRoleTags and an out-of-band delete', async () => {
    await createRole()
    await iam.send(new UpdateRoleCommand({ RoleName: 'r', Description: 'd', MaxSessionDuration: 7200 }))
    await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'a', Value: '1' }] }))
    await iam.send(new TagRoleCommand({ RoleName: 'r', Tags: [{ Key: 'a', Value: '2' }] }))
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'r' }))).Tags).toEqual([{ Key: 'a', Value: '2' }])
    expect(aws.iam.role('r')).toMatchObject({ description: 'd', maxSessionDuration: 7200 })
    aws.iam.deleteRoleOutOfBand('r')
    await expect(iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toBeInstanceOf(NoSuchEntityException)
  })
})

describe('FakeDynamoDB', () => {
  test('CreateTable answers CREATING; the first describe shows CREATING, the second ACTIVE', async () => {
    const { TableDescription: t } = await ddb.send(
      table('app-t', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
    )
    expect(t).toMatchObject({
      TableStatus: 'CREATING',
      TableArn: 'arn:aws:dynamodb:us-east-1:887078546492:table/app-t',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      LatestStreamArn: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:887078546492:table\/app-t\/stream\//),
      DeletionProtectionEnabled: false,
    })
    expect((await describeTable('app-t')).TableStatus).toBe('CREATING')
    expect((await describeTable('app-t')).TableStatus).toBe('ACTIVE')
    await expect(ddb.send(table('app-t'))).rejects.toBeInstanceOf(ResourceInUseException)
    await expect(describeTable('nope')).rejects.toBeInstanceOf(ResourceNotFoundException)
  })

  test('describesUntilActive 0 makes the first describe ACTIVE; the SDK waiter works', async () => {
    aws.dynamodb.describesUntilActive = 0
    await ddb.send(table('app-t'))
    expect((await describeTable('app-t')).TableStatus).toBe('ACTIVE')
    aws.dynamodb.describesUntilActive = 2
    await ddb.send(table('app-u'))
    const waited = await waitUntilTableExists(
      { client: ddb, minDelay: 0.01, maxDelay: 0.02, maxWaitTime: 5 },
      { TableName: 'app-u' },
    )
    expect(waited.state).toBe('SUCCESS')
  })

  test.each([
    [
      'unused, no indexes',
      ['id', 'x'],
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    ],
    ['missing, no indexes', [], 'Invalid KeySchema: Some index key attribute have no definition'],
    [
      'misnamed, no indexes',
      ['typo'],
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [typo]',
    ],
  ])('CreateTable key validation: %s', async (_case, defs, message) => {
    const AttributeDefinitions = defs.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }))
    const p = ddb.send(table('app-t', { AttributeDefinitions }))
    await expect(p).rejects.toMatchObject(validationError(message))
    await expect(p).rejects.toBeInstanceOf(DynamoDBServiceException)
  })

  test('CreateTable: unused definitions with an index, and billing mode against throughput', async () => {
    const gsi = {
      IndexName: 'g',
      KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'ALL' as const },
    }
    const defs = ['id', 'g', 'x'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }))
    await expect(
      ddb.send(table('app-t', { AttributeDefinitions: defs, GlobalSecondaryIndexes: [gsi] })),
    ).rejects.toMatchObject(
      validationError(
        'One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [id, g, x], keys used: [id, g]',
      ),
    )
    await expect(ddb.send(table('app-t', { BillingMode: 'PROVISIONED' }))).rejects.toMatchObject({
      name: 'ValidationException',
    })
    const pt = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }
    await expect(ddb.send(table('app-t', { ProvisionedThroughput: pt }))).rejects.toMatchObject({
      name: 'ValidationException',
    })
    expect(aws.dynamodb.tableNames()).toEqual([])
  })

  test('GSIs: one Create or Delete per call and per table; a new index backfills after the table is ACTIVE', async () => {
    aws.dynamodb.describesUntilActive = 0
    await ddb.send(table('app-t'))
    await describeTable('app-t')
    const two = addIndex('a')
    two.input.GlobalSecondaryIndexUpdates!.push({ Delete: { IndexName: 'zz' } })
    await expect(ddb.send(two)).rejects.toBeInstanceOf(LimitExceededException)

    const { TableDescription } = await ddb.send(addIndex('a'))
    expect(TableDescription).toMatchObject({
      TableStatus: 'UPDATING',
      GlobalSecondaryIndexes: [{ IndexStatus: 'CREATING', Backfilling: true }],
    })
    await expect(ddb.send(addIndex('b'))).rejects.toBeInstanceOf(ResourceInUseException)
    expect(await describeTable('app-t')).toMatchObject({
      TableStatus: 'ACTIVE',
      GlobalSecondaryIndexes: [{ IndexStatus: 'CREATING' }],
    })
    await expect(ddb.send(addIndex('b'))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: /Only 1 online index/,
    })
    expect((await describeTable('app-t')).GlobalSecondaryIndexes).toMatchObject([
      { IndexName: 'a', IndexStatus: 'ACTIVE' },
    ])
    expect((await describeTable('app-t')).AttributeDefinitions).toEqual([
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'a', AttributeType: 'S' },
    ])
    await ddb.send(addIndex('b'))
  })

  test('UpdateTable: exclusive fields, streams, and deletion protection', async () => {
    aws.dynamodb.describesUntilActive = 0
    await ddb.send(table('app-t'))
    const update = (input: object) => ddb.send(new UpdateTableCommand({ TableName: 'app-t', ...input }))
    const stream = { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' as const } }
    await expect(update({ DeletionProtectionEnabled: true })).rejects.toBeInstanceOf(ResourceInUseException) // still CREATING
    await describeTable('app-t')
    await expect(update({ ...stream, DeletionProtectionEnabled: true })).rejects.toMatchObject(
      validationError(
        'One or more parameter values were invalid: DeletionProtection modification must be the only operation in the request',
      ),
    )
    await update(stream)
    await describeTable('app-t')
    await expect(update(stream)).rejects.toMatchObject(
      validationError('Table already has an enabled stream: TableName: app-t'),
    )
    await update({ DeletionProtectionEnabled: true })
    await expect(ddb.send(new DeleteTableCommand({ TableName: 'app-t' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: /protected against deletion/,
    })
    await update({ DeletionProtectionEnabled: false })
    expect((await ddb.send(new DeleteTableCommand({ TableName: 'app-t' }))).TableDescription?.TableStatus).toBe(
      'DELETING',
    )
    await expect(describeTable('app-t')).rejects.toBeInstanceOf(ResourceNotFoundException)
  })

  test('TTL: unchanged is rejected, and a second change within the hour too, until the clock moves', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z')
    aws.clock = { now: () => now }
    await ddb.send(table('app-t'))
    await expect(
      ddb.send(
        new UpdateTimeToLiveCommand({
          TableName: 'app-t',
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceInUseException) // still CREATING
    aws.dynamodb.settle()
    const ttl = (Enabled: boolean) =>
      ddb.send(
        new UpdateTimeToLiveCommand({ TableName: 'app-t', TimeToLiveSpecification: { Enabled, AttributeName: 'ttl' } }),
      )
    await ttl(true)
    const described = await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'app-t' }))
    expect(described.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' })
    await expect(ttl(true)).rejects.toMatchObject(validationError('TimeToLive is already enabled'))
    now += 59 * 60_000
    await expect(ttl(false)).rejects.toMatchObject(
      validationError('Time to live has been modified multiple times within a fixed interval'),
    )
    now += 60_000
    await ttl(false)
    await expect(ttl(false)).rejects.toMatchObject(validationError('TimeToLive is already disabled'))
  })

  test('PITR, tags, ListTables and an out-of-band delete', async () => {
    aws.dynamodb.describesUntilActive = 0
    await ddb.send(table('app-t', { Tags: [{ Key: 'a', Value: '1' }] }))
    await ddb.send(table('app-u'))
    await describeTable('app-t')
    const pitr = { TableName: 'app-t', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }
    await ddb.send(new UpdateContinuousBackupsCommand(pitr))
    const backups = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'app-t' }))
    expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe(
      'ENABLED',
    )
    await expect(ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'app-x' }))).rejects.toBeInstanceOf(
      TableNotFoundException,
    )

    const ResourceArn = 'arn:aws:dynamodb:us-east-1:887078546492:table/app-t'
    await ddb.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'b', Value: '2' }] }))
    expect((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn }))).Tags).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ])
    await expect(ddb.send(new ListTagsOfResourceCommand({ ResourceArn: `${ResourceArn}x` }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    )

    expect(await ddb.send(new ListTablesCommand({ Limit: 1 }))).toMatchObject({
      TableNames: ['app-t'],
      LastEvaluatedTableName: 'app-t',
    })
    aws.dynamodb.deleteTableOutOfBand('app-t')
    expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual(['app-u'])
  })
})

describe('FakeAws', () => {
  test('the call log marks writes; failNext injects the service’s own error class', async () => {
    await ddb.send(table('app-t'))
    await describeTable('app-t')
    await expect(describeTable('app-x')).rejects.toThrow()
    expect(aws.calls.map((c) => [c.command, c.write, c.error])).toEqual([
      ['CreateTableCommand', true, undefined],
      ['DescribeTableCommand', false, undefined],
      ['DescribeTableCommand', false, 'ResourceNotFoundException'],
    ])
    expect(aws.writes()).toHaveLength(1)

    aws.failNext('CreateRole', () => aws.errorFor('CreateRole', 'ServiceFailure'))
    const create = () => iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))
    await expect(create()).rejects.toBeInstanceOf(ServiceFailureException)
    await expect(create()).resolves.toMatchObject({ Role: { RoleName: 'r' } })
  })

  test('toJSON/load round trip through JSON keeps every resource and state', async () => {
    await ddb.send(table('app-t'))
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))
    const before = await describeTable('app-t')
    const copy = createFakeAws()
    copy.load(JSON.parse(JSON.stringify(aws.toJSON())))
    aws.restore()
    aws = copy.install()
    expect(await describeTable('app-t')).toEqual({ ...before, TableStatus: 'ACTIVE' })
    expect((await iam.send(new GetRoleCommand({ RoleName: 'r' }))).Role?.RoleName).toBe('r')
  })
})

describe('preload in a child process', () => {
  const CREATE_THREE = `
    import { readFileSync } from 'node:fs'
    import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb'
    const ddb = new DynamoDBClient({ region: 'us-east-1' })
    const saved = () => JSON.parse(readFileSync(process.env.FAKE_AWS_STATE, 'utf8')).dynamodb.tables.map((t) => t.name)
    for (const name of ['tb1', 'tb2', 'tb3']) {
      const input = { TableName: name, BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }
      try { await ddb.send(new CreateTableCommand(input)); console.log(JSON.stringify({ name, saved: saved() })) }
      catch (e) { console.log(JSON.stringify({ name, error: e.name })) }
    }`
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-aws-preload-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const runNode = (state: string, env: Record<string, string> = {}) =>
    new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CREATE_THREE], {
        cwd: REPO_ROOT,
        env: fakeChildEnv(state, env),
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    })
  const lines = (out: string) =>
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))

  test('state is saved after every call and loaded by the next process', async () => {
    const state = join(dir, 'state.json')
    const first = await runNode(state)
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(lines(first.stdout)).toEqual([
      { name: 'tb1', saved: ['tb1'] },
      { name: 'tb2', saved: ['tb1', 'tb2'] },
      { name: 'tb3', saved: ['tb1', 'tb2', 'tb3'] },
    ])
    expect(readFakeState(state).dynamodb.tableNames()).toEqual(['tb1', 'tb2', 'tb3'])
    const second = await runNode(state, { FAKE_AWS_FAIL: 'CreateTable:LimitExceeded:1' })
    expect(lines(second.stdout).map((l) => l.error)).toEqual([
      'LimitExceededException',
      'ResourceInUseException',
      'ResourceInUseException',
    ])
    expect(readCalls(state).map((c) => [c.command, c.write, c.error ?? null])).toEqual([
      ...Array(3).fill(['CreateTableCommand', true, null]),
      ['CreateTableCommand', true, 'LimitExceededException'],
      ...Array(2).fill(['CreateTableCommand', true, 'ResourceInUseException']),
    ])
  })

  test('FAKE_AWS_KILL_AFTER kills with SIGKILL right after the Nth success is saved', async () => {
    const state = join(dir, 'state.json')
    const run = await runNode(state, { FAKE_AWS_KILL_AFTER: 'CreateTable:2' })
    expect(run).toMatchObject({ code: null, signal: 'SIGKILL' })
    expect(lines(run.stdout)).toEqual([{ name: 'tb1', saved: ['tb1'] }])
    expect(readFakeState(state).dynamodb.tableNames()).toEqual(['tb1', 'tb2'])
    expect(readCalls(state)).toHaveLength(2)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
