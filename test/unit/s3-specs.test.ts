// Step 06's pure parts: caching and content types per file, the bucket's diff, the site files' diff, bucket names.
import { describe, expect, test } from 'vitest'
import { diffBucket, noncurrentRule, type BucketSpec, type ObservedBucket } from '../../src/resources/s3/bucket-diff.js'
import { diffSiteFiles, type SiteFilesSpec } from '../../src/resources/s3/site-files.js'
import { frontendConfig } from '../../src/steps/s3-specs.js'
import { cacheControlFor, contentTypeFor, IMMUTABLE, REVALIDATE } from '../../src/steps/site-folder.js'
import type { ResolvedConfig } from '../../src/config/types.js'

describe('caching and content types', () => {
  test.each([
    ['assets/index-B4x9_kQ2.js', IMMUTABLE],
    ['static/js/main.3f9a1c2e.js', IMMUTABLE],
    ['assets/logo-a1b2c3d4e5.svg', IMMUTABLE],
    ['index.html', REVALIDATE],
    ['about/index.3f9a1c2e.html', REVALIDATE],
    ['config.js', REVALIDATE],
    ['app.js', REVALIDATE],
    ['my-component.js', REVALIDATE],
    ['favicon.ico', REVALIDATE],
  ])('%s → %s', (key, cache) => {
    expect(cacheControlFor(key)).toBe(cache)
  })

  test('content type from the extension, with a charset for text; unknown is octet-stream', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a/b.js')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml')
    expect(contentTypeFor('LICENSE')).toBe('application/octet-stream')
  })
})

const spec: BucketSpec = { logicalId: 'f', name: 'b', region: 'us-east-1', noncurrentVersionDays: 30, tags: { a: '1' } }
const settled: ObservedBucket = {
  name: 'b',
  region: 'us-east-1',
  publicAccessBlock: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
  ownership: 'BucketOwnerEnforced',
  encryption: { algorithm: 'AES256' },
  versioning: 'Enabled',
  lifecycleRules: [noncurrentRule(30)],
  tags: { a: '1', theirs: 'x' },
}

describe('diffBucket', () => {
  test('nothing when every setting matches (tags someone else added are left alone)', () => {
    expect(diffBucket(settled, spec)).toEqual([])
  })

  test('one entry per setting that differs', () => {
    const open = { ...settled, publicAccessBlock: { ...settled.publicAccessBlock, BlockPublicPolicy: false } }
    expect(diffBucket(open, spec).map((c) => c.field)).toEqual(['PublicAccessBlock'])
    expect(diffBucket(settled, { ...spec, kmsKeyId: 'alias/site' })).toEqual([
      { field: 'Encryption', from: 'AES256', to: 'aws:kms (alias/site)' },
    ])
    expect(diffBucket({ ...settled, versioning: 'Suspended', lifecycleRules: [] }, spec).map((c) => c.field)).toEqual([
      'Versioning',
      'NoncurrentVersionExpiration',
    ])
  })
})

describe('diffSiteFiles', () => {
  const file = (sha256: string) => ({
    sha256,
    contentType: 'text/html',
    cacheControl: REVALIDATE,
    source: { text: '' },
  })
  const want: SiteFilesSpec = {
    logicalId: 's',
    name: 'b',
    keepOldFiles: false,
    files: { 'a.html': file('1'), 'b.html': file('2') },
  }

  test('uploads what is absent or differs by content hash; the ETag is never compared', () => {
    const have = {
      objects: { 'a.html': { etag: '"x"', sha256: '1' }, 'b.html': { etag: '"x"', sha256: 'old' } },
      recorded: {},
    }
    expect(diffSiteFiles(have, want)).toEqual([{ field: 'Objects[b.html]', from: 'changed', to: 'upload' }])
    expect(diffSiteFiles({ objects: {}, recorded: {} }, want).map((c) => c.to)).toEqual(['upload', 'upload'])
  })

  test('deletes only what infra recorded; keeps it one release when asked', () => {
    const have = {
      objects: {
        'a.html': { etag: 'e', sha256: '1' },
        'b.html': { etag: 'e', sha256: '2' },
        'old.js': { etag: 'e' },
        'theirs.txt': { etag: 'e' },
      },
      recorded: { 'old.js': { sha256: '9', etag: 'e' } },
    }
    expect(diffSiteFiles(have, want)).toEqual([{ field: 'Objects[old.js]', from: 'not in the folder', to: 'delete' }])
    expect(diffSiteFiles(have, { ...want, keepOldFiles: true })[0]?.to).toBe('kept one release')
    const kept = { ...have, recorded: { 'old.js': { sha256: '9', etag: 'e', kept: true as const } } }
    expect(diffSiteFiles(kept, { ...want, keepOldFiles: true })[0]?.to).toBe('delete')
  })
})

describe('frontendConfig', () => {
  const config = (bucket: string) =>
    ({
      serviceName: 'Svc',
      environment: 'dev',
      region: 'us-east-1',
      accountId: '123456789012',
      files: { root: '/p' },
      sections: { frontend: { bucket, noncurrent_version_days: 30, keep_old_files: false, source: 'web' } },
    }) as unknown as ResolvedConfig

  test('expands the bucket template and resolves the source folder against the config folder', () => {
    expect(frontendConfig(config('site-${ACCOUNT_ID}'))).toMatchObject({
      bucketName: 'site-123456789012',
      source: { configured: 'web', dir: '/p/web' },
    })
  })

  test('a name S3 refuses is a config error naming frontend.bucket', () => {
    expect(() => frontendConfig(config('${SERVICE_NAME}-frontend'))).toThrow(
      /frontend\.bucket: "Svc-frontend" is not a valid bucket name/,
    )
  })
})
