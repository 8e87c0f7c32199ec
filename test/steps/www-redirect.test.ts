// `dns.www_redirect` through step 09 against the fake: the redirect's CloudFront Function is created and published,
// associated with the default cache behaviour (viewer request) beside the www alias, with A/AAAA records for www; a
// rerun writes nothing; dropping it removes the association, the alias, the records and the function.
import { promises as dns } from 'node:dns'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { dnsStep } from '../../src/steps/09-dns.js'
import { deploy, destroyInProcess, editConfig, workspace } from '../support/context.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { makeNeighbours, standIns, type Neighbours } from './dns-helpers.js'

const DOMAIN = 'staging.new-service.com'
const WWW = `www.${DOMAIN}`
let fake: AllFakes
let root: string
let neighbours: Neighbours

const run = () => deploy(root, { steps: [...standIns(() => neighbours), dnsStep] })
const writes = () => fake.writes().map((c) => c.command.replace(/Command$/, ''))
const cloudfront = () => fake.service<FakeCloudFront>('cloudfront')
const config = () => cloudfront().distributions[neighbours.distributionId]!.config

beforeEach(async () => {
  fake = createFakeAws().install()
  root = workspace((c) => (c.dns.www_redirect = true))
  neighbours = await makeNeighbours(fake.region)
  fake.resetCalls()
  vi.spyOn(dns.Resolver.prototype, 'resolveNs').mockImplementation(async (name: string) => {
    const zone = fake.route53.zonesNamed(name)[0]
    if (!zone) throw Object.assign(new Error(`queryNs ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    return zone.nameServers
  })
})
afterEach(() => {
  fake.restore()
  vi.restoreAllMocks()
})

describe('dns.www_redirect', () => {
  test('a published function answering www with a 301, associated at viewer request; www aliased and in DNS', async () => {
    expect((await run()).ok).toBe(true)
    const fn = Object.values(cloudfront().functions.functions)
    expect(fn).toHaveLength(1)
    expect(fn[0]!.name).toBe('new-service-staging-www-redirect')
    expect(fn[0]!.live?.code).toBe(fn[0]!.development.code)
    expect(fn[0]!.live?.config.Runtime).toBe('cloudfront-js-2.0')
    expect(config().Aliases!.Items).toEqual([DOMAIN, WWW])
    expect(config().DefaultCacheBehavior!.FunctionAssociations).toEqual({
      Quantity: 1,
      Items: [{ EventType: 'viewer-request', FunctionARN: fn[0]!.arn }],
    })
    for (const type of ['A', 'AAAA'])
      expect(fake.route53.record(WWW, type)?.AliasTarget).toMatchObject({ HostedZoneId: 'Z2FDTNDATAQYW2' })

    // The code itself: www → https://<domain><uri>, any other host passes through.
    const handler = new Function(`${fn[0]!.live!.code}; return handler`)() as (e: unknown) => any
    const request = (host: string) => ({ request: { uri: '/chat/1', headers: { host: { value: host } } } })
    expect(handler(request(WWW))).toEqual({
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: `https://${DOMAIN}/chat/1` } },
    })
    expect(handler(request(DOMAIN))).toEqual(request(DOMAIN).request)
  })

  test('a rerun sends no write', async () => {
    await run()
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual([])
  })

  test('changed code is one UpdateFunction and one PublishFunction', async () => {
    await run()
    const fn = Object.values(cloudfront().functions.functions)[0]!
    fn.live!.code = fn.development.code = 'function handler(event) { return event.request }'
    fake.resetCalls()
    await run()
    expect(writes()).toEqual(['UpdateFunction', 'PublishFunction'])
    expect(fn.live!.code).toContain('Moved Permanently')
  })

  test('dropped: the association and the www alias go, then its records and the function', async () => {
    await run()
    editConfig(root, (c) => (c.dns.www_redirect = false))
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual(
      expect.arrayContaining(['UpdateDistribution', 'ChangeResourceRecordSets', 'DeleteFunction']),
    )
    expect(writes().indexOf('UpdateDistribution')).toBeLessThan(writes().indexOf('DeleteFunction'))
    expect(config().Aliases!.Items).toEqual([DOMAIN])
    expect(config().DefaultCacheBehavior!.FunctionAssociations).toEqual({ Quantity: 0, Items: [] })
    expect(cloudfront().functions.functions).toEqual({})
    for (const type of ['A', 'AAAA']) expect(fake.route53.record(WWW, type)).toBeUndefined()
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([])
  })

  test('turned on after the domain existed, then destroyed: the function takes its association off before it goes', async () => {
    editConfig(root, (c) => (c.dns.www_redirect = false))
    await run()
    editConfig(root, (c) => (c.dns.www_redirect = true))
    await run()
    await destroyInProcess(root, { only: 'dns' })
    expect(cloudfront().functions.functions).toEqual({})
    expect(config().DefaultCacheBehavior!.FunctionAssociations?.Items ?? []).toEqual([])
  })
})
