// The engine's use of reads started before the steps (engine/early.ts): taken once instead of find, and never when
// this run wrote to what they read, or when they describe another resource than the spec's.
import { describe, expect, test } from 'vitest'
import type { AwsClients } from '../../src/aws/clients.js'
import { StepError } from '../../src/errors/index.js'
import type { ResourceRecord } from '../../src/manifest/types.js'
import { MANAGED_BY_TAG, ENV_TAG, SERVICE_TAG } from '../../src/resources/common.js'
import { converge } from '../../src/resources/engine/converge.js'
import { EarlyObservations } from '../../src/resources/engine/early.js'
import type { ResourceKind } from '../../src/resources/engine/kind.js'
import { REAL_TIMING, type Recorder, type ResourceContext } from '../../src/resources/types.js'

const IDENTITY = { service: 'chat', env: 'dev', region: 'eu-west-1', accountId: '123456789012' }
const OURS = { [MANAGED_BY_TAG]: 'infra', [SERVICE_TAG]: 'chat', [ENV_TAG]: 'dev' }

interface Spec {
  logicalId: string
  name: string
  value: string
}

/** One AWS object ("box") holding a value, read by two kinds: the box itself and a part of it another step owns. */
function world() {
  const boxes = new Map<string, string>()
  const reads: string[] = []
  const read = async (name: string) => {
    reads.push(name)
    const value = boxes.get(name)
    return value === undefined ? [] : [{ observed: value, id: name, tags: OURS }]
  }
  const kindOf = (kind: string, ownership?: 'parent'): ResourceKind<Spec, string> => ({
    kind,
    label: kind,
    codePrefix: 'Box',
    identity: 'name',
    ...(ownership ? { ownership } : {}),
    find: (_ctx, spec) => read(spec.name),
    early: { service: 'boxes', read: (_ctx, recorded) => read(recorded.name), objects: (r) => [`box:${r.name}`] },
    diff: (observed, spec) => (observed === spec.value ? [] : [{ field: 'Value', from: observed, to: spec.value }]),
    create: async (_ctx, spec) => {
      boxes.set(spec.name, spec.value)
      return { observed: spec.value, id: spec.name, tags: OURS }
    },
    apply: async (_ctx, _observed, spec) => {
      boxes.set(spec.name, spec.value)
    },
    delete: async () => undefined,
    describe: (spec) => spec.value,
  })
  return { boxes, reads, box: kindOf('box'), part: kindOf('box-part', 'parent') }
}

function recorder(resources: Record<string, ResourceRecord>): Recorder {
  const manifest = { resources, pending: {} as Recorder['manifest']['pending'] }
  return {
    manifest,
    journal: async (key, op) => void (manifest.pending[key] = op),
    recordResource: async (key, rec) => {
      manifest.resources[key] = { ...rec, createdAt: 'now', updatedAt: 'now' }
      delete manifest.pending[key]
    },
    forgetResource: async (key) => void delete manifest.resources[key],
    clearPending: async (key) => void delete manifest.pending[key],
  }
}

const record = (kind: string, name: string): ResourceRecord => ({
  kind,
  step: 'boxes',
  name,
  id: name,
  createdAt: 'then',
  updatedAt: 'then',
})

function context(resources: Record<string, ResourceRecord>, early: EarlyObservations): ResourceContext {
  return {
    aws: {} as AwsClients,
    dryRun: false,
    offline: false,
    adopt: false,
    timing: REAL_TIMING,
    record: recorder(resources),
    stepId: 'boxes',
    identity: IDENTITY,
    log: () => undefined,
    early,
  }
}

/** Both kinds recorded for box `b`, both read early, as the runner does at the start of a run. */
function startedRun(value: string) {
  const w = world()
  w.boxes.set('b', value)
  const resources = { 'box:b': record('box', 'b'), 'box-part:b': record('box-part', 'b') }
  const early = new EarlyObservations()
  for (const [key, rec] of Object.entries(resources)) {
    const kind = rec.kind === 'box' ? w.box : w.part
    early.start(key, rec, () => kind.early!.read(context(resources, early), rec))
  }
  return { ...w, early, ctx: context(resources, early) }
}

describe('reads started before the steps', () => {
  test('a no-op takes each early read instead of find: every resource read once', async () => {
    const run = startedRun('v1')
    const box = await converge(run.ctx, run.box, { logicalId: 'b', name: 'b', value: 'v1' })
    const part = await converge(run.ctx, run.part, { logicalId: 'b', name: 'b', value: 'v1' })
    expect([box.result.action, part.result.action]).toEqual(['unchanged', 'unchanged'])
    expect(run.reads).toEqual(['b', 'b'])
    expect(run.early.pending()).toEqual([])
  })

  test('an object this run wrote to earlier is read again, not judged on the read taken before the write', async () => {
    const run = startedRun('v1')
    await converge(run.ctx, run.box, { logicalId: 'b', name: 'b', value: 'v2' })
    expect(run.boxes.get('b')).toBe('v2')
    // The part's early read saw v1; the box's update made it stale: find reads v2, and nothing is written again.
    const part = await converge(run.ctx, run.part, { logicalId: 'b', name: 'b', value: 'v2' })
    expect(part.result.action).toBe('unchanged')
    expect(run.reads).toEqual(['b', 'b', 'b'])
  })

  test('taken once: a second converge of the same key reads afresh', async () => {
    const run = startedRun('v1')
    await converge(run.ctx, run.box, { logicalId: 'b', name: 'b', value: 'v1' })
    run.boxes.set('b', 'changed behind our back')
    const again = await converge(run.ctx, run.box, { logicalId: 'b', name: 'b', value: 'v1' })
    expect(again.result.action).toBe('updated')
  })

  test('a spec that names another resource than the record is found by find', async () => {
    const run = startedRun('v1')
    run.boxes.set('renamed', 'v1')
    await converge(run.ctx, run.box, { logicalId: 'b', name: 'renamed', value: 'v1' })
    expect([...run.reads].sort()).toEqual(['b', 'b', 'renamed'])
  })

  test('a spec the record does not cover (covers: false) is found by find', async () => {
    const run = startedRun('v1')
    const narrow = { ...run.box, early: { ...run.box.early!, covers: () => false } }
    await converge(run.ctx, narrow, { logicalId: 'b', name: 'b', value: 'v1' })
    expect(run.reads).toEqual(['b', 'b', 'b'])
  })

  test('an early read that fails surfaces from the converge that needs it, as its read failure', async () => {
    const early = new EarlyObservations()
    const rec = record('box', 'b')
    const denied = Object.assign(new Error('User is not authorized to perform: boxes:Read'), {
      name: 'AccessDeniedException',
    })
    early.start('box:b', rec, () => Promise.reject(denied))
    // Started and never taken (its step was skipped): no unhandled rejection either.
    early.start('box:other', record('box', 'other'), () => Promise.reject(denied))
    const w = world()
    const failure = await converge(context({ 'box:b': rec }, early), w.box, {
      logicalId: 'b',
      name: 'b',
      value: 'v1',
    }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(StepError)
    expect((failure as StepError).code).toBe('BoxReadFailed')
    expect((failure as StepError).message).toContain('reading box (b)')
    expect((failure as StepError).message).toContain('not authorized')
    expect(w.reads).toEqual([])
  })
})
