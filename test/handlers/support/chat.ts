// The websocket-message handler against dynalite, with Bedrock and the Management API mocked.
import { randomUUID } from 'node:crypto'
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { mockClient } from 'aws-sdk-client-mock'
import { createHandler } from '../../../handlers/websocket-message/index.js'
import type { MessageDeps } from '../../../handlers/websocket-message/index.js'
import { startDynamo, TEST_REGION } from './dynamo.js'
import type { TestDynamo } from './dynamo.js'
import { lambdaContext, wsEvent } from './events.js'

export const NOW = new Date('2030-01-01T12:00:00Z')
export const TODAY = '2030-01-01'
export const MODEL_ID = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }

/** A ConverseStream response: text deltas, then messageStop and metadata, as Bedrock sends them. */
export function modelStream(
  deltas: string[],
  opts: { usage?: { inputTokens: number; outputTokens: number }; failAfter?: number; failWith?: Error } = {},
) {
  const progress = { yielded: 0, closed: false }
  async function* events() {
    try {
      yield { messageStart: { role: 'assistant' } }
      for (const [i, text] of deltas.entries()) {
        if (opts.failAfter === i) throw opts.failWith ?? new Error('stream broke')
        progress.yielded++
        yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text } } }
      }
      yield { contentBlockStop: { contentBlockIndex: 0 } }
      yield { messageStop: { stopReason: 'end_turn' } }
      const usage = opts.usage ?? { inputTokens: 12, outputTokens: 34 }
      yield { metadata: { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens }, metrics: {} } }
    } finally {
      progress.closed = true
    }
  }
  return { output: { stream: events(), $metadata: {} }, progress }
}

export async function startChat(overrides: Partial<MessageDeps> = {}) {
  const dynamo: TestDynamo = await startDynamo()
  const bedrock = new BedrockRuntimeClient({ region: TEST_REGION, credentials })
  const bedrockMock = mockClient(bedrock)
  const management = new ApiGatewayManagementApiClient({ region: TEST_REGION, credentials, endpoint: 'https://x' })
  const managementMock = mockClient(management)
  const endpoints: string[] = []
  const tables = {
    conversations: dynamo.tables.conversations!,
    usage: dynamo.tables.usage!,
    connections: dynamo.tables['websocket-connections']!,
  }
  const deps: MessageDeps = {
    ddb: dynamo.ddb,
    tables,
    bedrock,
    managementApi: (endpoint) => {
      endpoints.push(endpoint)
      return management
    },
    model: { modelId: MODEL_ID, maxTokens: 2048 },
    now: () => NOW,
    ...overrides,
  }
  const handler = createHandler(() => deps)

  return {
    dynamo,
    deps,
    tables,
    bedrockMock,
    managementMock,
    endpoints,
    resetMocks() {
      bedrockMock.reset()
      managementMock.reset()
      managementMock.on(PostToConnectionCommand).resolves({})
      managementMock.on(DeleteConnectionCommand).resolves({})
      endpoints.length = 0
    },
    /** A connection as websocket-connect stores it. */
    async connect(userId: string, ttl = Math.floor(NOW.getTime() / 1000) + 7200): Promise<string> {
      const connectionId = `conn-${randomUUID()}`
      await dynamo.ddb.send(
        new PutCommand({ TableName: tables.connections, Item: { connection_id: connectionId, user_id: userId, ttl } }),
      )
      return connectionId
    },
    send(connectionId: string, body: unknown, requestId?: string) {
      return handler(wsEvent({ connectionId, body }), lambdaContext(requestId)) as Promise<{ statusCode: number }>
    },
    /** Frames posted to one connection, in order. */
    frames(connectionId: string): any[] {
      return managementMock
        .commandCalls(PostToConnectionCommand)
        .filter((call) => call.args[0].input.ConnectionId === connectionId)
        .map((call) => JSON.parse(new TextDecoder().decode(call.args[0].input.Data as Uint8Array)))
    },
    converseCalls() {
      return bedrockMock.commandCalls(ConverseStreamCommand)
    },
    async connectionItem(connectionId: string) {
      const out = await dynamo.ddb.send(
        new GetCommand({ TableName: tables.connections, Key: { connection_id: connectionId } }),
      )
      return out.Item
    },
    async conversationItems(conversationId: string): Promise<any[]> {
      const out = await dynamo.ddb.send(
        new QueryCommand({
          TableName: tables.conversations,
          KeyConditionExpression: 'conversation_id = :id',
          ExpressionAttributeValues: { ':id': conversationId },
        }),
      )
      return out.Items ?? []
    },
    async usageItem(userId: string, date = TODAY) {
      const out = await dynamo.ddb.send(new GetCommand({ TableName: tables.usage, Key: { user_id: userId, date } }))
      return out.Item
    },
    close: () => dynamo.close(),
  }
}

export type Chat = Awaited<ReturnType<typeof startChat>>
