import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { bucketKind } from '../../src/resources/s3/bucket.js'
import { bucketPolicyKind, type BucketPolicySpec } from '../../src/resources/s3/bucket-policy.js'
import { siteFilesKind, type SiteFilesSpec } from '../../src/resources/s3/site-files.js'
import { runtimeConfigFile } from '../../src/steps/s3-specs.js'
import { REVALIDATE, sha256 } from '../../src/steps/site-folder.js'
import type { ResourceContext } from '../../src/resources/types.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const BUCKET = 'contract-svc-frontend'

async function makeBucket(ctx: ResourceContext) {
  await ctx.aws.get(S3Client).send(new CreateBucketCommand({ Bucket: BUCKET }))
  return { bucket: BUCKET }
}

contractSuite({
  kind: bucketKind,
  spec: () => ({ logicalId: 'frontend', name: BUCKET, region: 'us-east-1', noncurrentVersionDays: 30, tags: OUR_TAGS }),
  changed: (spec) => ({ ...spec, noncurrentVersionDays: 60 }),
  updateCalls: ['PutBucketLifecycleConfiguration'],
  createCommand: 'CreateBucket',
  alreadyExists: 'BucketAlreadyOwnedByYou',
  count: (aws, spec) => (aws.s3.buckets[spec.name] ? 1 : 0),
  deleteOutOfBand: (aws, spec) => delete aws.s3.buckets[spec.name],
})

const cloudFrontRead = (distribution: string): BucketPolicySpec['document'] => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'CloudFrontRead',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringEquals: { 'AWS:SourceArn': `arn:aws:cloudfront::887078546492:distribution/${distribution}` } },
    },
  ],
})

contractSuite<BucketPolicySpec, string>({
  kind: bucketPolicyKind,
  setup: makeBucket,
  spec: () => ({ logicalId: 'frontend', name: BUCKET, document: cloudFrontRead('E1') }),
  changed: (spec) => ({ ...spec, document: cloudFrontRead('E2') }),
  updateCalls: ['PutBucketPolicy'],
  createCommand: 'PutBucketPolicy',
  alreadyExists: false,
  count: (aws) => (aws.s3.buckets[BUCKET]?.policy ? 1 : 0),
  deleteOutOfBand: (aws) => delete aws.s3.buckets[BUCKET]!.policy,
})

function siteSpec(): SiteFilesSpec {
  const dir = mkdtempSync(path.join(tmpdir(), 'infra-site-'))
  writeFileSync(path.join(dir, 'index.html'), '<h1>hi</h1>')
  return {
    logicalId: 'site',
    name: BUCKET,
    keepOldFiles: false,
    files: {
      'index.html': {
        sha256: sha256('<h1>hi</h1>'),
        contentType: 'text/html; charset=utf-8',
        cacheControl: REVALIDATE,
        source: { path: path.join(dir, 'index.html') },
      },
      'config.js': runtimeConfigFile('config.js', { region: 'us-east-1' }),
    },
  }
}

contractSuite<SiteFilesSpec, unknown>({
  kind: siteFilesKind as never,
  setup: makeBucket,
  spec: siteSpec,
  changed: (spec) => ({
    ...spec,
    files: { ...spec.files, 'config.js': runtimeConfigFile('config.js', { region: 'eu-west-1' }) },
  }),
  updateCalls: ['PutObject'],
  createCommand: 'PutObject',
  alreadyExists: false,
  count: (aws, spec) => (Object.keys(spec.files).every((k) => aws.s3.object(BUCKET, k)) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    for (const key of Object.keys(spec.files)) delete aws.s3.buckets[BUCKET]!.objects[key]
  },
})
