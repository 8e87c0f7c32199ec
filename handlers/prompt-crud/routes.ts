import { randomUUID } from 'node:crypto'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda'
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { isConditionalCheckFailed } from '../lib/ddb.js'
import { badRequest, json, jsonBody, noContent, notFound } from '../lib/http.js'
import { limitParam, onlyFields, optionalString, requiredString, stringList, validId } from '../lib/validate.js'

export interface PromptCrudDeps {
  ddb: DynamoDBDocumentClient
  /** Physical name of the prompts table (keys prompt_id + user_id). */
  table: string
  /** GSI with partition key user_id; see handlers/README.md. */
  byUserIndex: string
}

interface PromptItem {
  prompt_id: string
  user_id: string
  title: string
  body: string
  tags: string[]
  created_at: string
  updated_at: string
}

const TITLE_MAX_CHARS = 200
const BODY_MAX_CHARS = 20_000
const TAGS = { maxItems: 10, maxChars: 50 }
const FIELDS = ['title', 'body', 'tags'] as const
const LIST_LIMIT = { fallback: 20, max: 100 }
/** The caller is part of the key, and writes also insist on it, so another user's prompt is simply absent. */
const OWNED = 'attribute_exists(prompt_id) AND user_id = :uid'

const promptNotFound = () => notFound('prompt not found')

function promptView(item: PromptItem) {
  return {
    id: item.prompt_id,
    title: item.title,
    body: item.body,
    tags: item.tags ?? [],
    createdAt: item.created_at,
    updatedAt: item.updated_at,
  }
}

function promptKey(event: APIGatewayProxyEvent, userId: string) {
  return { prompt_id: validId(event.pathParameters?.id, 'id'), user_id: userId }
}

export async function listPrompts(deps: PromptCrudDeps, event: APIGatewayProxyEvent, userId: string) {
  const query = event.queryStringParameters ?? {}
  const limit = limitParam(query.limit, LIST_LIMIT)
  const startKey = decodeCursor(query.cursor, { attributes: ['user_id', 'prompt_id'], pinned: { user_id: userId } })
  const out = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: deps.byUserIndex,
      KeyConditionExpression: 'user_id = :uid',
      ExpressionAttributeValues: { ':uid': userId },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  )
  const items = ((out.Items ?? []) as PromptItem[]).filter((item) => item.user_id === userId)
  return json(200, { prompts: items.map(promptView), nextCursor: encodeCursor(out.LastEvaluatedKey) ?? null })
}

export async function getPrompt(deps: PromptCrudDeps, event: APIGatewayProxyEvent, userId: string) {
  const out = await deps.ddb.send(
    new GetCommand({ TableName: deps.table, Key: promptKey(event, userId), ConsistentRead: true }),
  )
  const item = out.Item as PromptItem | undefined
  if (!item || item.user_id !== userId) throw promptNotFound()
  return json(200, { prompt: promptView(item) })
}

export async function postPrompt(deps: PromptCrudDeps, event: APIGatewayProxyEvent, userId: string) {
  const body = jsonBody(event)
  onlyFields(body, FIELDS)
  const now = new Date().toISOString()
  const item: PromptItem = {
    prompt_id: randomUUID(),
    user_id: userId,
    title: requiredString(body, 'title', TITLE_MAX_CHARS).trim(),
    body: requiredString(body, 'body', BODY_MAX_CHARS),
    tags: stringList(body, 'tags', TAGS) ?? [],
    created_at: now,
    updated_at: now,
  }
  await deps.ddb.send(
    new PutCommand({ TableName: deps.table, Item: item, ConditionExpression: 'attribute_not_exists(prompt_id)' }),
  )
  return json(201, { prompt: promptView(item) })
}

/** Replaces the fields present in the body (at least one of title, body, tags). */
export async function putPrompt(
  deps: PromptCrudDeps,
  event: APIGatewayProxyEvent,
  userId: string,
): Promise<APIGatewayProxyResult> {
  const key = promptKey(event, userId)
  const body = jsonBody(event)
  onlyFields(body, FIELDS)
  const changes: Record<string, unknown> = {
    title: optionalString(body, 'title', TITLE_MAX_CHARS)?.trim(),
    body: optionalString(body, 'body', BODY_MAX_CHARS),
    tags: stringList(body, 'tags', TAGS),
  }
  const fields = Object.keys(changes).filter((field) => changes[field] !== undefined)
  if (fields.length === 0) throw badRequest(`at least one of ${FIELDS.join(', ')} is required`)
  const names: Record<string, string> = {}
  const values: Record<string, unknown> = { ':uid': userId, ':now': new Date().toISOString() }
  for (const field of fields) {
    names[`#${field}`] = field
    values[`:${field}`] = changes[field]
  }
  try {
    const out = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: key,
        UpdateExpression: `SET ${fields.map((f) => `#${f} = :${f}`).join(', ')}, updated_at = :now`,
        ConditionExpression: OWNED,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    )
    return json(200, { prompt: promptView(out.Attributes as PromptItem) })
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw promptNotFound()
    throw error
  }
}

export async function deletePrompt(deps: PromptCrudDeps, event: APIGatewayProxyEvent, userId: string) {
  try {
    await deps.ddb.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: promptKey(event, userId),
        ConditionExpression: OWNED,
        ExpressionAttributeValues: { ':uid': userId },
      }),
    )
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw promptNotFound()
    throw error
  }
  return noContent()
}
