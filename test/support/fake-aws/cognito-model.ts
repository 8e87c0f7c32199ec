// The fake Cognito's state as plain JSON (so that toJSON/load round-trips), the defaults Cognito applies to what a
// request leaves out, AWS's error shapes, and the ids. The handlers are cognito.ts (pools, MFA, tags) and
// cognito-clients.ts (app clients, domains). What it models: cognito.md.
import { createHash } from 'node:crypto'
import {
  InvalidParameterException,
  ResourceNotFoundException,
  type AttributeDataType,
  type SchemaAttributeType,
  type UserPoolClientType,
  type UserPoolMfaType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider'
import { awsError, type on } from './core.js'

export type Entry = ReturnType<typeof on>

/** What CreateUserPool and UpdateUserPool set, in the SDK's shapes; UpdateUserPool replaces all of it. */
export type PoolSettings = Pick<
  UserPoolType,
  | 'Policies'
  | 'DeletionProtection'
  | 'LambdaConfig'
  | 'AutoVerifiedAttributes'
  | 'VerificationMessageTemplate'
  | 'SmsAuthenticationMessage'
  | 'UserAttributeUpdateSettings'
  | 'DeviceConfiguration'
  | 'EmailConfiguration'
  | 'SmsConfiguration'
  | 'AdminCreateUserConfig'
  | 'UserPoolAddOns'
  | 'AccountRecoverySetting'
>

export interface PoolState {
  id: string
  arn: string
  name: string
  createdAt: number
  modifiedAt: number
  tier: NonNullable<UserPoolType['UserPoolTier']>
  settings: PoolSettings
  /** Fixed at creation. */
  usernameAttributes?: NonNullable<UserPoolType['UsernameAttributes']>
  aliasAttributes?: NonNullable<UserPoolType['AliasAttributes']>
  usernameConfiguration?: UserPoolType['UsernameConfiguration']
  schema: SchemaAttributeType[]
  tags: Record<string, string>
  mfa: { configuration: UserPoolMfaType; softwareToken: boolean }
  /** The prefix domain, when one is configured. */
  domain?: string
  clients: Record<string, ClientState>
}

/** A client as DescribeUserPoolClient shows it, with dates as epoch ms. */
export type ClientState = Omit<UserPoolClientType, 'CreationDate' | 'LastModifiedDate'> & {
  createdAt: number
  modifiedAt: number
}

export interface DomainState {
  domain: string
  userPoolId: string
  status: 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'FAILED'
  readsUntilActive: number
  cloudFront: string
}

export const invalidParameter = (message: string) => awsError(InvalidParameterException, message)
export const notFound = (message: string) => awsError(ResourceNotFoundException, message)

// Cognito's own validation text for a malformed pool id.
export const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/
export function checkPoolId(id: string | undefined): string {
  if (!id || !POOL_ID.test(id))
    throw invalidParameter(
      `1 validation error detected: Value '${id}' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+`,
    )
  return id
}

// Pool and client names: 1-128 characters of this class.
const NAME = /^[\w\s+=,.@-]{1,128}$/
export function checkName(value: string | undefined, field: string): string {
  if (!value || !NAME.test(value))
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+`,
    )
  return value
}

/** Deterministic ids for a given sequence of calls, so request snapshots are stable. */
export function idFrom(seed: string, length: number, alphabet: string): string {
  let out = ''
  for (let round = 0; out.length < length; round++) {
    for (const byte of createHash('sha256').update(`${seed}:${round}`).digest()) {
      out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'

export const DEFAULT_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
}

// Standard attributes every pool has, as DescribeUserPool lists them (a subset of Cognito's 20, with its types).
const STANDARD: Array<[string, AttributeDataType]> = [
  ['sub', 'String'],
  ['name', 'String'],
  ['given_name', 'String'],
  ['family_name', 'String'],
  ['middle_name', 'String'],
  ['nickname', 'String'],
  ['preferred_username', 'String'],
  ['profile', 'String'],
  ['picture', 'String'],
  ['website', 'String'],
  ['email', 'String'],
  ['email_verified', 'Boolean'],
  ['gender', 'String'],
  ['birthdate', 'String'],
  ['zoneinfo', 'String'],
  ['locale', 'String'],
  ['phone_number', 'String'],
  ['phone_number_verified', 'Boolean'],
  ['address', 'String'],
  ['updated_at', 'Number'],
]

/** The standard attributes with Cognito's defaults, overridden by the request's Schema (custom ones get `custom:`). */
export function schemaFrom(requested: SchemaAttributeType[] = []): SchemaAttributeType[] {
  const standard: SchemaAttributeType[] = STANDARD.map(([Name, AttributeDataType]) => ({
    Name,
    AttributeDataType,
    DeveloperOnlyAttribute: false,
    Mutable: Name !== 'sub',
    Required: Name === 'sub',
    ...(AttributeDataType === 'String'
      ? { StringAttributeConstraints: { MinLength: Name === 'sub' ? '1' : '0', MaxLength: '2048' } }
      : AttributeDataType === 'Number'
        ? { NumberAttributeConstraints: { MinValue: '0' } }
        : {}),
  }))
  for (const attr of requested) {
    const own = standard.find((s) => s.Name === attr.Name)
    if (own?.Name === 'sub') throw invalidParameter('sub is a reserved attribute and cannot be modified.')
    if (own) Object.assign(own, { Required: attr.Required ?? false, Mutable: attr.Mutable ?? true })
    else standard.push({ ...attr, Name: `custom:${attr.Name}`, Required: false, Mutable: attr.Mutable ?? true })
  }
  return standard
}

/** Client fields Cognito fills in when a create or an update leaves them out. */
export const CLIENT_DEFAULTS: Partial<UserPoolClientType> = {
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH'],
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  AllowedOAuthFlowsUserPoolClient: false,
  PreventUserExistenceErrors: 'LEGACY',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
}

const MINUTES = { seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 } as const
export const inMinutes = (value: number, unit: keyof typeof MINUTES | undefined, fallback: keyof typeof MINUTES) =>
  value * MINUTES[unit ?? fallback]

export function paginate<T>(items: T[], max: number, token: string | undefined, what: string) {
  const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(`${what}:`, '')) : 0
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid pagination token')
  const page = items.slice(start, start + max)
  const next = start + max < items.length ? Buffer.from(`${what}:${start + max}`).toString('base64url') : undefined
  return { page, next }
}
