// Pure: the desired shape of a Cognito app client, its create and update requests, and what differs. No AWS calls.
import type {
  CreateUserPoolClientCommandInput,
  ExplicitAuthFlowsType,
  OAuthFlowType,
  UpdateUserPoolClientCommandInput,
  UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider'
import type { Change } from '../types.js'

export interface UserPoolClientSpec {
  /** Manifest key `cognito-user-pool-client:<logicalId>`. */
  logicalId: string
  name: string
  /** A browser cannot keep a secret: true only for the manual's legacy client. */
  generateSecret: boolean
  explicitAuthFlows: ExplicitAuthFlowsType[]
  callbackUrls: string[]
  logoutUrls: string[]
  oauthFlows: OAuthFlowType[]
  oauthScopes: string[]
  accessTokenMinutes: number
  idTokenMinutes: number
  refreshTokenDays: number
}

// The hosted UI signs users in against the pool itself (no federated identity providers are configured).
const IDENTITY_PROVIDERS = ['COGNITO']
// Sign-in, sign-up and reset answer alike whether or not the user exists (no account enumeration).
const PREVENT_USER_EXISTENCE_ERRORS = 'ENABLED' as const
// Minutes a sign-in session (between challenges, e.g. the MFA code) lasts; Cognito's default.
const AUTH_SESSION_MINUTES = 3

/** The settings this tool manages, as both CreateUserPoolClient and UpdateUserPoolClient take them. */
function managedSettings(spec: UserPoolClientSpec) {
  const oauth = spec.oauthFlows.length > 0
  return {
    ClientName: spec.name,
    ExplicitAuthFlows: spec.explicitAuthFlows,
    SupportedIdentityProviders: IDENTITY_PROVIDERS,
    CallbackURLs: spec.callbackUrls,
    LogoutURLs: spec.logoutUrls,
    AllowedOAuthFlows: spec.oauthFlows,
    AllowedOAuthScopes: oauth ? spec.oauthScopes : [],
    AllowedOAuthFlowsUserPoolClient: oauth,
    PreventUserExistenceErrors: PREVENT_USER_EXISTENCE_ERRORS,
    EnableTokenRevocation: true,
    AccessTokenValidity: spec.accessTokenMinutes,
    IdTokenValidity: spec.idTokenMinutes,
    RefreshTokenValidity: spec.refreshTokenDays,
    TokenValidityUnits: { AccessToken: 'minutes' as const, IdToken: 'minutes' as const, RefreshToken: 'days' as const },
    AuthSessionValidity: AUTH_SESSION_MINUTES,
  }
}

export function toCreateUserPoolClientInput(
  spec: UserPoolClientSpec,
  poolId: string,
): CreateUserPoolClientCommandInput {
  return { UserPoolId: poolId, ...managedSettings(spec), GenerateSecret: spec.generateSecret }
}

/**
 * UpdateUserPoolClient resets every setting it is not given: so it gets the full desired settings, and, unchanged,
 * the ones this tool does not manage (attribute permissions, analytics, refresh token rotation, context data, the
 * default redirect while it is still a callback URL).
 */
export function toUpdateUserPoolClientInput(
  spec: UserPoolClientSpec,
  have: UserPoolClientType,
): UpdateUserPoolClientCommandInput {
  const carried = {
    ReadAttributes: have.ReadAttributes,
    WriteAttributes: have.WriteAttributes,
    AnalyticsConfiguration: have.AnalyticsConfiguration,
    EnablePropagateAdditionalUserContextData: have.EnablePropagateAdditionalUserContextData,
    RefreshTokenRotation: have.RefreshTokenRotation,
    DefaultRedirectURI:
      have.DefaultRedirectURI && spec.callbackUrls.includes(have.DefaultRedirectURI)
        ? have.DefaultRedirectURI
        : undefined,
  }
  const kept = Object.fromEntries(Object.entries(carried).filter(([, v]) => v !== undefined))
  return { UserPoolId: have.UserPoolId, ClientId: have.ClientId, ...kept, ...managedSettings(spec) }
}

const asSet = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort()
// The order of URLs, scopes and flows means nothing to Cognito, so they compare as sets.
const LISTS = new Set([
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
])

/** Pure: the managed settings of `have` that differ from the spec, one entry per field. */
export function diffUserPoolClient(have: UserPoolClientType, want: UserPoolClientSpec): Change[] {
  const changes: Change[] = []
  for (const [field, value] of Object.entries(managedSettings(want))) {
    const current = have[field as keyof UserPoolClientType]
    if (LISTS.has(field)) {
      const from = asSet(current as string[] | undefined)
      const to = asSet(value as string[])
      if (from.join('\n') !== to.join('\n')) changes.push({ field, from, to })
    } else if (field === 'TokenValidityUnits') {
      const units = (current ?? {}) as Record<string, string | undefined>
      for (const [token, unit] of Object.entries(value as Record<string, string>))
        if (units[token] !== unit) changes.push({ field: `TokenValidityUnits.${token}`, from: units[token], to: unit })
    } else if (current !== value) changes.push({ field, from: current, to: value })
  }
  return changes
}

/** A client secret cannot be added or removed in place: the client would have to be replaced. */
export function refusedClientChanges(have: UserPoolClientType, want: UserPoolClientSpec): Change[] {
  const hasSecret = !!have.ClientSecret
  return hasSecret === want.generateSecret ? [] : [{ field: 'ClientSecret', from: hasSecret, to: want.generateSecret }]
}

export function describeClientSpec(spec: UserPoolClientSpec): string {
  return [
    spec.generateSecret ? 'with a client secret' : 'no secret',
    spec.explicitAuthFlows.map((f) => f.replace(/^ALLOW_/, '')).join(' + '),
    ...(spec.oauthFlows.length > 0 ? [`OAuth ${spec.oauthFlows.join('/')} (${spec.oauthScopes.join(' ')})`] : []),
    `callbacks ${spec.callbackUrls.join(' ')}`,
  ].join(', ')
}
