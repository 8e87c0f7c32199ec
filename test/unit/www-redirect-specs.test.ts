// dns.www_redirect's pure parts: the www host is checked like the others, the function is named per environment, and
// the aliases' diff compares only the redirect's association (another function's is left alone).
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { diffAliases, type AliasesSpec } from '../../src/resources/cloudfront/aliases.js'
import { dnsSettings } from '../../src/steps/dns-specs.js'
import { workspace } from '../support/context.js'

const load = (root: string) => loadConfig({ root, env: 'staging' })

describe('dnsSettings: www_redirect', () => {
  test('on: www.<app> with its function; off: only the name, to recognise an association left behind', async () => {
    const on = dnsSettings(await load(workspace((c) => (c.dns.www_redirect = true))))!
    expect(on.wwwRedirect?.host).toBe('www.staging.new-service.com')
    expect(on.wwwRedirect?.function).toMatchObject({
      name: 'new-service-staging-www-redirect',
      comment: 'www.staging.new-service.com -> https://staging.new-service.com',
    })
    const off = dnsSettings(await load(workspace()))!
    expect(off.wwwRedirect).toBeUndefined()
    expect(off.redirectFunctionName).toBe('new-service-staging-www-redirect')
  })

  test('a www host the certificate does not cover is a config error naming dns.www_redirect', async () => {
    const root = workspace((c) => {
      c.dns.www_redirect = true
      c.dns.records.app = 'app.${DOMAIN}'
    })
    await expect(load(root).then(dnsSettings)).rejects.toThrow(/dns\.www_redirect: "www\.app\.staging/)
  })
})

describe('diffAliases: the redirect association', () => {
  const OTHER = 'arn:aws:cloudfront::1:function/someone-elses'
  const OURS = 'arn:aws:cloudfront::1:function/svc-www-redirect'
  const spec: AliasesSpec = {
    logicalId: 'frontend',
    name: 'E1',
    aliases: ['example.com', 'www.example.com'],
    certificateArn: 'arn:c',
    redirectFunction: { name: 'svc-www-redirect', arn: OURS },
  }
  const have = {
    aliases: ['example.com', 'www.example.com'],
    certificateArn: 'arn:c',
    minimumProtocolVersion: 'TLSv1.2_2021',
    sslSupportMethod: 'sni-only',
    viewerRequestFunctions: [OTHER, OURS],
  }
  test('ours associated: nothing to change, whatever else is associated', () => {
    expect(diffAliases(have, spec)).toEqual([])
  })
  test('ours missing, or no longer wanted: one RedirectFunction change', () => {
    expect(diffAliases({ ...have, viewerRequestFunctions: [OTHER] }, spec)).toEqual([
      { field: 'RedirectFunction', from: '', to: OURS },
    ])
    const off = { ...spec, redirectFunction: { name: 'svc-www-redirect' } }
    expect(diffAliases(have, off)).toEqual([{ field: 'RedirectFunction', from: OURS, to: '' }])
  })
})
