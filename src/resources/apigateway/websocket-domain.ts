// WebSocket API custom domain (API Gateway v2: regional, TLS 1.2) and its API mapping (the domain's root → the API's
// stage). Domain names are unique per account and region: found by name; the domain carries this service's tags, the
// mapping is ours because its domain is.
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  DeleteApiMappingCommand,
  DeleteDomainNameCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  TagResourceCommand,
  UpdateApiMappingCommand,
  UpdateDomainNameCommand,
  type DomainNameConfiguration,
} from '@aws-sdk/client-apigatewayv2'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change, ResourceContext } from '../types.js'
import { allPages, apiGatewayArn, callApi } from './call.js'
import { API_SECURITY_POLICY, type DomainNameSpec, type ObservedDomainName } from './domain-name.js'

export const WEBSOCKET_DOMAIN_KIND = 'apigatewayv2-domain-name'
export const API_MAPPING_KIND = 'apigatewayv2-api-mapping'

const client = (ctx: ResourceContext) => ctx.aws.get(ApiGatewayV2Client)
const domainArn = (ctx: ResourceContext, name: string) => apiGatewayArn(ctx.identity.region, `/domainnames/${name}`)

const configurationFor = (spec: DomainNameSpec): DomainNameConfiguration => ({
  CertificateArn: spec.certificateArn,
  EndpointType: 'REGIONAL',
  SecurityPolicy: API_SECURITY_POLICY,
})

function observeDomain(d: { DomainName?: string; DomainNameConfigurations?: DomainNameConfiguration[]; Tags?: Tags }) {
  const c = d.DomainNameConfigurations?.[0]
  const observed: ObservedDomainName = {
    name: d.DomainName!,
    certificateArn: c?.CertificateArn ?? '',
    securityPolicy: c?.SecurityPolicy ?? '',
    targetDomainName: c?.ApiGatewayDomainName ?? '',
    targetHostedZoneId: c?.HostedZoneId ?? '',
    tags: d.Tags ?? {},
  }
  return observed
}

export function diffWebSocketDomain(have: ObservedDomainName, spec: DomainNameSpec): Change[] {
  const changes: Change[] = []
  if (have.certificateArn !== spec.certificateArn)
    changes.push({ field: 'CertificateArn', from: have.certificateArn, to: spec.certificateArn })
  if (have.securityPolicy !== API_SECURITY_POLICY)
    changes.push({ field: 'SecurityPolicy', from: have.securityPolicy, to: API_SECURITY_POLICY })
  return [...changes, ...diffTags(have.tags, spec.tags)]
}

export const webSocketDomainKind: ResourceKind<DomainNameSpec, ObservedDomainName> = {
  kind: WEBSOCKET_DOMAIN_KIND,
  label: 'API Gateway v2 custom domain',
  codePrefix: 'WebSocketDomain',
  identity: 'name',
  ...foundByName('apigatewayv2', async (ctx, name) => {
    try {
      const d = await callApi(ctx, `reading custom domain ${name}`, () =>
        client(ctx).send(new GetDomainNameCommand({ DomainName: name })),
      )
      const observed = observeDomain(d)
      return [{ observed, id: observed.name, arn: domainArn(ctx, observed.name), tags: observed.tags }]
    } catch (e) {
      if (isNotFound(e)) return []
      throw e
    }
  }),
  diff: diffWebSocketDomain,
  async create(ctx, spec) {
    const d = await callApi(ctx, `creating custom domain ${spec.name}`, () =>
      client(ctx).send(
        new CreateDomainNameCommand({
          DomainName: spec.name,
          DomainNameConfigurations: [configurationFor(spec)],
          Tags: spec.tags,
        }),
      ),
    )
    const observed = observeDomain(d)
    return { observed, id: observed.name, arn: domainArn(ctx, observed.name), tags: observed.tags }
  },
  async apply(ctx, observed, spec, changes) {
    let now = observed
    if (changes.some((c) => !c.field.startsWith('Tags['))) {
      const d = await callApi(ctx, `updating custom domain ${spec.name}`, () =>
        client(ctx).send(
          new UpdateDomainNameCommand({ DomainName: spec.name, DomainNameConfigurations: [configurationFor(spec)] }),
        ),
      )
      now = { ...observeDomain(d), tags: observed.tags }
    }
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0) {
      await callApi(ctx, `tagging custom domain ${spec.name}`, () =>
        client(ctx).send(new TagResourceCommand({ ResourceArn: domainArn(ctx, spec.name), Tags: tags })),
      )
    }
    return { observed: { ...now, tags: { ...observed.tags, ...tags } } }
  },
  async delete(ctx, record) {
    await callApi(ctx, `deleting custom domain ${record.name}`, () =>
      client(ctx).send(new DeleteDomainNameCommand({ DomainName: record.name })),
    )
  },
  attributes: (observed) => ({
    targetDomainName: observed.targetDomainName,
    targetHostedZoneId: observed.targetHostedZoneId,
  }),
  describe: (spec) => `regional custom domain ${spec.name}, ${API_SECURITY_POLICY}`,
}

export interface ApiMappingSpec {
  logicalId: string
  /** The domain: its root (an empty mapping key) maps to the API. */
  name: string
  apiId: string
  stage: string
}

export interface ObservedApiMapping {
  id: string
  apiId: string
  stage: string
}

export function diffApiMapping(have: ObservedApiMapping, spec: ApiMappingSpec): Change[] {
  const changes: Change[] = []
  if (have.apiId !== spec.apiId) changes.push({ field: 'ApiId', from: have.apiId, to: spec.apiId })
  if (have.stage !== spec.stage) changes.push({ field: 'Stage', from: have.stage, to: spec.stage })
  return changes
}

export const apiMappingKind: ResourceKind<ApiMappingSpec, ObservedApiMapping> = {
  kind: API_MAPPING_KIND,
  label: 'API Gateway v2 API mapping',
  codePrefix: 'ApiMapping',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('apigatewayv2', async (ctx, name) => {
    const items = await allPages((NextToken) =>
      callApi(ctx, `reading the API mappings of ${name}`, () =>
        client(ctx).send(new GetApiMappingsCommand({ DomainName: name, NextToken })),
      ),
    ).catch((e: unknown) => {
      if (isNotFound(e)) return []
      throw e
    })
    return items
      .filter((m) => (m.ApiMappingKey ?? '') === '')
      .map((m) => ({ observed: { id: m.ApiMappingId!, apiId: m.ApiId!, stage: m.Stage! }, id: m.ApiMappingId! }))
  }),
  diff: diffApiMapping,
  async create(ctx, spec) {
    const m = await callApi(ctx, `mapping ${spec.name} to the WebSocket API`, () =>
      client(ctx).send(new CreateApiMappingCommand({ DomainName: spec.name, ApiId: spec.apiId, Stage: spec.stage })),
    )
    return { observed: { id: m.ApiMappingId!, apiId: spec.apiId, stage: spec.stage }, id: m.ApiMappingId! }
  },
  async apply(ctx, observed, spec) {
    await callApi(ctx, `updating the API mapping of ${spec.name}`, () =>
      client(ctx).send(
        new UpdateApiMappingCommand({
          ApiMappingId: observed.id,
          DomainName: spec.name,
          ApiId: spec.apiId,
          Stage: spec.stage,
        }),
      ),
    )
    return { observed: { ...observed, apiId: spec.apiId, stage: spec.stage } }
  },
  async delete(ctx, record) {
    await callApi(ctx, `deleting the API mapping of ${record.name}`, () =>
      client(ctx).send(new DeleteApiMappingCommand({ ApiMappingId: record.id, DomainName: record.name })),
    )
  },
  describe: (spec) => `wss://${spec.name}/ → WebSocket API ${spec.apiId} stage ${spec.stage}`,
}
