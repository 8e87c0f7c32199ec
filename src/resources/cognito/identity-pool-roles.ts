// The IAM roles an identity pool hands out (SetIdentityPoolRoles): `authenticated` for signed-in users and, only when
// config allows guests, `unauthenticated`. No tags of its own: ours because the pool is. Set is idempotent, so a crash
// before the record is resolved by reading the roles again.
import {
  CognitoIdentityClient,
  GetIdentityPoolRolesCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceKind } from '../engine/kind.js'
import type { Change } from '../types.js'

export const IDENTITY_POOL_ROLES_KIND = 'cognito-identity-pool-roles'

export interface IdentityPoolRolesSpec {
  logicalId: string
  /** The pool's name, for messages. */
  name: string
  /** Undefined in a plan before the pool exists. */
  identityPoolId?: string
  /** `authenticated` (and `unauthenticated` when guests are allowed) → role ARN. */
  roles: Record<string, string>
}

export interface ObservedIdentityPoolRoles {
  identityPoolId: string
  roles: Record<string, string>
}

/** Pure: one change per role type that differs (or should be gone). */
export function diffIdentityPoolRoles(have: ObservedIdentityPoolRoles, want: IdentityPoolRolesSpec): Change[] {
  const types = [...new Set([...Object.keys(have.roles), ...Object.keys(want.roles)])].sort()
  return types
    .filter((t) => have.roles[t] !== want.roles[t])
    .map((t) => ({ field: `Roles[${t}]`, from: have.roles[t], to: want.roles[t] }))
}

async function setRoles(client: CognitoIdentityClient, identityPoolId: string, roles: Record<string, string>) {
  await client.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: roles }))
}

export const identityPoolRolesKind: ResourceKind<IdentityPoolRolesSpec, ObservedIdentityPoolRoles> = {
  kind: IDENTITY_POOL_ROLES_KIND,
  label: 'Cognito identity pool roles',
  codePrefix: 'IdentityPoolRoles',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    if (!spec.identityPoolId) return []
    const got = await ctx.aws
      .get(CognitoIdentityClient)
      .send(new GetIdentityPoolRolesCommand({ IdentityPoolId: spec.identityPoolId }))
      .catch((e: unknown) => {
        if (isNotFound(e)) return undefined
        throw e
      })
    const roles = got?.Roles ?? {}
    if (Object.keys(roles).length === 0) return []
    return [{ observed: { identityPoolId: spec.identityPoolId, roles }, id: spec.identityPoolId }]
  },
  diff: diffIdentityPoolRoles,
  async create(ctx, spec) {
    await setRoles(ctx.aws.get(CognitoIdentityClient), spec.identityPoolId!, spec.roles)
    return { observed: { identityPoolId: spec.identityPoolId!, roles: spec.roles }, id: spec.identityPoolId }
  },
  async apply(ctx, observed, spec) {
    await setRoles(ctx.aws.get(CognitoIdentityClient), observed.identityPoolId, spec.roles)
  },
  async delete(ctx, record) {
    // Detaching: the pool (if it is still there) hands out no credentials; the roles are IAM's to delete.
    await setRoles(ctx.aws.get(CognitoIdentityClient), record.id!, {}).catch((e: unknown) => {
      if (!isNotFound(e)) throw e
    })
  },
  describe: (spec) =>
    Object.entries(spec.roles)
      .map(([type, role]) => `${type}: ${role.split('/').pop()}`)
      .join(', '),
}
