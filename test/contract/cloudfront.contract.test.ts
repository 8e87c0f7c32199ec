// Step 07's kinds through the engine's contract, and what only they do: a stale ETag is read again, a delete disables
// first and waits for that to deploy, and an invalidation (which AWS cannot delete) is its own small contract.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { distributionKind, DISTRIBUTION_ID_TAG } from '../../src/resources/cloudfront/distribution.js'
import type { DistributionSpec } from '../../src/resources/cloudfront/distribution-config.js'
import { invalidationKind, type InvalidationSpec } from '../../src/resources/cloudfront/invalidation.js'
import { originAccessControlKind } from '../../src/resources/cloudfront/origin-access-control.js'
import { converge, keyOf } from '../../src/resources/engine/converge.js'
import { remove } from '../../src/resources/engine/remove.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite, harness, OUR_TAGS, type Harness } from './harness.js'

const cloudfront = (aws: AllFakes) => aws.service<FakeCloudFront>('cloudfront')
const OAC = { logicalId: 'frontend', name: 'contract-svc-test-frontend', description: 'contract' }

async function makeOac(ctx: ResourceContext): Promise<Record<string, string>> {
  const { observed } = await converge(ctx, originAccessControlKind, OAC)
  return { oacId: observed!.Id }
}

const distributionSpec = (oacId: string): DistributionSpec => ({
  logicalId: 'frontend',
  name: 'contract-svc-test-frontend',
  originDomain: 'contract-svc-frontend.s3.us-east-1.amazonaws.com',
  originAccessControlId: oacId,
  defaultRootObject: 'index.html',
  errorPage: { path: '/index.html', responseCode: 200 },
  priceClass: 'PriceClass_100',
  comment: 'contract-svc test frontend',
  tags: { ...OUR_TAGS, [DISTRIBUTION_ID_TAG]: 'contract-svc-test-frontend' },
})

const tagged = (aws: AllFakes, name: string) =>
  Object.values(cloudfront(aws).distributions).filter((d) => d.tags[DISTRIBUTION_ID_TAG] === name)

contractSuite({
  kind: originAccessControlKind,
  spec: () => OAC,
  changed: (spec) => ({ ...spec, description: 'changed' }),
  updateCalls: ['UpdateOriginAccessControl'],
  createCommand: 'CreateOriginAccessControl',
  alreadyExists: 'OriginAccessControlAlreadyExists',
  count: (aws, spec) => Object.values(cloudfront(aws).oacs).filter((o) => o.config.Name === spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    const fake = cloudfront(aws)
    for (const o of Object.values(fake.oacs)) if (o.config.Name === spec.name) delete fake.oacs[o.id]
  },
})

contractSuite({
  kind: distributionKind,
  setup: makeOac,
  spec: (parents) => distributionSpec(parents.oacId!),
  changed: (spec): DistributionSpec => ({ ...spec, priceClass: 'PriceClass_200' }),
  updateCalls: ['UpdateDistribution'],
  createCommand: 'CreateDistributionWithTags',
  // The same CallerReference with the same config returns the original: there is no "already exists" to meet.
  alreadyExists: false,
  count: (aws, spec) => tagged(aws, spec.name).length,
  deleteOutOfBand: (aws, spec) =>
    tagged(aws, spec.name).forEach((d) => cloudfront(aws).deleteDistributionOutOfBand(d.id)),
})

describe('cloudfront-distribution specifics', () => {
  let h: Harness
  let spec: DistributionSpec
  beforeEach(async () => {
    h = await harness()
    spec = distributionSpec((await makeOac(h.ctx())).oacId!)
  })
  afterEach(async () => {
    h.aws.restore()
    await h.manifest.unlock()
  })

  test('a stale ETag (someone updated it meanwhile) is read again and the update sent once more', async () => {
    await converge(h.ctx(), distributionKind, spec)
    h.aws.failNext('UpdateDistribution', () => h.aws.errorFor('UpdateDistribution', 'PreconditionFailed'))
    h.aws.resetCalls()
    const { result } = await converge(h.ctx(), distributionKind, { ...spec, comment: 'new comment' })
    expect(result.action).toBe('updated')
    const sent = h.aws.calls.map((c) => c.command.replace(/Command$/, ''))
    expect(sent.filter((c) => c === 'GetDistributionConfig')).toHaveLength(2)
    expect(sent.filter((c) => c === 'UpdateDistribution')).toHaveLength(2)
  })

  test('a crash after the create: the rerun sends the same CallerReference and gets the same distribution', async () => {
    const ctx = h.ctx()
    const key = keyOf(distributionKind, spec.logicalId)
    const token = distributionKind.token!(spec, ctx)
    await h.manifest.journal(key, {
      operation: 'create',
      kind: distributionKind.kind,
      name: spec.name,
      token,
      startedAt: new Date().toISOString(),
    })
    const first = await distributionKind.create(ctx, spec, token)
    const again = await distributionKind.create(ctx, spec, token)
    expect(again.id).toBe(first.id)
    const { result } = await converge(h.ctx(), distributionKind, spec)
    expect(result).toMatchObject({
      action: 'unchanged',
      id: first.id,
      note: expect.stringMatching(/interrupted create/),
    })
    expect(tagged(h.aws, spec.name)).toHaveLength(1)
  })

  test('destroy disables it, waits until that is deployed, then deletes it with the fresh ETag', async () => {
    await converge(h.ctx(), distributionKind, spec)
    h.aws.resetCalls()
    const key = keyOf(distributionKind, spec.logicalId)
    const destroy = h.ctx({ removal: { mode: 'destroy' } })
    expect((await remove(destroy, distributionKind, key, h.manifest.manifest.resources[key]!)).action).toBe('deleted')
    const writes = h.aws.writes().map((c) => c.command.replace(/Command$/, ''))
    expect(writes).toEqual(['UpdateDistribution', 'DeleteDistribution'])
    expect(h.aws.writes()[0]!.input.DistributionConfig.Enabled).toBe(false)
  })

  test('a destroy that cannot wait for the disable to deploy says so; the next one finishes it', async () => {
    await converge(h.ctx(), distributionKind, spec)
    cloudfront(h.aws).readsUntilDeployed = 1_000_000
    const key = keyOf(distributionKind, spec.logicalId)
    const destroy = h.ctx({ removal: { mode: 'destroy' } })
    const record = h.manifest.manifest.resources[key]!
    await expect(remove(destroy, distributionKind, key, record)).rejects.toMatchObject({
      code: 'DistributionStillDeploying',
      message: expect.stringMatching(/disabled, but CloudFront is still deploying/),
    })
    expect(h.manifest.manifest.resources[key]).toBeDefined()
    cloudfront(h.aws).settle()
    expect((await remove(destroy, distributionKind, key, record)).action).toBe('deleted')
    expect(tagged(h.aws, spec.name)).toHaveLength(0)
  })
})

describe('cloudfront-invalidation through the engine (AWS cannot delete one)', () => {
  let h: Harness
  let spec: InvalidationSpec
  const writes = () => h.aws.writes().map((c) => c.command.replace(/Command$/, ''))
  const count = () => Object.values(cloudfront(h.aws).distributions)[0]!.invalidations.length
  beforeEach(async () => {
    h = await harness()
    const { observed } = await converge(h.ctx(), distributionKind, distributionSpec((await makeOac(h.ctx())).oacId!))
    spec = {
      logicalId: 'frontend',
      name: observed!.id,
      distributionId: observed!.id,
      paths: ['/index.html'],
      reference: 'r1',
    }
    h.aws.resetCalls()
  })
  afterEach(async () => {
    h.aws.restore()
    await h.manifest.unlock()
  })

  test('create, then a rerun of the same batch sends nothing', async () => {
    expect((await converge(h.ctx(), invalidationKind, spec)).result.action).toBe('created')
    h.aws.resetCalls()
    expect((await converge(h.ctx(), invalidationKind, spec)).result.action).toBe('unchanged')
    expect(writes()).toEqual([])
    expect(count()).toBe(1)
  })

  test('a new batch is one CreateInvalidation, recorded as the latest', async () => {
    await converge(h.ctx(), invalidationKind, spec)
    h.aws.resetCalls()
    const next = { ...spec, paths: ['/app.js'], reference: 'r2' }
    expect((await converge(h.ctx(), invalidationKind, next)).result.action).toBe('updated')
    expect(writes()).toEqual(['CreateInvalidation'])
    h.aws.resetCalls()
    expect((await converge(h.ctx(), invalidationKind, next)).result.action).toBe('unchanged')
    expect(writes()).toEqual([])
  })

  test('killed after the create, before the record: found by its CallerReference, no second one', async () => {
    const key = keyOf(invalidationKind, spec.logicalId)
    await h.manifest.journal(key, {
      operation: 'create',
      kind: invalidationKind.kind,
      name: spec.name,
      token: 'r1',
      startedAt: new Date().toISOString(),
    })
    await invalidationKind.create(h.ctx(), spec, 'r1')
    const { result } = await converge(h.ctx(), invalidationKind, spec)
    expect(result.note).toMatch(/interrupted create/)
    expect(count()).toBe(1)
    expect(h.manifest.manifest.pending[key]).toBeUndefined()
  })

  test('a lost create response: found and adopted', async () => {
    h.aws.loseNextResponse('CreateInvalidation')
    const { result } = await converge(h.ctx(), invalidationKind, spec)
    expect(result.note).toMatch(/response was lost/)
    expect(count()).toBe(1)
  })

  test('a dry run sends nothing; a removal forgets the record and calls nothing', async () => {
    expect((await converge(h.ctx({ dryRun: true }), invalidationKind, spec)).result.action).toBe('would-create')
    await converge(h.ctx(), invalidationKind, spec)
    h.aws.resetCalls()
    const key = keyOf(invalidationKind, spec.logicalId)
    expect((await remove(h.ctx(), invalidationKind, key, h.manifest.manifest.resources[key]!)).action).toBe('deleted')
    expect(h.aws.calls).toEqual([])
    expect(h.manifest.manifest.resources[key]).toBeUndefined()
  })
})
