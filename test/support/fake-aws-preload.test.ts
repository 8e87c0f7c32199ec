// The e2e preload as a child process sees it (bundled by test/support/cli.ts, with child-send-stub.ts in place of
// aws-sdk-client-mock): commands dispatched by class, the SDK's own error classes for injected faults, an unmodelled
// command refused, and the state saved after writes, a read's countdown at exit.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { fakeChildEnv, readFakeState, REPO_ROOT } from './cli.js'

const SCRIPT = `
  import { readFileSync } from 'node:fs'
  import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
  import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
  const saved = () => readFileSync(process.env.FAKE_AWS_STATE, 'utf8')
  const outcome = (p) => p.then((o) => o, (e) => ({ error: e.name, sdkClass: e.constructor.name, message: e.message }))
  const ddb = new DynamoDBClient({ region: 'us-east-1' })
  const sts = new STSClient({ region: 'us-east-1' })
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account
  const unmodelled = await outcome(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/r', RoleSessionName: 's' })))
  const input = { TableName: 'tb1', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }
  const injected = await outcome(ddb.send(new CreateTableCommand(input)))
  await ddb.send(new CreateTableCommand(input))
  const afterCreate = saved()
  const status = (await ddb.send(new DescribeTableCommand({ TableName: 'tb1' }))).Table.TableStatus
  console.log(JSON.stringify({ account, unmodelled, injected, status, savedByRead: saved() !== afterCreate, afterCreate }))
`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-aws-preload-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

test('dispatch by command class, injected and unmodelled errors, a read saved at exit', () => {
  const state = join(dir, 'state.json')
  const env = fakeChildEnv(state, {
    FAKE_AWS_ACCOUNT: '111122223333',
    FAKE_AWS_FAIL: 'CreateTable:LimitExceeded',
    FAKE_AWS_DESCRIBES_UNTIL_ACTIVE: '2',
  })
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: REPO_ROOT, env })
  const run = JSON.parse(out.toString())

  expect(run).toMatchObject({
    account: '111122223333',
    unmodelled: { error: 'Error', message: 'FakeAws(sts): command not modelled' },
    injected: { error: 'LimitExceededException', sdkClass: 'LimitExceededException' },
    status: 'CREATING',
    savedByRead: false,
  })
  const table = (json: string) => JSON.parse(json).dynamodb.tables[0]
  // The describe's countdown was saved when the process exited.
  expect(table(run.afterCreate).describesLeft).toBe(2)
  expect(readFakeState(state).dynamodb.toJSON()).toMatchObject({ tables: [{ name: 'tb1', describesLeft: 1 }] })
})
