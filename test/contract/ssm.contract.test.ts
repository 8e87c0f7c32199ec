// The SSM parameter kind through the engine's contract (parameters and `outputs --to-ssm`), and what is particular to
// it: a stranger's parameter is never overwritten, a value change is one PutParameter, a tag change one AddTags.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { converge } from '../../src/resources/engine/converge.js'
import { diffParameter, parameterKind, type ParameterSpec } from '../../src/resources/ssm/parameter.js'
import { recordFromArn } from '../../src/resources/tagging/discover.js'
import { contractSuite, harness, OUR_TAGS, type Harness } from './harness.js'

const spec: ParameterSpec = {
  logicalId: '/contract/test/api-url',
  name: '/contract/test/api-url',
  value: 'https://abc.execute-api.us-east-1.amazonaws.com/test',
  description: 'written by infra',
  tags: OUR_TAGS,
}

contractSuite({
  kind: parameterKind,
  spec: () => spec,
  changed: (s) => ({ ...s, value: 'https://other.example.com' }),
  updateCalls: ['PutParameter'],
  createCommand: 'PutParameter',
  alreadyExists: 'ParameterAlreadyExists',
  count: (aws, s) => (aws.ssm.parameter(s.name) ? 1 : 0),
  deleteOutOfBand: (aws, s) => aws.ssm.deleteParameterOutOfBand(s.name),
})

describe('ssm-parameter specifics', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    h.aws.restore()
    await h.manifest.unlock()
  })

  test('a same-named parameter without our tags is left alone, its value unchanged', async () => {
    h.aws.ssm.load({
      parameters: {
        [spec.name]: { name: spec.name, type: 'String', value: 'theirs', version: 1, lastModified: 0, tags: {} },
      },
    })
    const { result } = await converge(h.ctx(), parameterKind, spec)
    expect(result.action).toBe('unmanaged')
    expect(h.aws.ssm.parameter(spec.name)?.value).toBe('theirs')
    expect(h.aws.writes()).toEqual([])
  })

  test('a tag change is one AddTagsToResource and leaves the value (and its version) alone', async () => {
    await converge(h.ctx(), parameterKind, spec)
    h.aws.resetCalls()
    await converge(h.ctx(), parameterKind, { ...spec, tags: { ...OUR_TAGS, team: 'web' } })
    expect(h.aws.writes().map((c) => c.command)).toEqual(['AddTagsToResourceCommand'])
    expect(h.aws.ssm.parameter(spec.name)).toMatchObject({ version: 1, tags: { team: 'web' } })
  })

  test('found by its tags when the manifest lost it: destroy deletes it by name', () => {
    expect(recordFromArn('arn:aws:ssm:us-east-1:123456789012:parameter/app/dev/api-url', 'now')?.record).toMatchObject({
      kind: 'ssm-parameter',
      name: '/app/dev/api-url',
    })
    expect(
      recordFromArn('arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:abc', 'now')?.record,
    ).toMatchObject({ kind: 'cognito-identity-pool', id: 'us-east-1:abc' })
  })

  test('diff: a SecureString of ours is turned back into a String; an equal value is no change', () => {
    const have = { name: spec.name, type: 'SecureString', value: spec.value, tags: OUR_TAGS }
    expect(diffParameter(have, spec)).toEqual([{ field: 'Type', from: 'SecureString', to: 'String' }])
    expect(diffParameter({ ...have, type: 'String' }, spec)).toEqual([])
  })
})
