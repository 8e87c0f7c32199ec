// Step 09 against the fake: a fresh deploy (zone, certificate, validation record, custom domains, alias records), a
// no-op rerun with zero writes, a certificate that stays pending (the step finishes, says what to do, and the next run
// completes it), an existing zone used and never a second, a crash after each create resumed without a duplicate (and
// after the zone: the next run reads its records), no domain → nothing, and destroy. Steps 04, 05 and 07 are stood in
// for by their outputs.
import { promises as dns } from 'node:dns'
import { APIGatewayClient, CreateDomainNameCommand } from '@aws-sdk/client-api-gateway'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { loadContext } from '../../src/context/context.js'
import { outputsOf, runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { dnsStep } from '../../src/steps/09-dns.js'
import { deploy, destroyInProcess, editConfig, FAST_TIMING, resultsOf, workspace } from '../support/context.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import { createFakeAws, namedError, type AllFakes } from '../support/fake-aws/index.js'
import { makeNeighbours, standIns, type Neighbours } from './dns-helpers.js'

const DOMAIN = 'staging.new-service.com'
let fake: AllFakes
let root: string
let neighbours: Neighbours

const run = () => deploy(root, { steps: [...standIns(() => neighbours), dnsStep] })
const writes = () => fake.writes().map((c) => c.command.replace(/Command$/, ''))
const dnsOf = (outcome: RunOutcome) => outputsOf(outcome, 'dns')!
const distribution = () => fake.service<FakeCloudFront>('cloudfront').distributions[neighbours.distributionId]!

beforeEach(async () => {
  fake = createFakeAws().install()
  root = workspace()
  neighbours = await makeNeighbours(fake.region)
  fake.resetCalls()
  // No public DNS in tests: the registrar "answers" the zone's own name servers when the fake says it is delegated.
  vi.spyOn(dns.Resolver.prototype, 'resolveNs').mockImplementation(async (name: string) => {
    const zone = fake.route53.zonesNamed(name)[0]
    if (!zone) throw Object.assign(new Error(`queryNs ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    return fake.route53.delegated ? zone.nameServers : ['ns1.registrar.example']
  })
})
afterEach(() => {
  fake.restore()
  vi.restoreAllMocks()
})

describe('dns step', () => {
  test('fresh deploy: zone, certificate validated through its CNAME, the three custom domains and their A/AAAA aliases', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    const [zone] = fake.route53.zonesNamed(DOMAIN)
    expect(zone!.tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
    const [cert] = fake.acm.forDomain(DOMAIN)
    expect(cert).toMatchObject({ status: 'ISSUED', names: [DOMAIN, `*.${DOMAIN}`] })
    // The domain and its wildcard share one validation record.
    expect(fake.route53.record(fake.acm.validationRecord(DOMAIN).Name, 'CNAME')).toBeDefined()
    expect(distribution().config.Aliases).toEqual({ Quantity: 1, Items: [DOMAIN] })
    expect(distribution().config.ViewerCertificate).toMatchObject({
      ACMCertificateArn: cert!.arn,
      SSLSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    })
    expect(fake.apigateway.state.domainNames?.[`api.${DOMAIN}`]?.mappings['(none)']).toEqual({
      restApiId: neighbours.restApiId,
      stage: 'staging',
    })
    expect(Object.values(fake.apigatewayv2.state.domainNames?.[`ws.${DOMAIN}`]?.mappings ?? {})).toMatchObject([
      { ApiId: neighbours.websocketApiId, Stage: 'staging', ApiMappingKey: '' },
    ])
    for (const host of [DOMAIN, `api.${DOMAIN}`, `ws.${DOMAIN}`])
      for (const type of ['A', 'AAAA']) expect(fake.route53.record(host, type)?.AliasTarget).toBeDefined()
    expect(fake.route53.record(DOMAIN, 'A')!.AliasTarget).toMatchObject({
      DNSName: `${neighbours.distributionDomain}.`,
      HostedZoneId: 'Z2FDTNDATAQYW2',
    })
    expect(dnsOf(outcome)).toMatchObject({
      hostedZoneId: zone!.id,
      nameServers: zone!.nameServers,
      certificateStatus: 'ISSUED',
      appUrl: `https://${DOMAIN}`,
      apiUrl: `https://api.${DOMAIN}`,
      websocketUrl: `wss://ws.${DOMAIN}`,
    })
    const created = resultsOf(outcome).find((r) => r.kind === 'route53-hosted-zone')
    expect(created?.note).toContain(zone!.nameServers[0])
  })

  test('a run that dies after making the zone: the next finds it, reads its records and makes no second zone', async () => {
    // The zone made in a run has no records to read; the zone and the certificate are requested side by side.
    fake.failNext('RequestCertificate', () => new Error('simulated crash'))
    expect((await run()).ok).toBe(false)
    expect(fake.route53.zonesNamed(DOMAIN)).toHaveLength(1)
    expect(fake.calls.filter((c) => c.command === 'ListResourceRecordSetsCommand')).toEqual([])
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).not.toContain('CreateHostedZone')
    expect(fake.calls.filter((c) => c.command === 'ListResourceRecordSetsCommand').length).toBeGreaterThan(0)
    expect(fake.route53.zonesNamed(DOMAIN)).toHaveLength(1)
    expect(fake.acm.forDomain(DOMAIN)).toHaveLength(1)
    for (const host of [DOMAIN, `api.${DOMAIN}`, `ws.${DOMAIN}`])
      for (const type of ['A', 'AAAA']) expect(fake.route53.record(host, type)?.AliasTarget).toBeDefined()
  })

  test('a second run sends no write', async () => {
    await run()
    fake.resetCalls()
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(writes()).toEqual([])
    expect(resultsOf(outcome).every((r) => r.action === 'unchanged')).toBe(true)
  })

  test('a certificate that stays pending: the step finishes, says what to do; the next run completes the domains', async () => {
    fake.route53.delegated = false
    const first = await run()
    expect(first.ok).toBe(true)
    expect(dnsOf(first).certificateStatus).toBe('waiting for DNS validation')
    const cert = resultsOf(first).find((r) => r.kind === 'acm-certificate')
    expect(cert?.note).toMatch(/waiting for DNS validation: the registrar does not point/)
    expect(cert?.note).toContain('infra step dns --env staging')
    expect(distribution().config.Aliases?.Quantity ?? 0).toBe(0)
    expect(fake.apigateway.state.domainNames ?? {}).toEqual({})
    // The validation record is already in the zone: only the delegation was missing.
    expect(fake.route53.record(fake.acm.validationRecord(DOMAIN).Name, 'CNAME')).toBeDefined()

    fake.route53.delegated = true
    const second = await run()
    expect(dnsOf(second)).toMatchObject({ certificateStatus: 'ISSUED', appUrl: `https://${DOMAIN}` })
    expect(fake.acm.forDomain(DOMAIN)).toHaveLength(1)
    expect(fake.route53.zonesNamed(DOMAIN)).toHaveLength(1)
    expect(distribution().config.Aliases?.Items).toEqual([DOMAIN])
  })

  test('an existing zone infra did not make is used as it is, never recorded; two are refused, listing them', async () => {
    const theirs = fake.route53.addZoneOutOfBand(DOMAIN)
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(fake.route53.zonesNamed(DOMAIN)).toHaveLength(1)
    expect(theirs.tags).toEqual({})
    expect(dnsOf(outcome).hostedZoneId).toBe(theirs.id)
    expect(resultsOf(outcome).find((r) => r.kind === 'route53-hosted-zone')?.note).toMatch(/did not make/)

    const second = fake.route53.addZoneOutOfBand(DOMAIN)
    const refused = await run()
    const failed = refused.steps.find((s) => s.id === 'dns')!
    expect(failed.error?.code).toBe('HostedZoneAmbiguous')
    expect(failed.error?.message).toContain(theirs.id)
    expect(failed.error?.message).toContain(second.id)
  })

  test.each([
    'CreateHostedZone',
    'RequestCertificate',
    'ChangeResourceRecordSets',
    'UpdateDistribution',
    'CreateDomainName',
    'CreateBasePathMapping',
    'CreateApiMapping',
  ])('killed right after %s: the rerun finds what it made and makes no second one', async (op) => {
    fake.loseNextResponse(op, () => namedError('ProcessKilled', 'the run died before it saw the response'))
    const first = await run()
    expect(first.ok).toBe(false)
    const second = await run()
    expect(second.ok).toBe(true)
    expect(fake.route53.zonesNamed(DOMAIN)).toHaveLength(1)
    expect(fake.acm.forDomain(DOMAIN)).toHaveLength(1)
    expect(Object.values(fake.apigatewayv2.state.domainNames?.[`ws.${DOMAIN}`]?.mappings ?? {})).toHaveLength(1)
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([])
  })

  test('an API domain of that name infra did not make: left alone, nothing mapped to it, the step names --adopt', async () => {
    const cert = 'arn:aws:acm:us-east-1:887078546492:certificate/theirs'
    await new APIGatewayClient({ region: fake.region }).send(
      new CreateDomainNameCommand({
        domainName: `api.${DOMAIN}`,
        regionalCertificateArn: cert,
        endpointConfiguration: { types: ['REGIONAL'] },
      }),
    )
    const outcome = await run()
    expect(outcome.steps.find((s) => s.id === 'dns')?.error?.code).toBe('ResourceNotManaged')
    expect(fake.apigateway.state.domainNames?.[`api.${DOMAIN}`]).toMatchObject({
      regionalCertificateArn: cert,
      mappings: {},
    })
    expect(fake.route53.record(`api.${DOMAIN}`, 'A')).toBeUndefined()
  })

  test('no domain in config: the step does nothing and outputs nothing', async () => {
    editConfig(root, (c) => delete c.dns)
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(dnsOf(outcome)).toEqual({})
    expect(fake.calls.filter((c) => c.service === 'route53' || c.service === 'acm')).toEqual([])
  })

  test('destroy removes the domains, records and certificate, and keeps the zone without --delete-data', async () => {
    await run()
    fake.resetCalls()
    await destroyInProcess(root, { only: 'dns' })
    expect(fake.acm.forDomain(DOMAIN)).toEqual([])
    expect(distribution().config.Aliases?.Quantity).toBe(0)
    expect(fake.apigateway.state.domainNames).toEqual({})
    expect(fake.apigatewayv2.state.domainNames).toEqual({})
    const [zone] = fake.route53.zonesNamed(DOMAIN)
    expect(zone!.records.map((r) => r.Type).sort()).toEqual(['NS', 'SOA'])
  })
})

describe('dns step offline', () => {
  test('an offline plan: the zone and certificate from config, what was deployed unverified, and no AWS call', async () => {
    await run()
    fake.resetCalls()
    const ctx = await loadContext({
      root,
      env: 'staging',
      command: 'plan',
      mode: 'plan',
      offline: true,
      timing: FAST_TIMING,
    })
    const outcome = await runSteps(ctx, [...standIns(() => neighbours), dnsStep], 'silent').finally(() => ctx.close())
    expect(fake.calls).toEqual([])
    const dnsResults = outcome.steps.find((s) => s.id === 'dns')!.results
    expect(dnsResults.map((r) => r.action)).toContain('unverified')
    expect(dnsResults.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['route53-hosted-zone', 'acm-certificate', 'cloudfront-aliases', 'route53-record']),
    )
    expect(dnsResults.filter((r) => r.action === 'would-delete')).toEqual([])
  })
})
