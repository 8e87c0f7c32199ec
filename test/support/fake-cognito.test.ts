// FakeCognito against the real SDK client: the behaviours cognito.md promises.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetUserPoolMfaConfigCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ResourceNotFoundException,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  TooManyRequestsException,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { FakeAws } from './fake-aws/core.js'
import { FakeCognito } from './fake-aws/cognito.js'

const REGION = 'us-east-1'
let aws: FakeAws
let fake: FakeCognito
let idp: CognitoIdentityProviderClient

beforeEach(() => {
  fake = new FakeCognito()
  aws = new FakeAws([fake]).install()
  idp = new CognitoIdentityProviderClient({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
})
afterEach(() => aws.restore())

const createPool = async (extra: Record<string, unknown> = {}) =>
  (await idp.send(new CreateUserPoolCommand({ PoolName: 'svc-users', UserPoolTags: { team: 'a' }, ...extra })))
    .UserPool!

describe('FakeCognito: user pools', () => {
  test('CreateUserPool: a region_9-alnum id, the ARN, tags, defaults; DescribeUserPool shows the same', async () => {
    const pool = await createPool({ DeletionProtection: 'ACTIVE', UsernameAttributes: ['email'] })
    expect(pool.Id).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/)
    expect(pool.Arn).toBe(`arn:aws:cognito-idp:us-east-1:887078546492:userpool/${pool.Id}`)
    const described = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }))).UserPool!
    expect(described).toMatchObject({
      Name: 'svc-users',
      UserPoolTags: { team: 'a' },
      DeletionProtection: 'ACTIVE',
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OFF',
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireSymbols: true } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    })
    expect(described.CreationDate).toBeInstanceOf(Date)
    expect(described.SchemaAttributes?.find((a) => a.Name === 'email')).toMatchObject({
      Required: false,
      Mutable: true,
    })
  })

  test('a missing pool is ResourceNotFoundException; a malformed id is InvalidParameterException', async () => {
    await expect(idp.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere12' }))).rejects.toThrow(
      ResourceNotFoundException,
    )
    await expect(idp.send(new DescribeUserPoolCommand({ UserPoolId: 'bad id' }))).rejects.toThrow(
      InvalidParameterException,
    )
  })

  test('MFA OPTIONAL at creation needs SMS, as on AWS; TOTP comes with SetUserPoolMfaConfig', async () => {
    await expect(createPool({ MfaConfiguration: 'OPTIONAL' })).rejects.toThrow(/SMS configuration .* required/)
    const pool = await createPool()
    await expect(
      idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.Id, MfaConfiguration: 'OPTIONAL' })),
    ).rejects.toThrow(/can't disable all MFAs/)
    await expect(
      idp.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: pool.Id,
          MfaConfiguration: 'OFF',
          SoftwareTokenMfaConfiguration: { Enabled: true },
        }),
      ),
    ).rejects.toThrow(/can't turn off MFA and configure an MFA together/)
    await idp.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.Id,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    )
    expect(await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.Id }))).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    })
  })

  test('UpdateUserPool resets what it is not given: deletion protection, password policy, triggers, MFA', async () => {
    const pool = await createPool({
      DeletionProtection: 'ACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 14, RequireSymbols: false } },
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:887078546492:function:pre' },
      AutoVerifiedAttributes: ['email'],
    })
    await idp.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.Id,
        MfaConfiguration: 'ON',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    )
    await idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id }))
    const after = fake.render(fake.pool(pool.Id!)!)
    expect(after).toMatchObject({ DeletionProtection: 'INACTIVE', LambdaConfig: {}, MfaConfiguration: 'OFF' })
    expect(after.Policies?.PasswordPolicy?.MinimumLength).toBe(8)
    expect(after.AutoVerifiedAttributes).toBeUndefined()
    expect(after.Name).toBe('svc-users')
    expect(after.UserPoolTags).toEqual({ team: 'a' })
  })

  test('UpdateUserPool: MFA OPTIONAL is accepted once TOTP is on, refused before', async () => {
    const pool = await createPool()
    await expect(
      idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id, MfaConfiguration: 'OPTIONAL' })),
    ).rejects.toThrow(/SMS configuration/)
    await idp.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: pool.Id,
        MfaConfiguration: 'OPTIONAL',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    )
    await idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.Id, MfaConfiguration: 'OPTIONAL' }))
    expect(fake.pool(pool.Id!)!.mfa).toEqual({ configuration: 'OPTIONAL', softwareToken: true })
  })

  test('ListUserPools needs MaxResults 1-60 and pages with NextToken', async () => {
    for (let i = 0; i < 5; i++) await createPool()
    await expect(idp.send(new ListUserPoolsCommand({} as never))).rejects.toThrow(InvalidParameterException)
    const first = await idp.send(new ListUserPoolsCommand({ MaxResults: 3 }))
    expect(first.UserPools).toHaveLength(3)
    const second = await idp.send(new ListUserPoolsCommand({ MaxResults: 3, NextToken: first.NextToken }))
    expect(second.UserPools).toHaveLength(2)
    expect(second.NextToken).toBeUndefined()
  })

  test('DeleteUserPool is refused with deletion protection, and while a domain is configured', async () => {
    const pool = await createPool({ DeletionProtection: 'ACTIVE' })
    await expect(idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.Id }))).rejects.toThrow(/deletion protection/)
    const open = await createPool()
    await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: open.Id, Domain: 'svc-auth' }))
    await expect(idp.send(new DeleteUserPoolCommand({ UserPoolId: open.Id }))).rejects.toThrow(/domain configured/)
    await idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: open.Id, Domain: 'svc-auth' }))
    await idp.send(new DeleteUserPoolCommand({ UserPoolId: open.Id }))
    expect(fake.pool(open.Id!)).toBeUndefined()
  })

  test('tags by ARN; deletePoolOutOfBand takes the clients and the domain with it', async () => {
    const pool = await createPool()
    await idp.send(new TagResourceCommand({ ResourceArn: pool.Arn, Tags: { env: 'x' } }))
    expect((await idp.send(new ListTagsForResourceCommand({ ResourceArn: pool.Arn }))).Tags).toEqual({
      team: 'a',
      env: 'x',
    })
    await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.Id, Domain: 'svc-auth' }))
    fake.deletePoolOutOfBand(pool.Id!)
    expect(fake.domain('svc-auth')).toBeUndefined()
    await expect(idp.send(new ListTagsForResourceCommand({ ResourceArn: pool.Arn }))).rejects.toThrow(
      ResourceNotFoundException,
    )
  })

  test('an injected throttle is the SDK’s TooManyRequestsException', async () => {
    aws.failNext('DescribeUserPool', () => aws.errorFor('DescribeUserPool', 'TooManyRequests'))
    await expect(idp.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_abc' }))).rejects.toThrow(
      TooManyRequestsException,
    )
  })

  test('state survives toJSON/load', async () => {
    const pool = await createPool()
    const copy = new FakeCognito()
    copy.load(JSON.parse(JSON.stringify(fake.toJSON())))
    expect(copy.render(copy.pool(pool.Id!)!)).toEqual(fake.render(fake.pool(pool.Id!)!))
  })
})

describe('FakeCognito: app clients', () => {
  const browserClient = {
    ClientName: 'svc-app',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const,
    AllowedOAuthFlows: ['code'] as const,
    AllowedOAuthScopes: ['openid', 'email'],
    AllowedOAuthFlowsUserPoolClient: true,
    CallbackURLs: ['http://localhost:5173/cb'],
  }

  test('create, describe, list; a secret only with GenerateSecret', async () => {
    const pool = await createPool()
    const client = (
      await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.Id,
          ...browserClient,
          ExplicitAuthFlows: [...browserClient.ExplicitAuthFlows],
          AllowedOAuthFlows: [...browserClient.AllowedOAuthFlows],
        }),
      )
    ).UserPoolClient!
    expect(client.ClientId).toMatch(/^[a-z0-9]{26}$/)
    expect(client.ClientSecret).toBeUndefined()
    expect(client).toMatchObject({ PreventUserExistenceErrors: 'LEGACY', RefreshTokenValidity: 30 })
    const legacy = (
      await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'x', GenerateSecret: true }))
    ).UserPoolClient!
    expect(legacy.ClientSecret).toMatch(/^[a-z0-9]{51}$/)
    expect(legacy.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH'])
    const listed = await idp.send(new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 1 }))
    expect(listed.UserPoolClients).toHaveLength(1)
    expect(listed.NextToken).toBeDefined()
    await expect(
      idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id, ClientId: 'nope' })),
    ).rejects.toThrow(ResourceNotFoundException)
  })

  test('OAuth settings are validated: flows and scopes together, callbacks HTTPS or localhost, openid', async () => {
    const pool = await createPool()
    const send = (extra: Record<string, unknown>) =>
      idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'c', ...extra }))
    await expect(send({ AllowedOAuthFlowsUserPoolClient: true })).rejects.toThrow(/AllowedOAuthFlows/)
    await expect(
      send({ ...browserClient, ExplicitAuthFlows: undefined, CallbackURLs: ['http://example.com/cb'] }),
    ).rejects.toThrow(/redirect URL/)
    await expect(
      send({ ...browserClient, ExplicitAuthFlows: undefined, AllowedOAuthScopes: ['email'] }),
    ).rejects.toThrow(/openid/)
  })

  test('UpdateUserPoolClient resets what it is not given, keeps name and secret', async () => {
    const pool = await createPool()
    const created = (
      await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.Id,
          ...browserClient,
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
          AllowedOAuthFlows: ['code'],
          GenerateSecret: true,
        }),
      )
    ).UserPoolClient!
    await idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.Id, ClientId: created.ClientId }))
    const after = fake.appClient(pool.Id!, created.ClientId!)!
    expect(after).toMatchObject({ ClientName: 'svc-app', AllowedOAuthFlowsUserPoolClient: false })
    expect(after.CallbackURLs).toBeUndefined()
    expect(after.ClientSecret).toBe(created.ClientSecret)
  })
})

describe('FakeCognito: domains', () => {
  test('CREATING for one describe, then ACTIVE; an unknown prefix describes as empty', async () => {
    const pool = await createPool()
    await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.Id, Domain: 'svc-auth' }))
    const describe = async (Domain: string) =>
      (await idp.send(new DescribeUserPoolDomainCommand({ Domain }))).DomainDescription
    expect((await describe('svc-auth'))?.Status).toBe('CREATING')
    expect(await describe('svc-auth')).toMatchObject({ Status: 'ACTIVE', UserPoolId: pool.Id })
    expect(await describe('unknown')).toEqual({})
    expect(fake.render(fake.pool(pool.Id!)!).Domain).toBe('svc-auth')
  })

  test('a prefix held by another pool or another account is refused; one domain per pool; reserved words', async () => {
    fake.takenPrefixes = ['theirs']
    const pool = await createPool()
    const other = await createPool()
    const create = (UserPoolId: string | undefined, Domain: string) =>
      idp.send(new CreateUserPoolDomainCommand({ UserPoolId, Domain }))
    await expect(create(pool.Id, 'theirs')).rejects.toThrow('Domain already associated with another user pool.')
    expect((await idp.send(new DescribeUserPoolDomainCommand({ Domain: 'theirs' }))).DomainDescription).toEqual({})
    await create(other.Id, 'mine')
    await expect(create(pool.Id, 'mine')).rejects.toThrow('Domain already associated with another user pool.')
    await create(pool.Id, 'svc-auth')
    await expect(create(pool.Id, 'svc-auth2')).rejects.toThrow(/already has a domain/)
    await expect(create(other.Id, 'my-cognito')).rejects.toThrow(/reserved word/)
    await expect(create(other.Id, 'Bad_Prefix')).rejects.toThrow(InvalidParameterException)
  })
})
