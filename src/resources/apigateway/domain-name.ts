// REST API custom domain (regional, TLS 1.2, the certificate of the API's region) and its base path mapping (the whole
// domain → one API's stage). Domain names are unique per account and region, so both are found by name; the domain
// carries this service's tags, the mapping is ours because its domain is.
import {
  APIGatewayClient,
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
  DeleteDomainNameCommand,
  GetBasePathMappingCommand,
  GetDomainNameCommand,
  TagResourceCommand,
  UpdateBasePathMappingCommand,
  UpdateDomainNameCommand,
  type DomainName,
} from '@aws-sdk/client-api-gateway'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags } from '../common.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change, ResourceContext } from '../types.js'
import { apiGatewayArn, callApi } from './call.js'

export const DOMAIN_NAME_KIND = 'apigateway-domain-name'
export const BASE_PATH_MAPPING_KIND = 'apigateway-base-path-mapping'
/** The mapping of the domain's root: GetBasePathMapping names an empty base path this way. */
const ROOT_BASE_PATH = '(none)'
export const API_SECURITY_POLICY = 'TLS_1_2'

export interface DomainNameSpec {
  logicalId: string
  /** `api.example.com`. */
  name: string
  certificateArn: string
  tags: Tags
}

export interface ObservedDomainName {
  name: string
  certificateArn: string
  securityPolicy: string
  /** Where the alias records point: `d-abc123.execute-api.<region>.amazonaws.com` in its own hosted zone. */
  targetDomainName: string
  targetHostedZoneId: string
  tags: Tags
}

const client = (ctx: ResourceContext) => ctx.aws.get(APIGatewayClient)
const domainArn = (ctx: ResourceContext, name: string) => apiGatewayArn(ctx.identity.region, `/domainnames/${name}`)

function observeDomain(d: DomainName): ObservedDomainName {
  return {
    name: d.domainName!,
    certificateArn: d.regionalCertificateArn ?? '',
    securityPolicy: d.securityPolicy ?? '',
    targetDomainName: d.regionalDomainName ?? '',
    targetHostedZoneId: d.regionalHostedZoneId ?? '',
    tags: d.tags ?? {},
  }
}

export function diffDomainName(have: ObservedDomainName, spec: DomainNameSpec): Change[] {
  const changes: Change[] = []
  if (have.certificateArn !== spec.certificateArn)
    changes.push({ field: 'regionalCertificateArn', from: have.certificateArn, to: spec.certificateArn })
  if (have.securityPolicy !== API_SECURITY_POLICY)
    changes.push({ field: 'securityPolicy', from: have.securityPolicy, to: API_SECURITY_POLICY })
  return [...changes, ...diffTags(have.tags, spec.tags)]
}

export const domainNameKind: ResourceKind<DomainNameSpec, ObservedDomainName> = {
  kind: DOMAIN_NAME_KIND,
  label: 'API Gateway custom domain',
  codePrefix: 'DomainName',
  identity: 'name',
  ...foundByName('apigateway', async (ctx, name) => {
    try {
      const d = await callApi(ctx, `reading custom domain ${name}`, () =>
        client(ctx).send(new GetDomainNameCommand({ domainName: name })),
      )
      const observed = observeDomain(d)
      return [{ observed, id: observed.name, arn: domainArn(ctx, observed.name), tags: observed.tags }]
    } catch (e) {
      if (isNotFound(e)) return []
      throw e
    }
  }),
  diff: diffDomainName,
  async create(ctx, spec) {
    const d = await callApi(ctx, `creating custom domain ${spec.name}`, () =>
      client(ctx).send(
        new CreateDomainNameCommand({
          domainName: spec.name,
          regionalCertificateArn: spec.certificateArn,
          endpointConfiguration: { types: ['REGIONAL'] },
          securityPolicy: API_SECURITY_POLICY,
          tags: spec.tags,
        }),
      ),
    )
    const observed = observeDomain(d)
    return { observed, id: observed.name, arn: domainArn(ctx, observed.name), tags: observed.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const patchOperations = changes
      .filter((c) => !c.field.startsWith('Tags['))
      .map((c) => ({ op: 'replace' as const, path: `/${c.field}`, value: String(c.to) }))
    let now = observed
    if (patchOperations.length > 0) {
      const d = await callApi(ctx, `updating custom domain ${spec.name}`, () =>
        client(ctx).send(new UpdateDomainNameCommand({ domainName: spec.name, patchOperations })),
      )
      now = { ...observeDomain(d), tags: observed.tags }
    }
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0) {
      await callApi(ctx, `tagging custom domain ${spec.name}`, () =>
        client(ctx).send(new TagResourceCommand({ resourceArn: domainArn(ctx, spec.name), tags })),
      )
    }
    return { observed: { ...now, tags: { ...observed.tags, ...tags } } }
  },
  async delete(ctx, record) {
    await callApi(ctx, `deleting custom domain ${record.name}`, () =>
      client(ctx).send(new DeleteDomainNameCommand({ domainName: record.name })),
    )
  },
  attributes: (observed) => ({
    targetDomainName: observed.targetDomainName,
    targetHostedZoneId: observed.targetHostedZoneId,
  }),
  describe: (spec) => `regional custom domain ${spec.name}, ${API_SECURITY_POLICY}`,
}

export interface BasePathMappingSpec {
  logicalId: string
  /** The domain: its root maps to the API. */
  name: string
  restApiId: string
  stage: string
}

export interface ObservedBasePathMapping {
  restApiId: string
  stage: string
}

export function diffBasePathMapping(have: ObservedBasePathMapping, spec: BasePathMappingSpec): Change[] {
  const changes: Change[] = []
  if (have.restApiId !== spec.restApiId) changes.push({ field: 'restapiId', from: have.restApiId, to: spec.restApiId })
  if (have.stage !== spec.stage) changes.push({ field: 'stage', from: have.stage, to: spec.stage })
  return changes
}

export const basePathMappingKind: ResourceKind<BasePathMappingSpec, ObservedBasePathMapping> = {
  kind: BASE_PATH_MAPPING_KIND,
  label: 'API Gateway base path mapping',
  codePrefix: 'BasePathMapping',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('apigateway', async (ctx, name) => {
    try {
      const m = await callApi(ctx, `reading the base path mapping of ${name}`, () =>
        client(ctx).send(new GetBasePathMappingCommand({ domainName: name, basePath: ROOT_BASE_PATH })),
      )
      return [{ observed: { restApiId: m.restApiId ?? '', stage: m.stage ?? '' }, id: name }]
    } catch (e) {
      if (isNotFound(e)) return []
      throw e
    }
  }),
  diff: diffBasePathMapping,
  async create(ctx, spec) {
    await callApi(ctx, `mapping ${spec.name} to the REST API`, () =>
      client(ctx).send(
        new CreateBasePathMappingCommand({ domainName: spec.name, restApiId: spec.restApiId, stage: spec.stage }),
      ),
    )
    return { observed: { restApiId: spec.restApiId, stage: spec.stage }, id: spec.name }
  },
  async apply(ctx, _observed, spec, changes) {
    const patchOperations = changes.map((c) => ({ op: 'replace' as const, path: `/${c.field}`, value: String(c.to) }))
    await callApi(ctx, `updating the base path mapping of ${spec.name}`, () =>
      client(ctx).send(
        new UpdateBasePathMappingCommand({ domainName: spec.name, basePath: ROOT_BASE_PATH, patchOperations }),
      ),
    )
    return { observed: { restApiId: spec.restApiId, stage: spec.stage } }
  },
  async delete(ctx, record) {
    await callApi(ctx, `deleting the base path mapping of ${record.name}`, () =>
      client(ctx).send(new DeleteBasePathMappingCommand({ domainName: record.name, basePath: ROOT_BASE_PATH })),
    )
  },
  describe: (spec) => `https://${spec.name}/ → REST API ${spec.restApiId} stage ${spec.stage}`,
}
