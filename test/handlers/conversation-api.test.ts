import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { createHandler, handler as productionHandler } from '../../handlers/conversation-api/index.js'
import { messageSortKey, putMessage } from '../../handlers/lib/conversations.js'
import { startDynamo } from './support/dynamo.js'
import type { TestDynamo } from './support/dynamo.js'
import { lambdaContext, parseBody, restEvent } from './support/events.js'
import type { RestRequest } from './support/events.js'
import { captureLogs } from './support/logs.js'

let dynamo: TestDynamo
let handler: ReturnType<typeof createHandler>

beforeAll(async () => {
  dynamo = await startDynamo()
  handler = createHandler(() => ({ ddb: dynamo.ddb, table: dynamo.tables.conversations! }))
})
afterAll(() => dynamo.close())

async function call(req: RestRequest) {
  const result = await handler(restEvent(req), lambdaContext())
  return { status: result.statusCode, headers: result.headers, body: parseBody(result) }
}

const newUser = () => `user-${randomUUID()}`

async function create(userId: string, title?: string): Promise<string> {
  const res = await call({ method: 'POST', resource: '/conversations', userId, body: title ? { title } : {} })
  expect(res.status).toBe(201)
  return res.body.conversation.id
}

async function addMessages(conversationId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i))
    await putMessage(dynamo.ddb, dynamo.tables.conversations!, {
      conversation_id: conversationId,
      timestamp: messageSortKey(at),
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `message ${i}`,
      created_at: at.toISOString(),
    })
  }
}

async function itemsOf(conversationId: string) {
  const out = await dynamo.ddb.send(
    new QueryCommand({
      TableName: dynamo.tables.conversations,
      KeyConditionExpression: 'conversation_id = :id',
      ExpressionAttributeValues: { ':id': conversationId },
    }),
  )
  return out.Items ?? []
}

describe('conversation-api', () => {
  test('a request without a Cognito sub is a 401', async () => {
    const res = await call({ method: 'GET', resource: '/conversations' })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } })
    expect(res.headers?.['content-type']).toBe('application/json')
  })

  test('create, then get metadata and messages in order', async () => {
    const userId = newUser()
    const id = await create(userId, '  Trip planning ')
    await addMessages(id, 3)
    const res = await call({ method: 'GET', resource: '/conversations/{id}', id, userId })
    expect(res.status).toBe(200)
    expect(res.body.conversation).toMatchObject({ id, title: 'Trip planning', messageCount: 0 })
    expect(res.body.messages.map((m: any) => m.content)).toEqual(['message 0', 'message 1', 'message 2'])
    expect(res.body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(res.body.nextCursor).toBeNull()
  })

  test('a conversation can be created without a body or title', async () => {
    const userId = newUser()
    const res = await call({ method: 'POST', resource: '/conversations', userId })
    expect(res.status).toBe(201)
    expect(res.body.conversation.title).toBeNull()
  })

  test('messages of a conversation are paginated with a cursor', async () => {
    const userId = newUser()
    const id = await create(userId)
    await addMessages(id, 5)
    const first = await call({ method: 'GET', resource: '/conversations/{id}', id, userId, query: { limit: '3' } })
    expect(first.body.messages).toHaveLength(3)
    const second = await call({
      method: 'GET',
      resource: '/conversations/{id}',
      id,
      userId,
      query: { limit: '3', cursor: first.body.nextCursor },
    })
    expect(second.body.messages.map((m: any) => m.content)).toEqual(['message 3', 'message 4'])
  })

  test('the list is paginated with an opaque cursor over more items than the limit', async () => {
    const userId = newUser()
    const created = new Set<string>()
    for (let i = 0; i < 7; i++) created.add(await create(userId, `c${i}`))
    await create(newUser(), 'someone else')
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const res = await call({
        method: 'GET',
        resource: '/conversations',
        userId,
        query: { limit: '3', ...(cursor ? { cursor } : {}) },
      })
      expect(res.status).toBe(200)
      expect(res.body.conversations.length).toBeLessThanOrEqual(3)
      seen.push(...res.body.conversations.map((c: any) => c.id))
      cursor = res.body.nextCursor ?? undefined
      if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBeGreaterThanOrEqual(3)
    expect(seen).toHaveLength(7)
    expect(new Set(seen)).toEqual(created)
  })

  test('the list defaults to 20 per page', async () => {
    const userId = newUser()
    for (let i = 0; i < 21; i++) await create(userId)
    const res = await call({ method: 'GET', resource: '/conversations', userId })
    expect(res.body.conversations).toHaveLength(20)
    expect(res.body.nextCursor).toEqual(expect.any(String))
  })

  test.each([
    [{ method: 'GET', resource: '/conversations', query: { limit: '0' } }, 'ValidationError'],
    [{ method: 'GET', resource: '/conversations', query: { limit: '101' } }, 'ValidationError'],
    [{ method: 'GET', resource: '/conversations', query: { limit: '2.5' } }, 'ValidationError'],
    [{ method: 'GET', resource: '/conversations', query: { cursor: 'not a cursor!' } }, 'InvalidCursor'],
    [{ method: 'GET', resource: '/conversations', query: { cursor: 'eyJhIjoxfQ' } }, 'InvalidCursor'],
    [{ method: 'POST', resource: '/conversations', body: { title: 'x'.repeat(201) } }, 'ValidationError'],
    [{ method: 'POST', resource: '/conversations', body: { title: 42 } }, 'ValidationError'],
    [{ method: 'POST', resource: '/conversations', body: { title: 'ok', owner: 'me' } }, 'ValidationError'],
    [{ method: 'POST', resource: '/conversations', body: '{not json' }, 'InvalidBody'],
    [{ method: 'POST', resource: '/conversations', body: '[1,2]' }, 'InvalidBody'],
    [{ method: 'PUT', resource: '/conversations/{id}', id: 'abc', body: {} }, 'ValidationError'],
    [{ method: 'PUT', resource: '/conversations/{id}', id: 'abc', body: { title: '   ' } }, 'ValidationError'],
    [{ method: 'GET', resource: '/conversations/{id}', id: 'bad id!' }, 'ValidationError'],
    [{ method: 'DELETE', resource: '/conversations/{id}', id: 'x'.repeat(65) }, 'ValidationError'],
  ] as [RestRequest, string][])('a bad request is a 400 %#', async (req, code) => {
    const res = await call({ ...req, userId: newUser() })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe(code)
    expect(res.body.error.message).not.toContain('x'.repeat(50))
  })

  test('a cursor naming another user is refused', async () => {
    const forged = Buffer.from(
      JSON.stringify({ user_id: 'victim', conversation_id: 'c1', timestamp: '#meta' }),
    ).toString('base64url')
    const res = await call({ method: 'GET', resource: '/conversations', userId: newUser(), query: { cursor: forged } })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('InvalidCursor')
  })

  test('rename updates the title and updated_at', async () => {
    const userId = newUser()
    const id = await create(userId, 'old')
    const res = await call({ method: 'PUT', resource: '/conversations/{id}', id, userId, body: { title: 'new' } })
    expect(res.status).toBe(200)
    expect(res.body.conversation).toMatchObject({ id, title: 'new' })
  })

  test('user B cannot list, get, rename or delete user A’s conversation', async () => {
    const alice = newUser()
    const bob = newUser()
    const id = await create(alice, 'private')
    await addMessages(id, 2)

    const list = await call({ method: 'GET', resource: '/conversations', userId: bob })
    expect(list.body.conversations).toEqual([])
    const get = await call({ method: 'GET', resource: '/conversations/{id}', id, userId: bob })
    expect(get.status).toBe(404)
    expect(get.body.error.code).toBe('NotFound')
    const rename = await call({ method: 'PUT', resource: '/conversations/{id}', id, userId: bob, body: { title: 'x' } })
    expect(rename.status).toBe(404)
    const del = await call({ method: 'DELETE', resource: '/conversations/{id}', id, userId: bob })
    expect(del.status).toBe(404)

    const mine = await call({ method: 'GET', resource: '/conversations/{id}', id, userId: alice })
    expect(mine.body.conversation.title).toBe('private')
    expect(mine.body.messages).toHaveLength(2)
    expect(await itemsOf(id)).toHaveLength(3)
  })

  test('a conversation that does not exist is a 404 for every verb', async () => {
    const userId = newUser()
    const id = randomUUID()
    for (const method of ['GET', 'DELETE']) {
      expect((await call({ method, resource: '/conversations/{id}', id, userId })).status).toBe(404)
    }
    const put = await call({ method: 'PUT', resource: '/conversations/{id}', id, userId, body: { title: 't' } })
    expect(put.status).toBe(404)
    expect(await itemsOf(id)).toEqual([])
  })

  test('delete removes the metadata and every message, in batches', async () => {
    const userId = newUser()
    const id = await create(userId)
    await addMessages(id, 60)
    expect(await itemsOf(id)).toHaveLength(61)
    const res = await call({ method: 'DELETE', resource: '/conversations/{id}', id, userId })
    expect(res.status).toBe(204)
    expect(await itemsOf(id)).toEqual([])
    expect((await call({ method: 'GET', resource: '/conversations/{id}', id, userId })).status).toBe(404)
  })

  test('unknown routes are 404 and other methods on a known resource 405', async () => {
    const userId = newUser()
    expect((await call({ method: 'PUT', resource: '/conversations', userId })).status).toBe(405)
    expect((await call({ method: 'DELETE', resource: '/conversations', userId })).body.error.code).toBe(
      'MethodNotAllowed',
    )
    expect((await call({ method: 'GET', resource: '/elsewhere', userId })).status).toBe(404)
  })

  test('a missing table variable is a 500 that hides the cause and logs it with the request id', async () => {
    const saved = process.env.TABLE_CONVERSATIONS
    delete process.env.TABLE_CONVERSATIONS
    const logs = captureLogs()
    try {
      const result = await productionHandler(
        restEvent({ method: 'GET', resource: '/conversations', userId: 'u1' }),
        lambdaContext('req-123'),
      )
      expect(result.statusCode).toBe(500)
      expect(parseBody(result)).toEqual({ error: { code: 'InternalError', message: 'internal error' } })
      expect(result.body).not.toContain('TABLE_CONVERSATIONS')
      const [line] = logs.lines()
      expect(line).toMatchObject({ level: 'error', code: 'NotConfigured', requestId: 'req-123', userId: 'u1' })
      expect(line?.errorMessage).toContain('TABLE_CONVERSATIONS')
      expect(logs.lines()).toHaveLength(1)
    } finally {
      logs.restore()
      if (saved !== undefined) process.env.TABLE_CONVERSATIONS = saved
    }
  })
})
