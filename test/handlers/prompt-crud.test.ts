import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { DEFAULT_PROMPTS_BY_USER_INDEX, createHandler } from '../../handlers/prompt-crud/index.js'
import { startDynamo } from './support/dynamo.js'
import type { TestDynamo } from './support/dynamo.js'
import { lambdaContext, parseBody, restEvent } from './support/events.js'
import type { RestRequest } from './support/events.js'
import { PENDING_INDEXES } from './support/tables.js'

let dynamo: TestDynamo
let handler: ReturnType<typeof createHandler>

beforeAll(async () => {
  dynamo = await startDynamo()
  handler = createHandler(() => ({
    ddb: dynamo.ddb,
    table: dynamo.tables.prompts!,
    byUserIndex: DEFAULT_PROMPTS_BY_USER_INDEX,
  }))
})
afterAll(() => dynamo.close())

async function call(req: RestRequest) {
  const result = await handler(restEvent(req), lambdaContext())
  return { status: result.statusCode, body: parseBody(result) }
}

const newUser = () => `user-${randomUUID()}`

async function create(userId: string, fields: Record<string, unknown> = {}) {
  const res = await call({
    method: 'POST',
    resource: '/prompts',
    userId,
    body: { title: 'Summarise', body: 'Summarise this text: {{text}}', ...fields },
  })
  expect(res.status).toBe(201)
  return res.body.prompt
}

async function storedPrompt(promptId: string, userId: string) {
  const out = await dynamo.ddb.send(
    new GetCommand({ TableName: dynamo.tables.prompts, Key: { prompt_id: promptId, user_id: userId } }),
  )
  return out.Item
}

describe('prompt-crud', () => {
  test('the index GET /prompts needs is the one the tests add on top of config.json', () => {
    expect(PENDING_INDEXES.prompts?.map((i) => i.name)).toContain(DEFAULT_PROMPTS_BY_USER_INDEX)
  })

  test('create, get, update and delete a prompt', async () => {
    const userId = newUser()
    const created = await create(userId, { tags: ['work', 'work', 'writing'] })
    expect(created).toMatchObject({ title: 'Summarise', tags: ['work', 'writing'] })

    const got = await call({ method: 'GET', resource: '/prompts/{id}', id: created.id, userId })
    expect(got.status).toBe(200)
    expect(got.body.prompt).toEqual(created)

    const updated = await call({
      method: 'PUT',
      resource: '/prompts/{id}',
      id: created.id,
      userId,
      body: { body: 'New body', tags: [] },
    })
    expect(updated.status).toBe(200)
    expect(updated.body.prompt).toMatchObject({ id: created.id, title: 'Summarise', body: 'New body', tags: [] })

    const deleted = await call({ method: 'DELETE', resource: '/prompts/{id}', id: created.id, userId })
    expect(deleted.status).toBe(204)
    expect(await storedPrompt(created.id, userId)).toBeUndefined()
    expect((await call({ method: 'GET', resource: '/prompts/{id}', id: created.id, userId })).status).toBe(404)
  })

  test('the list returns only the caller’s prompts, paginated with a cursor', async () => {
    const userId = newUser()
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) ids.add((await create(userId, { title: `p${i}` })).id)
    await create(newUser())
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const res = await call({
        method: 'GET',
        resource: '/prompts',
        userId,
        query: { limit: '2', ...(cursor ? { cursor } : {}) },
      })
      expect(res.status).toBe(200)
      expect(res.body.prompts.length).toBeLessThanOrEqual(2)
      seen.push(...res.body.prompts.map((p: any) => p.id))
      cursor = res.body.nextCursor ?? undefined
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBeGreaterThanOrEqual(3)
    expect(new Set(seen)).toEqual(ids)
    expect(seen).toHaveLength(5)
  })

  test('user B cannot list, get, update or delete user A’s prompt', async () => {
    const alice = newUser()
    const bob = newUser()
    const prompt = await create(alice, { title: 'secret' })

    expect((await call({ method: 'GET', resource: '/prompts', userId: bob })).body.prompts).toEqual([])
    expect((await call({ method: 'GET', resource: '/prompts/{id}', id: prompt.id, userId: bob })).status).toBe(404)
    const put = await call({
      method: 'PUT',
      resource: '/prompts/{id}',
      id: prompt.id,
      userId: bob,
      body: { title: 'x' },
    })
    expect(put.status).toBe(404)
    const del = await call({ method: 'DELETE', resource: '/prompts/{id}', id: prompt.id, userId: bob })
    expect(del.status).toBe(404)

    expect(await storedPrompt(prompt.id, alice)).toMatchObject({ title: 'secret', body: prompt.body })
    // The failed update must not have created an item under Bob's key either.
    expect(await storedPrompt(prompt.id, bob)).toBeUndefined()
  })

  test.each([
    [{ method: 'POST', body: { body: 'b' } }, 'title is required'],
    [{ method: 'POST', body: { title: 't' } }, 'body is required'],
    [{ method: 'POST', body: { title: 'x'.repeat(201), body: 'b' } }, 'title must be at most 200 characters'],
    [{ method: 'POST', body: { title: 't', body: 'x'.repeat(20_001) } }, 'body must be at most 20000 characters'],
    [{ method: 'POST', body: { title: 't', body: 'b', tags: 'one' } }, 'tags must be an array of strings'],
    [{ method: 'POST', body: { title: 't', body: 'b', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } }, 'tags'],
    [{ method: 'POST', body: { title: 't', body: 'b', tags: [1] } }, 'tags'],
    [{ method: 'POST', body: { title: 't', body: 'b', id: 'mine' } }, 'unknown field'],
    [{ method: 'PUT', id: 'p1', body: {} }, 'at least one of'],
    [{ method: 'PUT', id: 'p1', body: { title: '' } }, 'title is required'],
    [{ method: 'GET', id: '../etc' }, 'id must be'],
    [{ method: 'GET', query: { limit: '1000' } }, 'limit'],
  ])('a bad request is a 400 naming the rule %#', async (req, message) => {
    const { method, id, body, query } = req as { method: string; id?: string; body?: unknown; query?: any }
    const resource = id ? '/prompts/{id}' : '/prompts'
    const res = await call({ method, resource, id, body, query, userId: newUser() })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('ValidationError')
    expect(res.body.error.message).toContain(message)
  })

  test('the longest allowed fields are accepted', async () => {
    const prompt = await create(newUser(), {
      title: 't'.repeat(200),
      body: 'b'.repeat(20_000),
      tags: Array.from({ length: 10 }, (_, i) => `tag${i}`),
    })
    expect(prompt.tags).toHaveLength(10)
  })
})
