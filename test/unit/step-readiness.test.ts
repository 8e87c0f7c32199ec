// When a dependent may start (runner/readiness.ts), without AWS: on a need's published outputs or on its end, and
// where each need stands at that moment.
import { describe, expect, test } from 'vitest'
import { StepReadiness, type Readiness } from '../../src/runner/readiness.js'
import type { StepId } from '../../src/steps/types.js'

function run(...ids: StepId[]) {
  const ends = new Map<StepId, (r: Readiness) => void>()
  const finished = new Map(
    ids.map((id) => [id, { promise: new Promise<Readiness>((resolve) => ends.set(id, resolve)) }] as const),
  )
  return { readiness: new StepReadiness(finished), end: (r: Readiness) => ends.get(r.id)!(r) }
}

describe('step readiness', () => {
  test('published outputs let dependents start before the step ends', async () => {
    const { readiness } = run('dynamodb')
    const ready = readiness.of(['dynamodb'])
    readiness.publish('dynamodb', { tables: {} } as never)
    expect(await ready).toEqual([{ id: 'dynamodb', status: 'done', outputs: { tables: {} } }])
  })

  test('a step that publishes nothing is ready when it ends, with its outcome', async () => {
    const { readiness, end } = run('iam')
    const ready = readiness.of(['iam'])
    end({ id: 'iam', status: 'failed', outputs: {} })
    expect(await ready).toMatchObject([{ id: 'iam', status: 'failed' }])
  })

  test('a dependent that starts after its need failed (it had published) sees the failure', async () => {
    const { readiness, end } = run('dynamodb', 'cognito')
    readiness.publish('dynamodb', {})
    end({ id: 'dynamodb', status: 'failed', outputs: {} })
    const ready = readiness.of(['dynamodb', 'cognito'])
    end({ id: 'cognito', status: 'done', outputs: {} })
    expect((await ready).map((r) => `${r.id} ${r.status}`)).toEqual(['dynamodb failed', 'cognito done'])
  })

  test('only the first publication counts, and none after the end', async () => {
    const { readiness, end } = run('bedrock', 'iam')
    readiness.publish('bedrock', { endpoints: { a: 'first' } })
    readiness.publish('bedrock', { endpoints: { a: 'second' } })
    end({ id: 'iam', status: 'done', outputs: {} })
    readiness.publish('iam', { endpoints: { a: 'late' } })
    expect(await readiness.of(['bedrock', 'iam'])).toEqual([
      { id: 'bedrock', status: 'done', outputs: { endpoints: { a: 'first' } } },
      { id: 'iam', status: 'done', outputs: {} },
    ])
  })

  test('steps outside the run are not waited for (their outputs come from the manifest)', async () => {
    const { readiness } = run('lambda')
    expect(await readiness.of(['iam', 'dynamodb'])).toEqual([])
  })
})
