// Step 10 against the fake AWS (with step 01 for the logging role): create, a no-op rerun, a changed filter → one
// update and one new version, the account's logging set by someone else refused, a model the region does not offer and
// an endpoint without Bedrock refused before any write, and the lambda step reading the guardrail from upstream.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { converge } from '../../src/resources/engine/converge.js'
import { invocationLoggingKind } from '../../src/resources/bedrock/invocation-logging.js'
import { outputsOf } from '../../src/runner/run-steps.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { bedrockStep } from '../../src/steps/10-bedrock.js'
import { loggingConfig } from '../../src/steps/bedrock-specs.js'
import { deploy, editConfig, workspace } from '../support/context.js'
import { createFakeAws, namedError, type AllFakes } from '../support/fake-aws/index.js'
import { harness } from '../contract/harness.js'
import { fastWorkspace, fnName, LAMBDA_STEPS } from './lambda-helpers.js'

const SERVICE = 'new-service-staging'
const GUARDRAIL = `${SERVICE}-guardrail`
const LOG_GROUP = `/aws/bedrock/${SERVICE}`
const steps = [iamStep, bedrockStep]
const THEIRS = {
  cloudWatchConfig: { logGroupName: '/aws/bedrock/another-team', roleArn: 'arn:aws:iam::887078546492:role/theirs' },
  textDataDeliveryEnabled: true,
}

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = workspace()
})
afterEach(() => fake.restore())

const run = () => deploy(root, { steps })
const bedrockWrites = () =>
  fake.calls.filter((c) => c.write && c.service === 'bedrock').map((c) => c.command.replace(/Command$/, ''))
const stepOf = (outcome: Awaited<ReturnType<typeof run>>) => outcome.steps.find((s) => s.id === 'bedrock')!

describe('bedrock step', () => {
  test('create: a READY guardrail with config filters and tags, version 1, logging to the service log group', async () => {
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    const g = fake.bedrock.byName(GUARDRAIL)!
    expect(g.versions.DRAFT!.status).toBe('READY')
    expect(g.versions.DRAFT!.definition.contentPolicyConfig?.filtersConfig).toContainEqual({
      type: 'PROMPT_ATTACK',
      inputStrength: 'HIGH',
      outputStrength: 'NONE',
    })
    expect(g.tags).toMatchObject({ 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': 'staging' })
    expect(fake.bedrock.publishedVersions(g.id)).toEqual(['1'])
    expect(outputsOf(outcome, 'bedrock')).toEqual({ guardrail: { id: g.id, version: '1', arn: g.arn } })
    expect(fake.bedrock.loggingConfig?.cloudWatchConfig).toEqual({
      logGroupName: LOG_GROUP,
      roleArn: outputsOf(outcome, 'iam')?.roles['bedrock-logging']?.arn,
    })
    expect(fake.logs.group(LOG_GROUP)?.retentionInDays).toBe(30)
  })

  test('a rerun with nothing changed sends no write and publishes no version', async () => {
    await run()
    fake.resetCalls()
    expect((await run()).ok).toBe(true)
    expect(fake.writes()).toEqual([])
  })

  test('a changed filter: one UpdateGuardrail, then version 2 for the functions', async () => {
    await run()
    editConfig(root, (c) => (c.bedrock.guardrail.content_filters.VIOLENCE = { input: 'HIGH', output: 'LOW' }))
    fake.resetCalls()
    const outcome = await run()
    expect(outcome.ok).toBe(true)
    expect(bedrockWrites()).toEqual(['UpdateGuardrail', 'CreateGuardrailVersion'])
    expect(outputsOf(outcome, 'bedrock')?.guardrail?.version).toBe('2')
  })

  test("the account's logging set by someone else: refused without --take-over-logging, left as it was", async () => {
    fake.bedrock.loggingConfig = THEIRS
    const outcome = await run()
    expect(outcome.ok).toBe(false)
    expect(stepOf(outcome).error?.code).toBe('InvocationLoggingInUse')
    expect(stepOf(outcome).error?.message).toContain('/aws/bedrock/another-team')
    expect(stepOf(outcome).error?.hint).toContain('--take-over-logging')
    expect(fake.bedrock.loggingConfig).toEqual(THEIRS)
    expect(bedrockWrites()).not.toContain('PutModelInvocationLoggingConfiguration')
  })

  test('taken over when asked: set to this service, and its delete then removes only its own', async () => {
    const h = await harness()
    try {
      h.aws.bedrock.loggingConfig = THEIRS
      const spec = {
        logicalId: 'invocation-logging',
        name: 'Bedrock model invocation logging (us-east-1)',
        loggingConfig: loggingConfig('/aws/bedrock/contract-svc', 'arn:aws:iam::887078546492:role/r'),
        takeOver: true,
        takeOverCommand: 'infra step bedrock --env test --take-over-logging',
      }
      expect((await converge(h.ctx(), invocationLoggingKind, spec)).result.action).toBe('updated')
      expect(h.aws.bedrock.loggingConfig).toEqual(spec.loggingConfig)
      // Someone changes it back: a later delete of ours leaves theirs alone.
      h.aws.bedrock.loggingConfig = THEIRS
      await invocationLoggingKind.delete(
        h.ctx(),
        h.manifest.manifest.resources['bedrock-invocation-logging:invocation-logging']!,
      )
      expect(h.aws.bedrock.loggingConfig).toEqual(THEIRS)
    } finally {
      h.aws.restore()
      await h.manifest.unlock()
    }
  })

  test('a model the region does not offer: a clear error naming it, before any Bedrock write', async () => {
    editConfig(root, (c) => c.bedrock.models.push('anthropic.claude-9-imaginary-v1:0'))
    const outcome = await run()
    expect(stepOf(outcome).status).toBe('failed')
    expect(stepOf(outcome).error?.code).toBe('BedrockModelNotOffered')
    expect(stepOf(outcome).error?.message).toContain('anthropic.claude-9-imaginary-v1:0 is not offered in us-east-1')
    expect(bedrockWrites()).toEqual([])
    expect(fake.logs.group(LOG_GROUP)).toBeUndefined()
  })

  test('an inference profile of the region is accepted', async () => {
    editConfig(root, (c) => (c.bedrock.models = ['us.anthropic.claude-3-5-sonnet-20240620-v1:0']))
    expect((await run()).ok).toBe(true)
  })

  test("an endpoint without Bedrock's control plane: the step fails saying so, with no write", async () => {
    fake.failNext('ListFoundationModels', () => namedError('UnknownOperationException', 'Unknown operation'))
    const outcome = await run()
    expect(stepOf(outcome).error?.code).toBe('BedrockNotOffered')
    expect(stepOf(outcome).error?.message).toContain('functions deploy without a guardrail')
    expect(bedrockWrites()).toEqual([])
  })

  test("the lambda step needs this one: a Bedrock function gets the published version from this run's outputs", async () => {
    const fast = fastWorkspace()
    const outcome = await deploy(fast, { steps: LAMBDA_STEPS })
    expect(outcome.ok).toBe(true)
    const { id, version } = outputsOf(outcome, 'bedrock')!.guardrail!
    const vars = fake.lambda.fn(fnName('websocket-message'))!.latest.config.Environment?.Variables
    expect(vars).toMatchObject({ GUARDRAIL_ID: id, GUARDRAIL_VERSION: version })
    expect(version).toBe('1')
    // Functions that do not call Bedrock get no guardrail.
    expect(fake.lambda.fn(fnName('prompt-crud'))!.latest.config.Environment?.Variables).not.toHaveProperty(
      'GUARDRAIL_ID',
    )
  })

  test('Bedrock unavailable: the functions still deploy, without a guardrail, and say so; the run fails naming step 10', async () => {
    const fast = fastWorkspace()
    fake.failNext('ListFoundationModels', () => namedError('UnknownOperationException', 'Unknown operation'))
    const outcome = await deploy(fast, { steps: LAMBDA_STEPS })
    expect(outcome.ok).toBe(false)
    expect(outcome.steps.find((s) => s.id === 'bedrock')?.error?.code).toBe('BedrockNotOffered')
    const lambda = outcome.steps.find((s) => s.id === 'lambda')!
    expect(lambda.status).toBe('done')
    const message = lambda.results.find((r) => r.kind === 'lambda-function' && r.name === fnName('websocket-message'))
    expect(message?.note).toContain('without a guardrail')
    expect(fake.lambda.fn(fnName('websocket-message'))!.latest.config.Environment?.Variables).not.toHaveProperty(
      'GUARDRAIL_ID',
    )
  })
})
