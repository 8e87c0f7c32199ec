// API Gateway's control-plane quotas are fixed per account and region and cannot be raised
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): all operations together 10 rps
// with a burst of 40, and some far slower. Pacing the calls client-side keeps a full create from running into
// TooManyRequestsException at all; the retries in the resource modules are for what pacing cannot foresee
// (other tools in the same account).

export interface PaceSettings {
  /** Token bucket shared by every operation. */
  ratePerSecond: number
  burst: number
  /** Minimum time between two calls of one operation. */
  minIntervalMs: Record<string, number>
}

export const APIGATEWAY_PACE: PaceSettings = {
  // A little under the quota, so that a console user in the same account still gets through.
  ratePerSecond: 8,
  burst: 20,
  minIntervalMs: {
    CreateDeployment: 5_000,
    CreateRestApi: 3_000,
    DeleteRestApi: 30_000,
    CreateDomainName: 30_000,
    UpdateDomainName: 30_000,
    PutRestApi: 1_000,
    GetResources: 400,
  },
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }

export class Pacer {
  private tokens: number
  private refilledAt: number
  private readonly lastCall = new Map<string, number>()
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly settings: PaceSettings,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = settings.burst
    this.refilledAt = clock.now()
  }

  /** Resolves when `operation` may be sent; callers are served in the order they asked. */
  take(operation: string): Promise<void> {
    const turn = this.queue.then(() => this.wait(operation))
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async wait(operation: string): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      this.tokens = Math.min(
        this.settings.burst,
        this.tokens + ((now - this.refilledAt) / 1000) * this.settings.ratePerSecond,
      )
      this.refilledAt = now
      const interval = this.settings.minIntervalMs[operation] ?? 0
      const last = this.lastCall.get(operation)
      const operationWait = last === undefined ? 0 : last + interval - now
      const tokenWait = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.settings.ratePerSecond) * 1000
      const delay = Math.max(operationWait, tokenWait)
      if (delay <= 0) {
        this.tokens -= 1
        this.lastCall.set(operation, now)
        return
      }
      await this.clock.sleep(delay)
    }
  }
}

/** SDK middleware: waits for the pacer before each command (not each retry: retries back off on their own). */
export function pacingMiddleware(pacer: Pacer) {
  return (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    await pacer.take((context.commandName ?? '').replace(/Command$/, ''))
    return next(args)
  }
}
