// `frontend.public_website` (the manual's design, opt-in) through steps 06 and 07 against the fake: the bucket gets
// website hosting and only the public-access blocks a policy needs are lifted, the policy is public-read, CloudFront
// reads the website endpoint over HTTP without the OAC; a rerun writes nothing; turning it off converges back to the
// private bucket read through the OAC.
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { ManifestStore } from '../../src/manifest/index.js'
import { loadContext } from '../../src/context/context.js'
import type { RunEvent } from '../../src/output/events.js'
import { runSteps } from '../../src/runner/run-steps.js'
import { s3Step } from '../../src/steps/06-s3.js'
import { cloudfrontStep } from '../../src/steps/07-cloudfront.js'
import { deploy, editConfig, FAST_TIMING, workspace } from '../support/context.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const BUCKET = 'new-service-staging-frontend'
const steps = [s3Step, cloudfrontStep]

let fake: AllFakes
let root: string
/** Steps 04, 05 and 08, which step 06 needs, as a previous run recorded them. */
async function upstreamDeployed() {
  const store = await ManifestStore.open(path.join(root, '.infra', 'staging'), {
    service: 'new-service-staging',
    env: 'staging',
    region: 'us-east-1',
    account: '887078546492',
  })
  await store.lock({ command: 'test' })
  for (const step of ['api', 'websocket', 'cognito'] as const) await store.stepFinished(step, {}, step)
  await store.unlock()
}

beforeEach(async () => {
  fake = createFakeAws().install()
  root = workspace((config) => (config.frontend.public_website = true))
  await upstreamDeployed()
})
afterEach(() => fake.restore())

const run = () => deploy(root, { steps })
const writes = () => fake.writes().map((c) => c.command.replace(/Command$/, ''))
const bucket = () => fake.s3.buckets[BUCKET]!
const distribution = () => Object.values(fake.service<FakeCloudFront>('cloudfront').distributions)[0]!
const origin = () => distribution().config.Origins!.Items![0]!

/** A run whose events are kept: the warning is a log line of step 06. */
async function runWithEvents(): Promise<RunEvent[]> {
  const events: RunEvent[] = []
  const ctx = await loadContext({ root, env: 'staging', command: 'deploy-all', mode: 'apply', timing: FAST_TIMING })
  try {
    expect((await runSteps(ctx, steps, 'silent', (e) => events.push(e))).ok).toBe(true)
  } finally {
    await ctx.close()
  }
  return events
}

describe('frontend.public_website', () => {
  test('opted in: website hosting, a public-read policy, CloudFront on the website endpoint; the run warns', async () => {
    const events = await runWithEvents()
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'log', step: 's3', message: expect.stringMatching(/readable by anyone/) }),
    )
    expect(bucket().website).toEqual({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'index.html' } })
    expect(bucket().publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    })
    expect(JSON.parse(bucket().policy!).Statement).toEqual([
      {
        Sid: 'PublicReadForWebsite',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      },
    ])
    expect(origin()).toMatchObject({
      DomainName: `${BUCKET}.s3-website-us-east-1.amazonaws.com`,
      OriginAccessControlId: '',
      CustomOriginConfig: { OriginProtocolPolicy: 'http-only', HTTPPort: 80, HTTPSPort: 443 },
    })
    expect(origin().S3OriginConfig).toBeUndefined()
  })

  test('a rerun sends no write', async () => {
    await run()
    fake.resetCalls()
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(writes()).toEqual([])
  })

  test('turned off: the website configuration goes, all public access is blocked, the policy and origin are private again', async () => {
    await run()
    editConfig(root, (config) => (config.frontend.public_website = false))
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes()).toEqual(['PutPublicAccessBlock', 'DeleteBucketWebsite', 'UpdateDistribution', 'PutBucketPolicy'])
    expect(bucket().website).toBeUndefined()
    expect(Object.values(bucket().publicAccessBlock!)).toEqual([true, true, true, true])
    const [oac] = Object.values(fake.service<FakeCloudFront>('cloudfront').oacs)
    expect(origin()).toMatchObject({
      DomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`,
      OriginAccessControlId: oac!.id,
      S3OriginConfig: { OriginAccessIdentity: '' },
    })
    expect(origin().CustomOriginConfig).toBeUndefined()
    expect(JSON.parse(bucket().policy!).Statement[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' })
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([])
  })

  test('turned on for a private bucket: the blocks are lifted before the public policy is put (S3 refuses it otherwise)', async () => {
    editConfig(root, (config) => (config.frontend.public_website = false))
    await run()
    editConfig(root, (config) => (config.frontend.public_website = true))
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(writes().indexOf('PutPublicAccessBlock')).toBeLessThan(writes().indexOf('PutBucketPolicy'))
  })
})
