import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  CONVERSATION_TITLE_MAX_CHARS,
  META_SORT_KEY,
  conversationView,
  createConversation,
  findOwnedConversation,
  messageView,
  queryMessages,
} from '../lib/conversations.js'
import type { ConversationMeta } from '../lib/conversations.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { batchDelete, isConditionalCheckFailed } from '../lib/ddb.js'
import { json, jsonBody, noContent, notFound } from '../lib/http.js'
import { limitParam, onlyFields, optionalString, requiredString, validId } from '../lib/validate.js'

export interface ConversationApiDeps {
  ddb: DynamoDBDocumentClient
  /** Physical name of the conversations table. */
  table: string
}

export const USER_INDEX = 'user-index'
const LIST_LIMIT = { fallback: 20, max: 100 }
const MESSAGES_LIMIT = { fallback: 100, max: 500 }
const DELETE_PAGE_ITEMS = 500

const conversationNotFound = () => notFound('conversation not found')

function conversationId(event: APIGatewayProxyEvent): string {
  return validId(event.pathParameters?.id, 'id')
}

export async function listConversations(
  deps: ConversationApiDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const query = event.queryStringParameters ?? {}
  const limit = limitParam(query.limit, LIST_LIMIT)
  const startKey = decodeCursor(query.cursor, {
    attributes: ['user_id', 'conversation_id', 'timestamp'],
    pinned: { user_id: userId, timestamp: META_SORT_KEY },
  })
  const out = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: USER_INDEX,
      KeyConditionExpression: 'user_id = :uid',
      ExpressionAttributeValues: { ':uid': userId },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  )
  const items = (out.Items ?? []) as ConversationMeta[]
  const conversations = items
    .filter((item) => item.user_id === userId && item.timestamp === META_SORT_KEY)
    .map(conversationView)
  return json(200, { conversations, nextCursor: encodeCursor(out.LastEvaluatedKey) ?? null })
}

export async function getConversation(
  deps: ConversationApiDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const id = conversationId(event)
  const query = event.queryStringParameters ?? {}
  const limit = limitParam(query.limit, MESSAGES_LIMIT)
  const startKey = decodeCursor(query.cursor, {
    attributes: ['conversation_id', 'timestamp'],
    pinned: { conversation_id: id },
  })
  const meta = await findOwnedConversation(deps.ddb, deps.table, id, userId)
  if (!meta) throw conversationNotFound()
  const page = await queryMessages(deps.ddb, deps.table, id, { limit, startKey })
  return json(200, {
    conversation: conversationView(meta),
    messages: page.messages.map(messageView),
    nextCursor: encodeCursor(page.lastKey) ?? null,
  })
}

export async function postConversation(
  deps: ConversationApiDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const body = event.body ? jsonBody(event) : {}
  onlyFields(body, ['title'])
  const title = optionalString(body, 'title', CONVERSATION_TITLE_MAX_CHARS)?.trim()
  const meta = await createConversation(deps.ddb, deps.table, userId, title)
  return json(201, { conversation: conversationView(meta) })
}

export async function putConversation(
  deps: ConversationApiDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const id = conversationId(event)
  const body = jsonBody(event)
  onlyFields(body, ['title'])
  const title = requiredString(body, 'title', CONVERSATION_TITLE_MAX_CHARS).trim()
  try {
    const out = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: { conversation_id: id, timestamp: META_SORT_KEY },
        UpdateExpression: 'SET title = :title, updated_at = :now',
        ConditionExpression: 'user_id = :uid',
        ExpressionAttributeValues: { ':title': title, ':now': new Date().toISOString(), ':uid': userId },
        ReturnValues: 'ALL_NEW',
      }),
    )
    return json(200, { conversation: conversationView(out.Attributes as ConversationMeta) })
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw conversationNotFound()
    throw error
  }
}

/**
 * Messages first (batched, after the ownership check), the metadata item last and conditionally:
 * a delete that fails midway leaves a conversation that still exists, so the client can retry it.
 */
export async function deleteConversation(
  deps: ConversationApiDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const id = conversationId(event)
  if (!(await findOwnedConversation(deps.ddb, deps.table, id, userId))) throw conversationNotFound()
  let startKey: Record<string, unknown> | undefined
  do {
    const page = await queryMessages(deps.ddb, deps.table, id, {
      limit: DELETE_PAGE_ITEMS,
      startKey,
      keysOnly: true,
    })
    const keys = page.messages.map((m) => ({ conversation_id: m.conversation_id, timestamp: m.timestamp }))
    await batchDelete(deps.ddb, deps.table, keys)
    startKey = page.lastKey
  } while (startKey)
  try {
    await deps.ddb.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: { conversation_id: id, timestamp: META_SORT_KEY },
        ConditionExpression: 'user_id = :uid',
        ExpressionAttributeValues: { ':uid': userId },
      }),
    )
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw conversationNotFound()
    throw error
  }
  return noContent()
}
