// FakeLambda against the real SDK client: the behaviours lambda.md promises.
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  LambdaClient,
  LambdaServiceException,
  ListAliasesCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  ProvisionedConcurrencyConfigNotFoundException,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda'
import { FakeAws } from './fake-aws/core.js'
import { FakeLambda } from './fake-aws/lambda.js'

const ACCOUNT = '111122223333'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/svc-lambda`
const ARN = (name: string, q?: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${q ? `:${q}` : ''}`
const zip = (text: string) => new TextEncoder().encode(text)
const sha = (text: string) => createHash('sha256').update(text).digest('base64')
/** The rejection of a call, to assert on outside any catch block. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (e: unknown) => e as Error & { Type?: string },
  )

let aws: FakeAws
let lambda: FakeLambda
let client: LambdaClient

beforeEach(() => {
  lambda = new FakeLambda()
  aws = new FakeAws([lambda])
  aws.account = ACCOUNT
  aws.clock = { now: () => Date.UTC(2025, 0, 31, 12) }
  aws.install()
  client = new LambdaClient({ region: 'us-east-1' })
})
afterEach(() => aws.restore())

const create = (name: string, extra: Partial<CreateFunctionCommandInput> = {}) =>
  client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zip(`code of ${name}`) },
      ...extra,
    }),
  )
const config = (name: string, Qualifier?: string) =>
  client.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier }))
/** Creates a function and reads it once, so that it is Active (describesUntilActive = 1). */
const active = async (name: string, extra: Partial<CreateFunctionCommandInput> = {}) => {
  await create(name, extra)
  return config(name)
}

describe('CreateFunction and the Pending → Active transition', () => {
  test('reports what Lambda reports, Pending first, Active on the first read', async () => {
    const created = await create('api', { Tags: { 'infra:env': 'dev' }, Environment: { Variables: { A: '1' } } })
    expect(created).toMatchObject({
      FunctionName: 'api',
      FunctionArn: ARN('api'),
      CodeSha256: sha('code of api'),
      CodeSize: zip('code of api').byteLength,
      Version: '$LATEST',
      State: 'Pending',
      StateReasonCode: 'Creating',
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Timeout: 3,
      MemorySize: 128,
      Architectures: ['x86_64'],
      TracingConfig: { Mode: 'PassThrough' },
      Environment: { Variables: { A: '1' } },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/api' },
      LastModified: '2025-01-31T12:00:00.000+0000',
    })
    expect(created.LastUpdateStatus).toBeUndefined()
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'api' }))
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' })
    expect(got.Tags).toEqual({ 'infra:env': 'dev' })
    expect(got.Code?.RepositoryType).toBe('S3')
  })

  test('a second CreateFunction conflicts', async () => {
    await create('api')
    const e = await failure(create('api'))
    expect(e).toBeInstanceOf(ResourceConflictException)
    expect(e.message).toBe('Function already exist: api')
    expect(e.Type).toBe('User')
  })

  test('describesUntilActive = 2: one read still sees Pending; 0: Active at once', async () => {
    lambda.describesUntilActive = 2
    await create('slow')
    expect((await config('slow')).State).toBe('Pending')
    expect((await config('slow')).State).toBe('Active')
    lambda.describesUntilActive = 0
    expect((await create('fast')).State).toBe('Active')
  })

  test('any change while Pending is refused', async () => {
    await create('api')
    const e = await failure(client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip('v2') })))
    expect(e).toBeInstanceOf(ResourceConflictException)
    expect(e.message).toContain("is currently in the following state: 'Pending'")
  })

  test("the SDK's waiter sees the function become Active", async () => {
    lambda.describesUntilActive = 3
    await create('api')
    const result = await waitUntilFunctionActiveV2(
      { client, maxWaitTime: 5, minDelay: 0.001, maxDelay: 0.002 },
      { FunctionName: 'api' },
    )
    expect(result.state).toBe('SUCCESS')
  })

  test('Publish: true publishes version 1', async () => {
    const created = await create('api', { Publish: true })
    expect(created.Version).toBe('1')
    expect(lambda.fn('api')?.versions['1']?.code.sha256).toBe(sha('code of api'))
  })
})

describe('updates: InProgress → Successful, never two at once', () => {
  test('an update in progress refuses the next one until a read sees Successful', async () => {
    const before = await active('api')
    const updated = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Timeout: 30 }))
    expect(updated).toMatchObject({ Timeout: 30, LastUpdateStatus: 'InProgress' })
    expect(updated.RevisionId).not.toBe(before.RevisionId)
    const e = await failure(client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip('v2') })))
    expect(e).toBeInstanceOf(ResourceConflictException)
    expect(e.message).toBe(
      `The operation cannot be performed at this time. An update is in progress for resource: ${ARN('api')}`,
    )
    await expect(client.send(new PublishVersionCommand({ FunctionName: 'api' }))).rejects.toBeInstanceOf(
      ResourceConflictException,
    )
    expect((await config('api')).LastUpdateStatus).toBe('Successful')
    const code = await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip('v2') }))
    expect(code).toMatchObject({ CodeSha256: sha('v2'), Timeout: 30, LastUpdateStatus: 'InProgress' })
    await waitUntilFunctionUpdatedV2(
      { client, maxWaitTime: 5, minDelay: 0.001, maxDelay: 0.002 },
      { FunctionName: 'api' },
    )
    expect(lambda.fn('api')?.lastUpdateStatus).toBe('Successful')
  })

  test('a stale RevisionId is a PreconditionFailedException', async () => {
    const before = await active('api')
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', MemorySize: 256 }))
    await config('api')
    const e = await failure(
      client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Timeout: 9, RevisionId: before.RevisionId }),
      ),
    )
    expect(e).toBeInstanceOf(PreconditionFailedException)
  })
})

describe('role propagation', () => {
  test('a role fails rolePropagationFailures times, then works; each role counts on its own', async () => {
    lambda.rolePropagationFailures = 2
    for (let i = 0; i < 2; i++) {
      const e = await failure(create('api'))
      expect(e).toBeInstanceOf(InvalidParameterValueException)
      expect(e.message).toBe('The role defined for the function cannot be assumed by Lambda.')
    }
    await config((await create('api')).FunctionName!)
    const other = `arn:aws:iam::${ACCOUNT}:role/other`
    const u = () => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Role: other }))
    await expect(u()).rejects.toBeInstanceOf(InvalidParameterValueException)
    await expect(u()).rejects.toBeInstanceOf(InvalidParameterValueException)
    expect((await u()).Role).toBe(other)
    expect(aws.calls.filter((c) => c.error === 'InvalidParameterValueException')).toHaveLength(4)
  })
})

describe('versions', () => {
  test('PublishVersion snapshots; unchanged code and configuration return the existing version', async () => {
    await active('api')
    const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'api', Description: 'first' }))
    expect(v1).toMatchObject({ Version: '1', FunctionArn: ARN('api', '1'), Description: 'first', State: 'Active' })
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'api' }))
    expect(again.Version).toBe('1')
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip('v2') }))
    await config('api')
    const stale = await failure(
      client.send(new PublishVersionCommand({ FunctionName: 'api', CodeSha256: sha('code of api') })),
    )
    expect(stale).toBeInstanceOf(InvalidParameterValueException)
    expect(stale.message).toContain('is different from current CodeSHA256 in $LATEST')
    const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'api', CodeSha256: sha('v2') }))
    expect(v2).toMatchObject({ Version: '2', CodeSha256: sha('v2') })
    expect((await config('api', '1')).CodeSha256).toBe(sha('code of api'))
  })

  test('ListVersionsByFunction pages through $LATEST and the versions; numbers are never reused', async () => {
    await active('api')
    for (const text of ['a', 'b', 'c']) {
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip(text), Publish: true }))
      await config('api')
    }
    await client.send(new DeleteFunctionCommand({ FunctionName: 'api', Qualifier: '3' }))
    const first = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'api', MaxItems: 2 }))
    expect(first.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1'])
    expect(first.Versions?.[0]?.FunctionArn).toBe(ARN('api', '$LATEST'))
    const rest = await client.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'api', Marker: first.NextMarker, MaxItems: 2 }),
    )
    expect(rest.Versions?.map((v) => v.Version)).toEqual(['2'])
    expect(rest.NextMarker).toBeUndefined()
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api', ZipFile: zip('d') }))
    await config('api')
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'api' }))).Version).toBe('4')
  })

  test('names, qualified names, partial and full ARNs all resolve', async () => {
    await active('api', { Publish: true })
    expect((await config('api:1')).FunctionArn).toBe(ARN('api', '1'))
    expect((await config(`${ACCOUNT}:function:api`)).FunctionArn).toBe(ARN('api'))
    expect((await config(ARN('api', '1'))).Version).toBe('1')
    const e = await failure(config('api:1', '2'))
    expect(e).toBeInstanceOf(InvalidParameterValueException)
    const missing = await failure(config('api', '7'))
    expect(missing).toBeInstanceOf(ResourceNotFoundException)
    expect(missing.message).toBe(`Function not found: ${ARN('api', '7')}`)
  })
})

describe('aliases', () => {
  const publish = async (name: string, count: number) => {
    await active(name)
    for (let i = 1; i <= count; i++) {
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip(`v${i}`), Publish: true }))
      await config(name)
    }
  }

  test('create, read through the alias, conflict on a second create', async () => {
    await publish('api', 2)
    const alias = await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '1' }))
    expect(alias).toMatchObject({ AliasArn: ARN('api', 'live'), FunctionVersion: '1', Description: '' })
    const viaAlias = await client.send(new GetFunctionCommand({ FunctionName: ARN('api', 'live') }))
    expect(viaAlias.Configuration).toMatchObject({ Version: '1', FunctionArn: ARN('api', 'live') })
    const e = await failure(
      client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '2' })),
    )
    expect(e).toBeInstanceOf(ResourceConflictException)
    await expect(
      client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'next', FunctionVersion: '9' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(client.send(new GetAliasCommand({ FunctionName: 'api', Name: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    )
  })

  test('routing configuration is validated like Lambda does', async () => {
    await publish('api', 3)
    await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '2' }))
    const update = (weights: Record<string, number>, FunctionVersion?: string) =>
      client.send(
        new UpdateAliasCommand({
          FunctionName: 'api',
          Name: 'live',
          FunctionVersion,
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      )
    await expect(update({ '1': 0.1, '3': 0.1 })).rejects.toBeInstanceOf(InvalidParameterValueException)
    const range = await failure(update({ '1': 1.5 }))
    expect(range).toBeInstanceOf(LambdaServiceException)
    expect(range.name).toBe('ValidationException')
    const same = await failure(update({ '2': 0.5 }))
    expect(same).toBeInstanceOf(InvalidParameterValueException)
    expect(same.message).toBe(
      'Invalid function version 2. Function version 2 is already included in routing configuration.',
    )
    await expect(update({ '9': 0.5 })).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(update({ '1': 0.5 }, '$LATEST')).rejects.toBeInstanceOf(InvalidParameterValueException)
    const ok = await update({ '3': 0.25 })
    expect(ok.RoutingConfig).toEqual({ AdditionalVersionWeights: { '3': 0.25 } })
    // Moving the primary version onto the weighted one, without new weights, is the same mistake.
    await expect(
      client.send(new UpdateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '3' })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException)
    const cleared = await client.send(
      new UpdateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '3', RoutingConfig: {} }),
    )
    expect(cleared.RoutingConfig).toBeUndefined()
    const listed = await client.send(new ListAliasesCommand({ FunctionName: 'api' }))
    expect(listed.Aliases?.map((a) => [a.Name, a.FunctionVersion])).toEqual([['live', '3']])
    const e = await failure(client.send(new DeleteFunctionCommand({ FunctionName: 'api', Qualifier: '3' })))
    expect(e).toBeInstanceOf(ResourceConflictException)
  })
})

describe('permissions', () => {
  test('GetPolicy returns the statement as Lambda formats it', async () => {
    await active('api')
    const sourceArn = `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/*/*/items`
    const added = await client.send(
      new AddPermissionCommand({
        FunctionName: 'api',
        StatementId: 'apigw',
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sourceArn,
      }),
    )
    const statement = {
      Sid: 'apigw',
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: ARN('api'),
      Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
    }
    expect(JSON.parse(added.Statement!)).toEqual(statement)
    const policy = await client.send(new GetPolicyCommand({ FunctionName: 'api' }))
    expect(JSON.parse(policy.Policy!)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [statement] })
    expect(policy.RevisionId).toBe(lambda.fn('api')?.latest.revisionId)
  })

  test('statement ids are unique per function and qualifier', async () => {
    await active('api', { Publish: true })
    await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '1' }))
    const add = (Qualifier?: string) =>
      client.send(
        new AddPermissionCommand({
          FunctionName: 'api',
          Qualifier,
          StatementId: 's3',
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceAccount: ACCOUNT,
        }),
      )
    await add()
    const e = await failure(add())
    expect(e).toBeInstanceOf(ResourceConflictException)
    expect(e.message).toBe(
      'The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.',
    )
    const onAlias = await add('live')
    expect(JSON.parse(onAlias.Statement!).Resource).toBe(ARN('api', 'live'))
    await expect(add('$LATEST')).rejects.toBeInstanceOf(InvalidParameterValueException)
    await client.send(new RemovePermissionCommand({ FunctionName: 'api', StatementId: 's3' }))
    await expect(client.send(new GetPolicyCommand({ FunctionName: 'api' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    )
    const aliasPolicy = await client.send(new GetPolicyCommand({ FunctionName: 'api', Qualifier: 'live' }))
    expect(JSON.parse(aliasPolicy.Policy!).Statement[0].Condition).toEqual({
      StringEquals: { 'AWS:SourceAccount': ACCOUNT },
    })
  })
})

describe('concurrency and tags', () => {
  test('reserved concurrency, and the account minimum of 100 unreserved', async () => {
    await active('api')
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api', ReservedConcurrentExecutions: 5 }))
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'api' }))).Concurrency).toEqual({
      ReservedConcurrentExecutions: 5,
    })
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api' }))
    expect(await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api' }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    )
    lambda.accountConcurrencyLimit = 10
    await expect(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api', ReservedConcurrentExecutions: 1 })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException)
  })

  test('provisioned concurrency: not on $LATEST, IN_PROGRESS then READY', async () => {
    await active('api', { Publish: true })
    await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '1' }))
    const put = (Qualifier: string) =>
      client.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'api',
          Qualifier,
          ProvisionedConcurrentExecutions: 2,
        }),
      )
    await expect(put('$LATEST')).rejects.toBeInstanceOf(InvalidParameterValueException)
    const get = () =>
      client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'api', Qualifier: 'live' }))
    await expect(get()).rejects.toBeInstanceOf(ProvisionedConcurrencyConfigNotFoundException)
    expect((await put('live')).Status).toBe('IN_PROGRESS')
    expect(await get()).toMatchObject({ Status: 'READY', AllocatedProvisionedConcurrentExecutions: 2 })
    await expect(put('1')).rejects.toBeInstanceOf(ResourceConflictException)
  })

  test('tags take the unqualified function ARN', async () => {
    await active('api', { Tags: { a: '1' } })
    await client.send(new TagResourceCommand({ Resource: ARN('api'), Tags: { b: '2' } }))
    await client.send(new UntagResourceCommand({ Resource: ARN('api'), TagKeys: ['a'] }))
    expect((await client.send(new ListTagsCommand({ Resource: ARN('api') }))).Tags).toEqual({ b: '2' })
    await expect(
      client.send(new TagResourceCommand({ Resource: ARN('api', '1'), Tags: { c: '3' } })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException)
  })
})

describe('test helpers and persistence', () => {
  test('deleteFunctionOutOfBand: the next read finds nothing', async () => {
    await active('api')
    lambda.deleteFunctionOutOfBand('api')
    expect(lambda.fn('api')).toBeUndefined()
    const e = await failure(config('api'))
    expect(e).toBeInstanceOf(ResourceNotFoundException)
    expect(e.message).toBe(`Function not found: ${ARN('api')}`)
  })

  test('toJSON → JSON → load gives the same functions, versions, aliases, policies and settings', async () => {
    lambda.describesUntilUpdated = 3
    await active('api', { Publish: true, Tags: { t: 'v' } })
    await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '1' }))
    await client.send(
      new AddPermissionCommand({
        FunctionName: 'api',
        StatementId: 'x',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
      }),
    )
    const before = await client.send(new GetFunctionCommand({ FunctionName: 'api' }))
    const state = JSON.parse(JSON.stringify(aws.toJSON()))
    aws.restore()

    const reloaded = new FakeLambda()
    aws = new FakeAws([reloaded])
    aws.account = ACCOUNT
    aws.load(state)
    aws.install()
    expect(reloaded.describesUntilUpdated).toBe(3)
    const after = await client.send(new GetFunctionCommand({ FunctionName: 'api' }))
    expect(after.Configuration).toEqual(before.Configuration)
    expect(after.Tags).toEqual({ t: 'v' })
    expect((await config('api', 'live')).CodeSha256).toBe(sha('code of api'))
    expect((await client.send(new GetPolicyCommand({ FunctionName: 'api' }))).Policy).toContain('"Sid":"x"')
    // The revision sequence continues: no RevisionId is handed out twice.
    const updated = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Timeout: 7 }))
    expect(updated.RevisionId).not.toBe(before.Configuration?.RevisionId)
    expect(updated.LastUpdateStatus).toBe('InProgress')
  })
})
