// Step 09's pure parts: config → zone, certificates and host names; what a certificate covers; the diffs of records,
// the distribution's custom domain and the API domains; what step 07 no longer compares.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { diffBasePathMapping, diffDomainName } from '../../src/resources/apigateway/domain-name.js'
import { diffAliases } from '../../src/resources/cloudfront/aliases.js'
import {
  diffDistributionConfig,
  toDistributionConfig,
  toUpdatedConfig,
} from '../../src/resources/cloudfront/distribution-config.js'
import { delegationNote } from '../../src/resources/route53/delegation.js'
import { diffRecordSet } from '../../src/resources/route53/record-set.js'
import { covers, dnsSettings } from '../../src/steps/dns-specs.js'
import { REPO_ROOT, editConfig, workspace } from '../support/context.js'

const load = (root = REPO_ROOT, env = 'staging') => loadConfig({ root, env })

describe('dnsSettings', () => {
  test('the default config: the zone of DOMAIN, one us-east-1 certificate with its wildcard, three host names', async () => {
    const s = dnsSettings(await load())!
    expect(s.zone).toMatchObject({ logicalId: 'zone', name: 'staging.new-service.com' })
    expect(s.certificates).toMatchObject([
      { logicalId: 'us-east-1', name: 'staging.new-service.com', alternativeNames: ['*.staging.new-service.com'] },
    ])
    expect(s.hosts).toEqual({
      app: 'staging.new-service.com',
      api: 'api.staging.new-service.com',
      websocket: 'ws.staging.new-service.com',
    })
  })

  test('APIs in another region get a certificate there too (CloudFront only reads us-east-1)', async () => {
    const root = workspace()
    const staging = readFileSync(path.join(root, 'environments/staging.env'), 'utf8')
    writeFileSync(path.join(root, 'environments/eu.env'), staging.replace(/AWS_REGION=.*/, 'AWS_REGION=eu-west-1'))
    const s = dnsSettings(await load(root, 'eu'))!
    expect(s.certificates.map((c) => c.region)).toEqual(['us-east-1', 'eu-west-1'])
  })

  test('no dns section, or no domain: nothing to do', async () => {
    const root = workspace((c) => delete c.dns)
    expect(dnsSettings(await load(root))).toBeUndefined()
  })

  test('a host the certificate does not cover, or outside the zone, is a config error naming the field', async () => {
    const root = workspace((c) => (c.dns.records.api = 'api.v1.${DOMAIN}'))
    await expect(load(root).then(dnsSettings)).rejects.toThrow(
      /dns\.records\.api: "api\.v1\.staging\.new-service\.com" is not covered/,
    )
    editConfig(root, (c) => (c.dns.records.api = 'api.elsewhere.org'))
    await expect(load(root).then(dnsSettings)).rejects.toThrow(/not in the hosted zone/)
  })

  test('a wildcard covers exactly one label', () => {
    expect(covers(['example.com', '*.example.com'], 'api.example.com')).toBe(true)
    expect(covers(['example.com', '*.example.com'], 'example.com')).toBe(true)
    expect(covers(['*.example.com'], 'a.b.example.com')).toBe(false)
  })
})

describe('diffs', () => {
  test('a record compares its alias target or its values, case and final dot aside', () => {
    const spec = {
      logicalId: 'a',
      name: 'x.example.com.',
      zoneId: 'Z1',
      type: 'A' as const,
      alias: { dnsName: 'D1.cloudfront.net', hostedZoneId: 'Z2FDTNDATAQYW2' },
    }
    const have = {
      Name: 'x.example.com.',
      Type: 'A' as const,
      AliasTarget: { DNSName: 'd1.cloudfront.net.', HostedZoneId: 'Z2FDTNDATAQYW2', EvaluateTargetHealth: false },
    }
    expect(diffRecordSet(have, spec)).toEqual([])
    expect(diffRecordSet(have, { ...spec, alias: { ...spec.alias, dnsName: 'd2.cloudfront.net' } })).toHaveLength(1)
  })

  test('the custom domain of a distribution: aliases in any order, the certificate, SNI and TLSv1.2_2021', () => {
    const spec = { logicalId: 'f', name: 'E1', aliases: ['b.example.com', 'a.example.com'], certificateArn: 'arn:c' }
    const have = {
      aliases: ['a.example.com', 'b.example.com'],
      certificateArn: 'arn:c',
      minimumProtocolVersion: 'TLSv1.2_2021',
      sslSupportMethod: 'sni-only',
      viewerRequestFunctions: [],
    }
    expect(diffAliases(have, spec)).toEqual([])
    expect(diffAliases({ ...have, minimumProtocolVersion: 'TLSv1' }, spec).map((c) => c.field)).toEqual([
      'minimumProtocolVersion',
    ])
  })

  test('API domains: the certificate and TLS 1.2; mappings: the API and the stage', () => {
    const have = {
      name: 'api.x',
      certificateArn: 'arn:a',
      securityPolicy: 'TLS_1_0',
      targetDomainName: 'd',
      targetHostedZoneId: 'Z',
      tags: {},
    }
    expect(
      diffDomainName(have, { logicalId: 'api', name: 'api.x', certificateArn: 'arn:b', tags: {} }).map((c) => c.field),
    ).toEqual(['regionalCertificateArn', 'securityPolicy'])
    expect(
      diffBasePathMapping(
        { restApiId: 'r', stage: 's' },
        { logicalId: 'api', name: 'api.x', restApiId: 'r', stage: 't' },
      ),
    ).toEqual([{ field: 'stage', from: 's', to: 't' }])
  })

  test('step 07 leaves the viewer certificate and aliases to step 09: not compared, carried over by an update', () => {
    const spec = {
      logicalId: 'frontend',
      name: 'n',
      originDomain: 'b.s3.us-east-1.amazonaws.com',
      originAccessControlId: 'O1',
      defaultRootObject: 'index.html',
      priceClass: 'PriceClass_100' as const,
      comment: 'c',
      tags: {},
    }
    const withDomain = {
      ...toDistributionConfig(spec, 'ref'),
      Aliases: { Quantity: 1, Items: ['example.com'] },
      ViewerCertificate: { ACMCertificateArn: 'arn:c', SSLSupportMethod: 'sni-only' as const },
    }
    expect(diffDistributionConfig(withDomain, spec)).toEqual([])
    expect(toUpdatedConfig(withDomain, { ...spec, comment: 'd' })).toMatchObject({
      Aliases: withDomain.Aliases,
      ViewerCertificate: withDomain.ViewerCertificate,
    })
  })

  test('the delegation note says plainly when the registrar points elsewhere, and hedges when DNS could not answer', () => {
    const ns = ['ns-1.awsdns-01.org']
    expect(delegationNote('example.com', ns, { state: 'delegated' })).toBeUndefined()
    expect(delegationNote('example.com', ns, { state: 'elsewhere', found: ['ns1.registrar.example'] })).toMatch(
      /the registrar does not point example\.com at this hosted zone \(public DNS answers ns1\.registrar\.example\)/,
    )
    expect(delegationNote('example.com', ns, { state: 'unknown', reason: 'ENOTFOUND' })).toMatch(/could not check/)
  })
})
