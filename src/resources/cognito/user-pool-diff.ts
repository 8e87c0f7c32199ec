// Pure: the desired shape of a Cognito user pool, the requests that create and update it, and what differs between
// a pool and that shape. No AWS calls here; unit-tested without a fake.
import type {
  CreateUserPoolCommandInput,
  SetUserPoolMfaConfigCommandInput,
  UpdateUserPoolCommandInput,
  UserPoolMfaType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider'
import type { CognitoConfig } from '../../config/resolve-cognito.js'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface UserPoolSpec {
  /** Manifest key `cognito-user-pool:<logicalId>`. */
  logicalId: string
  name: string
  usernameAttributes: Array<'email' | 'phone_number'>
  /** Standard attributes every user must have. */
  requiredAttributes: string[]
  mfa: UserPoolMfaType
  passwordPolicy: CognitoConfig['passwordPolicy']
  selfSignUp: boolean
  deletionProtection: boolean
  tags: Tags
}

/** The pool as DescribeUserPool shows it, with its MFA configuration (GetUserPoolMfaConfig) and tags. */
export interface ObservedUserPool {
  pool: UserPoolType
  mfa: { configuration: UserPoolMfaType; softwareToken: boolean }
  tags: Tags
}

// Email is verified by Cognito's own mail; nothing here needs SMS (and so no SNS role).
const VERIFIED: Array<'email'> = ['email']
const RECOVERY = [{ Name: 'verified_email' as const, Priority: 1 }]
// Changes that go out in one SetUserPoolMfaConfig call; every other non-tag change in one UpdateUserPool.
export const MFA_FIELDS = ['MfaConfiguration', 'SoftwareTokenMfaConfiguration.Enabled']

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && a.every((x) => b.includes(x))

function passwordPolicy(spec: UserPoolSpec) {
  const p = spec.passwordPolicy
  return {
    MinimumLength: p.minimumLength,
    RequireUppercase: p.requireUppercase,
    RequireLowercase: p.requireLowercase,
    RequireNumbers: p.requireNumbers,
    RequireSymbols: p.requireSymbols,
    TemporaryPasswordValidityDays: p.temporaryPasswordValidityDays,
  }
}

/** The settings this tool manages, as both CreateUserPool and UpdateUserPool take them. */
function managedSettings(spec: UserPoolSpec) {
  return {
    Policies: { PasswordPolicy: passwordPolicy(spec) },
    DeletionProtection: spec.deletionProtection ? ('ACTIVE' as const) : ('INACTIVE' as const),
    AutoVerifiedAttributes: VERIFIED,
    // Keep the old address until a new one is verified, so a typo cannot lock a user out.
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: VERIFIED },
    AccountRecoverySetting: { RecoveryMechanisms: RECOVERY },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: !spec.selfSignUp },
  }
}

/**
 * MFA is not in the create: Cognito refuses MFA OPTIONAL/ON at creation without SMS, and TOTP can only be turned on
 * once the pool exists (SetUserPoolMfaConfig), as terraform-provider-aws does it.
 */
export function toCreateUserPoolInput(spec: UserPoolSpec): CreateUserPoolCommandInput {
  return {
    PoolName: spec.name,
    ...managedSettings(spec),
    UsernameAttributes: spec.usernameAttributes,
    // Sign-in with Someone@Example.com and someone@example.com is the same user.
    UsernameConfiguration: { CaseSensitive: false },
    ...(spec.requiredAttributes.length > 0
      ? {
          Schema: spec.requiredAttributes.map((Name) => ({
            Name,
            AttributeDataType: Name === 'updated_at' ? ('Number' as const) : ('String' as const),
            Required: true,
            Mutable: true,
          })),
        }
      : {}),
    UserPoolTags: spec.tags,
  }
}

export function toSetMfaConfigInput(spec: UserPoolSpec, poolId: string): SetUserPoolMfaConfigCommandInput {
  // Cognito refuses a factor together with OFF ("can't turn off MFA and configure an MFA together").
  return spec.mfa === 'OFF'
    ? { UserPoolId: poolId, MfaConfiguration: 'OFF' }
    : { UserPoolId: poolId, MfaConfiguration: spec.mfa, SoftwareTokenMfaConfiguration: { Enabled: true } }
}

/**
 * The settings this tool does not manage (Lambda triggers, email and SMS configuration, messages, device tracking,
 * add-ons, tier), as the pool has them: every UpdateUserPool carries them, so that an update never drops what
 * someone set.
 */
function carriedSettings(have: UserPoolType) {
  const carried = {
    LambdaConfig: have.LambdaConfig,
    EmailConfiguration: have.EmailConfiguration,
    SmsConfiguration: have.SmsConfiguration,
    SmsAuthenticationMessage: have.SmsAuthenticationMessage,
    VerificationMessageTemplate: have.VerificationMessageTemplate,
    DeviceConfiguration: have.DeviceConfiguration,
    UserPoolAddOns: have.UserPoolAddOns,
    UserPoolTier: have.UserPoolTier,
  }
  return Object.fromEntries(Object.entries(carried).filter(([, v]) => v !== undefined))
}

/**
 * The invitation text is kept; UnusedAccountValidityDays is not sent: Cognito refuses it in favour of
 * TemporaryPasswordValidityDays (terraform-provider-aws retries without it for that reason).
 */
function adminCreateUserConfig(have: UserPoolType, adminOnly: boolean) {
  const invite = have.AdminCreateUserConfig?.InviteMessageTemplate
  return { ...(invite ? { InviteMessageTemplate: invite } : {}), AllowAdminCreateUserOnly: adminOnly }
}

/**
 * UpdateUserPool resets every setting it is not given to Cognito's default: so it gets the full desired settings,
 * the MFA mode (else MFA turns off), and, unchanged, the settings this tool does not manage. Tags are not sent: they
 * go through TagResource.
 */
export function toUpdateUserPoolInput(spec: UserPoolSpec, have: UserPoolType): UpdateUserPoolCommandInput {
  const settings = managedSettings(spec)
  return {
    UserPoolId: have.Id,
    PoolName: spec.name,
    ...carriedSettings(have),
    ...settings,
    AdminCreateUserConfig: adminCreateUserConfig(have, settings.AdminCreateUserConfig.AllowAdminCreateUserOnly),
    MfaConfiguration: spec.mfa,
  }
}

/**
 * Deletion protection off before a delete, every other setting as the pool has it (an update resets what it is not
 * given; the auto-verified attributes go with the ones that need verification, which Cognito checks).
 */
export function toUnprotectUserPoolInput(have: UserPoolType): UpdateUserPoolCommandInput {
  const own = {
    Policies: have.Policies,
    AutoVerifiedAttributes: have.AutoVerifiedAttributes,
    UserAttributeUpdateSettings: have.UserAttributeUpdateSettings,
    AccountRecoverySetting: have.AccountRecoverySetting,
    MfaConfiguration: have.MfaConfiguration,
  }
  return {
    UserPoolId: have.Id,
    ...carriedSettings(have),
    ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)),
    AdminCreateUserConfig: adminCreateUserConfig(have, have.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false),
    DeletionProtection: 'INACTIVE',
  }
}

/** Pure: what must change for the observed pool to match the spec; tags as `Tags[key]`. Refused changes are not here. */
export function diffUserPool(have: ObservedUserPool, want: UserPoolSpec): Change[] {
  const changes: Change[] = []
  const field = (name: string, from: unknown, to: unknown) => {
    if (from !== to) changes.push({ field: name, from, to })
  }
  const pool = have.pool
  field('PoolName', pool.Name, want.name)
  const policy = pool.Policies?.PasswordPolicy ?? {}
  for (const [key, value] of Object.entries(passwordPolicy(want)))
    field(`PasswordPolicy.${key}`, policy[key as keyof typeof policy], value)
  const settings = managedSettings(want)
  field('DeletionProtection', pool.DeletionProtection ?? 'INACTIVE', settings.DeletionProtection)
  if (!sameSet(pool.AutoVerifiedAttributes, VERIFIED))
    changes.push({ field: 'AutoVerifiedAttributes', from: pool.AutoVerifiedAttributes ?? [], to: VERIFIED })
  const beforeUpdate = pool.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate
  if (!sameSet(beforeUpdate, VERIFIED))
    changes.push({ field: 'AttributesRequireVerificationBeforeUpdate', from: beforeUpdate ?? [], to: VERIFIED })
  const recovery = (pool.AccountRecoverySetting?.RecoveryMechanisms ?? []).map((m) => `${m.Priority}:${m.Name}`)
  if (recovery.join() !== RECOVERY.map((m) => `${m.Priority}:${m.Name}`).join())
    changes.push({ field: 'AccountRecoverySetting', from: recovery, to: RECOVERY.map((m) => m.Name) })
  field(
    'AllowAdminCreateUserOnly',
    pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    settings.AdminCreateUserConfig.AllowAdminCreateUserOnly,
  )
  field('MfaConfiguration', have.mfa.configuration, want.mfa)
  field('SoftwareTokenMfaConfiguration.Enabled', have.mfa.softwareToken, want.mfa !== 'OFF')
  return [...changes, ...diffTags(have.tags, want.tags)]
}

/**
 * What the spec asks that Cognito cannot change on an existing pool: sign-in attributes and the standard attributes'
 * required/mutable flags. Replacing the pool would lose every user, so these are refused, never applied.
 */
export function refusedUserPoolChanges(have: UserPoolType, want: UserPoolSpec): Change[] {
  const refused: Change[] = []
  if (!sameSet(have.UsernameAttributes, want.usernameAttributes))
    refused.push({ field: 'UsernameAttributes', from: have.UsernameAttributes ?? [], to: want.usernameAttributes })
  if ((have.AliasAttributes ?? []).length > 0)
    refused.push({ field: 'AliasAttributes', from: have.AliasAttributes, to: [] })
  for (const attr of have.SchemaAttributes ?? []) {
    const name = attr.Name ?? ''
    // sub is always required and immutable; custom attributes are not this tool's.
    if (name === 'sub' || name.startsWith('custom:') || name.startsWith('dev:')) continue
    const required = want.requiredAttributes.includes(name)
    if ((attr.Required ?? false) !== required)
      refused.push({ field: `Schema[${name}].Required`, from: attr.Required ?? false, to: required })
    if ((attr.Mutable ?? true) !== true) refused.push({ field: `Schema[${name}].Mutable`, from: false, to: true })
  }
  return refused
}

export function describeUserPoolSpec(spec: UserPoolSpec): string {
  const p = spec.passwordPolicy
  const classes = [
    p.requireUppercase && 'upper',
    p.requireLowercase && 'lower',
    p.requireNumbers && 'digit',
    p.requireSymbols && 'symbol',
  ].filter(Boolean)
  return [
    `sign-in with ${spec.usernameAttributes.join(' or ')}`,
    `MFA ${spec.mfa}${spec.mfa === 'OFF' ? '' : ' (TOTP)'}`,
    `passwords ${p.minimumLength}+ chars${classes.length ? ` with ${classes.join('/')}` : ''}`,
    spec.selfSignUp ? 'self sign-up' : 'admin-created users only',
    ...(spec.deletionProtection ? ['deletion protection'] : []),
  ].join(', ')
}
