import { describe, expect, test } from 'vitest'
import {
  aliasState,
  canaryWeight,
  desiredAlias,
  diffAlias,
  formatAlias,
  weightPercent,
} from '../../src/resources/lambda/alias-diff.js'
import { promotedAlias } from '../../src/releases/promote.js'

describe('canary weights', () => {
  test('percent → Lambda weight and back', () => {
    expect(canaryWeight(10)).toBe(0.1)
    expect(canaryWeight(1)).toBe(0.01)
    expect(canaryWeight(99)).toBe(0.99)
    expect(weightPercent(0.1)).toBe(10)
    // Lambda returns weights as floats; the round trip must not print 10.000000000000002%.
    expect(weightPercent(0.1 + 0.2 - 0.2)).toBe(10)
    for (const bad of [0, 100, 12.5, -3]) expect(() => canaryWeight(bad)).toThrow(RangeError)
  })
})

describe('aliasState', () => {
  test('reads the version and the one routed version', () => {
    expect(aliasState({ Name: 'production', FunctionVersion: '2' })).toEqual({ name: 'production', version: '2' })
    expect(
      aliasState({
        Name: 'production',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: { '3': 0.25 } },
      }),
    ).toEqual({
      name: 'production',
      version: '2',
      canary: { version: '3', weight: 0.25 },
    })
    expect(aliasState({ Name: 'p', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } })).toEqual({
      name: 'p',
      version: '2',
    })
  })
})

describe('desiredAlias', () => {
  const at2 = { name: 'production', version: '2' }
  const canary = { name: 'production', version: '2', canary: { version: '3', weight: 0.1 } }

  test('without a canary: all traffic to the new version', () => {
    expect(desiredAlias(undefined, 'production', '1')).toEqual({ name: 'production', version: '1' })
    expect(desiredAlias(at2, 'production', '3')).toEqual({ name: 'production', version: '3' })
  })

  test('with a canary: the alias keeps its version and routes the percentage to the new one', () => {
    expect(desiredAlias(at2, 'production', '3', 10)).toEqual(canary)
    expect(desiredAlias(canary, 'production', '3', 25)).toEqual({ ...canary, canary: { version: '3', weight: 0.25 } })
    // A newer version during a canary replaces the canary version; the alias still serves 2.
    expect(desiredAlias(canary, 'production', '4', 10)).toEqual({ ...canary, canary: { version: '4', weight: 0.1 } })
  })

  test('a canary with nothing to compare with (no alias yet, or already on the version) takes all traffic', () => {
    expect(desiredAlias(undefined, 'production', '1', 10)).toEqual({ name: 'production', version: '1' })
    expect(desiredAlias(at2, 'production', '2', 10)).toEqual(at2)
  })

  test('a plain rerun leaves a canary of the same version running; new code replaces it', () => {
    expect(desiredAlias(canary, 'production', '3')).toBe(canary)
    expect(desiredAlias(canary, 'production', '4')).toEqual({ name: 'production', version: '4' })
    // Going back to the code of version 2 cancels the canary.
    expect(desiredAlias(canary, 'production', '2')).toEqual(at2)
  })
})

describe('diffAlias', () => {
  test('no change, version change, routing change', () => {
    const at2 = { name: 'p', version: '2' }
    expect(diffAlias(at2, { ...at2 })).toEqual([])
    expect(diffAlias(undefined, at2)).toEqual([{ field: 'FunctionVersion', from: undefined, to: '2' }])
    expect(diffAlias(at2, { name: 'p', version: '2', canary: { version: '3', weight: 0.1 } })).toEqual([
      { field: 'RoutingConfig', from: undefined, to: '2 + 3 at 10%' },
    ])
    expect(
      diffAlias({ name: 'p', version: '2', canary: { version: '3', weight: 0.1 } }, { name: 'p', version: '3' }),
    ).toEqual([
      { field: 'FunctionVersion', from: '2', to: '3' },
      { field: 'RoutingConfig', from: '2 + 3 at 10%', to: undefined },
    ])
    expect(
      diffAlias(
        { name: 'p', version: '2', canary: { version: '3', weight: 0.1 } },
        { name: 'p', version: '2', canary: { version: '3', weight: 0.1000000001 } },
      ),
    ).toEqual([])
  })

  test('formatAlias', () => {
    expect(formatAlias(undefined)).toBe('(none)')
    expect(formatAlias({ name: 'p', version: '2', canary: { version: '3', weight: 0.05 } })).toBe('2 + 3 at 5%')
  })
})

describe('promotedAlias', () => {
  test('the canary version becomes the only version; without a canary nothing changes', () => {
    expect(promotedAlias({ name: 'p', version: '2', canary: { version: '3', weight: 0.1 } })).toEqual({
      name: 'p',
      version: '3',
    })
    expect(promotedAlias({ name: 'p', version: '2' })).toEqual({ name: 'p', version: '2' })
  })
})
