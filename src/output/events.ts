// `--json-events`: one JSON object per line on stdout as a run goes, for CI systems to render progress. The runner
// and destroy emit them through an EventSink; the command ends the stream with `run-end` and its exit code.
import { isInfraError } from '../errors/index.js'
import type { Action, Ensured } from '../resources/types.js'
import type { WaitRecord } from '../aws/waits.js'

export type RunEvent =
  | { type: 'run-start'; command: string; env: string; dryRun: boolean; steps: string[] }
  | { type: 'step-start'; step: string; number?: number; title: string }
  | {
      type: 'resource'
      step: string
      key: string
      kind: string
      name: string
      action: Action
      /** The fields that change (or would), in AWS's terms. */
      changes: string[]
      id?: string
      arn?: string
      note?: string
      /** Since the step's previous event (its start or its previous resource). */
      ms: number
    }
  | { type: 'log'; step: string; message: string }
  /** A wait that waited (more than one read), as it ends: what, for which state, how long, how many reads. */
  | ({ type: 'wait' } & WaitRecord)
  | {
      type: 'step-end'
      step: string
      status: 'done' | 'failed' | 'skipped'
      ms: number
      /** Resources per action: `{"created": 2, "unchanged": 5}`. */
      counts: Partial<Record<Action, number>>
      reason?: string
      error?: { code: string; message: string; hint?: string }
    }
  | { type: 'run-end'; exitCode: number; error?: { code: string; message: string; hint?: string } }

export type EventSink = (event: RunEvent) => void

/** Each event as one line of JSON. */
export function jsonLines(write: (line: string) => void = (line) => process.stdout.write(line)): EventSink {
  return (event) => write(`${JSON.stringify(event)}\n`)
}

/** One step's events, each resource timed from the step's previous event. */
export function stepEvents(sink: EventSink | undefined, step: { id: string; number?: number; title: string }) {
  let last = Date.now()
  const since = () => {
    const now = Date.now()
    const ms = now - last
    last = now
    return ms
  }
  return {
    start(): void {
      last = Date.now()
      sink?.({
        type: 'step-start',
        step: step.id,
        ...(step.number !== undefined ? { number: step.number } : {}),
        title: step.title,
      })
    },
    resource(r: Ensured): void {
      sink?.({
        type: 'resource',
        step: step.id,
        key: r.key,
        kind: r.kind,
        name: r.name,
        action: r.action,
        changes: r.changes.map((c) => c.field),
        ...(r.id !== undefined ? { id: r.id } : {}),
        ...(r.arn !== undefined ? { arn: r.arn } : {}),
        ...(r.note ? { note: r.note } : {}),
        ms: since(),
      })
    },
    log(message: string): void {
      sink?.({ type: 'log', step: step.id, message })
    },
    end(outcome: {
      status: 'done' | 'failed' | 'skipped'
      durationMs: number
      results: Ensured[]
      reason?: string
      error?: { code: string; message: string; hint?: string }
    }): void {
      const counts: Partial<Record<Action, number>> = {}
      for (const r of outcome.results) counts[r.action] = (counts[r.action] ?? 0) + 1
      const { code, message, hint } = outcome.error ?? {}
      sink?.({
        type: 'step-end',
        step: step.id,
        status: outcome.status,
        ms: outcome.durationMs,
        counts,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        ...(code && message ? { error: { code, message, ...(hint ? { hint } : {}) } } : {}),
      })
    },
  }
}

export type StepEvents = ReturnType<typeof stepEvents>

/** An error as events carry it: an InfraError's code, message and hint; anything else as UnexpectedError. */
export function eventError(e: unknown): { code: string; message: string; hint?: string } {
  if (isInfraError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
  return { code: 'UnexpectedError', message: e instanceof Error ? e.message : String(e) }
}
