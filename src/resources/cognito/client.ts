// Cognito app client: found by the manifest's ID, else by name in the pool (clients have no tags; being in our pool
// makes them ours), then diffed and updated with the full settings. Journal before the create, ID recorded after.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider'
import { isNotFound } from '../../aws/errors.js'
import { StepError } from '../../errors/index.js'
import {
  describeClientSpec,
  diffUserPoolClient,
  refusedClientChanges,
  toCreateUserPoolClientInput,
  toUpdateUserPoolClientInput,
  type UserPoolClientSpec,
} from './client-diff.js'
import { offlineOutcome, recordIfChanged, failureFor, journalCreate } from '../common.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export const CLIENT_KIND = 'cognito-user-pool-client'
const LIST_PAGE = 60

export const clientKey = (logicalId: string) => `${CLIENT_KIND}:${logicalId}`

async function describeClient(idp: CognitoIdentityProviderClient, poolId: string, clientId: string) {
  try {
    return (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })))
      .UserPoolClient
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function findClient(
  ctx: ResourceContext,
  idp: CognitoIdentityProviderClient,
  poolId: string,
  spec: UserPoolClientSpec,
): Promise<UserPoolClientType | undefined> {
  const known = ctx.record.manifest.resources[clientKey(spec.logicalId)]
  // A client recorded in another pool (one replaced after it was deleted out of band) is not looked up.
  if (known?.id && known.attributes?.userPoolId === poolId) {
    const client = await describeClient(idp, poolId, known.id)
    if (client) return client
    ctx.log(`app client ${known.id} (recorded in the manifest) is gone; looking for ${spec.name} by name`)
  }
  const ids: string[] = []
  let NextToken: string | undefined
  do {
    const page = await idp.send(
      new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: LIST_PAGE, NextToken }),
    )
    for (const c of page.UserPoolClients ?? []) if (c.ClientName === spec.name && c.ClientId) ids.push(c.ClientId)
    NextToken = page.NextToken
  } while (NextToken)
  if (ids.length > 1) {
    throw new StepError(
      'UserPoolClientAmbiguous',
      `finding Cognito app client (${spec.name}) in user pool ${poolId}: ${ids.length} clients have this name (${ids.join(', ')})`,
      {
        hint: `Delete the app client that should not exist, then rerun \`infra step cognito --env ${ctx.identity.env}\`.`,
      },
    )
  }
  return ids[0] ? describeClient(idp, poolId, ids[0]) : undefined
}

/** The pool's ID is undefined when a dry run would create the pool: the client then would be created too. */
export async function ensureUserPoolClient(
  ctx: ResourceContext,
  spec: UserPoolClientSpec,
  poolId: string | undefined,
): Promise<Ensured> {
  const key = clientKey(spec.logicalId)
  const base = { kind: CLIENT_KIND, key, name: spec.name }
  const detail = describeClientSpec(spec)
  if (ctx.offline) return offlineOutcome(ctx, CLIENT_KIND, key, spec.name, detail)
  if (!poolId) return { ...base, action: 'would-create', changes: [], id: KNOWN_AFTER_APPLY, detail }
  const idp = ctx.aws.get(CognitoIdentityProviderClient)
  const fail = failureFor(ctx, 'Cognito app client', spec.name)
  const have = await findClient(ctx, idp, poolId, spec).catch(fail('reading', 'UserPoolClientReadFailed'))
  const record = (clientId: string | undefined) =>
    recordIfChanged(ctx, key, { kind: CLIENT_KIND, name: spec.name, id: clientId, attributes: { userPoolId: poolId } })

  if (!have) {
    if (ctx.dryRun) return { ...base, action: 'would-create', changes: [], id: KNOWN_AFTER_APPLY, detail }
    await journalCreate(ctx, key, CLIENT_KIND, spec.name)
    const created = await idp
      .send(new CreateUserPoolClientCommand(toCreateUserPoolClientInput(spec, poolId)))
      .catch(fail('creating', 'UserPoolClientCreateFailed'))
    const clientId = created.UserPoolClient?.ClientId
    // The secret (legacy clients only) is never recorded: the manifest is not a secret store.
    await ctx.record.recordResource(key, {
      kind: CLIENT_KIND,
      step: ctx.stepId,
      name: spec.name,
      id: clientId,
      attributes: { userPoolId: poolId },
    })
    return { ...base, action: 'created', changes: [], id: clientId }
  }

  const refused = refusedClientChanges(have, spec)
  if (refused.length > 0) {
    throw new StepError(
      'ClientSecretChangeRefused',
      `Cognito app client (${spec.name}, ${have.ClientId}): it ${have.ClientSecret ? 'has' : 'has no'} client secret and config says cognito.legacy_password_auth ${spec.generateSecret}; Cognito cannot ${have.ClientSecret ? 'remove' : 'add'} a secret in place; nothing was changed`,
      {
        hint: `Revert cognito.legacy_password_auth, or delete the client (\`aws cognito-idp delete-user-pool-client --user-pool-id ${poolId} --client-id ${have.ClientId}\`: signed-in users must sign in again) and rerun; infra creates a new one and the lambda step passes its id on.`,
      },
    )
  }
  const changes = diffUserPoolClient(have, spec)
  const result = { ...base, changes, id: have.ClientId }
  if (changes.length === 0) {
    await record(have.ClientId)
    return { ...result, action: 'unchanged' }
  }
  if (ctx.dryRun) return { ...result, action: 'would-update' }
  await idp
    .send(new UpdateUserPoolClientCommand(toUpdateUserPoolClientInput(spec, have)))
    .catch(fail('updating', 'UserPoolClientUpdateFailed'))
  await record(have.ClientId)
  return { ...result, action: 'updated' }
}
