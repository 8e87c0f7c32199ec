// FakeCognito (service 'cognito-idp'): user pools, their MFA configuration and tags. App clients and domains are in
// cognito-clients.ts; state shapes, defaults and errors in cognito-model.ts. What it models: cognito.md.
import * as sdk from '@aws-sdk/client-cognito-identity-provider'
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  LimitExceededException,
  ListTagsForResourceCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UpdateUserPoolCommand,
  type CreateUserPoolRequest,
  type GetUserPoolMfaConfigResponse,
  type ListUserPoolsResponse,
  type SetUserPoolMfaConfigRequest,
  type UpdateUserPoolRequest,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type Out, type ServiceFake } from './core.js'
import { clientHandlers, domainHandlers } from './cognito-clients.js'
import {
  ALNUM,
  DEFAULT_PASSWORD_POLICY,
  checkName,
  checkPoolId,
  idFrom,
  invalidParameter,
  notFound,
  paginate,
  schemaFrom,
  type ClientState,
  type DomainState,
  type Entry,
  type PoolSettings,
  type PoolState,
} from './cognito-model.js'

export type { ClientState, DomainState, PoolState } from './cognito-model.js'

// Cognito's texts (from API users' reports); ≈ marks the ones not confirmed word for word.
const SMS_REQUIRED =
  'SMS configuration and Auto verification for phone_number are required when MFA is required/optional'
const MFA_OFF_WITH_FACTOR = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
const DELETION_PROTECTED =
  'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.'
const HAS_DOMAIN = 'User pool cannot be deleted. It has a domain configured that should be deleted first.'
const MFA_WITHOUT_FACTOR =
  "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."

export class FakeCognito implements ServiceFake {
  readonly service = 'cognito-idp'
  readonly client = CognitoIdentityProviderClient
  readonly sdk = sdk
  pools: Record<string, PoolState> = {}
  domains: Record<string, DomainState> = {}
  /** Prefix domains owned by another AWS account: invisible to DescribeUserPoolDomain, refused by CreateUserPoolDomain. */
  takenPrefixes: string[] = []
  /** Describes a new domain shows CREATING before ACTIVE (0: ACTIVE at once). */
  describesUntilDomainActive = 1
  /** User pools per account (Cognito's default quota is 1,000). */
  maxUserPools = 1000
  /** One counter per kind of id: a client's id does not depend on whether a domain was created before it. */
  seq: Record<string, number> = {}
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }
  get region(): string {
    return this.env.region
  }
  get account(): string {
    return this.env.account
  }
  now(): number {
    return this.env.clock.now()
  }
  next(kind: string): string {
    this.seq[kind] = (this.seq[kind] ?? 0) + 1
    return `${kind}:${this.seq[kind]}`
  }

  handlers(): Entry[] {
    return [
      on(CreateUserPoolCommand, (i) => this.createUserPool(i)),
      on(DescribeUserPoolCommand, (i) => ({ UserPool: this.render(this.poolOrThrow(i.UserPoolId)) })),
      on(ListUserPoolsCommand, (i) => this.listUserPools(i.MaxResults, i.NextToken)),
      on(UpdateUserPoolCommand, (i) => this.updateUserPool(i)),
      on(DeleteUserPoolCommand, (i) => this.deleteUserPool(i.UserPoolId)),
      on(GetUserPoolMfaConfigCommand, (i) => this.mfaOutput(this.poolOrThrow(i.UserPoolId))),
      on(SetUserPoolMfaConfigCommand, (i) => this.setMfa(i)),
      on(TagResourceCommand, (i) => {
        Object.assign(this.poolByArn(i.ResourceArn).tags, i.Tags)
        return {}
      }),
      on(ListTagsForResourceCommand, (i) => ({ Tags: { ...this.poolByArn(i.ResourceArn).tags } })),
      ...clientHandlers(this),
      ...domainHandlers(this),
    ]
  }

  /** The live pool (mutate it to simulate drift), or undefined. */
  pool(id: string): PoolState | undefined {
    return this.pools[id]
  }
  poolsNamed(name: string): PoolState[] {
    return Object.values(this.pools).filter((p) => p.name === name)
  }
  appClient(poolId: string, clientId: string): ClientState | undefined {
    return this.pools[poolId]?.clients[clientId]
  }
  domain(prefix: string): DomainState | undefined {
    return this.domains[prefix]
  }
  /** Drift: the pool, its clients and its domain disappear without any API call (as the console deletes them). */
  deletePoolOutOfBand(id: string): void {
    const pool = this.pools[id]
    if (pool?.domain) delete this.domains[pool.domain]
    delete this.pools[id]
  }

  poolOrThrow(id: string | undefined): PoolState {
    const pool = this.pools[checkPoolId(id)]
    if (!pool) throw notFound(`User pool ${id} does not exist.`)
    return pool
  }

  private poolByArn(arn: string | undefined): PoolState {
    const pool = Object.values(this.pools).find((p) => p.arn === arn)
    if (!pool) throw notFound(`The resource ${arn} does not exist.`) // ≈
    return pool
  }

  toJSON(): unknown {
    const { pools, domains, takenPrefixes, describesUntilDomainActive, maxUserPools, seq } = this
    return structuredClone({ pools, domains, takenPrefixes, describesUntilDomainActive, maxUserPools, seq })
  }

  load(state: any): void {
    Object.assign(this, structuredClone(state ?? {}))
  }

  /**
   * The settings CreateUserPool and UpdateUserPool take, with Cognito's default for each one left out: an update
   * that omits a setting resets it (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPool.html).
   */
  private settingsFrom(i: CreateUserPoolRequest | UpdateUserPoolRequest): PoolSettings {
    const given = i.Policies?.PasswordPolicy
    const password = given
      ? {
          MinimumLength: given.MinimumLength ?? 8,
          RequireUppercase: given.RequireUppercase ?? false,
          RequireLowercase: given.RequireLowercase ?? false,
          RequireNumbers: given.RequireNumbers ?? false,
          RequireSymbols: given.RequireSymbols ?? false,
          TemporaryPasswordValidityDays: given.TemporaryPasswordValidityDays ?? 7,
        }
      : DEFAULT_PASSWORD_POLICY
    if (password.MinimumLength < 6 || password.MinimumLength > 99)
      throw invalidParameter('Password policy minimum length must be between 6 and 99.') // ≈
    const verified = i.AutoVerifiedAttributes ?? []
    const beforeUpdate = i.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? []
    if (beforeUpdate.some((a) => !verified.includes(a)))
      throw invalidParameter('Attributes in AttributesRequireVerificationBeforeUpdate must be auto-verified.') // ≈
    return {
      Policies: { PasswordPolicy: password },
      DeletionProtection: i.DeletionProtection ?? 'INACTIVE',
      LambdaConfig: i.LambdaConfig ?? {},
      ...(verified.length > 0 ? { AutoVerifiedAttributes: verified } : {}),
      VerificationMessageTemplate: i.VerificationMessageTemplate ?? { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
      ...(i.SmsAuthenticationMessage ? { SmsAuthenticationMessage: i.SmsAuthenticationMessage } : {}),
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: beforeUpdate },
      ...(i.DeviceConfiguration ? { DeviceConfiguration: i.DeviceConfiguration } : {}),
      EmailConfiguration: i.EmailConfiguration ?? { EmailSendingAccount: 'COGNITO_DEFAULT' },
      ...(i.SmsConfiguration ? { SmsConfiguration: i.SmsConfiguration } : {}),
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: i.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
        UnusedAccountValidityDays: 7,
        ...(i.AdminCreateUserConfig?.InviteMessageTemplate
          ? { InviteMessageTemplate: i.AdminCreateUserConfig.InviteMessageTemplate }
          : {}),
      },
      ...(i.UserPoolAddOns ? { UserPoolAddOns: i.UserPoolAddOns } : {}),
      ...(i.AccountRecoverySetting ? { AccountRecoverySetting: i.AccountRecoverySetting } : {}),
    }
  }

  private createUserPool(i: CreateUserPoolRequest): Out<sdk.CreateUserPoolResponse> {
    const name = checkName(i.PoolName, 'poolName')
    if (Object.keys(this.pools).length >= this.maxUserPools)
      throw awsError(LimitExceededException, 'The maximum number of user pools has been reached.') // ≈
    if (i.UsernameAttributes?.length && i.AliasAttributes?.length)
      throw invalidParameter('Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.')
    const settings = this.settingsFrom(i)
    const mfa = i.MfaConfiguration ?? 'OFF'
    // A new pool cannot have TOTP yet (SetUserPoolMfaConfig turns it on), so MFA needs SMS at creation.
    if (mfa !== 'OFF' && !settings.SmsConfiguration) throw invalidParameter(SMS_REQUIRED)
    const id = `${this.region}_${idFrom(this.next('pool'), 9, ALNUM)}`
    const now = this.now()
    const pool: PoolState = {
      id,
      arn: `arn:aws:cognito-idp:${this.region}:${this.account}:userpool/${id}`,
      name,
      createdAt: now,
      modifiedAt: now,
      tier: i.UserPoolTier ?? 'ESSENTIALS',
      settings,
      ...(i.UsernameAttributes?.length ? { usernameAttributes: i.UsernameAttributes } : {}),
      ...(i.AliasAttributes?.length ? { aliasAttributes: i.AliasAttributes } : {}),
      ...(i.UsernameConfiguration ? { usernameConfiguration: i.UsernameConfiguration } : {}),
      schema: schemaFrom(i.Schema),
      tags: { ...i.UserPoolTags },
      mfa: { configuration: mfa, softwareToken: false },
      clients: {},
    }
    this.pools[id] = pool
    return { UserPool: this.render(pool) }
  }

  render(p: PoolState): UserPoolType {
    return {
      Id: p.id,
      Name: p.name,
      Arn: p.arn,
      ...structuredClone(p.settings),
      MfaConfiguration: p.mfa.configuration,
      ...(p.usernameAttributes ? { UsernameAttributes: [...p.usernameAttributes] } : {}),
      ...(p.aliasAttributes ? { AliasAttributes: [...p.aliasAttributes] } : {}),
      ...(p.usernameConfiguration ? { UsernameConfiguration: { ...p.usernameConfiguration } } : {}),
      SchemaAttributes: structuredClone(p.schema),
      UserPoolTags: { ...p.tags },
      ...(p.domain ? { Domain: p.domain } : {}),
      EstimatedNumberOfUsers: 0,
      UserPoolTier: p.tier,
      CreationDate: new Date(p.createdAt),
      LastModifiedDate: new Date(p.modifiedAt),
    }
  }

  private listUserPools(max: number | undefined, token: string | undefined): Out<ListUserPoolsResponse> {
    if (max === undefined || max < 1 || max > 60)
      throw invalidParameter(
        `1 validation error detected: Value '${max ?? 'null'}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60`,
      )
    const { page, next } = paginate(Object.values(this.pools), max, token, 'pools')
    return {
      UserPools: page.map((p) => ({
        Id: p.id,
        Name: p.name,
        LambdaConfig: structuredClone(p.settings.LambdaConfig),
        CreationDate: new Date(p.createdAt),
        LastModifiedDate: new Date(p.modifiedAt),
      })),
      ...(next ? { NextToken: next } : {}),
    }
  }

  private updateUserPool(i: UpdateUserPoolRequest): object {
    const pool = this.poolOrThrow(i.UserPoolId)
    const settings = this.settingsFrom(i)
    const mfa = i.MfaConfiguration ?? 'OFF'
    if (mfa !== 'OFF' && !pool.mfa.softwareToken && !settings.SmsConfiguration) throw invalidParameter(SMS_REQUIRED)
    pool.settings = settings
    if (i.PoolName !== undefined) pool.name = checkName(i.PoolName, 'poolName')
    if (i.UserPoolTier !== undefined) pool.tier = i.UserPoolTier
    if (i.UserPoolTags !== undefined) pool.tags = { ...i.UserPoolTags }
    // Turning MFA off through UpdateUserPool turns TOTP off too (≈: not confirmed against AWS).
    pool.mfa = { configuration: mfa, softwareToken: mfa === 'OFF' ? false : pool.mfa.softwareToken }
    pool.modifiedAt = this.now()
    return {}
  }

  private deleteUserPool(id: string | undefined): object {
    const pool = this.poolOrThrow(id)
    // Cognito's texts (localstack/localstack#11947, hashicorp/terraform-provider-aws#16479).
    if (pool.settings.DeletionProtection === 'ACTIVE') throw invalidParameter(DELETION_PROTECTED)
    if (pool.domain) throw invalidParameter(HAS_DOMAIN)
    delete this.pools[pool.id]
    return {}
  }

  private mfaOutput(pool: PoolState): Out<GetUserPoolMfaConfigResponse> {
    return {
      MfaConfiguration: pool.mfa.configuration,
      ...(pool.mfa.softwareToken ? { SoftwareTokenMfaConfiguration: { Enabled: true } } : {}),
    }
  }

  private setMfa(i: SetUserPoolMfaConfigRequest): Out<GetUserPoolMfaConfigResponse> {
    const pool = this.poolOrThrow(i.UserPoolId)
    const configuration = i.MfaConfiguration ?? pool.mfa.configuration
    const token = i.SoftwareTokenMfaConfiguration?.Enabled ?? false
    const sms = i.SmsMfaConfiguration !== undefined
    if (configuration === 'OFF' && (token || sms)) throw invalidParameter(MFA_OFF_WITH_FACTOR)
    if (configuration !== 'OFF' && !token && !sms) throw invalidParameter(MFA_WITHOUT_FACTOR)
    pool.mfa = { configuration, softwareToken: token }
    pool.modifiedAt = this.now()
    return this.mfaOutput(pool)
  }
}
