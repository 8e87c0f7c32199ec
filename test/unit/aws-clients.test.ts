import { describe, expect, test } from 'vitest'
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { S3Client } from '@aws-sdk/client-s3'
import {
  AwsClients,
  DryRunWriteError,
  endpointOverridden,
  isWriteCommand,
  retryQuotaMiddleware,
} from '../../src/aws/clients.js'

// A request handler that records what would go on the wire instead of sending it.
function recordingHandler(sent: string[]) {
  return {
    handle: async (request: { hostname: string; path: string; headers: Record<string, string> }) => {
      sent.push(`${request.headers['x-amz-target'] ?? ''} ${request.hostname}${request.path}`)
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from('{"Table":{"TableName":"t"}}'),
        },
      }
    },
  }
}

describe('AwsClients', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

  test('one client per service and region, created on first use', () => {
    const aws = new AwsClients({ region: 'us-east-1', dryRun: false })
    expect(aws.get(DynamoDBClient)).toBe(aws.get(DynamoDBClient))
    expect(aws.get(DynamoDBClient, 'eu-west-1')).not.toBe(aws.get(DynamoDBClient))
  })

  test('a dry-run client refuses write commands before anything is sent, and lets reads through', async () => {
    const sent: string[] = []
    const aws = new AwsClients({ region: 'us-east-1', dryRun: true })
    const ddb = aws.get(DynamoDBClient)
    Object.assign(ddb.config, { requestHandler: recordingHandler(sent), credentials: async () => credentials })
    await expect(
      ddb.send(new CreateTableCommand({ TableName: 't', KeySchema: [], AttributeDefinitions: [] })),
    ).rejects.toBeInstanceOf(DryRunWriteError)
    expect(sent).toEqual([])
    await ddb.send(new DescribeTableCommand({ TableName: 't' }))
    expect(sent).toEqual(['DynamoDB_20120810.DescribeTable dynamodb.us-east-1.amazonaws.com/'])
  })

  test('classifies commands by their verb', () => {
    expect(isWriteCommand('CreateTableCommand')).toBe(true)
    expect(isWriteCommand('UpdateTimeToLiveCommand')).toBe(true)
    expect(isWriteCommand('DescribeTableCommand')).toBe(false)
    expect(isWriteCommand('ListTagsOfResourceCommand')).toBe(false)
    expect(isWriteCommand('GetCallerIdentityCommand')).toBe(false)
  })

  test('the clients the SDK builds use adaptive retries with more attempts than its default of 3', async () => {
    const aws = new AwsClients({ region: 'us-east-1', dryRun: false, profile: 'ops' })
    const ddb = aws.get(DynamoDBClient)
    expect(await ddb.config.maxAttempts()).toBe(8)
    expect(((await ddb.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive')
    expect(aws.clientConfig('APIGatewayClient', 'us-east-1')).toMatchObject({ maxAttempts: 12, profile: 'ops' })
  })

  test('single-attempt clients (token-less creates) are never resent by the SDK, and share the pacing', async () => {
    const aws = new AwsClients({ region: 'us-east-1', dryRun: false })
    const once = aws.singleAttempt()
    expect(aws.singleAttempt()).toBe(once)
    expect(once.singleAttempt()).toBe(once)
    expect(await once.get(DynamoDBClient).config.maxAttempts()).toBe(1)
    expect(await aws.get(DynamoDBClient).config.maxAttempts()).toBe(8)
    expect(once.pacer()).toBe(aws.pacer())
    aws.destroy()
  })

  test('honours AWS_ENDPOINT_URL, and S3 switches to path-style addressing with it', async () => {
    const saved = { ...process.env }
    try {
      process.env.AWS_ENDPOINT_URL = 'http://localhost:4566'
      expect(endpointOverridden('s3')).toBe(true)
      const aws = new AwsClients({ region: 'us-east-1', dryRun: false })
      const sent: string[] = []
      const ddb = aws.get(DynamoDBClient)
      Object.assign(ddb.config, { requestHandler: recordingHandler(sent), credentials: async () => credentials })
      await ddb.send(new DescribeTableCommand({ TableName: 't' }))
      expect(sent[0]).toContain('localhost/')
      expect(aws.get(S3Client).config.forcePathStyle).toBe(true)
    } finally {
      process.env = saved
    }
  })

  test('a per-service endpoint wins only for its service, and can be switched off', () => {
    expect(endpointOverridden('s3', { AWS_ENDPOINT_URL_S3: 'http://moto:5000' })).toBe(true)
    expect(endpointOverridden('s3', { AWS_ENDPOINT_URL_DYNAMODB: 'http://x' })).toBe(false)
    expect(
      endpointOverridden('s3', { AWS_ENDPOINT_URL: 'http://x', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBe(false)
  })

  test('an exhausted SDK retry quota is backed off and retried, a few times only', async () => {
    const quota = () => Object.assign(new Error('No retry token available'), { name: 'Error' })
    let calls = 0
    const flaky = retryQuotaMiddleware({ attempts: 3, backoff: { minMs: 1, maxMs: 2 } })(async () => {
      calls++
      if (calls < 3) throw quota()
      return 'ok'
    })
    await expect(flaky({})).resolves.toBe('ok')
    expect(calls).toBe(3)
    calls = 0
    const hopeless = retryQuotaMiddleware({ attempts: 3, backoff: { minMs: 1, maxMs: 2 } })(async () => {
      calls++
      throw quota()
    })
    await expect(hopeless({})).rejects.toThrow('No retry token available')
    expect(calls).toBe(3)
    const other = retryQuotaMiddleware()(async () => {
      throw new Error('AccessDenied')
    })
    await expect(other({})).rejects.toThrow('AccessDenied')
  })
})
