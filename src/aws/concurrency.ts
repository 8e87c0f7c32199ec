/**
 * At most `limit` tasks at once, started in the order they came: a service's reads sent as fast as its quota allows
 * rather than one after another (the adaptive retry catches a throttle).
 */
export function limitConcurrency(limit: number) {
  let active = 0
  const waiting: Array<() => void> = []
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active < limit) active++
    // A finishing task hands its slot straight to the next waiting one.
    else await new Promise<void>((resume) => waiting.push(resume))
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}

/**
 * Waits for every promise, then throws the first rejection: none is left running when the caller reports or fails.
 * Resolves to their values, as Promise.all does.
 */
export async function settleAll<T extends readonly unknown[] | []>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises as readonly unknown[])
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
  return Promise.all(promises)
}
