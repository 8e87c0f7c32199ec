// What a run says when AWS cannot be reached or the endpoint is not AWS: real SDK clients through our middleware
// (the fake AWS bypasses middleware), against a closed name and a local server that answers HTML.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { findCallerIdentity } from '../../src/aws/account.js'
import { AwsClients, EndpointError } from '../../src/aws/clients.js'
import { AwsAccessError } from '../../src/errors/index.js'

let server: http.Server
let endpoint: string
const saved = { ...process.env }

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' })
    res.end('<html><body>No such route</body></html>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' })
})
afterAll(async () => {
  process.env = saved
  await new Promise((resolve) => server.close(resolve))
})

// One attempt: the SDK's retries are not what is tested here.
const clients = () => new AwsClients({ region: 'us-east-1', dryRun: false, maxAttempts: 1 })

describe('endpoint errors', () => {
  test('an endpoint that answers with a web page: it does not support the operation, named as service:Operation', async () => {
    process.env.AWS_ENDPOINT_URL = endpoint
    const aws = clients()
    try {
      const call = aws.get(DynamoDBClient).send(new DescribeTableCommand({ TableName: 't' }))
      await expect(call).rejects.toThrow(EndpointError)
      await expect(call).rejects.toMatchObject({
        code: 'EndpointUnsupported',
        message: `the endpoint ${endpoint} does not support dynamodb:DescribeTable (HTTP 404, not an AWS response)`,
      })
    } finally {
      aws.destroy()
      delete process.env.AWS_ENDPOINT_URL
    }
  })

  test('a name that does not resolve: cannot reach <host> (ENOTFOUND), and the account check says so with exit 5', async () => {
    process.env.AWS_ENDPOINT_URL_STS = 'https://sts.no-such-host.invalid'
    const aws = clients()
    try {
      const check = findCallerIdentity(aws)
      await expect(check).rejects.toThrow(AwsAccessError)
      await expect(check).rejects.toMatchObject({
        exitCode: 5,
        message:
          'cannot reach sts.no-such-host.invalid (ENOTFOUND): check the network, the region, or AWS_ENDPOINT_URL',
      })
      await expect(check).rejects.toHaveProperty('hint', expect.stringContaining('infra plan --offline'))
    } finally {
      aws.destroy()
      delete process.env.AWS_ENDPOINT_URL_STS
    }
  })

  test('an STS endpoint that answers 200 with anything but an identity is not taken for an account', async () => {
    const page = http.createServer((_req, res) => res.end('<html></html>'))
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
    const aws = clients()
    try {
      aws.get(STSClient)
      await expect(findCallerIdentity(aws)).rejects.toMatchObject({ code: 'EndpointUnsupported', exitCode: 5 })
    } finally {
      aws.destroy()
      delete process.env.AWS_ENDPOINT_URL_STS
      await new Promise((resolve) => page.close(resolve))
    }
  })
})
