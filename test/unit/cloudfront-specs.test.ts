// Step 07's pure parts: config → settings, the distribution config and its diff, the bucket policy, invalidation paths.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import {
  diffDistributionConfig,
  toDistributionConfig,
  toUpdatedConfig,
} from '../../src/resources/cloudfront/distribution-config.js'
import { invalidationPaths, INVALIDATION_PATH_THRESHOLD } from '../../src/resources/cloudfront/invalidation.js'
import { cloudFrontSettings, distributionSpec } from '../../src/steps/cloudfront-specs.js'
import { REPO_ROOT, editConfig, workspace } from '../support/context.js'

const BUCKET = { regionalDomainName: 'b.s3.eu-west-1.amazonaws.com' }
const load = (root = REPO_ROOT) => loadConfig({ root, env: 'staging' })

describe('cloudFrontSettings', () => {
  test('a stable name per service and environment, the default comment, the SPA fallback from error_document', async () => {
    const s = cloudFrontSettings(await load())!
    expect(s).toMatchObject({
      name: 'new-service-staging-frontend',
      comment: 'new-service-staging staging frontend',
      defaultRootObject: 'index.html',
      errorPage: { path: '/index.html', responseCode: 200 },
      priceClass: 'PriceClass_100',
    })
    expect(s.tags).toMatchObject({ 'infra:id': s.name, 'infra:env': 'staging' })
  })

  test('an error page other than the index document keeps its 404; no error_document, no fallback', async () => {
    const root = workspace()
    editConfig(root, (c) => (c.frontend.error_document = '404.html'))
    expect(cloudFrontSettings(await load(root))!.errorPage).toEqual({ path: '/404.html', responseCode: 404 })
    editConfig(root, (c) => delete c.frontend.error_document)
    expect(cloudFrontSettings(await load(root))!.errorPage).toBeUndefined()
  })

  test('a comment longer than CloudFront allows is a config error naming the field', async () => {
    const root = workspace()
    editConfig(root, (c) => (c.frontend.cloudfront = { comment: 'x'.repeat(129) }))
    await expect(load(root).then(cloudFrontSettings)).rejects.toMatchObject({
      code: 'InvalidConfig',
      message: expect.stringMatching(/frontend\.cloudfront\.comment: .* longer than CloudFront's 128/),
    })
  })
})

describe('distribution config', () => {
  test('an update keeps what infra does not decide and changes only what differs', async () => {
    const spec = distributionSpec(cloudFrontSettings(await load())!, BUCKET, 'E1')
    const created = toDistributionConfig(spec, 'ref')
    expect(diffDistributionConfig(created, spec)).toEqual([])
    const observed = { ...created, Logging: { Enabled: true, Bucket: 'logs', Prefix: '', IncludeCookies: false } }
    const changed = { ...spec, priceClass: 'PriceClass_All' as const, originAccessControlId: 'E2' }
    expect(diffDistributionConfig(observed, changed).map((c) => c.field)).toEqual([
      'PriceClass',
      'Origin.OriginAccessControlId',
    ])
    const updated = toUpdatedConfig(observed, changed)
    expect(updated).toMatchObject({ CallerReference: 'ref', Logging: observed.Logging, PriceClass: 'PriceClass_All' })
  })
})

describe('invalidationPaths', () => {
  test('each path once, sorted, with a leading slash; past the threshold one /*', () => {
    expect(invalidationPaths(['/b.js', 'a.html', '/b.js'])).toEqual(['/a.html', '/b.js'])
    expect(invalidationPaths([])).toEqual([])
    const many = Array.from({ length: INVALIDATION_PATH_THRESHOLD + 1 }, (_, i) => `/${i}.js`)
    expect(invalidationPaths(many)).toEqual(['/*'])
  })
})
