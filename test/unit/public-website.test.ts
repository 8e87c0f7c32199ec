// The public website option's pure parts: the bucket's wanted blocks and hosting, the website endpoint, and the
// distribution's origin switching between the REST endpoint with the OAC and the website endpoint over HTTP.
import { describe, expect, test } from 'vitest'
import { diffDistributionConfig, toDistributionConfig } from '../../src/resources/cloudfront/distribution-config.js'
import { BLOCK_ALL_PUBLIC_ACCESS, diffBucket, type ObservedBucket } from '../../src/resources/s3/bucket-diff.js'
import { PUBLIC_POLICY_ALLOWED, websiteDomainName } from '../../src/resources/s3/bucket-website.js'
import { cloudFrontSettings, distributionSpec } from '../../src/steps/cloudfront-specs.js'
import { loadConfig } from '../../src/config/load.js'
import { REPO_ROOT } from '../support/context.js'

const WEBSITE = { indexDocument: 'index.html', errorDocument: '404.html' }
const observed = (o: Partial<ObservedBucket>): ObservedBucket => ({
  name: 'b',
  region: 'eu-west-1',
  publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
  ownership: 'BucketOwnerEnforced',
  encryption: { algorithm: 'AES256' },
  versioning: 'Enabled',
  lifecycleRules: [],
  tags: {},
  ...o,
})
const spec = { logicalId: 'frontend', name: 'b', region: 'eu-west-1', versioning: true, tags: {} }
const fields = (changes: Array<{ field: string }>) => changes.map((c) => c.field)

describe('bucket: public website', () => {
  test('opted in: the policy blocks lifted (ACL blocks kept) and the hosting set; then nothing to change', () => {
    expect(fields(diffBucket(observed({}), { ...spec, website: WEBSITE }))).toEqual(['PublicAccessBlock', 'Website'])
    const done = observed({ publicAccessBlock: PUBLIC_POLICY_ALLOWED, website: WEBSITE })
    expect(diffBucket(done, { ...spec, website: WEBSITE })).toEqual([])
  })

  test('off: a website and relaxed blocks are put back; absent from the spec (a general bucket), hosting is left alone', () => {
    const open = observed({ publicAccessBlock: PUBLIC_POLICY_ALLOWED, website: WEBSITE })
    expect(fields(diffBucket(open, { ...spec, website: false }))).toEqual(['PublicAccessBlock', 'Website'])
    expect(fields(diffBucket(observed({ website: WEBSITE }), spec))).toEqual([])
  })

  test('website endpoints: a dash in the older regions, a dot in the others', () => {
    expect(websiteDomainName('b', 'us-east-1')).toBe('b.s3-website-us-east-1.amazonaws.com')
    expect(websiteDomainName('b', 'eu-central-1')).toBe('b.s3-website.eu-central-1.amazonaws.com')
  })
})

describe('distribution: origin', () => {
  test('the website endpoint is a custom HTTP-only origin without OAC; switching back is a diff of the origin', async () => {
    const s = cloudFrontSettings(await loadConfig({ root: REPO_ROOT, env: 'staging' }))!
    const rest = distributionSpec(s, { regionalDomainName: 'b.s3.eu-west-1.amazonaws.com' }, 'OAC1')
    const website = distributionSpec(
      s,
      { regionalDomainName: 'b.s3.eu-west-1.amazonaws.com', websiteDomainName: 'b.s3-website-eu-west-1.amazonaws.com' },
      'OAC1',
    )
    const config = toDistributionConfig(website, 'ref')
    expect(config.Origins!.Items![0]).toEqual({
      Id: 's3-bucket',
      DomainName: 'b.s3-website-eu-west-1.amazonaws.com',
      OriginPath: '',
      CustomHeaders: { Quantity: 0, Items: [] },
      CustomOriginConfig: {
        HTTPPort: 80,
        HTTPSPort: 443,
        OriginProtocolPolicy: 'http-only',
        OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
      },
      OriginAccessControlId: '',
    })
    expect(diffDistributionConfig(config, website)).toEqual([])
    expect(fields(diffDistributionConfig(config, rest))).toEqual([
      'Origin.DomainName',
      'Origin.OriginAccessControlId',
      'Origin.Protocol',
    ])
  })
})
