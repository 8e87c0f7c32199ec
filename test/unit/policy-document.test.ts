import { describe, expect, test } from 'vitest'
import { samePolicy, parsePolicy, serviceTrustPolicy } from '../../src/resources/policy-document.js'

describe('samePolicy', () => {
  const doc = {
    Version: '2012-10-17' as const,
    Statement: [
      { Effect: 'Allow' as const, Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: ['arn:a', 'arn:b'] },
      { Effect: 'Allow' as const, Action: 'logs:PutLogEvents', Resource: 'arn:c' },
    ],
  }

  test('ignores the order of statements, actions and resources', () => {
    const reordered = {
      Statement: [
        { Resource: 'arn:c', Action: ['logs:PutLogEvents'], Effect: 'Allow' },
        { Resource: ['arn:b', 'arn:a'], Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:GetItem'] },
      ],
      Version: '2012-10-17',
    }
    expect(samePolicy(JSON.stringify(reordered), doc)).toBe(true)
  })

  test('reads the URL-encoded form IAM returns', () => {
    expect(samePolicy(encodeURIComponent(JSON.stringify(doc)), doc)).toBe(true)
    expect(parsePolicy(encodeURIComponent('{"a":1}'))).toEqual({ a: 1 })
  })

  test('sees a changed action or resource', () => {
    const widened = structuredClone(doc)
    widened.Statement[0]!.Resource = ['arn:a', '*']
    expect(samePolicy(widened, doc)).toBe(false)
    const other = structuredClone(doc)
    other.Statement[1]!.Action = 'logs:CreateLogGroup'
    expect(samePolicy(other, doc)).toBe(false)
  })

  test('trust policy for a service principal', () => {
    expect(serviceTrustPolicy('lambda.amazonaws.com').Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    })
  })
})
