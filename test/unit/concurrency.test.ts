import { describe, expect, test } from 'vitest'
import { limitConcurrency, settleAll } from '../../src/aws/concurrency.js'

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

describe('settleAll', () => {
  test('their values in order; on a failure, the first one is thrown only once every promise has settled', async () => {
    expect(await settleAll([Promise.resolve(1), Promise.resolve('two')])).toEqual([1, 'two'])
    let release = () => {}
    let lastDone = false
    const last = new Promise<void>((resolve) => (release = resolve)).then(() => {
      lastDone = true
    })
    const all = settleAll([Promise.reject(new Error('first')), Promise.reject(new Error('second')), last])
    let thrown: unknown
    const caught = all.catch((e: unknown) => (thrown = e))
    await new Promise((resolve) => setImmediate(resolve))
    expect(thrown).toBeUndefined()
    release()
    await caught
    expect(lastDone).toBe(true)
    expect((thrown as Error).message).toBe('first')
  })
})
