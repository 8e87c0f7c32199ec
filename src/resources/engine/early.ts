// Observations started before the steps (issue 11): every recorded resource whose kind can be read from its manifest
// record alone is read at the start of the run, all at once (bounded per service), and converge takes that read
// instead of calling find — once, and only while it still describes the resource the spec names and nothing in this
// run has written to what it read. Everything else is read by find, as before.
import type { ResourceRecord } from '../../manifest/types.js'
import type { ResourceContext } from '../types.js'
import type { AnyKind, EarlyRead, Observation, ResourceKind, SpecBase } from './kind.js'

type Candidates = Promise<Array<Observation<unknown>>>

interface EarlyEntry {
  /** The record it was read from: a record changed since (re-created, renamed) makes it describe another resource. */
  recorded: ResourceRecord
  candidates: Candidates
}

/** The AWS objects a recorded resource's reads cover: the kind's own list, else its manifest key. */
export function objectsOf(kind: Pick<AnyKind, 'kind' | 'early'>, key: string, recorded: ResourceRecord): string[] {
  return kind.early?.objects?.(recorded) ?? [key]
}

export class EarlyObservations {
  private readonly entries = new Map<string, EarlyEntry>()
  /** AWS objects this run has written to (created, updated, deleted): an early read of them is stale. */
  private readonly written = new Set<string>()

  /** Starts (or queues) one read; its failure is kept for the converge that takes it, never left unhandled. */
  start(key: string, recorded: ResourceRecord, read: () => Candidates): void {
    const candidates = Promise.resolve().then(read)
    candidates.catch(() => undefined)
    this.entries.set(key, { recorded, candidates })
  }

  /**
   * The early read for this key, at most once: undefined when there is none, when the record changed since it was
   * read, when the spec names another resource or needs more than the record said (covers), or when this run has
   * written to what it read (then find reads again).
   */
  take(
    kind: Pick<AnyKind, 'kind' | 'early'>,
    key: string,
    spec: SpecBase,
    recorded: ResourceRecord | undefined,
  ): Candidates | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    if (!recorded || !sameResource(entry.recorded, recorded) || recorded.name !== spec.name) return undefined
    if (kind.early?.covers && !kind.early.covers(entry.recorded, spec)) return undefined
    if ([key, ...objectsOf(kind, key, entry.recorded)].some((o) => this.written.has(o))) return undefined
    return entry.candidates
  }

  /** A write this run made (through the engine) to a resource: the early reads of the same AWS objects are stale. */
  wrote(kind: Pick<AnyKind, 'kind' | 'early'>, key: string, recorded: ResourceRecord | undefined): void {
    this.written.add(key)
    if (recorded) for (const o of objectsOf(kind, key, recorded)) this.written.add(o)
  }

  private readonly ahead = new Map<string, Promise<unknown>>()

  /** Starts a step's readAhead(); its failure is kept for the step that takes it, never left unhandled. */
  startAhead(stepId: string, read: () => Promise<unknown>): void {
    const result = Promise.resolve().then(read)
    result.catch(() => undefined)
    this.ahead.set(stepId, result)
  }

  /** The step's read-ahead, at most once. */
  takeAhead(stepId: string): Promise<unknown> | undefined {
    const result = this.ahead.get(stepId)
    this.ahead.delete(stepId)
    return result
  }

  /** An early read of this key is waiting to be taken (a step's own bulk read leaves it out). */
  has(key: string): boolean {
    return this.entries.has(key)
  }

  /** Keys read early and not taken yet (tests, diagnostics). */
  pending(): string[] {
    return [...this.entries.keys()]
  }
}

const sameResource = (a: ResourceRecord, b: ResourceRecord) =>
  a.kind === b.kind && a.name === b.name && a.id === b.id && a.arn === b.arn

/**
 * find and the early read of a kind whose find needs nothing but the name: `...foundByName('logs', observeLogGroup)`
 * in the kind's object; `objects` when other kinds write what it reads.
 */
export function foundByName<O>(
  service: string,
  read: (ctx: ResourceContext, name: string) => Promise<Array<Observation<O>>>,
  objects?: EarlyRead<SpecBase, O>['objects'],
): Pick<ResourceKind<SpecBase, O>, 'find' | 'early'> {
  return {
    find: (ctx, spec) => read(ctx, spec.name),
    early: { service, read: (ctx, recorded) => read(ctx, recorded.name), ...(objects ? { objects } : {}) },
  }
}

/** A string attribute of a record (a parent's id, a definition's hash), or undefined. */
export function recordedString(recorded: ResourceRecord, attribute: string): string | undefined {
  const value = recorded.attributes?.[attribute]
  return typeof value === 'string' ? value : undefined
}
