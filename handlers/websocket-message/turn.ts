// One chat turn for a known user: conversation, history, Bedrock stream, storage, usage.
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi'
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import {
  createConversation,
  findOwnedConversation,
  messageSortKey,
  putMessage,
  queryMessages,
  touchConversation,
} from '../lib/conversations.js'
import type { ConversationMeta, MessageItem } from '../lib/conversations.js'
import { utcDate } from '../lib/dates.js'
import { isConditionalCheckFailed } from '../lib/ddb.js'
import { logError, logInfo } from '../lib/log.js'
import { wsError, wsOk } from '../lib/websocket.js'
import type { WebSocketResult } from '../lib/websocket.js'
import { ChunkBuffer } from './frames.js'
import type { Connection } from './frames.js'
import { ModelError, streamAnswer, toConverseMessages } from './model.js'
import type { ModelConfig } from './model.js'

export interface MessageDeps {
  ddb: DynamoDBDocumentClient
  /** Physical table names. */
  tables: { conversations: string; usage: string; connections: string }
  bedrock: BedrockRuntimeClient
  /** The Management API client for `https://{domainName}/{stage}`. */
  managementApi: (endpoint: string) => ApiGatewayManagementApiClient
  model: ModelConfig
  /** Earlier messages sent to the model as context. */
  historyMessages?: number
  /** Characters buffered before a chunk frame is posted. */
  flushChars?: number
  now?: () => Date
}

export interface TurnRequest {
  requestId: string
  userId: string
  connectionId: string
  conversationId?: string
  message: string
}

export const DEFAULT_HISTORY_MESSAGES = 20
export const DEFAULT_FLUSH_CHARS = 200
const TITLE_FROM_MESSAGE_CHARS = 80

function titleFrom(message: string): string {
  const line = message.trim().split('\n', 1)[0]!.replace(/\s+/g, ' ')
  return line.length > TITLE_FROM_MESSAGE_CHARS ? `${line.slice(0, TITLE_FROM_MESSAGE_CHARS - 1)}…` : line
}

async function openConversation(deps: MessageDeps, turn: TurnRequest): Promise<ConversationMeta | undefined> {
  if (turn.conversationId === undefined) {
    return createConversation(deps.ddb, deps.tables.conversations, turn.userId, titleFrom(turn.message), now(deps))
  }
  return findOwnedConversation(deps.ddb, deps.tables.conversations, turn.conversationId, turn.userId)
}

const now = (deps: MessageDeps) => (deps.now ?? (() => new Date()))()

/** ADD is atomic, so concurrent turns of one user on one day never lose an increment. */
export async function addUsage(
  ddb: DynamoDBDocumentClient,
  table: string,
  userId: string,
  date: string,
  usage: { inputTokens: number; outputTokens: number },
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: { user_id: userId, date },
      UpdateExpression: 'ADD input_tokens :i, output_tokens :o, requests :one',
      ExpressionAttributeValues: { ':i': usage.inputTokens, ':o': usage.outputTokens, ':one': 1 },
    }),
  )
}

export async function forgetConnection(deps: MessageDeps, connectionId: string): Promise<void> {
  await deps.ddb.send(new DeleteCommand({ TableName: deps.tables.connections, Key: { connection_id: connectionId } }))
}

async function clientGone(deps: MessageDeps, turn: TurnRequest, conversationId: string): Promise<WebSocketResult> {
  await forgetConnection(deps, turn.connectionId)
  logInfo(turn.requestId, 'ClientGone', 'the client disconnected; stopped streaming', {
    userId: turn.userId,
    connectionId: turn.connectionId,
    conversationId,
  })
  return wsOk()
}

export async function runTurn(deps: MessageDeps, connection: Connection, turn: TurnRequest): Promise<WebSocketResult> {
  const table = deps.tables.conversations
  const ids = { userId: turn.userId, connectionId: turn.connectionId }
  const meta = await openConversation(deps, turn)
  if (!meta) {
    const message = 'conversation not found'
    await connection.post({ type: 'error', code: 'ConversationNotFound', message })
    return wsError(404, 'ConversationNotFound', message)
  }
  const conversationId = meta.conversation_id
  const history =
    turn.conversationId === undefined
      ? []
      : (
          await queryMessages(deps.ddb, table, conversationId, {
            limit: deps.historyMessages ?? DEFAULT_HISTORY_MESSAGES,
            newestFirst: true,
          })
        ).messages.reverse()

  // Strictly after the latest stored message, so history keeps its order even when this instance's
  // clock is behind the one that stored the previous answer.
  const latest = history.at(-1)
  const userAt = new Date(Math.max(now(deps).getTime(), latest ? Date.parse(latest.created_at) + 1 : 0))
  try {
    // Conditional on user_id: the ownership guard for this turn's writes (and a concurrent delete).
    await touchConversation(deps.ddb, table, conversationId, turn.userId, 1, userAt)
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error
    const message = 'conversation not found'
    await connection.post({ type: 'error', code: 'ConversationNotFound', message, conversationId })
    return wsError(404, 'ConversationNotFound', message)
  }
  const userMessage: MessageItem = {
    conversation_id: conversationId,
    timestamp: messageSortKey(userAt),
    role: 'user',
    content: turn.message,
    created_at: userAt.toISOString(),
  }
  await putMessage(deps.ddb, table, userMessage)

  const chunks = new ChunkBuffer(connection, conversationId, deps.flushChars ?? DEFAULT_FLUSH_CHARS)
  let answer
  try {
    answer = await streamAnswer(deps.bedrock, deps.model, toConverseMessages(history, turn.message), chunks)
  } catch (error) {
    if (!(error instanceof ModelError)) throw error
    logError(turn.requestId, error.code, `streaming answer (${deps.model.modelId})`, error.cause, {
      ...ids,
      conversationId,
    })
    const outcome = await connection.post({ type: 'error', code: error.code, message: error.message, conversationId })
    if (outcome === 'gone') await forgetConnection(deps, turn.connectionId)
    return wsError(502, error.code, error.message)
  }
  if (answer.outcome === 'gone') return clientGone(deps, turn, conversationId)

  const assistantAt = new Date(Math.max(now(deps).getTime(), userAt.getTime() + 1))
  await putMessage(deps.ddb, table, {
    conversation_id: conversationId,
    timestamp: messageSortKey(assistantAt),
    role: 'assistant',
    content: answer.text,
    created_at: assistantAt.toISOString(),
    model_id: deps.model.modelId,
    input_tokens: answer.usage.inputTokens,
    output_tokens: answer.usage.outputTokens,
    ...(answer.stopReason ? { stop_reason: answer.stopReason } : {}),
  })
  await touchConversation(deps.ddb, table, conversationId, turn.userId, 1, assistantAt)
  await addUsage(deps.ddb, deps.tables.usage, turn.userId, utcDate(userAt), answer.usage)
  // The answer was complete (and is stored, and billed) even if its last chunk found no client.
  if (answer.clientGone) return clientGone(deps, turn, conversationId)

  const done = await connection.post({
    type: 'done',
    conversationId,
    usage: answer.usage,
    ...(answer.stopReason ? { stopReason: answer.stopReason } : {}),
  })
  if (done === 'gone') return clientGone(deps, turn, conversationId)
  return wsOk()
}
