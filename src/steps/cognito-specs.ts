// Pure: config → the desired user pool, app client and domain of step 08, and the step's outputs. Unit-tested.
import { resolveCognito, type CognitoConfig } from '../config/resolve-cognito.js'
import { formatPath } from '../config/issues.js'
import { templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import type { UserPoolClientSpec } from '../resources/cognito/client-diff.js'
import { hostedUiHost, type DomainSettings } from '../resources/cognito/domain.js'
import type { UserPoolSpec } from '../resources/cognito/user-pool-diff.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'

export interface CognitoSpecs {
  pool: UserPoolSpec
  client: UserPoolClientSpec
  domain: DomainSettings
}

/** The section resolved for this environment (config load already reported any problem; this is a backstop). */
export function cognitoConfig(config: ResolvedConfig): CognitoConfig | undefined {
  const raw = config.sections.cognito
  if (!raw) return undefined
  const problems: string[] = []
  const resolved = resolveCognito(
    {
      vars: templateVars(config),
      production: config.production,
      problem: (path, message) => problems.push(`${formatPath(path)}: ${message}`),
      tags: (_path, own) => ({ ...config.tags, ...own }),
    },
    raw,
  )
  if (problems.length > 0)
    throw new ConfigError('InvalidConfig', problems.join('\n'), {
      hint: 'Fix the cognito section of config.json, then rerun.',
    })
  return resolved
}

// SRP proves the password without sending it; refresh keeps a session alive without asking again.
const BROWSER_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const
// The manual's client: USER_PASSWORD_AUTH sends the password itself to Cognito, and its secret would sit in a browser.
const LEGACY_FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const

export function cognitoSpecs(c: CognitoConfig): CognitoSpecs {
  return {
    pool: {
      logicalId: 'users',
      name: c.userPoolName,
      usernameAttributes: c.usernameAttributes,
      requiredAttributes: c.requiredAttributes,
      mfa: c.mfa,
      passwordPolicy: c.passwordPolicy,
      selfSignUp: c.selfSignUp,
      deletionProtection: c.deletionProtection,
      tags: c.tags,
    },
    client: {
      logicalId: 'app',
      name: c.clientName,
      generateSecret: c.legacyPasswordAuth,
      explicitAuthFlows: [...(c.legacyPasswordAuth ? LEGACY_FLOWS : BROWSER_FLOWS)],
      callbackUrls: c.callbackUrls,
      logoutUrls: c.logoutUrls,
      // Authorization code (with PKCE, which Cognito supports for public clients); never the implicit flow.
      oauthFlows: ['code'],
      oauthScopes: c.oauthScopes,
      accessTokenMinutes: c.tokenValidity.accessTokenMinutes,
      idTokenMinutes: c.tokenValidity.idTokenMinutes,
      refreshTokenDays: c.tokenValidity.refreshTokenDays,
    },
    domain: { logicalId: 'hosted-ui', name: c.domainPrefix },
  }
}

/** What step 08 hands on: step 04's authorizer reads userPoolArn, functions read `${cognito.<output>}`. */
export interface CognitoOutputs {
  userPoolId?: string
  userPoolArn?: string
  clientId?: string
  /** The `iss` of the pool's tokens. */
  issuer?: string
  /** With cognito.identity_pool: the pool that gives signed-in users AWS credentials. */
  identityPoolId?: string
  hostedUiUrl: string
  /** The hosted UI's host name (`<prefix>.auth.<region>.amazoncognito.com`), as OAuth client libraries want it. */
  domain: string
  endpoints: { 'Hosted UI': string }
}

/**
 * A value not known yet is "(known after apply)" in a plan; in a real run it is left out (a pool left alone has no
 * client of ours), so that a function reading it fails with the missing output's name rather than a placeholder.
 */
export function cognitoOutputs(
  region: string,
  ids: { userPoolId?: string; userPoolArn?: string; clientId?: string },
  prefix: string,
  planning: boolean,
): CognitoOutputs {
  const known = (v: string | undefined) => (v && v !== KNOWN_AFTER_APPLY ? v : planning ? KNOWN_AFTER_APPLY : undefined)
  const poolId = known(ids.userPoolId)
  const domain = hostedUiHost(prefix, region)
  const hostedUiUrl = `https://${domain}`
  const values = {
    userPoolId: poolId,
    userPoolArn: known(ids.userPoolArn),
    clientId: known(ids.clientId),
    issuer: poolId && poolId !== KNOWN_AFTER_APPLY ? `https://cognito-idp.${region}.amazonaws.com/${poolId}` : poolId,
  }
  return {
    ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
    hostedUiUrl,
    domain,
    endpoints: { 'Hosted UI': hostedUiUrl },
  }
}
