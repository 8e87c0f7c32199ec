import { describe, expect, test } from 'vitest'
import { recordFromArn } from '../../src/resources/tagging/discover.js'

const NOW = '2026-12-03T00:00:00.000Z'

describe('recordFromArn: a tagged ARN becomes the record a kind deletes', () => {
  test.each([
    ['arn:aws:lambda:eu-west-1:123456789012:function:svc-chat', 'lambda-function', { name: 'svc-chat' }],
    ['arn:aws:apigateway:eu-west-1::/restapis/a1b2c3', 'rest-api', { id: 'a1b2c3' }],
    ['arn:aws:apigateway:eu-west-1::/apis/z9y8', 'websocket-api', { id: 'z9y8' }],
    ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC', 'cognito-user-pool', { id: 'eu-west-1_AbC' }],
    ['arn:aws:dynamodb:eu-west-1:123456789012:table/svc-usage', 'dynamodb-table', { name: 'svc-usage' }],
    [
      'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/svc-chat:*',
      'log-group',
      { name: '/aws/lambda/svc-chat' },
    ],
  ])('%s → %s', (arn, kind, fields) => {
    expect(recordFromArn(arn, NOW)?.record).toMatchObject({ kind, ...fields, step: 'found-by-tags' })
  })

  test('children that go with their parent, and kinds infra does not make, are left out', () => {
    expect(recordFromArn('arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod', NOW)).toBeUndefined()
    expect(recordFromArn('arn:aws:lambda:eu-west-1:123456789012:function:svc-chat:3', NOW)).toBeUndefined()
    expect(recordFromArn('arn:aws:s3:::some-bucket', NOW)).toBeUndefined()
  })
})
