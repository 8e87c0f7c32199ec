// A step that publishes its outputs early (runner/readiness.ts) against the fake, in process: step 02 hands its tables
// over right after CreateTable, step 10 its guardrail version right after CreateGuardrailVersion, and step 03 its
// functions once their aliases are set, so a step that needs them runs while they are still settling; failing after that fails the run and is redone by the next one; and
// the run reports what it waited for. The fake holds them in their transitional state until the dependent lets them
// go, so every order asserted here is forced, not timed.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { formatOutcome } from '../../src/output/summary.js'
import type { RunEvent } from '../../src/output/events.js'
import { runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { bedrockStep } from '../../src/steps/10-bedrock.js'
import type { DynamoDbOutputs } from '../../src/steps/outputs.js'
import type { Step } from '../../src/steps/types.js'
import { createFakeAws, namedError, type AllFakes } from '../support/fake-aws/index.js'
import { deploy, editConfig, FAST_TIMING, testContext, workspace } from '../support/context.js'
import { loadContext } from '../../src/context/context.js'
import { ALIAS, fastWorkspace, fnName, LAMBDA_STEPS, manifestOf } from './lambda-helpers.js'

const SERVICE = 'new-service-staging'
const CONVERSATIONS = `${SERVICE}-conversations`

let aws: AllFakes
let root: string
beforeEach(() => {
  aws = createFakeAws().install()
  root = workspace()
})
afterEach(() => aws.restore())

interface Seen {
  upstream?: DynamoDbOutputs
  status?: string
  ttl?: boolean
}

/**
 * Stands for step 03 (under another step's id: the lambda step's references would add needs): needs step 02, notes
 * what it saw when it ran, then lets the tables become ACTIVE.
 */
function dependent(seen: Seen, whenRun: () => void = () => aws.dynamodb.settle()): Step<'websocket'> {
  return {
    id: 'websocket',
    number: 5,
    title: 'needs the tables',
    needs: ['dynamodb'],
    inputs: () => ({}),
    async run(ctx) {
      const table = aws.dynamodb.table(CONVERSATIONS)
      Object.assign(seen, { upstream: ctx.upstream.dynamodb, status: table?.status, ttl: table?.ttl.enabled })
      whenRun()
      return {}
    },
  }
}

/**
 * Like deploy, with deadlines long enough that a wait held by the fake until the dependent runs never times out on a
 * loaded machine (FAST_TIMING's scale gives a guardrail 0.6 s).
 */
async function deployHeld(steps: Step[]): Promise<RunOutcome> {
  const ctx = await loadContext({
    root,
    env: 'staging',
    command: 'test',
    mode: 'apply',
    timing: { ...FAST_TIMING, deadlineScale: 0.1 },
  })
  return runSteps(ctx, steps, 'silent').finally(() => ctx.close())
}

/** The tables never leave CREATING by themselves: only the dependent (or the test) settles them. */
const tablesWaitForTheDependent = () => (aws.dynamodb.describesUntilActive = 1_000_000)

const stepOf = (outcome: RunOutcome, id: string) => outcome.steps.find((s) => s.id === id)!

describe('step 02 publishes its tables early', () => {
  test('a step that needs it runs while the new tables are still CREATING, with the outputs the step returns', async () => {
    tablesWaitForTheDependent()
    const seen: Seen = {}
    const outcome = await deployHeld([dynamodbStep, dependent(seen)])
    expect(outcome.ok).toBe(true)
    expect(seen).toMatchObject({ status: 'CREATING', ttl: false })
    expect(seen.upstream).toEqual(stepOf(outcome, 'dynamodb').outputs)
    expect(seen.upstream?.tables.conversations).toEqual({
      name: CONVERSATIONS,
      arn: `arn:aws:dynamodb:us-east-1:887078546492:table/${CONVERSATIONS}`,
      streamArn: expect.stringMatching(new RegExp(`^arn:aws:dynamodb:.*table/${CONVERSATIONS}/stream/`)),
    })
    // What needs ACTIVE was still done before the step ended.
    expect(aws.dynamodb.table(CONVERSATIONS)!.ttl.enabled).toBe(true)
    expect(manifestOf(root).steps.dynamodb?.status).toBe('done')
  })

  test('a table whose stream a trigger reads is handed over only once converged', async () => {
    editConfig(root, (config) => {
      config.functions['usage-handler'].triggers = {
        changes: { type: 'stream', table: 'conversations', starting_position: 'TRIM_HORIZON' },
      }
    })
    const seen: Seen = {}
    const outcome = await deploy(root, { steps: [dynamodbStep, dependent(seen, () => undefined)] })
    expect(outcome.ok).toBe(true)
    expect(seen).toMatchObject({ status: 'ACTIVE', ttl: true })
  })

  test('failing after publishing fails the run and the manifest says so; the dependent keeps its result; the next run converges', async () => {
    tablesWaitForTheDependent()
    const seen: Seen = {}
    const failTtl = () => {
      aws.failNext('UpdateTimeToLive', () => namedError('AccessDeniedException', 'not allowed: UpdateTimeToLive'))
      aws.dynamodb.settle()
    }
    const failed = await deployHeld([dynamodbStep, dependent(seen, failTtl)])
    expect(failed.ok).toBe(false)
    expect(stepOf(failed, 'dynamodb')).toMatchObject({ status: 'failed', error: { code: 'TableUpdateFailed' } })
    expect(stepOf(failed, 'websocket').status).toBe('done')
    expect(seen.status).toBe('CREATING')
    const manifest = manifestOf(root)
    expect(manifest.steps.dynamodb?.status).toBe('failed')
    expect(manifest.steps.websocket?.status).toBe('done')

    aws.dynamodb.describesUntilActive = 1
    const rerun = await deploy(root, { steps: [dynamodbStep, dependent({})] })
    expect(rerun.ok).toBe(true)
    expect(aws.dynamodb.tableNames().filter((n) => n === CONVERSATIONS)).toHaveLength(1)
    expect(aws.dynamodb.table(CONVERSATIONS)!.ttl.enabled).toBe(true)
    expect(manifestOf(root).steps.dynamodb?.status).toBe('done')
  })
})

describe('step 10 publishes the guardrail version early', () => {
  test('a step that needs it gets the new version’s number while that version is still VERSIONING', async () => {
    // A new version stays VERSIONING until the dependent lets it be READY.
    const bedrock = aws.bedrock as unknown as { createVersion: (input: unknown) => unknown }
    const createVersion = bedrock.createVersion.bind(aws.bedrock)
    bedrock.createVersion = (input) => {
      aws.bedrock.readsUntilReady = 1_000_000
      return createVersion(input)
    }
    let seen: { version?: string; status?: string } = {}
    const needsGuardrail: Step<'monitoring'> = {
      id: 'monitoring',
      number: 11,
      title: 'needs the guardrail',
      needs: ['bedrock'],
      inputs: () => ({}),
      async run(ctx) {
        const guardrail = ctx.upstream.bedrock?.guardrail
        const version = aws.bedrock.guardrail(guardrail?.id ?? '')?.versions[guardrail?.version ?? '']
        seen = { version: guardrail?.version, status: version?.status }
        if (version) version.readsLeft = 0
        return { alarms: [] }
      },
    }
    const outcome = await deployHeld([iamStep, bedrockStep, needsGuardrail])
    expect(outcome.ok).toBe(true)
    expect(seen).toEqual({ version: '1', status: 'VERSIONING' })
    expect(stepOf(outcome, 'bedrock').outputs).toMatchObject({ guardrail: { version: '1' } })
  })
})

describe('step 03 publishes its functions once released', () => {
  test('a step that needs it gets the aliases while provisioned concurrency is still being allocated', async () => {
    root = fastWorkspace((c) => Object.assign(c.functions['prompt-crud'], { provisioned_concurrency: 2 }))
    aws.lambda.describesUntilProvisioned = 1_000_000
    let seen: { aliasArn?: string; provisioned?: string } = {}
    const needsFunctions: Step<'monitoring'> = {
      id: 'monitoring',
      number: 11,
      title: 'needs the functions',
      needs: ['lambda'],
      inputs: () => ({}),
      async run(ctx) {
        const provisioned = aws.lambda.fn(fnName('prompt-crud'))?.provisioned[ALIAS]
        seen = { aliasArn: ctx.upstream.lambda?.functions['prompt-crud']?.aliasArn, provisioned: provisioned?.status }
        // Step 03 may not even have asked for it yet: whenever it does (or did), it is allocated now.
        aws.lambda.describesUntilProvisioned = 0
        if (provisioned) provisioned.status = 'READY'
        return { alarms: [] }
      },
    }
    const outcome = await deployHeld([...LAMBDA_STEPS, needsFunctions])
    expect(outcome.ok).toBe(true)
    expect(seen.aliasArn).toMatch(/:function:.*prompt-crud:staging$/)
    expect(seen.provisioned).not.toBe('READY') // requested (IN_PROGRESS), or not yet
    expect(aws.lambda.fn(fnName('prompt-crud'))?.provisioned[ALIAS]?.status).toBe('READY')
    expect(stepOf(outcome, 'lambda').outputs).toEqual(
      expect.objectContaining({ functions: expect.objectContaining({ 'prompt-crud': expect.anything() }) }),
    )
  })
})

describe('the waits report', () => {
  test('each table’s ACTIVE wait, attributed to its step, in the outcome, the summary and the events', async () => {
    const events: RunEvent[] = []
    const ctx = await testContext(root)
    const outcome = await runSteps(ctx, [iamStep, dynamodbStep], 'silent', (e) => events.push(e)).finally(() =>
      ctx.close(),
    )
    const tables = ['conversations', 'prompts', 'usage', 'websocket-connections'].map((t) => `table ${SERVICE}-${t}`)
    // CREATING, then ACTIVE twice in a row.
    expect(
      outcome.waits
        .filter((w) => w.resource.startsWith('table '))
        .map((w) => w.resource)
        .sort(),
    ).toEqual(tables)
    for (const wait of outcome.waits.filter((w) => w.resource.startsWith('table ')))
      expect(wait).toMatchObject({ step: 'dynamodb', state: 'ACTIVE', reads: 3, outcome: 'reached' })
    expect(formatOutcome(outcome)).toMatch(
      new RegExp(`^Waits: .*table ${SERVICE}-conversations ACTIVE \\d+\\.\\d s`, 'm'),
    )
    const waitEvents = events.filter((e) => e.type === 'wait')
    expect(waitEvents.map((e) => e.resource).sort()).toEqual(outcome.waits.map((w) => w.resource).sort())
  })

  test('a second run waits for nothing', async () => {
    await deploy(root, { steps: [iamStep, dynamodbStep] })
    const again = await deploy(root, { steps: [iamStep, dynamodbStep] })
    expect(again.waits).toEqual([])
    expect(formatOutcome(again)).not.toContain('Waits:')
  })
})
