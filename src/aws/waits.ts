// What a run waited for, and for how long. Against AWS the waits it imposes (IAM propagation, a function Pending →
// Active, a table CREATING → ACTIVE, a certificate's validation) are most of a fresh deploy: every wait is timed and
// attributed here, and the run's summary names the ones that took time.

export interface WaitRecord {
  /** The step the wait belongs to. */
  step: string
  /** What was waited for, as the summary names it: 'table chat-dev', 'function chat-dev-api'. */
  resource: string
  /** The state waited for, in AWS's words where it has some: 'ACTIVE', 'Active', 'ISSUED', 'role assumable'. */
  state: string
  ms: number
  /** Calls the wait made: polls, or attempts of a call retried until AWS accepted it. */
  reads: number
  /** 'failed': AWS reported a failure or the deadline passed; the step's error says which. */
  outcome: 'reached' | 'failed'
}

/** The run's waits, in the order they ended. */
export class WaitLog {
  readonly records: WaitRecord[] = []
  private readonly listeners = new Set<(record: WaitRecord) => void>()

  add(record: WaitRecord): void {
    this.records.push(record)
    for (const listener of this.listeners) listener(record)
  }

  /** Calls `listener` with each wait recorded from now on (`--json-events`); returns what stops it. */
  listen(listener: (record: WaitRecord) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** Where a wait is recorded: the run's log (absent outside a run) and the step it belongs to. */
export interface WaitTarget {
  waits?: WaitLog
  stepId: string
}

/** What a wait is for: the resource as the summary names it, and the state it waits for. */
export interface WaitSubject {
  resource: string
  state: string
}

/**
 * Times `wait` and records it when it waited: `wait` calls `read()` once per call it makes to AWS, and a wait whose
 * first read found the state already there, whose call AWS accepted at once, or whose first call failed outright (the
 * step's error says why) did not wait and is left out.
 */
export async function timeWait<T>(
  ctx: WaitTarget,
  subject: WaitSubject,
  wait: (read: () => void) => Promise<T>,
): Promise<T> {
  const started = Date.now()
  let reads = 0
  const end = (outcome: WaitRecord['outcome']) => {
    if (reads > 1) ctx.waits?.add({ step: ctx.stepId, ...subject, ms: Date.now() - started, reads, outcome })
  }
  try {
    const value = await wait(() => reads++)
    end('reached')
    return value
  } catch (e) {
    end('failed')
    throw e
  }
}
