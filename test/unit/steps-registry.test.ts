import { describe, expect, test } from 'vitest'
import { findStep, orderByNeeds, withDependencies, STEPS } from '../../src/steps/index.js'
import type { Step } from '../../src/steps/types.js'
import { hashOf, stableStringify } from '../../src/runner/hash.js'

const fake = (id: Step['id'], number: number, needs: Step['id'][] = []): Step => ({
  id,
  number,
  title: id,
  needs,
  inputs: () => ({}),
  run: async () => ({}),
})

describe('step registry', () => {
  test('finds a step by id or by the manual’s number', () => {
    expect(findStep('dynamodb').id).toBe('dynamodb')
    expect(findStep('02').id).toBe('dynamodb')
    expect(findStep('1').id).toBe('iam')
  })

  test('names a known but unimplemented step, and rejects an unknown one with the list', () => {
    const withoutDns = STEPS.filter((s) => s.id !== 'dns')
    expect(() => findStep('dns', withoutDns)).toThrow(/step dns \(09\) is not implemented yet/)
    expect(() => findStep('databases')).toThrow(/there is no step "databases"/)
  })

  test('orders by needs, not by number', () => {
    const steps = [
      fake('cognito', 8),
      fake('api', 4, ['cognito', 'lambda']),
      fake('lambda', 3, ['iam']),
      fake('iam', 1),
    ]
    expect(orderByNeeds(steps).map((s) => s.id)).toEqual(['iam', 'lambda', 'cognito', 'api'])
  })

  test('adds what a selected step needs', () => {
    const steps = [fake('iam', 1), fake('dynamodb', 2), fake('lambda', 3, ['iam', 'dynamodb'])]
    expect(withDependencies([steps[2]!], steps).map((s) => s.id)).toEqual(['iam', 'dynamodb', 'lambda'])
  })

  test('a cycle is reported', () => {
    expect(() => orderByNeeds([fake('iam', 1, ['dynamodb']), fake('dynamodb', 2, ['iam'])])).toThrow(/cycle/)
  })

  test('input hashes ignore key order', () => {
    expect(stableStringify({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}')
    expect(hashOf({ a: 1, b: 2 })).toBe(hashOf({ b: 2, a: 1 }))
    expect(hashOf({ a: 1 })).not.toBe(hashOf({ a: 2 }))
  })
})
