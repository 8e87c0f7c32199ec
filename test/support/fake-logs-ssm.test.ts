// FakeLogs and FakeSsm against the real SDK clients: the behaviours logs-ssm.md promises.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-cloudwatch-logs'
import {
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm'
import { FakeAws } from './fake-aws/core.js'
import { FakeLogs } from './fake-aws/logs.js'
import { FakeSsm } from './fake-aws/ssm.js'

const ACCOUNT = '111122223333'
const NOW = Date.UTC(2025, 0, 31, 12)

let aws: FakeAws
let logsFake: FakeLogs
let ssmFake: FakeSsm
let logs: CloudWatchLogsClient
let ssm: SSMClient

beforeEach(() => {
  logsFake = new FakeLogs()
  ssmFake = new FakeSsm()
  aws = new FakeAws([logsFake, ssmFake])
  aws.account = ACCOUNT
  aws.clock = { now: () => NOW }
  aws.install()
  logs = new CloudWatchLogsClient({ region: 'us-east-1' })
  ssm = new SSMClient({ region: 'us-east-1' })
})
afterEach(() => aws.restore())

const groupArn = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${name}`

describe('FakeLogs', () => {
  test('CreateLogGroup then DescribeLogGroups, with both ARN forms', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/api', tags: { 'infra:env': 'dev' } }))
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/api' }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    )
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }))
    expect(logGroups).toEqual([
      {
        logGroupName: '/aws/lambda/api',
        creationTime: NOW,
        metricFilterCount: 0,
        arn: `${groupArn('/aws/lambda/api')}:*`,
        storedBytes: 0,
        logGroupClass: 'STANDARD',
        logGroupArn: groupArn('/aws/lambda/api'),
      },
    ])
  })

  test('DescribeLogGroups pages in name order with nextToken', async () => {
    for (const n of ['c', 'a', 'b', 'other']) await logs.send(new CreateLogGroupCommand({ logGroupName: `/x/${n}` }))
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/x/', limit: 2 }))
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/x/a', '/x/b'])
    const rest = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/x/', limit: 2, nextToken: first.nextToken }),
    )
    expect(rest.logGroups?.map((g) => g.logGroupName)).toEqual(['/x/c', '/x/other'])
    expect(rest.nextToken).toBeUndefined()
  })

  test('retention: only the listed values, then removable', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }))
    const e = await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 2 })).catch((x) => x)
    expect(e).toBeInstanceOf(InvalidParameterException)
    expect(e.message).toContain("Value '2' at 'retentionInDays'")
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 14 }))
    expect(logsFake.group('g')?.retentionInDays).toBe(14)
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'g' }))
    expect(described.logGroups?.[0]?.retentionInDays).toBe(14)
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'g' }))
    expect(logsFake.group('g')?.retentionInDays).toBeUndefined()
    await expect(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: 'missing', retentionInDays: 7 })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
  })

  test('tags by the ARN without ":*"; the DescribeLogGroups `arn` is refused', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g', tags: { a: '1' } }))
    await logs.send(new TagResourceCommand({ resourceArn: groupArn('g'), tags: { b: '2' } }))
    await logs.send(new UntagResourceCommand({ resourceArn: groupArn('g'), tagKeys: ['a'] }))
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: groupArn('g') }))).tags).toEqual({ b: '2' })
    const e = await logs.send(new ListTagsForResourceCommand({ resourceArn: `${groupArn('g')}:*` })).catch((x) => x)
    expect(e).toBeInstanceOf(ValidationException)
    expect(e.message).toBe('Invalid resourceArn')
  })

  test('DeleteLogGroup, then a second delete is ResourceNotFoundException; state survives JSON', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'keep', tags: { t: 'v' } }))
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'gone' }))
    await logs.send(new DeleteLogGroupCommand({ logGroupName: 'gone' }))
    await expect(logs.send(new DeleteLogGroupCommand({ logGroupName: 'gone' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    )
    const copy = new FakeLogs()
    copy.load(JSON.parse(JSON.stringify(logsFake.toJSON())))
    expect(copy.group('keep')).toEqual(logsFake.group('keep'))
    expect(copy.group('gone')).toBeUndefined()
  })
})

describe('FakeSsm', () => {
  test('PutParameter creates version 1, refuses to overwrite unless told, then versions up', async () => {
    expect(await ssm.send(new PutParameterCommand({ Name: '/svc/dev/url', Value: 'a', Type: 'String' }))).toMatchObject(
      { Version: 1, Tier: 'Standard' },
    )
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/svc/dev/url', Value: 'b', Type: 'String' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists)
    const v2 = await ssm.send(new PutParameterCommand({ Name: '/svc/dev/url', Value: 'b', Overwrite: true }))
    expect(v2.Version).toBe(2)
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/svc/dev/url' }))
    expect(Parameter).toEqual({
      Name: '/svc/dev/url',
      Type: 'String',
      Value: 'b',
      Version: 2,
      LastModifiedDate: new Date(NOW),
      ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/svc/dev/url`,
      DataType: 'text',
    })
  })

  test('SecureString: ciphertext unless WithDecryption', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/svc/key', Value: 's3cret', Type: 'SecureString' }))
    const plain = await ssm.send(new GetParameterCommand({ Name: '/svc/key', WithDecryption: true }))
    expect(plain.Parameter?.Value).toBe('s3cret')
    const cipher = await ssm.send(new GetParameterCommand({ Name: '/svc/key' }))
    expect(cipher.Parameter?.Value).not.toBe('s3cret')
    expect(ssmFake.parameter('/svc/key')?.keyId).toBe('alias/aws/ssm')
  })

  test('missing parameters: ParameterNotFound, and InvalidParameters in GetParameters', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/a', Value: '1', Type: 'String' }))
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toBeInstanceOf(ParameterNotFound)
    const got = await ssm.send(new GetParametersCommand({ Names: ['/a', '/nope'] }))
    expect(got.Parameters?.map((p) => p.Name)).toEqual(['/a'])
    expect(got.InvalidParameters).toEqual(['/nope'])
    await ssm.send(new DeleteParameterCommand({ Name: '/a' }))
    await expect(ssm.send(new DeleteParameterCommand({ Name: '/a' }))).rejects.toBeInstanceOf(ParameterNotFound)
  })

  test('DescribeParameters filters by name and pages', async () => {
    for (const n of ['/svc/a', '/svc/b', '/svc/c', '/other']) {
      await ssm.send(new PutParameterCommand({ Name: n, Value: 'v', Type: 'String' }))
    }
    const exact = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/svc/b'] }] }),
    )
    expect(exact.Parameters?.map((p) => p.Name)).toEqual(['/svc/b'])
    const first = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/svc/'] }],
        MaxResults: 2,
      }),
    )
    expect(first.Parameters?.map((p) => p.Name)).toEqual(['/svc/a', '/svc/b'])
    const rest = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/svc/'] }],
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    )
    expect(rest.Parameters?.map((p) => p.Name)).toEqual(['/svc/c'])
  })

  test('a new parameter needs a Type; tags and Overwrite do not mix', async () => {
    const e = await ssm.send(new PutParameterCommand({ Name: '/t', Value: 'v' })).catch((x) => x)
    expect(e).toBeInstanceOf(SSMServiceException)
    expect(e.name).toBe('ValidationException')
    await expect(
      ssm.send(
        new PutParameterCommand({
          Name: '/t',
          Value: 'v',
          Type: 'String',
          Overwrite: true,
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' })
  })

  test('state survives JSON', async () => {
    await ssm.send(
      new PutParameterCommand({ Name: '/p', Value: 'v', Type: 'SecureString', Tags: [{ Key: 'k', Value: 'v' }] }),
    )
    const copy = new FakeSsm()
    copy.load(JSON.parse(JSON.stringify(aws.toJSON().ssm)))
    expect(copy.parameter('/p')).toEqual(ssmFake.parameter('/p'))
  })
})
