// examples/document-pipeline in-process: planned offline (no AWS call), deployed against the fake (an upload bucket
// whose PDFs trigger a function, a queue with its dead-letter queue consumed in batches, a schedule), deployed again
// with zero writes, and destroyed.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { deploy, destroyInProcess, exampleWorkspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const SVC = 'document-pipeline-dev'
const BUCKET = `${SVC}-uploads-123456789012`

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws({ account: '123456789012' }).install()
  root = exampleWorkspace('document-pipeline')
})
afterEach(() => fake.restore())

const run = (mode: 'apply' | 'plan', offline = false) => deploy(root, { env: 'dev', mode, offline })
const failed = (outcome: Awaited<ReturnType<typeof run>>) =>
  outcome.steps.filter((s) => s.status === 'failed').map((s) => `${s.id}: ${s.error?.message}`)

test('planned offline, deployed twice (the second run writes nothing), destroyed', async () => {
  expect(failed(await run('plan', true))).toEqual([])
  expect(fake.calls).toEqual([])

  expect(failed(await run('apply'))).toEqual([])
  const ingest = fake.lambda.fn(`${SVC}-ingest`)!
  expect(ingest.latest.config.Environment?.Variables).toMatchObject({
    EXTRACT_QUEUE_URL: fake.sqs.url(`${SVC}-extract`),
    DOCUMENTS_TABLE: `${SVC}-documents`,
  })
  expect(ingest.latest.config.DeadLetterConfig?.TargetArn).toBe(fake.sqs.arn(`${SVC}-extract-failed`))
  expect(fake.lambda.fn(`${SVC}-extract`)!.latest.config.Environment?.Variables?.UPLOADS_BUCKET).toBe(BUCKET)
  expect(fake.s3.buckets[BUCKET]!.notifications?.LambdaFunctionConfigurations?.map((c) => c.Id)).toEqual([
    'infra-ingest-upload',
  ])
  expect(Object.values(fake.lambda.eventSourceMappings).map((m) => [m.EventSourceArn, m.BatchSize])).toEqual([
    [fake.sqs.arn(`${SVC}-extract`), 5],
  ])
  expect(fake.scheduler.schedule(`${SVC}-ingest-nightly`)?.Target?.Input).toBe('{"sweep":true}')

  fake.resetCalls()
  expect(failed(await run('apply'))).toEqual([])
  expect(fake.writes().map((c) => c.command)).toEqual([])

  await destroyInProcess(root, { env: 'dev', deleteData: true })
  expect(fake.s3.buckets[BUCKET]).toBeUndefined()
  expect(fake.sqs.queues).toEqual({})
  expect(fake.lambda.eventSourceMappings).toEqual({})
  expect(fake.scheduler.schedules).toEqual({})
  expect(fake.lambda.fn(`${SVC}-ingest`)).toBeUndefined()
})
