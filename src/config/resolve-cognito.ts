// cognito → CognitoConfig for one environment: names expanded and checked against Cognito's rules, the per-environment
// URL lists picked, defaults applied. Called at load time (every problem is a config issue naming its field) and by
// step 08, which turns the result into resource specs.
import type { FieldPath } from './issues.js'
import { show } from './issues.js'
import { expandTemplate, type TemplateVars } from './names.js'
import type { RawConfig } from './schema.js'
import type { Tags } from './types.js'

export type RawCognito = NonNullable<RawConfig['cognito']>
export type MfaMode = RawCognito['mfa']

export interface CognitoConfig {
  userPoolName: string
  clientName: string
  domainPrefix: string
  usernameAttributes: Array<'email' | 'phone_number'>
  requiredAttributes: string[]
  mfa: MfaMode
  passwordPolicy: {
    minimumLength: number
    requireUppercase: boolean
    requireLowercase: boolean
    requireNumbers: boolean
    requireSymbols: boolean
    temporaryPasswordValidityDays: number
  }
  selfSignUp: boolean
  deletionProtection: boolean
  callbackUrls: string[]
  logoutUrls: string[]
  oauthScopes: string[]
  tokenValidity: { accessTokenMinutes: number; idTokenMinutes: number; refreshTokenDays: number }
  /** The manual's client (secret + USER_PASSWORD_AUTH), only when config.json asks for it. */
  legacyPasswordAuth: boolean
  tags: Tags
}

export interface CognitoResolveContext {
  vars: TemplateVars
  production: boolean
  problem(path: FieldPath, message: string): void
  /** Checks the section's own tags and merges them over the service's. */
  tags(path: FieldPath, own: Tags): Tags
}

// Pool and app client names: 1-128 characters of [\w\s+=,.@-] (CreateUserPool/CreateUserPoolClient).
const COGNITO_NAME = /^[\w\s+=,.@-]{1,128}$/
// A prefix domain: lower-case letters, digits and hyphens, not at either end; Cognito refuses these words in it.
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const RESERVED_PREFIX_WORDS = ['aws', 'amazon', 'cognito']
// The OIDC scopes that only make sense (and that Cognito only accepts) together with openid.
const NEEDS_OPENID = ['email', 'phone', 'profile']

const AT = 'cognito'

/** The list for this ENVIRONMENT, else the "*" fallback, else none. */
export function forEnvironment(lists: Record<string, string[]>, environment: string): string[] {
  return lists[environment] ?? lists['*'] ?? []
}

function expandName(
  ctx: CognitoResolveContext,
  field: string,
  template: string,
  check: (v: string) => string | undefined,
) {
  const { value, problems } = expandTemplate(template, ctx.vars)
  problems.forEach((m) => ctx.problem([AT, field], m))
  if (problems.length > 0) return value
  const bad = check(value)
  if (bad)
    ctx.problem([AT, field], `"${value}"${value === template ? '' : `, expanded from ${show(template)},`} ${bad}`)
  return value
}

const nameRule = (v: string) =>
  COGNITO_NAME.test(v)
    ? undefined
    : 'is not a valid name (1-128 characters of letters, digits, spaces and + = , . @ _ -)'

function prefixRule(v: string): string | undefined {
  if (!DOMAIN_PREFIX.test(v))
    return 'is not a valid domain prefix (1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen)'
  const word = RESERVED_PREFIX_WORDS.find((w) => v.includes(w))
  return word ? `contains "${word}" (Cognito refuses aws, amazon and cognito in a domain prefix)` : undefined
}

export function resolveCognito(ctx: CognitoResolveContext, raw: RawCognito): CognitoConfig {
  const environment = ctx.vars.ENVIRONMENT ?? ''
  const callbackUrls = forEnvironment(raw.callback_urls, environment)
  const logoutUrls = forEnvironment(raw.logout_urls, environment)
  // The hosted UI's code flow cannot work without a callback URL; CreateUserPoolClient would refuse it.
  if (callbackUrls.length === 0)
    ctx.problem(
      [AT, 'callback_urls'],
      `has no URLs for environment ${environment} (add a "${environment}" entry, or a "*" entry for every environment)`,
    )
  const needsOpenid = raw.oauth_scopes.filter((s) => NEEDS_OPENID.includes(s))
  if (needsOpenid.length > 0 && !raw.oauth_scopes.includes('openid'))
    ctx.problem(
      [AT, 'oauth_scopes'],
      `${needsOpenid.join(', ')} ${needsOpenid.length === 1 ? 'needs' : 'need'} the openid scope (add "openid")`,
    )
  const p = raw.password_policy
  const t = raw.token_validity
  return {
    userPoolName: expandName(ctx, 'user_pool_name', raw.user_pool_name, nameRule),
    clientName: expandName(ctx, 'client_name', raw.client_name, nameRule),
    domainPrefix: expandName(ctx, 'domain_prefix', raw.domain_prefix, prefixRule),
    usernameAttributes: [...new Set(raw.username_attributes)],
    requiredAttributes: [...new Set(raw.required_attributes)],
    mfa: raw.mfa,
    passwordPolicy: {
      minimumLength: p.minimum_length,
      requireUppercase: p.require_uppercase,
      requireLowercase: p.require_lowercase,
      requireNumbers: p.require_numbers,
      requireSymbols: p.require_symbols,
      temporaryPasswordValidityDays: p.temporary_password_validity_days,
    },
    selfSignUp: raw.self_sign_up,
    deletionProtection: raw.deletion_protection ?? ctx.production,
    callbackUrls,
    logoutUrls,
    oauthScopes: [...new Set(raw.oauth_scopes)],
    tokenValidity: {
      accessTokenMinutes: t.access_token_minutes,
      idTokenMinutes: t.id_token_minutes,
      refreshTokenDays: t.refresh_token_days,
    },
    legacyPasswordAuth: raw.legacy_password_auth,
    tags: ctx.tags([AT, 'tags'], raw.tags),
  }
}
