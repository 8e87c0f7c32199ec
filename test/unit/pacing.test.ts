import { describe, expect, test } from 'vitest'
import { Pacer, type Clock, type PaceSettings } from '../../src/aws/pacing.js'

/** A clock that only moves when someone sleeps: the test runs in no real time. */
function virtualClock(): Clock & { sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms)
      now += ms
    },
  }
}

const settings: PaceSettings = { ratePerSecond: 10, burst: 5, minIntervalMs: { CreateDeployment: 5_000 } }

describe('Pacer', () => {
  test('a burst goes through at once, then calls are spaced at the rate', async () => {
    const clock = virtualClock()
    const pacer = new Pacer(settings, clock)
    for (let i = 0; i < 5; i++) await pacer.take('GetResources')
    expect(clock.now()).toBe(0)
    for (let i = 0; i < 10; i++) await pacer.take('GetResources')
    expect(clock.now()).toBeCloseTo(1_000, -1)
  })

  test('an operation with its own quota waits its interval, other operations do not', async () => {
    const clock = virtualClock()
    const pacer = new Pacer(settings, clock)
    await pacer.take('CreateDeployment')
    await pacer.take('PutMethod')
    expect(clock.now()).toBe(0)
    await pacer.take('CreateDeployment')
    expect(clock.now()).toBe(5_000)
  })

  test('concurrent callers are served in order, none lost', async () => {
    const clock = virtualClock()
    const pacer = new Pacer(settings, clock)
    const order: number[] = []
    await Promise.all(Array.from({ length: 3 }, (_, i) => pacer.take('CreateDeployment').then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2])
    expect(clock.now()).toBe(10_000)
  })
})
