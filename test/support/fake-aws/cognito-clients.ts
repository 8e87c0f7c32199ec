// FakeCognito's app clients and prefix domains. What it models: cognito.md.
import {
  CreateUserPoolClientCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientRequest,
  type CreateUserPoolDomainRequest,
  type DescribeUserPoolDomainResponse,
  type UpdateUserPoolClientRequest,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider'
import { on, type Out } from './core.js'
import type { FakeCognito } from './cognito.js'
import {
  CLIENT_DEFAULTS,
  LOWER_ALNUM,
  checkName,
  idFrom,
  inMinutes,
  invalidParameter,
  notFound,
  paginate,
  type ClientState,
  type Entry,
  type PoolState,
} from './cognito-model.js'

// Cognito's text for a prefix someone else holds (in this account or any other).
export const DOMAIN_TAKEN = 'Domain already associated with another user pool.'
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const RESERVED_WORDS = ['aws', 'amazon', 'cognito']
// HTTPS, or plain HTTP for localhost only; no fragment (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html).
const REDIRECT = /^(https:\/\/|http:\/\/localhost(:\d+)?(\/|$))[^#]*$/
type ClientRequest = CreateUserPoolClientRequest | UpdateUserPoolClientRequest

/** The client's settings from a request, every one left out reset to Cognito's default (create and update alike). */
function clientSettings(i: ClientRequest): Partial<UserPoolClientType> {
  const s: Partial<UserPoolClientType> = { ...structuredClone(CLIENT_DEFAULTS) }
  for (const [k, v] of Object.entries(i)) {
    if (['UserPoolId', 'ClientId', 'ClientName', 'GenerateSecret', 'ClientSecret'].includes(k) || v === undefined)
      continue
    ;(s as Record<string, unknown>)[k] = structuredClone(v)
  }
  if (i.TokenValidityUnits) s.TokenValidityUnits = { ...CLIENT_DEFAULTS.TokenValidityUnits, ...i.TokenValidityUnits }
  const flows = s.ExplicitAuthFlows ?? []
  if (flows.some((f) => f.startsWith('ALLOW_')) && flows.some((f) => !f.startsWith('ALLOW_')))
    throw invalidParameter('ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.') // ≈
  for (const url of [...(s.CallbackURLs ?? []), ...(s.LogoutURLs ?? [])])
    if (!REDIRECT.test(url))
      throw invalidParameter(`${url} is not a valid redirect URL: use HTTPS, or HTTP for localhost`) // ≈
  if (s.DefaultRedirectURI && !(s.CallbackURLs ?? []).includes(s.DefaultRedirectURI))
    throw invalidParameter('DefaultRedirectURI must be one of the CallbackURLs.') // ≈
  const scopes = s.AllowedOAuthScopes ?? []
  if (scopes.some((x) => ['email', 'phone', 'profile'].includes(x)) && !scopes.includes('openid'))
    throw invalidParameter('Scopes email, phone and profile require the openid scope.') // ≈
  if (s.AllowedOAuthFlowsUserPoolClient) {
    if (!s.AllowedOAuthFlows?.length || scopes.length === 0)
      throw invalidParameter(
        'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.',
      ) // ≈
    if (s.AllowedOAuthFlows.some((f) => f !== 'client_credentials') && !s.CallbackURLs?.length)
      throw invalidParameter('CallbackURLs are required for the code and implicit flows.') // ≈
  }
  const u = s.TokenValidityUnits
  const access = inMinutes(s.AccessTokenValidity!, u?.AccessToken, 'minutes')
  const id = inMinutes(s.IdTokenValidity!, u?.IdToken, 'minutes')
  const refresh = inMinutes(s.RefreshTokenValidity!, u?.RefreshToken, 'days')
  if ([access, id].some((m) => m < 5 || m > 1440))
    throw invalidParameter('Access and ID token validity must be between 5 minutes and 1 day.') // ≈
  if (refresh < 60 || refresh > 3650 * 1440)
    throw invalidParameter('Refresh token validity must be between 60 minutes and 10 years.') // ≈
  return s
}

function renderClient(c: ClientState): UserPoolClientType {
  const { createdAt, modifiedAt, ...rest } = structuredClone(c)
  return { ...rest, CreationDate: new Date(createdAt), LastModifiedDate: new Date(modifiedAt) }
}

function clientOf(pool: PoolState, clientId: string | undefined): ClientState {
  const client = clientId ? pool.clients[clientId] : undefined
  if (!client) throw notFound(`User pool client ${clientId} does not exist.`)
  return client
}

export function clientHandlers(fake: FakeCognito): Entry[] {
  return [
    on(CreateUserPoolClientCommand, (i) => {
      const pool = fake.poolOrThrow(i.UserPoolId)
      const name = checkName(i.ClientName, 'clientName')
      const id = idFrom(fake.next('client'), 26, LOWER_ALNUM)
      const now = fake.now()
      const client: ClientState = {
        ...clientSettings(i),
        UserPoolId: pool.id,
        ClientName: name,
        ClientId: id,
        ...(i.GenerateSecret ? { ClientSecret: idFrom(fake.next('secret'), 51, LOWER_ALNUM) } : {}),
        createdAt: now,
        modifiedAt: now,
      }
      pool.clients[id] = client
      return { UserPoolClient: renderClient(client) }
    }),
    on(DescribeUserPoolClientCommand, (i) => ({
      UserPoolClient: renderClient(clientOf(fake.poolOrThrow(i.UserPoolId), i.ClientId)),
    })),
    on(ListUserPoolClientsCommand, (i) => {
      const pool = fake.poolOrThrow(i.UserPoolId)
      const max = i.MaxResults ?? 60
      if (max < 1 || max > 60) throw invalidParameter(`Value '${max}' at 'maxResults' must be between 1 and 60`) // ≈
      const { page, next } = paginate(Object.values(pool.clients), max, i.NextToken, 'clients')
      return {
        UserPoolClients: page.map((c) => ({ ClientId: c.ClientId, UserPoolId: pool.id, ClientName: c.ClientName })),
        ...(next ? { NextToken: next } : {}),
      }
    }),
    on(UpdateUserPoolClientCommand, (i) => {
      const pool = fake.poolOrThrow(i.UserPoolId)
      const old = clientOf(pool, i.ClientId)
      const name = i.ClientName === undefined ? old.ClientName : checkName(i.ClientName, 'clientName')
      const updated: ClientState = {
        ...clientSettings(i),
        UserPoolId: pool.id,
        ClientName: name,
        ClientId: old.ClientId,
        ...(old.ClientSecret ? { ClientSecret: old.ClientSecret } : {}),
        createdAt: old.createdAt,
        modifiedAt: fake.now(),
      }
      pool.clients[old.ClientId!] = updated
      return { UserPoolClient: renderClient(updated) }
    }),
    on(DeleteUserPoolClientCommand, (i) => {
      const pool = fake.poolOrThrow(i.UserPoolId)
      delete pool.clients[clientOf(pool, i.ClientId).ClientId!]
      return {}
    }),
  ]
}

export function domainHandlers(fake: FakeCognito): Entry[] {
  return [
    on(CreateUserPoolDomainCommand, (i) => createDomain(fake, i)),
    on(DescribeUserPoolDomainCommand, (i): Out<DescribeUserPoolDomainResponse> => {
      const d = i.Domain ? fake.domains[i.Domain] : undefined
      // Cognito answers a domain it does not know (or another account's) with an empty description, not an error.
      if (!d) return { DomainDescription: {} }
      // The first `describesUntilDomainActive` describes show CREATING, the next one ACTIVE.
      if (d.status === 'CREATING') {
        if (d.readsUntilActive > 0) d.readsUntilActive--
        else d.status = 'ACTIVE'
      }
      return {
        DomainDescription: {
          UserPoolId: d.userPoolId,
          AWSAccountId: fake.account,
          Domain: d.domain,
          CloudFrontDistribution: d.cloudFront,
          Version: '20240101000000',
          Status: d.status,
          ManagedLoginVersion: 1,
        },
      }
    }),
    on(DeleteUserPoolDomainCommand, (i) => {
      const d = i.Domain ? fake.domains[i.Domain] : undefined
      // Cognito's text (aws-amplify/amplify-cli#12774 matches it); not a ResourceNotFoundException.
      if (!d || d.userPoolId !== i.UserPoolId) throw invalidParameter('No such domain or user pool exists.')
      delete fake.domains[d.domain]
      const pool = fake.pool(d.userPoolId)
      if (pool) delete pool.domain
      return {}
    }),
  ]
}

function createDomain(fake: FakeCognito, i: CreateUserPoolDomainRequest) {
  const pool = fake.poolOrThrow(i.UserPoolId)
  const prefix = i.Domain ?? ''
  if (i.CustomDomainConfig) throw invalidParameter('FakeCognito models prefix domains only.')
  if (!PREFIX.test(prefix))
    throw invalidParameter(
      `1 validation error detected: Value '${prefix}' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$`,
    )
  const reserved = RESERVED_WORDS.find((w) => prefix.includes(w))
  if (reserved) throw invalidParameter(`Domain cannot contain reserved word: ${reserved}`) // ≈
  if (fake.takenPrefixes.includes(prefix) || fake.domains[prefix]) throw invalidParameter(DOMAIN_TAKEN)
  if (pool.domain) throw invalidParameter('User pool already has a domain configured.') // ≈
  const cloudFront = `${idFrom(fake.next('cloudfront'), 14, 'abcdef0123456789')}.cloudfront.net`
  fake.domains[prefix] = {
    domain: prefix,
    userPoolId: pool.id,
    status: fake.describesUntilDomainActive > 0 ? 'CREATING' : 'ACTIVE',
    readsUntilActive: fake.describesUntilDomainActive,
    cloudFront,
  }
  pool.domain = prefix
  return { CloudFrontDomain: cloudFront, ManagedLoginVersion: 1 }
}
