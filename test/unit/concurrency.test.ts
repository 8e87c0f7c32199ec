import { describe, expect, test } from 'vitest'
import { limitConcurrency } from '../../src/aws/concurrency.js'

describe('limitConcurrency', () => {
  test('never more than the limit at once, every task run in order, failures passed on', async () => {
    const run = limitConcurrency(2)
    let active = 0
    let most = 0
    const started: number[] = []
    const releases: Array<() => void> = []
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      run(async () => {
        started.push(i)
        active++
        most = Math.max(most, active)
        await new Promise<void>((resolve) => releases.push(resolve))
        active--
        if (i === 3) throw new Error('task 3')
        return i
      }),
    )
    const settled = Promise.allSettled(tasks)
    // Release whatever is running, one at a time, until every task has finished.
    while (releases.length > 0 || started.length < 5) {
      await new Promise((resolve) => setImmediate(resolve))
      releases.shift()?.()
    }
    expect(most).toBe(2)
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect((await settled).map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      0,
      1,
      2,
      'task 3',
      4,
    ])
  })
})
