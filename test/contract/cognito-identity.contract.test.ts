// The identity pool and its role attachment through the engine's contract; the pool holds identities (data), so it
// is retained when dropped and deleted by destroy with --delete-data.
import { describe, expect, test } from 'vitest'
import { diffIdentityPoolRoles, identityPoolRolesKind } from '../../src/resources/cognito/identity-pool-roles.js'
import { diffIdentityPool, identityPoolKind, type IdentityPoolSpec } from '../../src/resources/cognito/identity-pool.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const pool: IdentityPoolSpec = {
  logicalId: 'identities',
  name: 'contract-svc-identities',
  allowUnauthenticated: false,
  userPoolId: 'us-east-1_abcdefghi',
  clientId: 'client123',
  region: 'us-east-1',
  tags: OUR_TAGS,
}

contractSuite({
  kind: identityPoolKind,
  spec: () => pool,
  changed: (s) => ({ ...s, allowUnauthenticated: true }),
  updateCalls: ['UpdateIdentityPool'],
  createCommand: 'CreateIdentityPool',
  alreadyExists: false, // names are not unique
  count: (aws, s) => aws.cognitoIdentity.poolsNamed(s.name).length,
  deleteOutOfBand: (aws, s) => {
    for (const p of aws.cognitoIdentity.poolsNamed(s.name)) delete aws.cognitoIdentity.pools[p.id]
  },
})

const ROLE = 'arn:aws:iam::887078546492:role/contract-svc-identity-users'
contractSuite({
  kind: identityPoolRolesKind,
  async setup(_ctx, aws) {
    aws.cognitoIdentity.load({
      pools: {
        'us-east-1:p1': {
          id: 'us-east-1:p1',
          name: pool.name,
          allowUnauthenticated: false,
          allowClassicFlow: false,
          providers: [],
          tags: OUR_TAGS,
          roles: {},
        },
      },
    })
    return { poolId: 'us-east-1:p1' }
  },
  spec: (parents) => ({
    logicalId: 'identities',
    name: pool.name,
    identityPoolId: parents.poolId!,
    roles: { authenticated: ROLE },
  }),
  changed: (s) => ({ ...s, roles: { ...s.roles, unauthenticated: `${ROLE}-guests` } }),
  updateCalls: ['SetIdentityPoolRoles'],
  createCommand: 'SetIdentityPoolRoles',
  alreadyExists: false, // a set: never "already exists"
  count: (aws) => (Object.keys(aws.cognitoIdentity.pools['us-east-1:p1']?.roles ?? {}).length > 0 ? 1 : 0),
  deleteOutOfBand: (aws) => void (aws.cognitoIdentity.pools['us-east-1:p1']!.roles = {}),
})

describe('identity pool diffs', () => {
  test('the user pool provider and guests are compared; a role to drop is a change', () => {
    const have = {
      pool: {
        IdentityPoolId: 'us-east-1:p1',
        IdentityPoolName: pool.name,
        AllowUnauthenticatedIdentities: false,
        CognitoIdentityProviders: [
          {
            ProviderName: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abcdefghi',
            ClientId: 'client123',
            ServerSideTokenCheck: false,
          },
        ],
      },
      tags: OUR_TAGS,
    }
    expect(diffIdentityPool(have, pool)).toEqual([])
    expect(diffIdentityPool(have, { ...pool, clientId: 'other' }).map((c) => c.field)).toEqual([
      'CognitoIdentityProviders',
    ])
    expect(
      diffIdentityPoolRoles(
        { identityPoolId: 'p', roles: { authenticated: ROLE, unauthenticated: 'g' } },
        { logicalId: 'x', name: 'x', identityPoolId: 'p', roles: { authenticated: ROLE } },
      ),
    ).toEqual([{ field: 'Roles[unauthenticated]', from: 'g', to: undefined }])
  })
})
