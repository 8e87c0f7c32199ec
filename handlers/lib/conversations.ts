// The conversations table (keys conversation_id S + timestamp S) holds two kinds of item:
//   metadata  timestamp = '#meta', carries user_id (so only metadata items are in the sparse user-index)
//   message   timestamp = '<ISO-8601>#<random>', no user_id; ordered by time, unique under concurrency
// '#' (0x23) sorts before every digit, so `timestamp > '#meta'` selects exactly the messages.
// Ownership lives on the metadata item: read it (and compare user_id) before touching messages.
import { randomBytes, randomUUID } from 'node:crypto'
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Item } from './ddb.js'

export const META_SORT_KEY = '#meta'
export const CONVERSATION_TITLE_MAX_CHARS = 200

export interface ConversationMeta {
  conversation_id: string
  timestamp: typeof META_SORT_KEY
  user_id: string
  title?: string
  created_at: string
  updated_at: string
  message_count: number
}

export type Role = 'user' | 'assistant'

export interface MessageItem {
  conversation_id: string
  timestamp: string
  role: Role
  content: string
  created_at: string
  model_id?: string
  input_tokens?: number
  output_tokens?: number
  stop_reason?: string
}

export function messageSortKey(at: Date): string {
  return `${at.toISOString()}#${randomBytes(6).toString('hex')}`
}

/** The conversation's metadata, or undefined when it does not exist or belongs to someone else. */
export async function findOwnedConversation(
  ddb: DynamoDBDocumentClient,
  table: string,
  conversationId: string,
  userId: string,
): Promise<ConversationMeta | undefined> {
  const out = await ddb.send(
    new GetCommand({
      TableName: table,
      Key: { conversation_id: conversationId, timestamp: META_SORT_KEY },
      ConsistentRead: true,
    }),
  )
  const item = out.Item as ConversationMeta | undefined
  return item && item.user_id === userId ? item : undefined
}

export async function createConversation(
  ddb: DynamoDBDocumentClient,
  table: string,
  userId: string,
  title: string | undefined,
  now = new Date(),
): Promise<ConversationMeta> {
  const at = now.toISOString()
  const item: ConversationMeta = {
    conversation_id: randomUUID(),
    timestamp: META_SORT_KEY,
    user_id: userId,
    ...(title !== undefined ? { title } : {}),
    created_at: at,
    updated_at: at,
    message_count: 0,
  }
  await ddb.send(
    new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(conversation_id)' }),
  )
  return item
}

export interface MessagePage {
  messages: MessageItem[]
  lastKey?: Item
}

export async function queryMessages(
  ddb: DynamoDBDocumentClient,
  table: string,
  conversationId: string,
  page: { limit: number; startKey?: Item; newestFirst?: boolean; keysOnly?: boolean },
): Promise<MessagePage> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'conversation_id = :id AND #ts > :meta',
      ExpressionAttributeNames: { '#ts': 'timestamp' },
      ExpressionAttributeValues: { ':id': conversationId, ':meta': META_SORT_KEY },
      ScanIndexForward: !page.newestFirst,
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
      ...(page.keysOnly ? { ProjectionExpression: 'conversation_id, #ts' } : {}),
    }),
  )
  return { messages: (out.Items ?? []) as MessageItem[], lastKey: out.LastEvaluatedKey }
}

export async function putMessage(ddb: DynamoDBDocumentClient, table: string, message: MessageItem): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: message,
      ConditionExpression: 'attribute_not_exists(conversation_id)',
    }),
  )
}

/** Bumps updated_at and message_count; fails with ConditionalCheckFailed unless the caller owns it. */
export async function touchConversation(
  ddb: DynamoDBDocumentClient,
  table: string,
  conversationId: string,
  userId: string,
  addedMessages: number,
  now = new Date(),
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: { conversation_id: conversationId, timestamp: META_SORT_KEY },
      UpdateExpression: 'SET updated_at = :now ADD message_count :n',
      ConditionExpression: 'user_id = :uid',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':n': addedMessages, ':uid': userId },
    }),
  )
}

export function conversationView(item: ConversationMeta) {
  return {
    id: item.conversation_id,
    title: item.title ?? null,
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    messageCount: item.message_count ?? 0,
  }
}

export function messageView(item: MessageItem) {
  return { id: item.timestamp, role: item.role, content: item.content, createdAt: item.created_at }
}
