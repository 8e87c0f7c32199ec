// FakeApiGateway's custom domain names (regional, an ACM certificate of the region) and base path mappings. What it
// models: apigateway.md.
import {
  CreateBasePathMappingCommand,
  CreateDomainNameCommand,
  DeleteBasePathMappingCommand,
  DeleteDomainNameCommand,
  GetBasePathMappingCommand,
  GetDomainNameCommand,
  UpdateBasePathMappingCommand,
  UpdateDomainNameCommand,
  type DomainName,
} from '@aws-sdk/client-api-gateway'
import { createHash } from 'node:crypto'
import { on } from './core.js'
import type { FakeApiGateway } from './apigateway.js'
import { badRequest, conflict, invalidPatch, notFound, type DomainNameState, type Entry } from './apigateway-model.js'

/** API Gateway's regional hosted zone per region (the alias records' target zone), as AWS documents them. */
export const REGIONAL_HOSTED_ZONE: Record<string, string> = {
  'us-east-1': 'Z1UJRXOUMOOFQ8',
  'eu-west-1': 'ZLY8HYME6SFDD',
}
const ROOT = '(none)'
const SECURITY_POLICIES = ['TLS_1_0', 'TLS_1_2']

export function domainHandlers(fake: FakeApiGateway): Entry[] {
  const domains = () => (fake.state.domainNames ??= {})
  const domain = (name: string | undefined): DomainNameState => {
    const d = domains()[name ?? '']
    if (!d) throw notFound('Invalid domain name identifier specified')
    return d
  }
  const render = (d: DomainNameState): DomainName => ({
    domainName: d.domainName,
    regionalDomainName: d.regionalDomainName,
    regionalHostedZoneId: d.regionalHostedZoneId,
    regionalCertificateArn: d.regionalCertificateArn,
    securityPolicy: d.securityPolicy as DomainName['securityPolicy'],
    endpointConfiguration: { types: ['REGIONAL'] },
    domainNameStatus: 'AVAILABLE',
    tags: { ...d.tags },
  })
  const certificate = (arn: string | undefined) => {
    if (!arn?.startsWith(`arn:aws:acm:${fake.region}:`))
      throw badRequest(`Invalid certificate ARN: ${arn}. Certificate must be in '${fake.region}'.`)
    return arn
  }
  const mapping = (d: DomainNameState, basePath: string | undefined) => {
    const m = d.mappings[basePath || ROOT]
    if (!m) throw notFound('Invalid base path mapping identifier specified')
    return { basePath: basePath || ROOT, ...m }
  }
  return [
    on(CreateDomainNameCommand, (i) => {
      if (!i.domainName) throw badRequest('domainName is required')
      if (domains()[i.domainName]) throw conflict('The domain name you provided already exists.')
      if (i.endpointConfiguration?.types?.[0] !== 'REGIONAL' || !i.regionalCertificateArn)
        throw badRequest('A regional domain name needs endpointConfiguration REGIONAL and a regionalCertificateArn.')
      const digest = createHash('sha256').update(i.domainName).digest('hex').slice(0, 10)
      const d: DomainNameState = {
        domainName: i.domainName,
        regionalCertificateArn: certificate(i.regionalCertificateArn),
        securityPolicy: i.securityPolicy ?? 'TLS_1_2',
        regionalDomainName: `d-${digest}.execute-api.${fake.region}.amazonaws.com`,
        regionalHostedZoneId: REGIONAL_HOSTED_ZONE[fake.region] ?? 'Z2FAKEREGIONAL',
        tags: { ...i.tags },
        mappings: {},
      }
      domains()[d.domainName] = d
      return render(d)
    }),
    on(GetDomainNameCommand, (i) => render(domain(i.domainName))),
    on(UpdateDomainNameCommand, (i) => {
      const d = domain(i.domainName)
      for (const op of i.patchOperations ?? []) {
        if (op.op !== 'replace') throw invalidPatch(op, ['/regionalCertificateArn', '/securityPolicy'])
        if (op.path === '/regionalCertificateArn') d.regionalCertificateArn = certificate(op.value)
        else if (op.path === '/securityPolicy' && SECURITY_POLICIES.includes(op.value ?? ''))
          d.securityPolicy = op.value!
        else throw invalidPatch(op, ['/regionalCertificateArn', '/securityPolicy'])
      }
      return render(d)
    }),
    on(DeleteDomainNameCommand, (i) => {
      delete domains()[domain(i.domainName).domainName]
      return {}
    }),
    on(CreateBasePathMappingCommand, (i) => {
      const d = domain(i.domainName)
      const api = fake.apiOrThrow(i.restApiId)
      if (i.stage && !api.stages[i.stage]) throw badRequest('Invalid stage identifier specified')
      const basePath = i.basePath || ROOT
      if (d.mappings[basePath]) throw conflict('Base path already exists for this domain name')
      d.mappings[basePath] = { restApiId: api.id, stage: i.stage ?? '' }
      return mapping(d, basePath)
    }),
    on(GetBasePathMappingCommand, (i) => mapping(domain(i.domainName), i.basePath)),
    on(UpdateBasePathMappingCommand, (i) => {
      const d = domain(i.domainName)
      const m = mapping(d, i.basePath)
      const next = { restApiId: m.restApiId, stage: m.stage }
      for (const op of i.patchOperations ?? []) {
        if (op.op === 'replace' && op.path === '/restapiId') next.restApiId = fake.apiOrThrow(op.value).id
        else if (op.op === 'replace' && op.path === '/stage') next.stage = op.value ?? ''
        else throw invalidPatch(op, ['/restapiId', '/stage', '/basePath'])
      }
      if (next.stage && !fake.apiOrThrow(next.restApiId).stages[next.stage])
        throw badRequest('Invalid stage identifier specified')
      d.mappings[m.basePath] = next
      return mapping(d, m.basePath)
    }),
    on(DeleteBasePathMappingCommand, (i) => {
      const d = domain(i.domainName)
      delete d.mappings[mapping(d, i.basePath).basePath]
      return {}
    }),
  ]
}
