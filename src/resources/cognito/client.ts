// Cognito app client: no tags of its own (being in our pool makes it ours) and CreateUserPoolClient has no token, so
// it is found by the manifest's ID, else by name within the pool; it is updated with the full settings.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider'
import { isNotFound } from '../../aws/errors.js'
import { StepError } from '../../errors/index.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import { recordedString } from '../engine/early.js'
import type { ResourceContext } from '../types.js'
import {
  describeClientSpec,
  diffUserPoolClient,
  refusedClientChanges,
  toCreateUserPoolClientInput,
  toUpdateUserPoolClientInput,
  type UserPoolClientSpec,
} from './client-diff.js'

export const CLIENT_KIND = 'cognito-user-pool-client'
const LIST_PAGE = 60

/** The client's settings and its pool: undefined while a dry run would create the pool (so would it the client). */
export interface PoolClientSpec extends UserPoolClientSpec {
  userPoolId: string | undefined
}

const observation = (client: UserPoolClientType): Observation<UserPoolClientType> => ({
  observed: client,
  id: client.ClientId,
})

/** Undefined when the client, or its pool, is gone. */
async function describeClient(idp: CognitoIdentityProviderClient, poolId: string, clientId: string) {
  try {
    return (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })))
      .UserPoolClient
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Every client of the pool with this name; none when the pool is gone. */
async function clientsNamed(idp: CognitoIdentityProviderClient, poolId: string, name: string) {
  const ids: string[] = []
  let NextToken: string | undefined
  try {
    do {
      const page = await idp.send(
        new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: LIST_PAGE, NextToken }),
      )
      for (const c of page.UserPoolClients ?? []) if (c.ClientName === name && c.ClientId) ids.push(c.ClientId)
      NextToken = page.NextToken
    } while (NextToken)
  } catch (e) {
    if (isNotFound(e)) return []
    throw e
  }
  const clients = await Promise.all(ids.map((id) => describeClient(idp, poolId, id)))
  return clients.filter((c): c is UserPoolClientType => c !== undefined)
}

function refuseSecretChange(have: UserPoolClientType, spec: PoolClientSpec): void {
  if (refusedClientChanges(have, spec).length === 0) return
  throw new StepError(
    'ClientSecretChangeRefused',
    `Cognito app client (${spec.name}, ${have.ClientId}): it ${have.ClientSecret ? 'has' : 'has no'} client secret and config says cognito.legacy_password_auth ${spec.generateSecret}; Cognito cannot ${have.ClientSecret ? 'remove' : 'add'} a secret in place; nothing was changed`,
    {
      hint: `Revert cognito.legacy_password_auth, or delete the client (\`aws cognito-idp delete-user-pool-client --user-pool-id ${have.UserPoolId} --client-id ${have.ClientId}\`: signed-in users must sign in again) and rerun; infra creates a new one and the lambda step passes its id on.`,
    },
  )
}

async function findClients(
  ctx: ResourceContext,
  name: string,
  poolId: string | undefined,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<UserPoolClientType>>> {
  if (!poolId) return []
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  // A client recorded in another pool (one replaced after it was deleted out of band) is not looked up.
  const byId =
    recorded?.id && recorded.attributes?.userPoolId === poolId
      ? await describeClient(idp, poolId, recorded.id)
      : undefined
  const clients = byId ? [byId] : await clientsNamed(idp, poolId, name)
  return clients.map(observation)
}

export const userPoolClientKind: ResourceKind<PoolClientSpec, UserPoolClientType> = {
  kind: CLIENT_KIND,
  label: 'Cognito app client',
  codePrefix: 'UserPoolClient',
  identity: 'recorded-id',
  ownership: 'parent',
  find: (ctx, spec, recorded) => findClients(ctx, spec.name, spec.userPoolId, recorded),
  // Read early in the recorded pool.
  early: {
    service: 'cognito-idp',
    read: (ctx, recorded) => findClients(ctx, recorded.name, recordedString(recorded, 'userPoolId'), recorded),
    covers: (recorded, spec) => recordedString(recorded, 'userPoolId') === spec.userPoolId,
  },
  diff: diffUserPoolClient,
  refuse: refuseSecretChange,
  async create(ctx, spec) {
    if (!spec.userPoolId) throw new Error(`app client ${spec.name}: its user pool has no id yet`)
    const out = await ctx.aws
      .get(CognitoIdentityProviderClient)
      .send(new CreateUserPoolClientCommand(toCreateUserPoolClientInput(spec, spec.userPoolId)))
    return observation(out.UserPoolClient!)
  },
  async apply(ctx, observed, spec) {
    const out = await ctx.aws
      .get(CognitoIdentityProviderClient)
      .send(new UpdateUserPoolClientCommand(toUpdateUserPoolClientInput(spec, observed)))
    return { observed: out.UserPoolClient ?? observed }
  },
  async delete(ctx, record) {
    await ctx.aws
      .get(CognitoIdentityProviderClient)
      .send(new DeleteUserPoolClientCommand({ UserPoolId: String(record.attributes?.userPoolId), ClientId: record.id }))
  },
  // The secret (legacy clients only) is never recorded: the manifest is not a secret store.
  attributes: (_observed, spec) => ({ userPoolId: spec.userPoolId }),
  describe: describeClientSpec,
}
