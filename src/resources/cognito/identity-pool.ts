// Cognito identity pool: AWS credentials for the users of our user pool (through its app client). Names are not
// unique and CreateIdentityPool takes no token, so it is found by the manifest's id, else by name and our tags.
// Data-bearing: its identity ids are what an app keys per-user data by (`${cognito-identity.amazonaws.com:sub}`).
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  ListIdentityPoolsCommand,
  TagResourceCommand,
  UpdateIdentityPoolCommand,
  type CognitoIdentityProvider,
  type IdentityPool,
} from '@aws-sdk/client-cognito-identity'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { arn, changedTags, diffTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change } from '../types.js'

export const IDENTITY_POOL_KIND = 'cognito-identity-pool'
// ListIdentityPools: MaxResults 1-60.
const LIST_PAGE = 60

export interface IdentityPoolSpec {
  logicalId: string
  name: string
  allowUnauthenticated: boolean
  /** The user pool and app client whose tokens it accepts; undefined in a plan before they exist. */
  userPoolId?: string
  clientId?: string
  region: string
  tags: Tags
}

export interface ObservedIdentityPool {
  pool: IdentityPool
  tags: Tags
}

/** `cognito-idp.<region>.amazonaws.com/<pool id>`: how an identity pool names a user pool. */
export const userPoolProvider = (region: string, userPoolId: string) =>
  `cognito-idp.${region}.amazonaws.com/${userPoolId}`

function providersOf(spec: IdentityPoolSpec): CognitoIdentityProvider[] {
  if (!spec.userPoolId || !spec.clientId) return []
  return [
    {
      ProviderName: userPoolProvider(spec.region, spec.userPoolId),
      ClientId: spec.clientId,
      ServerSideTokenCheck: false,
    },
  ]
}

const providerKeys = (providers: CognitoIdentityProvider[] = []) =>
  providers.map((p) => `${p.ProviderName}|${p.ClientId}|${p.ServerSideTokenCheck ?? false}`).sort()

/** Pure: what differs, one entry per field (tags one per key). */
export function diffIdentityPool(have: ObservedIdentityPool, want: IdentityPoolSpec): Change[] {
  const changes: Change[] = []
  if ((have.pool.AllowUnauthenticatedIdentities ?? false) !== want.allowUnauthenticated)
    changes.push({
      field: 'AllowUnauthenticatedIdentities',
      from: have.pool.AllowUnauthenticatedIdentities,
      to: want.allowUnauthenticated,
    })
  const from = providerKeys(have.pool.CognitoIdentityProviders)
  const to = providerKeys(providersOf(want))
  if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: 'CognitoIdentityProviders', from, to })
  return [...changes, ...diffTags(have.tags, want.tags)]
}

async function describe(client: CognitoIdentityClient, id: string): Promise<IdentityPool | undefined> {
  return client.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })).catch((e: unknown) => {
    if (isNotFound(e)) return undefined
    throw e
  })
}

/** Every pool named `name` (ListIdentityPools does not filter), described to read its tags. */
async function poolsNamed(client: CognitoIdentityClient, name: string): Promise<IdentityPool[]> {
  const ids: string[] = []
  let NextToken: string | undefined
  do {
    const page = await client.send(new ListIdentityPoolsCommand({ MaxResults: LIST_PAGE, NextToken }))
    for (const p of page.IdentityPools ?? [])
      if (p.IdentityPoolName === name && p.IdentityPoolId) ids.push(p.IdentityPoolId)
    NextToken = page.NextToken
  } while (NextToken)
  const pools = await Promise.all(ids.map((id) => describe(client, id)))
  return pools.filter((p): p is IdentityPool => p !== undefined)
}

const poolArn = (ctx: Parameters<typeof arn>[0], id: string) => arn(ctx, 'cognito-identity', `identitypool/${id}`)

function observation(ctx: Parameters<typeof arn>[0], pool: IdentityPool): Observation<ObservedIdentityPool> {
  const tags = pool.IdentityPoolTags ?? {}
  return { observed: { pool, tags }, id: pool.IdentityPoolId, arn: poolArn(ctx, pool.IdentityPoolId!), tags }
}

export const identityPoolKind: ResourceKind<IdentityPoolSpec, ObservedIdentityPool> = {
  kind: IDENTITY_POOL_KIND,
  label: 'Cognito identity pool',
  codePrefix: 'IdentityPool',
  identity: 'recorded-id',
  dataBearing: true,
  async find(ctx, spec, recorded) {
    const client = ctx.aws.get(CognitoIdentityClient)
    const byId = recorded?.id ? await describe(client, recorded.id) : undefined
    const pools = byId ? [byId] : await poolsNamed(client, spec.name)
    return pools.map((p) => observation(ctx, p))
  },
  diff: diffIdentityPool,
  async create(ctx, spec) {
    const pool = await ctx.aws.get(CognitoIdentityClient).send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: spec.name,
        AllowUnauthenticatedIdentities: spec.allowUnauthenticated,
        AllowClassicFlow: false,
        CognitoIdentityProviders: providersOf(spec),
        IdentityPoolTags: spec.tags,
      }),
    )
    return observation(ctx, { ...pool, IdentityPoolTags: pool.IdentityPoolTags ?? spec.tags })
  },
  async apply(ctx, observed, spec, changes) {
    const client = ctx.aws.get(CognitoIdentityClient)
    const id = observed.pool.IdentityPoolId!
    // UpdateIdentityPool replaces the pool's settings: what we do not manage is sent back as it is.
    const p = observed.pool
    if (changes.some((c) => !c.field.startsWith('Tags[')))
      await client.send(
        new UpdateIdentityPoolCommand({
          IdentityPoolId: id,
          IdentityPoolName: spec.name,
          AllowUnauthenticatedIdentities: spec.allowUnauthenticated,
          AllowClassicFlow: p.AllowClassicFlow,
          SupportedLoginProviders: p.SupportedLoginProviders,
          DeveloperProviderName: p.DeveloperProviderName,
          OpenIdConnectProviderARNs: p.OpenIdConnectProviderARNs,
          SamlProviderARNs: p.SamlProviderARNs,
          CognitoIdentityProviders: providersOf(spec),
        }),
      )
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await client.send(new TagResourceCommand({ ResourceArn: poolArn(ctx, id), Tags: tags }))
  },
  async delete(ctx, record) {
    await ctx.aws
      .get(CognitoIdentityClient)
      .send(new DeleteIdentityPoolCommand({ IdentityPoolId: record.id }))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e
      })
  },
  describe: (spec) =>
    `credentials for users of ${spec.userPoolId ?? 'the user pool'}${spec.allowUnauthenticated ? ' and guests' : ', no guests'}`,
}
