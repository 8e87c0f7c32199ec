// Reads per resource on a no-op run: what the manifest vouches for is not read again, and what changed behind the
// tool's back is still found (issue 11).
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { ALIAS, deployWith, editHandler, fastWorkspace, fnName } from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const PROMPT = fnName('prompt-crud')
const versionReads = () =>
  fake.calls.filter((c) => c.command === 'GetFunctionConfigurationCommand' && c.input.Qualifier !== undefined)

describe('Lambda versions', () => {
  test('a no-op run reads no published version: the one the alias serves is vouched for by the manifest', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    await deployWith(root)
    expect(fake.writes()).toEqual([])
    expect(versionReads()).toEqual([])
  })

  test('an alias moved behind our back to an older version is read, found stale and moved back', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editHandler(root, 'prompt-crud')
    await deployWith(root)
    fake.lambda.fn(PROMPT)!.aliases[ALIAS]!.functionVersion = '1'
    fake.resetCalls()
    await deployWith(root)
    expect(versionReads().map((c) => [c.input.FunctionName, c.input.Qualifier])).toEqual([
      [PROMPT, '1'],
      [PROMPT, '2'],
    ])
    expect(fake.lambda.fn(PROMPT)!.aliases[ALIAS]!.functionVersion).toBe('2')
    expect(fake.writes().map((c) => c.command)).toEqual(['UpdateAliasCommand'])
  })
})
