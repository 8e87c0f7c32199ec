// `--json-events` in process: the runner and destroy tell an event sink what they do as they do it, one event per
// step start and end and per resource, ending with the same counts the run's outcome has.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadContext } from '../../src/context/context.js'
import type { RunEvent } from '../../src/output/events.js'
import { destroy, destroyPlan } from '../../src/runner/destroy.js'
import { runSteps } from '../../src/runner/run-steps.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { FAST_TIMING, workspace } from '../support/context.js'

let aws: AllFakes
let root: string
beforeEach(() => {
  aws = createFakeAws().install()
  root = workspace()
})
afterEach(() => aws.restore())

async function withContext<T>(command: string, fn: (ctx: Awaited<ReturnType<typeof loadContext>>) => Promise<T>) {
  const ctx = await loadContext({
    root,
    env: 'staging',
    command,
    mode: 'apply',
    timing: FAST_TIMING,
    removal: { mode: 'destroy', deleteData: true, disableDeletionProtection: true },
  })
  try {
    return await fn(ctx)
  } finally {
    await ctx.close()
  }
}

/** Each step's events in order, as `type` or `type:action`. */
function byStep(events: RunEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const e of events)
    if ('step' in e) (out[e.step] ??= []).push(e.type === 'resource' ? `resource:${e.action}` : e.type)
  return out
}

describe('run events', () => {
  test('a deploy tells each step’s start, resources and end; its end counts what the outcome has', async () => {
    const events: RunEvent[] = []
    const outcome = await withContext('deploy-all', (ctx) =>
      runSteps(ctx, [iamStep, dynamodbStep], 'silent', (e) => events.push(e)),
    )
    expect(events[0]).toEqual({
      type: 'run-start',
      command: 'deploy-all',
      env: 'staging',
      dryRun: false,
      steps: ['iam', 'dynamodb'],
    })
    const steps = byStep(events)
    expect(steps.iam!.filter((t) => t !== 'log')).toEqual([
      'step-start',
      'resource:created',
      'resource:created',
      'step-end',
    ])
    expect(steps.dynamodb!.filter((t) => t.startsWith('resource'))).toHaveLength(4)
    for (const step of outcome.steps) {
      const end = events.find((e) => e.type === 'step-end' && e.step === step.id)
      expect(end).toMatchObject({ status: 'done', counts: { created: step.results.length } })
    }
  })

  test('destroy tells each step’s start, its deletes and its end', async () => {
    await withContext('deploy-all', (ctx) => runSteps(ctx, [iamStep, dynamodbStep], 'silent'))
    const events: RunEvent[] = []
    await withContext('destroy', async (ctx) =>
      destroy(
        ctx,
        await destroyPlan(ctx),
        () => undefined,
        (e) => events.push(e),
      ),
    )
    expect(events[0]).toMatchObject({ type: 'run-start', command: 'destroy', dryRun: false })
    const steps = byStep(events)
    expect(Object.keys(steps).sort()).toEqual(['dynamodb', 'iam'])
    for (const types of Object.values(steps)) {
      expect(types[0]).toBe('step-start')
      expect(types.at(-1)).toBe('step-end')
      expect(types.filter((t) => t.startsWith('resource')).every((t) => t === 'resource:deleted')).toBe(true)
    }
    expect(events.filter((e) => e.type === 'resource')).toHaveLength(6)
  })
})
