// When a step's dependents may start: as soon as its outputs are known, which can be before the step has finished.
// A step publishes its outputs (StepContext.publish) once they are final — step 02 right after CreateTable, whose
// response names the table's ARN and stream — and goes on with what AWS makes it wait for (the table ACTIVE, then its
// TTL and backups) while the functions are created. The step still finishes before the run ends. One that fails after
// publishing fails the run as before: dependents that already started keep their results, the manifest records the
// step failed (the next run redoes it), and a dependent that had not started yet by then is skipped as before.
import type { Outputs, StepId } from '../steps/types.js'

/** What a dependent reads of a step it needs: its outputs, and whether it is (so far) done. */
export interface Readiness {
  id: StepId
  status: 'done' | 'failed' | 'skipped'
  outputs: Outputs
}

export class StepReadiness {
  private readonly published = new Map<StepId, Readiness>()
  private readonly ended = new Map<StepId, Readiness>()
  private readonly signals = new Map<StepId, { promise: Promise<void>; resolve: () => void }>()

  /** `finished`: each step of the run, settled with its outcome when it ends. */
  constructor(finished: Map<StepId, { promise: Promise<Readiness> }>) {
    for (const [id, { promise }] of finished) {
      let resolve!: () => void
      this.signals.set(id, { promise: new Promise<void>((r) => (resolve = r)), resolve })
      void promise.then((outcome) => {
        this.ended.set(id, outcome)
        resolve()
      })
    }
  }

  /** The step's outputs are final: its dependents may start now. Only the first call counts. */
  publish(id: StepId, outputs: Outputs): void {
    if (this.published.has(id) || this.ended.has(id)) return
    this.published.set(id, { id, status: 'done', outputs })
    this.signals.get(id)?.resolve()
  }

  /**
   * Waits until each of these steps has published or ended (steps outside this run are not waited for: their outputs
   * come from the manifest), then says where each stands now: ended if it has, else as published.
   */
  async of(ids: StepId[]): Promise<Readiness[]> {
    const inRun = ids.filter((id) => this.signals.has(id))
    await Promise.all(inRun.map((id) => this.signals.get(id)!.promise))
    return inRun.map((id) => this.ended.get(id) ?? this.published.get(id)!)
  }
}
