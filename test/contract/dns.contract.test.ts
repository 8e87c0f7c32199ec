// Step 09's kinds through the engine's contract: the hosted zone (data: retained unless --delete-data), record sets,
// certificates, the distribution's custom domain, and the API custom domains with their mappings.
import { APIGatewayClient, CreateDeploymentCommand } from '@aws-sdk/client-api-gateway'
import { ApiGatewayV2Client, CreateStageCommand } from '@aws-sdk/client-apigatewayv2'
import { certificateKind, type CertificateSpec } from '../../src/resources/acm/certificate.js'
import { basePathMappingKind, domainNameKind, type DomainNameSpec } from '../../src/resources/apigateway/domain-name.js'
import { apiMappingKind, webSocketDomainKind } from '../../src/resources/apigateway/websocket-domain.js'
import { aliasesKind, type AliasesSpec } from '../../src/resources/cloudfront/aliases.js'
import { converge } from '../../src/resources/engine/converge.js'
import { hostedZoneKind, type HostedZoneSpec } from '../../src/resources/route53/hosted-zone.js'
import { recordSetKind, type RecordSetSpec } from '../../src/resources/route53/record-set.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { makeNeighbours } from '../steps/dns-helpers.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const ZONE = 'contract.example.com'
const CERT = 'arn:aws:acm:us-east-1:887078546492:certificate/11111111-2222-3333-4444-555555555555'
const OTHER_CERT = 'arn:aws:acm:us-east-1:887078546492:certificate/66666666-2222-3333-4444-555555555555'

contractSuite({
  kind: hostedZoneKind,
  spec: (): HostedZoneSpec => ({ logicalId: 'zone', name: ZONE, comment: 'contract', tags: OUR_TAGS }),
  changed: (spec) => ({ ...spec, tags: { ...spec.tags, team: 'web' } }),
  updateCalls: ['ChangeTagsForResource'],
  createCommand: 'CreateHostedZone',
  alreadyExists: 'HostedZoneAlreadyExists',
  count: (aws, spec) => aws.route53.zonesNamed(spec.name).length,
  deleteOutOfBand: (aws, spec) => aws.route53.zonesNamed(spec.name).forEach((z) => delete aws.route53.zones[z.id]),
})

contractSuite({
  kind: recordSetKind,
  setup: async (_ctx, aws) => ({ zoneId: aws.route53.addZoneOutOfBand(ZONE).id }),
  spec: (p): RecordSetSpec => ({
    logicalId: 'validation',
    name: `_abc.${ZONE}.`,
    zoneId: p.zoneId!,
    type: 'CNAME',
    values: ['_def.acm-validations.aws.'],
  }),
  changed: (spec) => ({ ...spec, values: ['_ghi.acm-validations.aws.'] }),
  updateCalls: ['ChangeResourceRecordSets'],
  createCommand: 'ChangeResourceRecordSets',
  // UPSERT never meets "already exists".
  alreadyExists: false,
  count: (aws, spec) => (aws.route53.record(spec.name, spec.type) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    const zone = aws.route53.zones[spec.zoneId]!
    zone.records = zone.records.filter((r) => !(r.Name === spec.name && r.Type === spec.type))
  },
})

contractSuite({
  kind: certificateKind,
  spec: (): CertificateSpec => ({
    logicalId: 'us-east-1',
    name: ZONE,
    alternativeNames: [`*.${ZONE}`],
    region: 'us-east-1',
    tags: OUR_TAGS,
  }),
  changed: (spec) => ({ ...spec, tags: { ...spec.tags, team: 'web' } }),
  updateCalls: ['AddTagsToCertificate'],
  createCommand: 'RequestCertificate',
  // The same IdempotencyToken returns the same certificate: there is no "already exists".
  alreadyExists: false,
  count: (aws, spec) => aws.acm.forDomain(spec.name).length,
  deleteOutOfBand: (aws, spec) => aws.acm.forDomain(spec.name).forEach((c) => delete aws.acm.certificates[c.arn]),
})

const cloudfront = (aws: AllFakes) => aws.service<FakeCloudFront>('cloudfront')

contractSuite({
  kind: aliasesKind,
  setup: async (_ctx, aws) => ({ distributionId: (await makeNeighbours(aws.region)).distributionId }),
  spec: (p): AliasesSpec => ({ logicalId: 'frontend', name: p.distributionId!, aliases: [ZONE], certificateArn: CERT }),
  changed: (spec) => ({ ...spec, aliases: [ZONE, `www.${ZONE}`] }),
  updateCalls: ['UpdateDistribution'],
  createCommand: 'UpdateDistribution',
  alreadyExists: false,
  count: (aws, spec) => (cloudfront(aws).distributions[spec.name]?.config.Aliases?.Quantity ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    const config = cloudfront(aws).distributions[spec.name]!.config
    config.Aliases = { Quantity: 0, Items: [] }
    config.ViewerCertificate = { CloudFrontDefaultCertificate: true }
  },
})

const domainSpec = (name: string): DomainNameSpec => ({ logicalId: 'api', name, certificateArn: CERT, tags: OUR_TAGS })

contractSuite({
  kind: domainNameKind,
  spec: () => domainSpec(`api.${ZONE}`),
  changed: (spec) => ({ ...spec, certificateArn: OTHER_CERT }),
  updateCalls: ['UpdateDomainName'],
  createCommand: 'CreateDomainName',
  count: (aws, spec) => (aws.apigateway.state.domainNames?.[spec.name] ? 1 : 0),
  deleteOutOfBand: (aws, spec) => delete aws.apigateway.state.domainNames?.[spec.name],
})

contractSuite({
  kind: webSocketDomainKind,
  spec: () => domainSpec(`ws.${ZONE}`),
  changed: (spec) => ({ ...spec, certificateArn: OTHER_CERT }),
  updateCalls: ['UpdateDomainName'],
  createCommand: 'CreateDomainName',
  count: (aws, spec) => (aws.apigatewayv2.state.domainNames?.[spec.name] ? 1 : 0),
  deleteOutOfBand: (aws, spec) => delete aws.apigatewayv2.state.domainNames?.[spec.name],
})

/** The APIs with two stages each and both custom domains: what a mapping points at. */
async function mappingParents(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const n = await makeNeighbours(aws.region)
  await new APIGatewayClient({ region: aws.region }).send(
    new CreateDeploymentCommand({ restApiId: n.restApiId, stageName: 'other' }),
  )
  await new ApiGatewayV2Client({ region: aws.region }).send(
    new CreateStageCommand({ ApiId: n.websocketApiId, StageName: 'other' }),
  )
  await converge(ctx, domainNameKind, domainSpec(`api.${ZONE}`))
  await converge(ctx, webSocketDomainKind, domainSpec(`ws.${ZONE}`))
  return { restApiId: n.restApiId, websocketApiId: n.websocketApiId }
}

contractSuite({
  kind: basePathMappingKind,
  setup: mappingParents,
  spec: (p) => ({ logicalId: 'api', name: `api.${ZONE}`, restApiId: p.restApiId!, stage: 'staging' }),
  changed: (spec) => ({ ...spec, stage: 'other' }),
  updateCalls: ['UpdateBasePathMapping'],
  createCommand: 'CreateBasePathMapping',
  count: (aws, spec) => Object.keys(aws.apigateway.state.domainNames?.[spec.name]?.mappings ?? {}).length,
  deleteOutOfBand: (aws, spec) => (aws.apigateway.state.domainNames![spec.name]!.mappings = {}),
})

contractSuite({
  kind: apiMappingKind,
  setup: mappingParents,
  spec: (p) => ({ logicalId: 'websocket', name: `ws.${ZONE}`, apiId: p.websocketApiId!, stage: 'staging' }),
  changed: (spec) => ({ ...spec, stage: 'other' }),
  updateCalls: ['UpdateApiMapping'],
  createCommand: 'CreateApiMapping',
  count: (aws, spec) => Object.keys(aws.apigatewayv2.state.domainNames?.[spec.name]?.mappings ?? {}).length,
  deleteOutOfBand: (aws, spec) => (aws.apigatewayv2.state.domainNames![spec.name]!.mappings = {}),
})
