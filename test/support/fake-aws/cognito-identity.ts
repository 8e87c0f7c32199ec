// FakeCognitoIdentity: identity pools (create, describe, update, list, delete), their tags and the roles they hand
// out. What it models: cognito-identity.md.
import * as sdk from '@aws-sdk/client-cognito-identity'
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  InvalidParameterException,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SetIdentityPoolRolesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
  type CognitoIdentityProvider,
  type CreateIdentityPoolInput,
  type IdentityPool,
  type ListIdentityPoolsInput,
  type SetIdentityPoolRolesInput,
} from '@aws-sdk/client-cognito-identity'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface IdentityPoolState {
  id: string
  name: string
  allowUnauthenticated: boolean
  allowClassicFlow: boolean
  providers: CognitoIdentityProvider[]
  tags: Record<string, string>
  roles: Record<string, string>
}

// CreateIdentityPool's constraints (API reference).
const POOL_NAME = /^[\w\s+=,.@-]{1,128}$/
const PROVIDER_NAME = /^[\w._:/-]{1,128}$/
const CLIENT_ID = /^[\w_]{1,128}$/
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
const ROLE_TYPES = new Set(['authenticated', 'unauthenticated'])
const MAX_TAGS = 50

const invalid = (message: string) => awsError(InvalidParameterException, message)

export class FakeCognitoIdentity implements ServiceFake {
  readonly service = 'cognito-identity'
  readonly sdk = sdk
  readonly client = CognitoIdentityClient
  pools: Record<string, IdentityPoolState> = {}
  private created = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateIdentityPoolCommand, (i) => this.create(i)),
      on(DescribeIdentityPoolCommand, (i) => this.render(this.pool(i.IdentityPoolId))),
      on(UpdateIdentityPoolCommand, (i) => this.update(i)),
      on(DeleteIdentityPoolCommand, (i) => {
        delete this.pools[this.pool(i.IdentityPoolId).id]
        return {}
      }),
      on(ListIdentityPoolsCommand, (i) => this.list(i)),
      on(SetIdentityPoolRolesCommand, (i) => this.setRoles(i)),
      on(GetIdentityPoolRolesCommand, (i) => {
        const p = this.pool(i.IdentityPoolId)
        return { IdentityPoolId: p.id, Roles: p.roles }
      }),
      on(TagResourceCommand, (i) => this.tag(i.ResourceArn, i.Tags ?? {})),
      on(UntagResourceCommand, (i) => {
        const p = this.byArn(i.ResourceArn)
        for (const key of i.TagKeys ?? []) delete p.tags[key]
        return {}
      }),
      on(ListTagsForResourceCommand, (i) => ({ Tags: this.byArn(i.ResourceArn).tags })),
    ]
  }

  toJSON(): unknown {
    return structuredClone({ pools: this.pools, created: this.created })
  }

  load(state: any): void {
    this.pools = structuredClone(state?.pools ?? {})
    this.created = state?.created ?? 0
  }

  poolsNamed(name: string): IdentityPoolState[] {
    return Object.values(this.pools).filter((p) => p.name === name)
  }

  arn(id: string): string {
    return `arn:aws:cognito-identity:${this.env.region}:${this.env.account}:identitypool/${id}`
  }

  private pool(id: string | undefined): IdentityPoolState {
    const p = this.pools[id ?? '']
    if (!p) throw awsError(ResourceNotFoundException, `IdentityPool '${id}' not found.`)
    return p
  }

  private byArn(arn: string | undefined): IdentityPoolState {
    const prefix = this.arn('')
    if (!arn?.startsWith(prefix)) throw invalid(`Invalid resource ARN: ${arn}`)
    return this.pool(arn.slice(prefix.length))
  }

  private validate(
    i: Pick<
      CreateIdentityPoolInput,
      'IdentityPoolName' | 'AllowUnauthenticatedIdentities' | 'CognitoIdentityProviders'
    >,
  ) {
    if (!POOL_NAME.test(i.IdentityPoolName ?? ''))
      throw invalid(
        `1 validation error detected: Value '${i.IdentityPoolName}' at 'identityPoolName' failed to satisfy constraint`,
      )
    if (i.AllowUnauthenticatedIdentities === undefined)
      throw invalid(
        "1 validation error detected: Value null at 'allowUnauthenticatedIdentities' failed to satisfy constraint: Member must not be null",
      )
    for (const p of i.CognitoIdentityProviders ?? [])
      if (!PROVIDER_NAME.test(p.ProviderName ?? '') || !CLIENT_ID.test(p.ClientId ?? ''))
        throw invalid(`Invalid Cognito Identity Provider: ${p.ProviderName} / ${p.ClientId}`)
  }

  private create(i: CreateIdentityPoolInput): IdentityPool {
    this.validate(i)
    if (Object.keys(i.IdentityPoolTags ?? {}).length > MAX_TAGS) throw invalid(`at most ${MAX_TAGS} tags`)
    this.created += 1
    const id = `${this.env.region}:${String(this.created).padStart(8, '0')}-0000-4000-8000-000000000000`
    this.pools[id] = {
      id,
      name: i.IdentityPoolName!,
      allowUnauthenticated: i.AllowUnauthenticatedIdentities!,
      allowClassicFlow: i.AllowClassicFlow ?? false,
      providers: i.CognitoIdentityProviders ?? [],
      tags: i.IdentityPoolTags ?? {},
      roles: {},
    }
    return this.render(this.pools[id])
  }

  private update(i: IdentityPool): IdentityPool {
    const p = this.pool(i.IdentityPoolId)
    this.validate(i)
    Object.assign(p, {
      name: i.IdentityPoolName!,
      allowUnauthenticated: i.AllowUnauthenticatedIdentities!,
      allowClassicFlow: i.AllowClassicFlow ?? false,
      // A full replacement: providers left out are removed.
      providers: i.CognitoIdentityProviders ?? [],
    })
    return this.render(p)
  }

  private list(i: ListIdentityPoolsInput) {
    const max = i.MaxResults ?? 0
    if (max < 1 || max > 60)
      throw invalid(
        `1 validation error detected: Value '${i.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60`,
      )
    const ids = Object.keys(this.pools).sort()
    const start = i.NextToken ? Number(i.NextToken) : 0
    const page = ids.slice(start, start + max)
    return {
      IdentityPools: page.map((id) => ({ IdentityPoolId: id, IdentityPoolName: this.pools[id]!.name })),
      ...(start + max < ids.length ? { NextToken: String(start + max) } : {}),
    }
  }

  private setRoles(i: SetIdentityPoolRolesInput) {
    const p = this.pool(i.IdentityPoolId)
    for (const [type, arn] of Object.entries(i.Roles ?? {})) {
      if (!ROLE_TYPES.has(type))
        throw invalid(`Invalid role type: ${type}. Valid values are authenticated, unauthenticated`)
      if (!ROLE_ARN.test(arn)) throw invalid(`Invalid role ARN: ${arn}`)
    }
    p.roles = { ...(i.Roles ?? {}) }
    return {}
  }

  private tag(arn: string | undefined, tags: Record<string, string>) {
    const p = this.byArn(arn)
    const merged = { ...p.tags, ...tags }
    if (Object.keys(merged).length > MAX_TAGS) throw invalid(`at most ${MAX_TAGS} tags`)
    p.tags = merged
    return {}
  }

  private render(p: IdentityPoolState): IdentityPool {
    return {
      IdentityPoolId: p.id,
      IdentityPoolName: p.name,
      AllowUnauthenticatedIdentities: p.allowUnauthenticated,
      AllowClassicFlow: p.allowClassicFlow,
      CognitoIdentityProviders: p.providers,
      IdentityPoolTags: p.tags,
    }
  }
}
