import { describe, expect, test } from 'vitest'
import type { ResolvedConfig } from '../../src/config/types.js'
import { selectFunctions } from '../../src/releases/common.js'
import { previousVersion, rollbackTarget } from '../../src/releases/rollback.js'
import { appendVersion, VERSIONS_KEPT } from '../../src/resources/lambda/version.js'

describe('previousVersion', () => {
  test('the highest version below the current one, in numeric order', () => {
    expect(previousVersion('3', ['1', '2', '3'])).toBe('2')
    expect(previousVersion('10', ['9', '2', '10', '11'])).toBe('9')
    expect(previousVersion('5', ['1', '3', '7'])).toBe('3')
  })

  test('none below, $LATEST, or no versions: nothing', () => {
    expect(previousVersion('1', ['1', '2'])).toBeUndefined()
    expect(previousVersion('$LATEST', ['1'])).toBeUndefined()
    expect(previousVersion('4', [])).toBeUndefined()
    expect(previousVersion('4', ['$LATEST'])).toBeUndefined()
  })
})

describe('rollbackTarget', () => {
  const at3 = { name: 'production', version: '3' }

  test('manifest path: the previous recorded version, without asking Lambda', () => {
    expect(rollbackTarget(at3, { recorded: ['1', '2', '3'] })).toEqual({
      kind: 'version',
      version: '2',
      source: 'manifest',
    })
  })

  test('AWS path: no recorded version before the current one → list the versions, then the highest below', () => {
    expect(rollbackTarget(at3, { recorded: [] })).toBe('list-versions')
    expect(rollbackTarget(at3, { recorded: ['3'] })).toBe('list-versions')
    expect(rollbackTarget(at3, { recorded: [], available: ['1', '2', '3', '4'] })).toEqual({
      kind: 'version',
      version: '2',
      source: 'aws',
    })
  })

  test('nothing to roll back to', () => {
    expect(rollbackTarget({ name: 'production', version: '1' }, { recorded: ['1'], available: ['1'] })).toEqual({
      kind: 'none',
    })
  })

  test('a canary is removed; --to wins over everything', () => {
    const canary = { ...at3, canary: { version: '4', weight: 0.1 } }
    expect(rollbackTarget(canary, { recorded: ['1', '2', '3', '4'] })).toEqual({ kind: 'remove-canary' })
    expect(rollbackTarget(canary, { to: '1', recorded: [] })).toEqual({ kind: 'version', version: '1', source: '--to' })
    expect(rollbackTarget(at3, { to: '1', recorded: ['2'] })).toEqual({ kind: 'version', version: '1', source: '--to' })
  })
})

describe('appendVersion', () => {
  const entry = (version: string) => ({
    version,
    codeSha256: `sha-${version}`,
    publishedAt: '2026-01-01T00:00:00.000Z',
  })

  test('appends, replaces a record of the same version, keeps the newest 20', () => {
    expect(appendVersion([entry('1')], entry('2')).map((v) => v.version)).toEqual(['1', '2'])
    expect(appendVersion([entry('1'), entry('2')], { ...entry('2'), codeSha256: 'new' })).toEqual([
      entry('1'),
      { ...entry('2'), codeSha256: 'new' },
    ])
    const many = Array.from({ length: VERSIONS_KEPT }, (_, i) => entry(String(i + 1)))
    const kept = appendVersion(many, entry('21'))
    expect(VERSIONS_KEPT).toBe(20)
    expect(kept).toHaveLength(20)
    expect(kept[0]?.version).toBe('2')
    expect(kept.at(-1)?.version).toBe('21')
  })
})

describe('selectFunctions', () => {
  const config = {
    functions: [
      { logicalId: 'prompt-crud', name: 'svc-prompt-crud' },
      { logicalId: 'usage-handler', name: 'svc-usage-handler' },
    ],
    files: { config: '/repo/config.json' },
  } as unknown as ResolvedConfig

  test('every function by default; logical ids and physical names both select', () => {
    expect(selectFunctions(config, undefined).map((f) => f.logicalId)).toEqual(['prompt-crud', 'usage-handler'])
    expect(selectFunctions(config, ['svc-usage-handler', 'prompt-crud']).map((f) => f.logicalId)).toEqual([
      'usage-handler',
      'prompt-crud',
    ])
  })

  test('an unknown function is a usage error listing the known ones', () => {
    expect(() => selectFunctions(config, ['nope'])).toThrow(
      expect.objectContaining({
        code: 'UnknownFunction',
        exitCode: 2,
        hint: expect.stringContaining('prompt-crud (svc-prompt-crud)'),
      }),
    )
  })
})
