import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { createHandler } from '../../handlers/usage-handler/index.js'
import { startDynamo } from './support/dynamo.js'
import type { TestDynamo } from './support/dynamo.js'
import { lambdaContext, parseBody, restEvent } from './support/events.js'

const NOW = new Date('2025-03-10T15:30:00Z')

let dynamo: TestDynamo
let handler: ReturnType<typeof createHandler>

beforeAll(async () => {
  dynamo = await startDynamo()
  handler = createHandler(() => ({ ddb: dynamo.ddb, table: dynamo.tables.usage!, now: () => NOW }))
})
afterAll(() => dynamo.close())

async function getUsage(userId: string, query: Record<string, string> = {}) {
  const result = await handler(restEvent({ method: 'GET', resource: '/usage', userId, query }), lambdaContext())
  return { status: result.statusCode, body: parseBody(result) }
}

async function seed(userId: string, date: string, input: number, output: number, requests: number) {
  await dynamo.ddb.send(
    new PutCommand({
      TableName: dynamo.tables.usage,
      Item: { user_id: userId, date, input_tokens: input, output_tokens: output, requests },
    }),
  )
}

describe('usage-handler', () => {
  test('a range returns every day, zeros included, and totals from this user only', async () => {
    const userId = `user-${randomUUID()}`
    await seed(userId, '2025-02-27', 999, 999, 9)
    await seed(userId, '2025-02-28', 100, 200, 2)
    await seed(userId, '2025-03-02', 10, 20, 1)
    await seed(userId, '2025-03-04', 999, 999, 9)
    await seed(`user-${randomUUID()}`, '2025-03-01', 5000, 5000, 50)

    const res = await getUsage(userId, { from: '2025-02-28', to: '2025-03-03' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      from: '2025-02-28',
      to: '2025-03-03',
      days: [
        { date: '2025-02-28', inputTokens: 100, outputTokens: 200, requests: 2 },
        { date: '2025-03-01', inputTokens: 0, outputTokens: 0, requests: 0 },
        { date: '2025-03-02', inputTokens: 10, outputTokens: 20, requests: 1 },
        { date: '2025-03-03', inputTokens: 0, outputTokens: 0, requests: 0 },
      ],
      totals: { inputTokens: 110, outputTokens: 220, requests: 3 },
    })
  })

  test('without parameters it is the last 30 days up to today (UTC)', async () => {
    const userId = `user-${randomUUID()}`
    await seed(userId, '2025-02-08', 1, 1, 1)
    await seed(userId, '2025-02-09', 2, 3, 1)
    await seed(userId, '2025-03-10', 4, 5, 1)
    const res = await getUsage(userId)
    expect(res.body.from).toBe('2025-02-09')
    expect(res.body.to).toBe('2025-03-10')
    expect(res.body.days).toHaveLength(30)
    expect(res.body.totals).toEqual({ inputTokens: 6, outputTokens: 8, requests: 2 })
  })

  test('a range of exactly 366 days is allowed', async () => {
    const res = await getUsage('u', { from: '2024-01-01', to: '2024-12-31' })
    expect(res.status).toBe(200)
    expect(res.body.days).toHaveLength(366)
  })

  test.each([
    [{ from: '2025-3-1' }, 'from must be a calendar date'],
    [{ to: '2025-02-30' }, 'to must be a calendar date'],
    [{ from: 'yesterday' }, 'from must be a calendar date'],
    [{ from: '2025-03-05', to: '2025-03-01' }, 'from must not be after to'],
    [{ from: '2024-01-01', to: '2025-01-01' }, 'at most 366 days'],
  ])('%o is a 400', async (query, message) => {
    const res = await getUsage('u', query as Record<string, string>)
    expect(res.status).toBe(400)
    expect(res.body.error).toEqual({ code: 'ValidationError', message: expect.stringContaining(message) })
  })

  test('only GET is routed', async () => {
    const result = await handler(restEvent({ method: 'POST', resource: '/usage', userId: 'u' }), lambdaContext())
    expect(result.statusCode).toBe(405)
  })
})
