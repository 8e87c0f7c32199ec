import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { ConverseStreamCommand, ModelStreamErrorException, ThrottlingException } from '@aws-sdk/client-bedrock-runtime'
import { MODEL_ID, modelStream, startChat } from './support/chat.js'
import type { Chat } from './support/chat.js'
import { WS_DOMAIN, WS_STAGE } from './support/events.js'
import { captureLogs } from './support/logs.js'

let chat: Chat

beforeAll(async () => {
  chat = await startChat()
})
afterAll(() => chat.close())
beforeEach(() => chat.resetMocks())

const newUser = () => `user-${randomUUID()}`
/** 60 deltas of uneven length, as a model streams them. */
const DELTAS = Array.from({ length: 60 }, (_, i) => `tok${i}${i % 3 === 0 ? ',' : ''} `)
const ANSWER = DELTAS.join('')

describe('websocket-message: a chat turn', () => {
  test('streams the answer in order, in buffered chunks, then stores both messages and the usage', async () => {
    const userId = newUser()
    const connectionId = await chat.connect(userId)
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(DELTAS).output)

    const result = await chat.send(connectionId, { action: 'sendMessage', message: 'Plan a trip\nto Lisbon' })
    expect(result.statusCode).toBe(200)

    const frames = chat.frames(connectionId)
    const done = frames.at(-1)
    const conversationId = done.conversationId
    expect(done).toEqual({
      type: 'done',
      conversationId,
      usage: { inputTokens: 12, outputTokens: 34 },
      stopReason: 'end_turn',
    })
    const chunks = frames.slice(0, -1)
    expect(chunks.every((f) => f.type === 'chunk' && f.conversationId === conversationId)).toBe(true)
    expect(chunks.map((f) => f.text).join('')).toBe(ANSWER)
    expect(chunks.length).toBeLessThan(DELTAS.length / 5)
    for (const chunk of chunks.slice(0, -1)) expect(chunk.text.length).toBeGreaterThanOrEqual(200)
    expect(chat.endpoints).toEqual([`https://${WS_DOMAIN}/${WS_STAGE}`])

    const [call] = chat.converseCalls()
    expect(call!.args[0].input).toEqual({
      modelId: MODEL_ID,
      messages: [{ role: 'user', content: [{ text: 'Plan a trip\nto Lisbon' }] }],
      inferenceConfig: { maxTokens: 2048 },
    })

    const [meta, ...messages] = await chat.conversationItems(conversationId)
    expect(meta).toMatchObject({ timestamp: '#meta', user_id: userId, title: 'Plan a trip', message_count: 2 })
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Plan a trip\nto Lisbon'],
      ['assistant', ANSWER],
    ])
    expect(messages.every((m) => m.user_id === undefined)).toBe(true)
    expect(messages[1]).toMatchObject({ model_id: MODEL_ID, input_tokens: 12, output_tokens: 34 })
    expect(await chat.usageItem(userId)).toMatchObject({ input_tokens: 12, output_tokens: 34, requests: 1 })
  })

  test('a follow-up sends the conversation’s history to the model', async () => {
    const userId = newUser()
    const connectionId = await chat.connect(userId)
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(['First answer.']).output)
    await chat.send(connectionId, { action: 'sendMessage', message: 'First question' })
    const conversationId = chat.frames(connectionId).at(-1).conversationId

    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(['Second answer.']).output)
    await chat.send(connectionId, { action: 'sendMessage', conversationId, message: 'Second question' })

    const second = chat.converseCalls()[1]!.args[0].input
    expect(second.messages).toEqual([
      { role: 'user', content: [{ text: 'First question' }] },
      { role: 'assistant', content: [{ text: 'First answer.' }] },
      { role: 'user', content: [{ text: 'Second question' }] },
    ])
    const items = await chat.conversationItems(conversationId)
    expect(items.slice(1).map((m) => m.content)).toEqual([
      'First question',
      'First answer.',
      'Second question',
      'Second answer.',
    ])
    expect(items[0].message_count).toBe(4)
    expect(await chat.usageItem(userId)).toMatchObject({ input_tokens: 24, output_tokens: 68, requests: 2 })
  })

  test('concurrent turns of one user add up their usage atomically', async () => {
    const userId = newUser()
    const turns = 6
    const connections = await Promise.all(Array.from({ length: turns }, () => chat.connect(userId)))
    let n = 0
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => {
      n++
      return modelStream(DELTAS, { usage: { inputTokens: 100 + n, outputTokens: 1000 + n } }).output
    })
    const results = await Promise.all(
      connections.map((id, i) => chat.send(id, { action: 'sendMessage', message: `question ${i}` })),
    )
    expect(results.map((r) => r.statusCode)).toEqual(Array(turns).fill(200))
    const expectedInput = Array.from({ length: turns }, (_, i) => 100 + i + 1).reduce((a, b) => a + b)
    const expectedOutput = Array.from({ length: turns }, (_, i) => 1000 + i + 1).reduce((a, b) => a + b)
    expect(await chat.usageItem(userId)).toMatchObject({
      input_tokens: expectedInput,
      output_tokens: expectedOutput,
      requests: turns,
    })
    for (const id of connections) {
      const frames = chat.frames(id)
      expect(frames.at(-1).type).toBe('done')
      expect(
        frames
          .slice(0, -1)
          .map((f) => f.text)
          .join(''),
      ).toBe(ANSWER)
    }
  })

  test('the guardrail is applied when one is configured', async () => {
    const guarded = await startChat({
      model: { modelId: MODEL_ID, maxTokens: 512, guardrail: { id: 'gr-123', version: '2' } },
    })
    try {
      guarded.resetMocks()
      guarded.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(['ok']).output)
      const connectionId = await guarded.connect(newUser())
      await guarded.send(connectionId, { action: 'sendMessage', message: 'hello' })
      expect(guarded.converseCalls()[0]!.args[0].input).toMatchObject({
        inferenceConfig: { maxTokens: 512 },
        guardrailConfig: { guardrailIdentifier: 'gr-123', guardrailVersion: '2' },
      })
    } finally {
      await guarded.close()
    }
  })
})

describe('websocket-message: failures', () => {
  test('GoneException: the connection item is deleted and streaming stops', async () => {
    const userId = newUser()
    const connectionId = await chat.connect(userId)
    const { output, progress } = modelStream(DELTAS)
    chat.bedrockMock.on(ConverseStreamCommand).resolves(output as any)
    chat.managementMock.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: {} }))

    const logs = captureLogs()
    try {
      const result = await chat.send(connectionId, { action: 'sendMessage', message: 'hello?' })
      expect(result.statusCode).toBe(200)
    } finally {
      logs.restore()
    }
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 'info', code: 'ClientGone', connectionId })])
    expect(chat.managementMock.commandCalls(PostToConnectionCommand)).toHaveLength(1)
    expect(await chat.connectionItem(connectionId)).toBeUndefined()
    expect(progress.yielded).toBeLessThan(DELTAS.length)
    await expect.poll(() => progress.closed).toBe(true)
    const abortSignal = (chat.converseCalls()[0]!.args as unknown[])[1] as { abortSignal: AbortSignal }
    expect(abortSignal.abortSignal.aborted).toBe(true)
    expect(await chat.usageItem(userId)).toBeUndefined()
  })

  test('GoneException on the last chunk: the finished answer and its usage are still stored', async () => {
    const userId = newUser()
    const connectionId = await chat.connect(userId)
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(['Short ', 'answer.']).output)
    chat.managementMock.on(PostToConnectionCommand).rejects(new GoneException({ message: 'gone', $metadata: {} }))
    const logs = captureLogs()
    try {
      await chat.send(connectionId, { action: 'sendMessage', message: 'quick one' })
    } finally {
      logs.restore()
    }
    const [post] = chat.managementMock.commandCalls(PostToConnectionCommand)
    const conversationId = JSON.parse(new TextDecoder().decode(post!.args[0].input.Data as Uint8Array)).conversationId
    expect(chat.managementMock.commandCalls(PostToConnectionCommand)).toHaveLength(1)
    expect(await chat.connectionItem(connectionId)).toBeUndefined()
    const items = await chat.conversationItems(conversationId)
    expect(items.slice(1).map((m) => m.content)).toEqual(['quick one', 'Short answer.'])
    expect(await chat.usageItem(userId)).toMatchObject({ input_tokens: 12, output_tokens: 34, requests: 1 })
  })

  test('a Bedrock error is an error frame for the client and one logged line without content', async () => {
    const userId = newUser()
    const connectionId = await chat.connect(userId)
    chat.bedrockMock
      .on(ConverseStreamCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests, internal detail', $metadata: {} }))
    const logs = captureLogs()
    try {
      const result = await chat.send(connectionId, { action: 'sendMessage', message: 'my secret question' }, 'req-9')
      expect(result.statusCode).toBe(502)
    } finally {
      logs.restore()
    }
    const frames = chat.frames(connectionId)
    expect(frames).toEqual([
      {
        type: 'error',
        code: 'ModelBusy',
        message: 'the model is busy; try again in a moment',
        conversationId: expect.any(String),
      },
    ])
    expect(JSON.stringify(frames)).not.toContain('internal detail')
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        requestId: 'req-9',
        code: 'ModelBusy',
        userId,
        connectionId,
        errorName: 'ThrottlingException',
      }),
    ])
    expect(logs.raw()).not.toContain('my secret question')
    expect(await chat.usageItem(userId)).toBeUndefined()
  })

  test('a stream that breaks midway: chunks so far, then an error frame; no answer stored', async () => {
    const connectionId = await chat.connect(newUser())
    const failWith = new ModelStreamErrorException({ message: 'model crashed', $metadata: {} })
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => modelStream(DELTAS, { failAfter: 40, failWith }).output)
    const logs = captureLogs()
    try {
      await chat.send(connectionId, { action: 'sendMessage', message: 'go' })
    } finally {
      logs.restore()
    }
    const frames = chat.frames(connectionId)
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'ModelError' })
    expect(frames.slice(0, -1).every((f) => f.type === 'chunk')).toBe(true)
    expect(frames.length).toBeGreaterThan(1)
    const items = await chat.conversationItems(frames.at(-1).conversationId)
    expect(items.slice(1).map((m) => m.role)).toEqual(['user'])
  })

  test('an exception delivered as a stream event is an error frame too', async () => {
    const connectionId = await chat.connect(newUser())
    chat.bedrockMock.on(ConverseStreamCommand).callsFake(() => ({
      stream: (async function* () {
        yield { throttlingException: { message: 'slow down' } }
      })(),
      $metadata: {},
    }))
    const logs = captureLogs()
    try {
      await chat.send(connectionId, { action: 'sendMessage', message: 'go' })
    } finally {
      logs.restore()
    }
    expect(chat.frames(connectionId)).toEqual([expect.objectContaining({ type: 'error', code: 'ModelBusy' })])
  })
})
