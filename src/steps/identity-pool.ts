// Step 08's identity pool (cognito.identity_pool): the pool linked to the user pool and its app client, an IAM role
// for signed-in users with the permissions config grants, a guest role only when config allows guests, and the
// pool's role attachment. Pure spec builders and the converge calls, in AWS's order (the roles trust the pool's id).
import { formatPath } from '../config/issues.js'
import { templateVars } from '../config/names.js'
import { resolveIdentityPool, type IdentityPoolConfig } from '../config/resolve-params.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import { declaredStatements } from '../policies/declared-statements.js'
import { identityPoolRolesKind, type IdentityPoolRolesSpec } from '../resources/cognito/identity-pool-roles.js'
import { identityPoolKind, type IdentityPoolSpec } from '../resources/cognito/identity-pool.js'
import { converge } from '../resources/engine/converge.js'
import { ensureRole, type RoleSpec } from '../resources/iam/role.js'
import type { PolicyDocument } from '../resources/policy-document.js'
import { KNOWN_AFTER_APPLY, type Ensured } from '../resources/types.js'
import type { StepContext } from './types.js'

const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com'

/** The section resolved for this environment (config load reported any problem; this is a backstop). */
export function identityPoolConfig(config: ResolvedConfig): IdentityPoolConfig | undefined {
  const problems: string[] = []
  const resolved = resolveIdentityPool(
    {
      vars: templateVars(config),
      production: config.production,
      problem: (path, message) => problems.push(`${formatPath(path)}: ${message}`),
    },
    { cognito: config.sections.cognito } as Parameters<typeof resolveIdentityPool>[1],
  )
  if (problems.length > 0)
    throw new ConfigError('InvalidConfig', problems.join('\n'), {
      hint: 'Fix cognito.identity_pool in config.json, then rerun.',
    })
  return resolved
}

/**
 * Only web identities this pool vouches for may assume the role: its own id as audience, and signed-in (or, for the
 * guest role, unauthenticated) identities.
 */
export function identityTrustPolicy(identityPoolId: string, amr: 'authenticated' | 'unauthenticated'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: COGNITO_IDENTITY },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${COGNITO_IDENTITY}:aud`]: identityPoolId },
          'ForAnyValue:StringLike': { [`${COGNITO_IDENTITY}:amr`]: amr },
        },
      },
    ],
  }
}

export function identityRoleSpecs(config: ResolvedConfig, c: IdentityPoolConfig, identityPoolId: string): RoleSpec[] {
  const role = (
    logicalId: string,
    suffix: string,
    amr: 'authenticated' | 'unauthenticated',
    granted: IdentityPoolConfig['authenticatedPermissions'],
  ): RoleSpec => ({
    logicalId,
    name: `${config.serviceName}-${suffix}`,
    description: `${amr === 'authenticated' ? 'Signed-in users' : 'Guests'} of ${c.name} (managed by infra)`,
    trustPolicy: identityTrustPolicy(identityPoolId, amr),
    // No statement, no policy: IAM refuses an empty document, and credentials without permissions are what is asked.
    inlinePolicies:
      granted.length > 0
        ? { 'identity-access': { Version: '2012-10-17', Statement: declaredStatements(granted, 'Granted') } }
        : {},
    managedPolicyArns: [],
    tags: config.tags,
  })
  return [
    role('identity-users', 'identity-users', 'authenticated', c.authenticatedPermissions),
    ...(c.allowUnauthenticated
      ? [role('identity-guests', 'identity-guests', 'unauthenticated', c.unauthenticatedPermissions)]
      : []),
  ]
}

export function identityPoolSpec(
  config: ResolvedConfig,
  c: IdentityPoolConfig,
  ids: { userPoolId?: string; clientId?: string },
): IdentityPoolSpec {
  const known = (v?: string) => (v && v !== KNOWN_AFTER_APPLY ? v : undefined)
  return {
    logicalId: 'identities',
    name: c.name,
    allowUnauthenticated: c.allowUnauthenticated,
    ...(known(ids.userPoolId) ? { userPoolId: ids.userPoolId } : {}),
    ...(known(ids.clientId) ? { clientId: ids.clientId } : {}),
    region: config.region,
    tags: config.tags,
  }
}

/** Converges the pool, its roles and their attachment; returns the pool's id (undefined while it would be created). */
export async function convergeIdentityPool(
  ctx: StepContext,
  ids: { userPoolId?: string; clientId?: string },
): Promise<string | undefined> {
  const c = identityPoolConfig(ctx.config)
  if (!c) return undefined
  const pool = await converge(ctx, identityPoolKind, identityPoolSpec(ctx.config, c, ids))
  ctx.report(pool.result)
  const identityPoolId = pool.result.id
  // A same-named pool of someone else's gets no roles of ours.
  if (!pool.managed && !ctx.offline) return undefined
  const roles: Ensured[] = []
  for (const spec of identityRoleSpecs(ctx.config, c, identityPoolId ?? KNOWN_AFTER_APPLY)) {
    const role = await ensureRole(ctx, spec)
    ctx.report(role)
    roles.push(role)
  }
  // A role that is not ours is never handed to the pool's users (the runner then fails the step, naming --adopt).
  if (roles.some((r) => r.action === 'unmanaged')) return identityPoolId
  const attachment: IdentityPoolRolesSpec = {
    logicalId: 'identities',
    name: c.name,
    ...(identityPoolId ? { identityPoolId } : {}),
    roles: Object.fromEntries(
      roles.map((r, i) => [i === 0 ? 'authenticated' : 'unauthenticated', r.arn ?? KNOWN_AFTER_APPLY]),
    ),
  }
  ctx.report((await converge(ctx, identityPoolRolesKind, attachment)).result)
  return identityPoolId
}

/** `identityPoolId` for the step's outputs: known, "(known after apply)" in a plan, or left out. */
export function identityPoolOutput(
  config: ResolvedConfig,
  identityPoolId: string | undefined,
  planning: boolean,
): { identityPoolId?: string } {
  if (!config.sections.cognito?.identity_pool) return {}
  if (identityPoolId) return { identityPoolId }
  return planning ? { identityPoolId: KNOWN_AFTER_APPLY } : {}
}
