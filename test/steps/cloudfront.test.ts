// Step 07 against the fake: a fresh deploy, a no-op rerun with zero writes, one changed setting → one update, a crash
// after the create, the bucket policy naming only the distribution, invalidations of what step 06 changed, and
// destroy (disable, wait for Deployed, delete). Step 06 is stood in for by a step that returns its outputs.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadContext } from '../../src/context/context.js'
import { outputsOf, runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { cloudfrontStep } from '../../src/steps/07-cloudfront.js'
import type { S3Outputs } from '../../src/steps/outputs.js'
import type { Step } from '../../src/steps/types.js'
import { deploy, destroyInProcess, editConfig, FAST_TIMING, resultsOf, workspace } from '../support/context.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import { createFakeAws, namedError, type AllFakes } from '../support/fake-aws/index.js'

const BUCKET = 'new-service-frontend'
let fake: AllFakes
let root: string
let changedPaths: string[]

// Step 06's outputs for the default config in us-east-1 (the fake's region).
const s3Stand: Step<'s3'> = {
  id: 's3',
  number: 6,
  title: 'S3 frontend bucket (stand-in)',
  needs: [],
  inputs: () => changedPaths,
  run: async (): Promise<S3Outputs> => ({
    bucket: {
      name: BUCKET,
      arn: `arn:aws:s3:::${BUCKET}`,
      regionalDomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`,
    },
    changedPaths,
  }),
}

const run = () => deploy(root, { steps: [s3Stand, cloudfrontStep] })
const cloudfront = () => fake.service<FakeCloudFront>('cloudfront')
const distributions = () => Object.values(cloudfront().distributions)
const writes = () => fake.writes().map((c) => c.command.replace(/Command$/, ''))
const cloudfrontOf = (outcome: RunOutcome) => outputsOf(outcome, 'cloudfront')!

beforeEach(async () => {
  fake = createFakeAws().install()
  root = workspace()
  changedPaths = []
  await new S3Client({ region: fake.region }).send(new CreateBucketCommand({ Bucket: BUCKET }))
  fake.resetCalls()
})
afterEach(() => fake.restore())

describe('cloudfront step', () => {
  test('fresh deploy: an OAC, a distribution on the bucket’s REST endpoint, the bucket policy; no wait, no invalidation', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(writes()).toEqual(['CreateOriginAccessControl', 'CreateDistributionWithTags', 'PutBucketPolicy'])
    const [oac] = Object.values(cloudfront().oacs)
    expect(oac!.config).toMatchObject({
      SigningProtocol: 'sigv4',
      SigningBehavior: 'always',
      OriginAccessControlOriginType: 's3',
    })
    const [d] = distributions()
    expect(d!.config).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      PriceClass: 'PriceClass_100',
      HttpVersion: 'http2and3',
      Origins: {
        Items: [
          {
            DomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`,
            OriginAccessControlId: oac!.id,
            S3OriginConfig: { OriginAccessIdentity: '' },
          },
        ],
      },
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      },
      // The default config's error_document is its index document: a single-page app's fallback, with 200.
      CustomErrorResponses: {
        Quantity: 2,
        Items: [
          { ErrorCode: 403, ResponsePagePath: '/index.html', ResponseCode: '200' },
          { ErrorCode: 404, ResponsePagePath: '/index.html', ResponseCode: '200' },
        ],
      },
    })
    expect(d!.tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
    const out = cloudfrontOf(outcome)
    expect(out).toMatchObject({ distributionId: d!.id, status: 'InProgress', url: `https://${out.domainName}` })
    expect(out.endpoints).toEqual({ Frontend: out.url })
  })

  test('a plan of a new environment (the bucket not made yet) sends no write and lists what it would create', async () => {
    delete fake.s3.buckets[BUCKET]
    const outcome = await deploy(root, { steps: [s3Stand, cloudfrontStep], mode: 'plan' })
    expect(outcome.ok).toBe(true)
    expect(writes()).toEqual([])
    expect(resultsOf(outcome).map((r) => `${r.action} ${r.kind}`)).toEqual([
      'would-create cloudfront-origin-access-control',
      'would-create cloudfront-distribution',
      'would-create s3-bucket-policy',
    ])
  })

  test('the bucket policy lets CloudFront read objects only on behalf of this distribution', async () => {
    await run()
    const policy = JSON.parse(fake.s3.buckets[BUCKET]!.policy!)
    expect(policy.Statement).toEqual([
      {
        Sid: 'AllowCloudFrontReadOnlyForThisDistribution',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': cloudfront().arn(distributions()[0]!.id) } },
      },
    ])
  })

  test('a rerun sends no write and reports Deployed once CloudFront has deployed', async () => {
    await run()
    cloudfront().settle()
    fake.resetCalls()
    const outcome = await run()
    expect(writes()).toEqual([])
    expect(resultsOf(outcome).map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(cloudfrontOf(outcome).status).toBe('Deployed')
  })

  test('one changed setting is one UpdateDistribution, sent with the current ETag', async () => {
    await run()
    const etag = distributions()[0]!.etag
    editConfig(root, (c) => (c.frontend.price_class = 'PriceClass_All'))
    fake.resetCalls()
    await run()
    expect(writes()).toEqual(['UpdateDistribution'])
    expect(fake.writes()[0]!.input.IfMatch).toBe(etag)
    expect(distributions()[0]!.config.PriceClass).toBe('PriceClass_All')
  })

  test('killed after the create, before the record: the rerun finds it by its tag and makes no second one', async () => {
    fake.loseNextResponse('CreateDistributionWithTags', () => namedError('ProcessKilled', 'killed'))
    expect((await run()).ok).toBe(false)
    expect(distributions()).toHaveLength(1)
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(distributions()).toHaveLength(1)
    const result = resultsOf(outcome).find((r) => r.kind === 'cloudfront-distribution')!
    expect(result.note).toMatch(/interrupted create/)
    // The CallerReference was the journalled token: resending it could only have returned the same distribution.
    expect(distributions()[0]!.config.CallerReference).toMatch(/^new-service-staging-frontend-/)
  })

  test('files changed by step 06: one invalidation of those paths; past the threshold, /*', async () => {
    await run()
    changedPaths = ['/index.html', '/app.js']
    fake.resetCalls()
    await run()
    expect(writes()).toEqual(['CreateInvalidation'])
    expect(fake.writes()[0]!.input.InvalidationBatch.Paths).toEqual({ Quantity: 2, Items: ['/app.js', '/index.html'] })
    changedPaths = Array.from({ length: 40 }, (_, i) => `/assets/${i}.js`)
    fake.resetCalls()
    await run()
    expect(fake.writes()[0]!.input.InvalidationBatch.Paths).toEqual({ Quantity: 1, Items: ['/*'] })
    changedPaths = []
    fake.resetCalls()
    const outcome = await run()
    expect(writes()).toEqual([])
    // The last invalidation stays recorded: nothing is "deleted" when no file changed, nor planned so offline.
    expect(resultsOf(outcome).some((r) => r.action === 'deleted')).toBe(false)
    const ctx = await loadContext({
      root,
      env: 'staging',
      command: 'plan',
      mode: 'plan',
      offline: true,
      timing: FAST_TIMING,
    })
    try {
      const offline = await runSteps(ctx, [s3Stand, cloudfrontStep], 'silent')
      expect(resultsOf(offline).map((r) => r.action)).not.toContain('would-delete')
    } finally {
      await ctx.close()
    }
  })

  test('--wait: the run waits until CloudFront reports Deployed, and the outputs say so', async () => {
    const outcome = await deploy(root, { steps: [s3Stand, cloudfrontStep], flags: { waitForDeploy: true } })
    expect(cloudfrontOf(outcome).status).toBe('Deployed')
    expect(distributions()[0]!.status).toBe('Deployed')
  })

  test('destroy disables the distribution, waits until that is deployed, deletes it, then the OAC', async () => {
    await run()
    fake.resetCalls()
    await destroyInProcess(root, { only: 'cloudfront' })
    expect(writes()).toEqual([
      'DeleteBucketPolicy',
      'UpdateDistribution',
      'DeleteDistribution',
      'DeleteOriginAccessControl',
    ])
    expect(fake.writes()[1]!.input.DistributionConfig.Enabled).toBe(false)
    expect(distributions()).toEqual([])
    expect(cloudfront().oacs).toEqual({})
  })
})
