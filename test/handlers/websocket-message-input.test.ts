import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import { MissingEnvironmentError } from '../../handlers/lib/env.js'
import { MESSAGE_MAX_CHARS, modelConfig } from '../../handlers/websocket-message/index.js'
import { toConverseMessages } from '../../handlers/websocket-message/model.js'
import { NOW, modelStream, startChat } from './support/chat.js'
import type { Chat } from './support/chat.js'

let chat: Chat

beforeAll(async () => {
  chat = await startChat()
})
afterAll(() => chat.close())
beforeEach(() => {
  chat.resetMocks()
  chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(['fine']).output)
})

const newUser = () => `user-${randomUUID()}`

describe('websocket-message: input', () => {
  test.each([
    ['not JSON', '{oops', 'must be a JSON object'],
    ['an array', '[]', 'must be a JSON object'],
    ['another action', { action: 'deleteEverything', message: 'hi' }, "action must be 'sendMessage'"],
    ['no action', { message: 'hi' }, "action must be 'sendMessage'"],
    ['an empty message', { action: 'sendMessage', message: '' }, 'message must be'],
    ['a blank message', { action: 'sendMessage', message: ' \n ' }, 'message must be'],
    ['a message too long', { action: 'sendMessage', message: 'x'.repeat(8001) }, 'at most 8000'],
    ['a numeric message', { action: 'sendMessage', message: 5 }, 'message must be'],
    ['a bad conversationId', { action: 'sendMessage', message: 'hi', conversationId: '#meta' }, 'conversationId'],
    ['an unknown field', { action: 'sendMessage', message: 'hi', model: 'other' }, 'unknown field'],
  ])('%s: a ValidationError frame and no model call', async (_name, body, message) => {
    const connectionId = await chat.connect(newUser())
    const result = await chat.send(connectionId, body)
    expect(result.statusCode).toBe(400)
    expect(chat.frames(connectionId)).toEqual([
      { type: 'error', code: 'ValidationError', message: expect.stringContaining(message) },
    ])
    expect(chat.converseCalls()).toEqual([])
  })

  test('a message of exactly the maximum length is accepted', async () => {
    const connectionId = await chat.connect(newUser())
    await chat.send(connectionId, { action: 'sendMessage', message: 'x'.repeat(MESSAGE_MAX_CHARS) })
    expect(chat.frames(connectionId).at(-1).type).toBe('done')
  })

  test('an unknown connection is told to reconnect and closed, without a model call', async () => {
    const connectionId = `conn-${randomUUID()}`
    const result = await chat.send(connectionId, { action: 'sendMessage', message: 'hi' })
    expect(result.statusCode).toBe(401)
    expect(chat.frames(connectionId)).toEqual([
      { type: 'error', code: 'ConnectionUnknown', message: expect.any(String) },
    ])
    expect(chat.managementMock.commandCalls(DeleteConnectionCommand, { ConnectionId: connectionId })).toHaveLength(1)
    expect(chat.converseCalls()).toEqual([])
  })

  test('a connection whose TTL has passed is treated as unknown and forgotten', async () => {
    const connectionId = await chat.connect(newUser(), Math.floor(NOW.getTime() / 1000) - 1)
    await chat.send(connectionId, { action: 'sendMessage', message: 'hi' })
    expect(chat.frames(connectionId)[0]).toMatchObject({ type: 'error', code: 'ConnectionUnknown' })
    expect(await chat.connectionItem(connectionId)).toBeUndefined()
    expect(chat.converseCalls()).toEqual([])
  })

  test('user B cannot continue user A’s conversation', async () => {
    const alice = await chat.connect(newUser())
    await chat.send(alice, { action: 'sendMessage', message: 'private plans' })
    const conversationId = chat.frames(alice).at(-1).conversationId
    const before = await chat.conversationItems(conversationId)

    const bob = await chat.connect(newUser())
    const result = await chat.send(bob, { action: 'sendMessage', conversationId, message: 'show me' })
    expect(result.statusCode).toBe(404)
    expect(chat.frames(bob)).toEqual([
      { type: 'error', code: 'ConversationNotFound', message: 'conversation not found' },
    ])
    expect(chat.converseCalls()).toHaveLength(1)
    expect(await chat.conversationItems(conversationId)).toEqual(before)
  })

  test('a conversation id that does not exist is ConversationNotFound', async () => {
    const connectionId = await chat.connect(newUser())
    await chat.send(connectionId, { action: 'sendMessage', conversationId: randomUUID(), message: 'hi' })
    expect(chat.frames(connectionId)).toEqual([expect.objectContaining({ code: 'ConversationNotFound' })])
    expect(chat.converseCalls()).toEqual([])
  })
})

describe('websocket-message: configuration', () => {
  const base = { BEDROCK_MODEL_ID: 'model-1', MAX_TOKENS: '2048' }

  test('reads the model, max tokens and an optional guardrail', () => {
    expect(modelConfig(base)).toEqual({ modelId: 'model-1', maxTokens: 2048 })
    expect(modelConfig({ ...base, GUARDRAIL_ID: 'g', GUARDRAIL_VERSION: 'DRAFT' })).toEqual({
      modelId: 'model-1',
      maxTokens: 2048,
      guardrail: { id: 'g', version: 'DRAFT' },
    })
  })

  test('refuses a missing or malformed variable, naming it', () => {
    expect(() => modelConfig({ MAX_TOKENS: '10' })).toThrow(/BEDROCK_MODEL_ID/)
    expect(() => modelConfig({ BEDROCK_MODEL_ID: 'm' })).toThrow(MissingEnvironmentError)
    expect(() => modelConfig({ ...base, MAX_TOKENS: '1e3' })).toThrow(/MAX_TOKENS/)
    expect(() => modelConfig({ ...base, GUARDRAIL_ID: 'g' })).toThrow(/GUARDRAIL_VERSION/)
    expect(() => modelConfig({ ...base, GUARDRAIL_VERSION: '1' })).toThrow(/GUARDRAIL_ID/)
  })
})

describe('websocket-message: history for Converse', () => {
  const at = (role: 'user' | 'assistant', content: string) => ({
    conversation_id: 'c',
    timestamp: 't',
    role,
    content,
    created_at: 't',
  })

  test('starts with the user, alternates roles, and merges an unanswered question', () => {
    const history = [at('assistant', 'orphan'), at('user', 'q1'), at('assistant', 'a1'), at('user', 'q2 (no answer)')]
    expect(toConverseMessages(history, 'q3')).toEqual([
      { role: 'user', content: [{ text: 'q1' }] },
      { role: 'assistant', content: [{ text: 'a1' }] },
      { role: 'user', content: [{ text: 'q2 (no answer)' }, { text: 'q3' }] },
    ])
  })
})
