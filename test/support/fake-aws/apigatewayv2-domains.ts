// FakeApiGatewayV2's custom domain names (regional, an ACM certificate of the region) and API mappings. What it models:
// apigatewayv2.md.
import {
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  DeleteApiMappingCommand,
  DeleteDomainNameCommand,
  GetApiMappingsCommand,
  GetDomainNameCommand,
  UpdateApiMappingCommand,
  UpdateDomainNameCommand,
  type DomainNameConfiguration,
} from '@aws-sdk/client-apigatewayv2'
import { createHash } from 'node:crypto'
import { on } from './core.js'
import type { FakeApiGatewayV2 } from './apigatewayv2.js'
import { REGIONAL_HOSTED_ZONE } from './apigateway-domains.js'
import {
  badRequest,
  conflict,
  newId,
  notFound,
  paginate,
  type Entry,
  type V2DomainRecord,
} from './apigatewayv2-model.js'
import { stageOrThrow } from './apigatewayv2-stages.js'

export function domainOrThrow(fake: FakeApiGatewayV2, name: string | undefined): V2DomainRecord {
  const d = fake.state.domainNames?.[name ?? '']
  if (!d) throw notFound(`The domain name resource specified in the request was not found.`, 'DomainName')
  return d
}

function configuration(fake: FakeApiGatewayV2, c: DomainNameConfiguration | undefined) {
  if (!c?.CertificateArn?.startsWith(`arn:aws:acm:${fake.region}:`))
    throw badRequest(`Invalid certificate ARN: ${c?.CertificateArn}. Certificate must be in '${fake.region}'.`)
  if ((c.EndpointType ?? 'REGIONAL') !== 'REGIONAL') throw badRequest('Only REGIONAL endpoints are modelled.')
  return { CertificateArn: c.CertificateArn, SecurityPolicy: c.SecurityPolicy ?? 'TLS_1_2' }
}

const render = (d: V2DomainRecord) => ({
  DomainName: d.DomainName,
  ApiMappingSelectionExpression: '$request.basepath',
  DomainNameConfigurations: [
    {
      ApiGatewayDomainName: d.ApiGatewayDomainName,
      CertificateArn: d.CertificateArn,
      DomainNameStatus: 'AVAILABLE' as const,
      EndpointType: 'REGIONAL' as const,
      HostedZoneId: d.HostedZoneId,
      SecurityPolicy: d.SecurityPolicy as 'TLS_1_2',
    },
  ],
  Tags: { ...d.tags },
})

export function domainHandlers(fake: FakeApiGatewayV2): Entry[] {
  const domains = () => (fake.state.domainNames ??= {})
  return [
    on(CreateDomainNameCommand, (i) => {
      if (!i.DomainName) throw badRequest('DomainName is required')
      if (domains()[i.DomainName]) throw conflict(`The domain name resource already exists.`)
      const c = configuration(fake, i.DomainNameConfigurations?.[0])
      const digest = createHash('sha256').update(i.DomainName).digest('hex').slice(0, 10)
      const d: V2DomainRecord = {
        DomainName: i.DomainName,
        ...c,
        ApiGatewayDomainName: `d-${digest}.execute-api.${fake.region}.amazonaws.com`,
        HostedZoneId: REGIONAL_HOSTED_ZONE[fake.region] ?? 'Z2FAKEREGIONAL',
        tags: { ...i.Tags },
        mappings: {},
      }
      domains()[d.DomainName] = d
      return render(d)
    }),
    on(GetDomainNameCommand, (i) => render(domainOrThrow(fake, i.DomainName))),
    on(UpdateDomainNameCommand, (i) => {
      const d = domainOrThrow(fake, i.DomainName)
      Object.assign(d, configuration(fake, i.DomainNameConfigurations?.[0]))
      return render(d)
    }),
    on(DeleteDomainNameCommand, (i) => {
      delete domains()[domainOrThrow(fake, i.DomainName).DomainName]
      return {}
    }),
    on(CreateApiMappingCommand, (i) => {
      const d = domainOrThrow(fake, i.DomainName)
      stageOrThrow(fake.apiOrThrow(i.ApiId), i.Stage ?? '')
      const key = i.ApiMappingKey ?? ''
      if (Object.values(d.mappings).some((m) => m.ApiMappingKey === key))
        throw conflict('ApiMapping with the same key already exists for this domain name.')
      const m = { ApiMappingId: newId(fake.state, 'mapping', 6), ApiId: i.ApiId!, Stage: i.Stage!, ApiMappingKey: key }
      d.mappings[m.ApiMappingId] = m
      return m
    }),
    on(GetApiMappingsCommand, (i) => {
      const d = domainOrThrow(fake, i.DomainName)
      const { page, next } = paginate(Object.values(d.mappings), i.NextToken, i.MaxResults)
      return { Items: page, ...(next && { NextToken: next }) }
    }),
    on(UpdateApiMappingCommand, (i) => {
      const d = domainOrThrow(fake, i.DomainName)
      const m = d.mappings[i.ApiMappingId ?? '']
      if (!m) throw notFound('Invalid ApiMapping identifier specified', 'ApiMapping')
      const apiId = i.ApiId ?? m.ApiId
      const stage = i.Stage ?? m.Stage
      stageOrThrow(fake.apiOrThrow(apiId), stage)
      Object.assign(m, { ApiId: apiId, Stage: stage })
      return m
    }),
    on(DeleteApiMappingCommand, (i) => {
      const d = domainOrThrow(fake, i.DomainName)
      if (!d.mappings[i.ApiMappingId ?? '']) throw notFound('Invalid ApiMapping identifier specified', 'ApiMapping')
      delete d.mappings[i.ApiMappingId!]
      return {}
    }),
  ]
}
