// The overview dashboard watches the frontend's distribution (in us-east-1, where CloudFront publishes its metrics)
// once step 07 deployed it, and each Bedrock model the deployed functions call.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { outputsOf } from '../../src/runner/run-steps.js'
import { STEPS } from '../../src/steps/index.js'
import { deploy } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { fastWorkspace, SERVICE } from './lambda-helpers.js'

const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
const WITHOUT_DNS = STEPS.filter((s) => s.id !== 'dns' && !s.needs.includes('dns'))

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

test('CloudFront requests and error rate, Bedrock invocations, latency and tokens per model', async () => {
  const outcome = await deploy(fastWorkspace(), { steps: WITHOUT_DNS })
  expect(outcome.ok).toBe(true)
  const distributionId = outputsOf(outcome, 'cloudfront')?.distributionId
  const widgets = fake.cloudwatch.dashboard(`${SERVICE}-overview`).widgets.map((w: any) => w.properties)
  const titled = (title: string) => widgets.find((w: any) => w.title === title)
  const cf = ['DistributionId', distributionId, 'Region', 'Global']
  expect(titled('CloudFront requests')).toMatchObject({
    region: 'us-east-1',
    metrics: [['AWS/CloudFront', 'Requests', ...cf]],
  })
  expect(titled('CloudFront error rate (%)')).toMatchObject({
    region: 'us-east-1',
    stat: 'Average',
    metrics: [
      ['AWS/CloudFront', '4xxErrorRate', ...cf],
      ['AWS/CloudFront', '5xxErrorRate', ...cf],
    ],
  })
  expect(titled('Bedrock invocations')?.metrics).toEqual([['AWS/Bedrock', 'Invocations', 'ModelId', MODEL]])
  expect(titled('Bedrock latency (p95, ms)')).toMatchObject({ stat: 'p95' })
  expect(titled('Bedrock tokens')?.metrics).toEqual([
    ['AWS/Bedrock', 'InputTokenCount', 'ModelId', MODEL],
    ['AWS/Bedrock', 'OutputTokenCount', 'ModelId', MODEL],
  ])
})
