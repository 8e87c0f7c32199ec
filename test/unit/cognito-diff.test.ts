// The pure halves of step 08's resources: user pool and app client diffs, refusals, and the update requests that
// must carry every setting (Cognito resets what an update leaves out).
import { describe, expect, test } from 'vitest'
import type { UserPoolClientType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider'
import {
  diffUserPoolClient,
  refusedClientChanges,
  toUpdateUserPoolClientInput,
  type UserPoolClientSpec,
} from '../../src/resources/cognito/client-diff.js'
import {
  diffUserPool,
  refusedUserPoolChanges,
  toCreateUserPoolInput,
  toSetMfaConfigInput,
  toUnprotectUserPoolInput,
  toUpdateUserPoolInput,
  type ObservedUserPool,
  type UserPoolSpec,
} from '../../src/resources/cognito/user-pool-diff.js'

const TAGS = { 'managed-by': 'infra', 'infra:service': 'svc', 'infra:env': 'dev' }
const spec = (over: Partial<UserPoolSpec> = {}): UserPoolSpec => ({
  logicalId: 'users',
  name: 'svc-users',
  usernameAttributes: ['email'],
  requiredAttributes: [],
  mfa: 'OPTIONAL',
  passwordPolicy: {
    minimumLength: 12,
    requireUppercase: true,
    requireLowercase: true,
    requireNumbers: true,
    requireSymbols: true,
    temporaryPasswordValidityDays: 7,
  },
  selfSignUp: true,
  deletionProtection: false,
  tags: TAGS,
  ...over,
})

/** A pool exactly as the spec makes it. */
const matching = (): ObservedUserPool => ({
  pool: {
    Id: 'us-east-1_abc',
    Name: 'svc-users',
    Arn: 'arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_abc',
    Policies: {
      PasswordPolicy: {
        MinimumLength: 12,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 7,
      },
    },
    DeletionProtection: 'INACTIVE',
    AutoVerifiedAttributes: ['email'],
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
    UsernameAttributes: ['email'],
    SchemaAttributes: [
      { Name: 'sub', Required: true, Mutable: false },
      { Name: 'email', Required: false, Mutable: true },
      { Name: 'custom:plan', Required: false, Mutable: false },
    ],
  },
  mfa: { configuration: 'OPTIONAL', softwareToken: true },
  tags: TAGS,
})

describe('diffUserPool', () => {
  test('a pool made from the spec has no difference', () => {
    expect(diffUserPool(matching(), spec())).toEqual([])
  })

  test('one entry per differing setting, with from and to', () => {
    const have = matching()
    have.pool.Policies!.PasswordPolicy!.MinimumLength = 8
    have.pool.AutoVerifiedAttributes = []
    have.mfa = { configuration: 'OFF', softwareToken: false }
    have.tags = { ...TAGS, 'infra:env': 'other' }
    expect(diffUserPool(have, spec({ deletionProtection: true, selfSignUp: false }))).toEqual([
      { field: 'PasswordPolicy.MinimumLength', from: 8, to: 12 },
      { field: 'DeletionProtection', from: 'INACTIVE', to: 'ACTIVE' },
      { field: 'AutoVerifiedAttributes', from: [], to: ['email'] },
      { field: 'AllowAdminCreateUserOnly', from: false, to: true },
      { field: 'MfaConfiguration', from: 'OFF', to: 'OPTIONAL' },
      { field: 'SoftwareTokenMfaConfiguration.Enabled', from: false, to: true },
      { field: 'Tags[infra:env]', from: 'other', to: 'dev' },
    ])
  })

  test('a pool with no account recovery setting (the manual’s) gets verified email', () => {
    const have = matching()
    delete have.pool.AccountRecoverySetting
    expect(diffUserPool(have, spec())).toEqual([{ field: 'AccountRecoverySetting', from: [], to: ['verified_email'] }])
  })
})

describe('refusedUserPoolChanges', () => {
  test('sign-in attributes, aliases and required/mutable standard attributes are refused; sub and custom ignored', () => {
    expect(refusedUserPoolChanges(matching().pool, spec())).toEqual([])
    const pool: UserPoolType = { ...matching().pool, UsernameAttributes: undefined, AliasAttributes: ['email'] }
    expect(refusedUserPoolChanges(pool, spec({ requiredAttributes: ['email'] })).map((c) => c.field)).toEqual([
      'UsernameAttributes',
      'AliasAttributes',
      'Schema[email].Required',
    ])
    const immutable = { ...matching().pool, SchemaAttributes: [{ Name: 'name', Required: false, Mutable: false }] }
    expect(refusedUserPoolChanges(immutable, spec())).toEqual([
      { field: 'Schema[name].Mutable', from: false, to: true },
    ])
  })
})

describe('user pool requests', () => {
  test('the create has no MFA (Cognito needs SMS for it at creation) and the required attributes as schema', () => {
    const input = toCreateUserPoolInput(spec({ requiredAttributes: ['name'] }))
    expect(input).not.toHaveProperty('MfaConfiguration')
    expect(input.Schema).toEqual([{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }])
    expect(input.UsernameConfiguration).toEqual({ CaseSensitive: false })
  })

  test('MFA: TOTP with OPTIONAL/ON, no factor with OFF', () => {
    expect(toSetMfaConfigInput(spec(), 'p')).toEqual({
      UserPoolId: 'p',
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    })
    expect(toSetMfaConfigInput(spec({ mfa: 'OFF' }), 'p')).toEqual({ UserPoolId: 'p', MfaConfiguration: 'OFF' })
  })

  test('the update carries every managed setting, the MFA mode, and what infra does not manage', () => {
    const have = matching().pool
    Object.assign(have, {
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:1:function:f' },
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', SourceArn: 'arn:aws:ses:us-east-1:1:identity/x' },
      UserPoolTier: 'PLUS',
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        UnusedAccountValidityDays: 7,
        InviteMessageTemplate: { EmailSubject: 'Hi' },
      },
    })
    const input = toUpdateUserPoolInput(spec(), have)
    expect(input).toMatchObject({
      UserPoolId: 'us-east-1_abc',
      PoolName: 'svc-users',
      MfaConfiguration: 'OPTIONAL',
      DeletionProtection: 'INACTIVE',
      AutoVerifiedAttributes: ['email'],
      LambdaConfig: have.LambdaConfig,
      EmailConfiguration: have.EmailConfiguration,
      UserPoolTier: 'PLUS',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, InviteMessageTemplate: { EmailSubject: 'Hi' } },
    })
    // Cognito refuses the deprecated field; tags go through TagResource.
    expect(input.AdminCreateUserConfig).not.toHaveProperty('UnusedAccountValidityDays')
    expect(input).not.toHaveProperty('UserPoolTags')
  })

  test('switching deletion protection off before a delete carries the pool’s own settings, not the spec’s', () => {
    const have = { ...matching().pool, DeletionProtection: 'ACTIVE' as const, MfaConfiguration: 'OPTIONAL' as const }
    have.LambdaConfig = { PreSignUp: 'arn:aws:lambda:us-east-1:1:function:f' }
    const input = toUnprotectUserPoolInput(have)
    expect(input).toMatchObject({
      UserPoolId: 'us-east-1_abc',
      DeletionProtection: 'INACTIVE',
      MfaConfiguration: 'OPTIONAL',
      Policies: have.Policies,
      AutoVerifiedAttributes: ['email'],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      AccountRecoverySetting: have.AccountRecoverySetting,
      LambdaConfig: have.LambdaConfig,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    })
    expect(input.AdminCreateUserConfig).not.toHaveProperty('UnusedAccountValidityDays')
  })
})

const clientSpec = (over: Partial<UserPoolClientSpec> = {}): UserPoolClientSpec => ({
  logicalId: 'app',
  name: 'svc-app',
  generateSecret: false,
  explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  callbackUrls: ['https://a.example/cb', 'https://b.example/cb'],
  logoutUrls: ['https://a.example/'],
  oauthFlows: ['code'],
  oauthScopes: ['openid', 'email'],
  accessTokenMinutes: 60,
  idTokenMinutes: 60,
  refreshTokenDays: 30,
  ...over,
})
const client = (): UserPoolClientType => ({
  UserPoolId: 'us-east-1_abc',
  ClientId: 'client1',
  ClientName: 'svc-app',
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
  SupportedIdentityProviders: ['COGNITO'],
  CallbackURLs: ['https://b.example/cb', 'https://a.example/cb'],
  LogoutURLs: ['https://a.example/'],
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['email', 'openid'],
  AllowedOAuthFlowsUserPoolClient: true,
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  AuthSessionValidity: 3,
})

describe('diffUserPoolClient', () => {
  test('lists compare as sets: the same URLs in another order are no change', () => {
    expect(diffUserPoolClient(client(), clientSpec())).toEqual([])
  })

  test('one entry per differing field', () => {
    const have = { ...client(), PreventUserExistenceErrors: 'LEGACY' as const, TokenValidityUnits: {} }
    expect(diffUserPoolClient(have, clientSpec({ callbackUrls: ['https://a.example/cb'] }))).toEqual([
      { field: 'CallbackURLs', from: ['https://a.example/cb', 'https://b.example/cb'], to: ['https://a.example/cb'] },
      { field: 'PreventUserExistenceErrors', from: 'LEGACY', to: 'ENABLED' },
      { field: 'TokenValidityUnits.AccessToken', from: undefined, to: 'minutes' },
      { field: 'TokenValidityUnits.IdToken', from: undefined, to: 'minutes' },
      { field: 'TokenValidityUnits.RefreshToken', from: undefined, to: 'days' },
    ])
  })

  test('a secret cannot be added or removed in place', () => {
    expect(refusedClientChanges(client(), clientSpec())).toEqual([])
    expect(refusedClientChanges(client(), clientSpec({ generateSecret: true }))).toEqual([
      { field: 'ClientSecret', from: false, to: true },
    ])
    expect(refusedClientChanges({ ...client(), ClientSecret: 's' }, clientSpec())).toHaveLength(1)
  })

  test('the update has the full settings plus what infra does not manage; a stale default redirect is dropped', () => {
    const have = {
      ...client(),
      ReadAttributes: ['email', 'name'],
      RefreshTokenRotation: { Feature: 'ENABLED' as const },
      DefaultRedirectURI: 'https://old.example/cb',
    }
    const input = toUpdateUserPoolClientInput(clientSpec(), have)
    expect(input).toMatchObject({
      UserPoolId: 'us-east-1_abc',
      ClientId: 'client1',
      ClientName: 'svc-app',
      CallbackURLs: ['https://a.example/cb', 'https://b.example/cb'],
      ReadAttributes: ['email', 'name'],
      RefreshTokenRotation: { Feature: 'ENABLED' },
      PreventUserExistenceErrors: 'ENABLED',
    })
    expect(input).not.toHaveProperty('DefaultRedirectURI')
    expect(
      toUpdateUserPoolClientInput(clientSpec(), { ...have, DefaultRedirectURI: 'https://a.example/cb' }),
    ).toMatchObject({
      DefaultRedirectURI: 'https://a.example/cb',
    })
  })
})
