// The waits report's parts without AWS: what pollUntil and retryWhile record (reads, state, outcome), the poll
// schedule, and the summary's waits line. Content only: no assertion on how long anything took.
import { describe, expect, test } from 'vitest'
import { pollDelay, pollUntil } from '../../src/aws/poll.js'
import { retryWhile } from '../../src/aws/retry.js'
import { WaitLog, type WaitRecord } from '../../src/aws/waits.js'
import { formatWaits } from '../../src/output/waits.js'
import { FAST_TIMING } from '../support/context.js'

const target = () => ({ waits: new WaitLog(), stepId: 'dynamodb' })

/** A read that returns these states in turn (the last one from then on). */
function states(...seq: string[]) {
  let i = 0
  return async () => seq[Math.min(i++, seq.length - 1)]!
}

const poll = (to: ReturnType<typeof target>, read: () => Promise<string>, consecutive?: number) =>
  pollUntil({
    read,
    judge: (s) => (s === 'ACTIVE' ? 'done' : s === 'FAILED' ? { failed: 'it failed' } : 'waiting'),
    describe: (s) => s,
    label: 'waiting for table t',
    timeoutMs: 10_000,
    backoff: FAST_TIMING.poll,
    ...(consecutive ? { consecutive } : {}),
    report: { to, resource: 'table t', state: 'ACTIVE' },
  })

describe('pollUntil in the waits report', () => {
  test('a wait is recorded with its step, what it waited for, and how many reads it took', async () => {
    const to = target()
    await poll(to, states('CREATING', 'CREATING', 'ACTIVE'), 2)
    expect(to.waits.records).toEqual([
      {
        step: 'dynamodb',
        resource: 'table t',
        state: 'ACTIVE',
        ms: expect.any(Number),
        reads: 4,
        outcome: 'reached',
      },
    ])
  })

  test('a consecutive confirmation starts again when the state falls back', async () => {
    const to = target()
    await poll(to, states('ACTIVE', 'UPDATING', 'ACTIVE', 'ACTIVE'), 2)
    expect(to.waits.records[0]?.reads).toBe(4)
  })

  test('a state already there at the first read is not a wait', async () => {
    const to = target()
    await poll(to, states('ACTIVE'))
    expect(to.waits.records).toEqual([])
  })

  test('a wait that ends in the service’s failure is recorded as failed, and the error says why', async () => {
    const to = target()
    await expect(poll(to, states('CREATING', 'FAILED'))).rejects.toThrow('waiting for table t: it failed')
    expect(to.waits.records).toMatchObject([{ resource: 'table t', reads: 2, outcome: 'failed' }])
  })
})

describe('retryWhile in the waits report', () => {
  const propagating = Object.assign(new Error('role cannot be assumed'), { name: 'InvalidParameterValueException' })
  const retry = (to: ReturnType<typeof target>, failures: number) => {
    let calls = 0
    return retryWhile(
      async () => {
        if (calls++ < failures) throw propagating
        return 'made'
      },
      (e) => e === propagating,
      {
        timeoutMs: 10_000,
        label: 'creating function f',
        backoff: FAST_TIMING.retry,
        report: { to, resource: 'function f', state: 'role assumable' },
      },
    )
  }

  test('a call retried until AWS accepted it is a wait: attempts are its reads', async () => {
    const to = target()
    expect(await retry(to, 2)).toBe('made')
    expect(to.waits.records).toMatchObject([{ resource: 'function f', state: 'role assumable', reads: 3 }])
  })

  test('a call accepted at once is not a wait', async () => {
    const to = target()
    await retry(to, 0)
    expect(to.waits.records).toEqual([])
  })
})

describe('the poll schedule', () => {
  test('Terraform’s: from the minimum, doubling up to the cap, never below the minimum', () => {
    const backoff = { minMs: 100, maxMs: 10_000 }
    const ceilings = [100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000]
    ceilings.forEach((ceiling, i) => {
      const delay = pollDelay(i + 1, backoff)
      expect(delay).toBeLessThanOrEqual(ceiling)
      expect(delay).toBeGreaterThanOrEqual(Math.max(100, ceiling * 0.75))
    })
  })
})

describe('the waits line of the summary', () => {
  const wait = (resource: string, state: string, ms: number, outcome: WaitRecord['outcome'] = 'reached') => ({
    step: 'dynamodb',
    resource,
    state,
    ms,
    reads: 3,
    outcome,
  })

  test('longest first, with the state waited for', () => {
    expect(formatWaits([wait('function f', 'Active', 1_100), wait('table chat-dev', 'ACTIVE', 6_240)])).toBe(
      'Waits: table chat-dev ACTIVE 6.2 s, function f Active 1.1 s.',
    )
  })

  test('beyond six, the rest counted with their total time; a wait that failed says so', () => {
    const many = [
      wait('certificate example.com (us-east-1)', 'ISSUED', 90_000, 'failed'),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => wait(`table t${n}`, 'ACTIVE', n * 1_000)),
    ]
    expect(formatWaits(many)).toBe(
      'Waits: certificate example.com (us-east-1) ISSUED 90.0 s (failed), table t7 ACTIVE 7.0 s, table t6 ACTIVE 6.0 s, table t5 ACTIVE 5.0 s, table t4 ACTIVE 4.0 s, table t3 ACTIVE 3.0 s, and 2 more (3.0 s).',
    )
  })

  test('no waits, no line', () => {
    expect(formatWaits([])).toBe('')
  })
})
