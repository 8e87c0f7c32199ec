// Config for buckets, queues, triggers and access shorthands: what resolves, and what is refused at load with the
// file, the field and a fix (an unknown name lists the ones that exist).
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors/index.js'
import { makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

function events(config: any): void {
  config.buckets = { uploads: {}, archive: { name: '${SERVICE_NAME}-archive-${ACCOUNT_ID}', versioning: false } }
  config.queues = {
    jobs: { visibility_timeout_s: 60, dead_letter: { queue: 'jobs-dlq', max_receives: 3 } },
    'jobs-dlq': {},
    orders: { fifo: true, content_based_deduplication: true },
  }
  config.functions['usage-handler'].triggers = { work: { type: 'queue', queue: 'jobs' } }
  config.functions['usage-handler'].dead_letter = 'jobs-dlq'
}

async function load(mutate: (config: any) => void) {
  const { root } = await makeProject({ mutate: (c) => (events(c), mutate(c)) })
  return loadConfig({ root, env: 'production' })
}

async function problems(mutate: (config: any) => void): Promise<string> {
  const error = await load(mutate).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return (error as ConfigError).message
}

describe('resolved', () => {
  test('names, the FIFO suffix, defaults, and a dead-letter queue named by its key', async () => {
    const config = await load(() => undefined)
    expect(config.buckets.map((b) => [b.name, b.versioning])).toEqual([
      ['new-service-uploads', true],
      ['new-service-archive-887078546492', false],
    ])
    expect(config.queues.map((q) => q.name)).toEqual([
      'new-service-jobs',
      'new-service-jobs-dlq',
      'new-service-orders.fifo',
    ])
    const fn = config.functions.find((f) => f.logicalId === 'usage-handler')!
    expect(fn.deadLetterArn).toBe('arn:aws:sqs:us-east-1:887078546492:new-service-jobs-dlq')
    expect(fn.triggers).toEqual([
      { logicalId: 'work', type: 'queue', queue: 'jobs', batchSize: 10, windowS: 0, reportFailures: true },
    ])
  })
})

describe('refused at load', () => {
  test('an unknown bucket or queue lists the existing ones', async () => {
    const message = await problems((c) => {
      c.functions['conversation-api'].buckets = { upload: 'read' }
      c.functions['conversation-api'].queues = { job: 'send' }
    })
    expect(message).toContain(
      'functions.conversation-api.buckets.upload: function conversation-api uses bucket "upload", which is not in buckets (did you mean uploads? buckets: uploads, archive)',
    )
    expect(message).toContain('did you mean jobs? queues: jobs, jobs-dlq, orders')
    expect(message).toMatch(/config\.json:\d+:\d+ functions\.conversation-api\.queues\.job:/)
  })

  test("a queue whose visibility timeout is under its consumer's timeout", async () => {
    const message = await problems((c) => (c.queues.jobs.visibility_timeout_s = 10))
    expect(message).toContain(
      "functions.usage-handler.triggers.work.queue: queue jobs's visibility_timeout_s 10 is less than this function's timeout 30 s (set queues.jobs.visibility_timeout_s to at least 30",
    )
  })

  test('a stream trigger on a table without a stream, and an unknown time zone', async () => {
    const message = await problems((c) => {
      c.functions['usage-handler'].triggers.changes = { type: 'stream', table: 'usage' }
      c.functions['usage-handler'].triggers.nightly = {
        type: 'schedule',
        expression: 'rate(1 day)',
        timezone: 'Mars/Base',
      }
    })
    expect(message).toContain('table usage has no stream (set tables.usage.stream, e.g. "NEW_AND_OLD_IMAGES")')
    expect(message).toContain('"Mars/Base" is not an IANA time zone')
  })

  test('overlapping S3 notifications, a FIFO batching window, a dead-letter loop', async () => {
    const message = await problems((c) => {
      c.functions['usage-handler'].triggers.a = { type: 's3', bucket: 'uploads', prefix: 'in/' }
      c.functions['prompt-crud'].triggers = {
        b: { type: 's3', bucket: 'uploads', prefix: 'in/docs/' },
        o: { type: 'queue', queue: 'orders', window_s: 5 },
      }
      c.queues['jobs-dlq'].dead_letter = { queue: 'jobs', max_receives: 2 }
    })
    expect(message).toContain(
      'functions.usage-handler.triggers.a: overlaps functions.prompt-crud.triggers.b on bucket uploads',
    )
    expect(message).toContain('queue orders is FIFO: Lambda supports no batching window on it')
    expect(message).toContain('makes a loop (jobs -> jobs-dlq -> jobs)')
  })

  test('a bucket name S3 would refuse, and dead_letter that is neither a queue nor an ARN', async () => {
    const message = await problems((c) => {
      c.buckets.uploads.name = '${SERVICE_NAME}_Uploads'
      c.functions['usage-handler'].dead_letter = 'job-dlq'
    })
    expect(message).toContain('buckets.uploads.name: "new-service_Uploads" contains "_"')
    expect(message).toContain('"job-dlq" is neither an ARN nor a queue in queues (did you mean jobs-dlq?')
  })
})
