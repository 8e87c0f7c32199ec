// WebSocket $default / sendMessage: one chat turn, the answer streamed from Bedrock to the client.
import type { Context } from 'aws-lambda'
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi'
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { MissingEnvironmentError, intEnv, once, optionalEnv, requireEnv, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import { logError } from '../lib/log.js'
import { wsError } from '../lib/websocket.js'
import type { WebSocketEvent, WebSocketResult } from '../lib/websocket.js'
import { connectionTo } from './frames.js'
import type { Connection } from './frames.js'
import type { ModelConfig } from './model.js'
import { forgetConnection, runTurn } from './turn.js'
import type { MessageDeps } from './turn.js'

export type { MessageDeps } from './turn.js'

export const MESSAGE_MAX_CHARS = 8000
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const FIELDS = ['action', 'conversationId', 'message']

class RequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RequestError'
  }
}

export function parseRequest(event: WebSocketEvent): { conversationId?: string; message: string } {
  let body: unknown
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body
    body = JSON.parse(text ?? '')
  } catch {
    throw new RequestError('the message must be a JSON object')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError('the message must be a JSON object')
  }
  const fields = body as Record<string, unknown>
  if (Object.keys(fields).some((key) => !FIELDS.includes(key))) {
    throw new RequestError(`unknown field(s); allowed: ${FIELDS.join(', ')}`)
  }
  if (fields.action !== 'sendMessage') throw new RequestError("action must be 'sendMessage'")
  const { conversationId, message } = fields
  if (conversationId !== undefined && (typeof conversationId !== 'string' || !ID_PATTERN.test(conversationId))) {
    throw new RequestError("conversationId must be 1-64 letters, digits, '-' or '_'")
  }
  if (typeof message !== 'string' || message.trim().length === 0 || message.length > MESSAGE_MAX_CHARS) {
    throw new RequestError(`message must be a non-empty string of at most ${MESSAGE_MAX_CHARS} characters`)
  }
  return { ...(conversationId !== undefined ? { conversationId } : {}), message }
}

/** The connection's user, or undefined when the connection is unknown or its TTL has passed. */
async function connectionUser(deps: MessageDeps, connectionId: string): Promise<string | undefined> {
  const out = await deps.ddb.send(
    new GetCommand({ TableName: deps.tables.connections, Key: { connection_id: connectionId }, ConsistentRead: true }),
  )
  const item = out.Item as { user_id?: unknown; ttl?: unknown } | undefined
  if (!item || typeof item.user_id !== 'string') return undefined
  // DynamoDB deletes expired items lazily (within days), so an expired item is still readable.
  const nowS = Math.floor((deps.now ?? (() => new Date()))().getTime() / 1000)
  if (typeof item.ttl === 'number' && item.ttl < nowS) return undefined
  return item.user_id
}

export function createHandler(loadDeps: () => MessageDeps) {
  return async (event: WebSocketEvent, context: Context): Promise<WebSocketResult> => {
    const requestId = context.awsRequestId
    const { connectionId, domainName, stage } = event.requestContext ?? {}
    if (!connectionId || !domainName || !stage) {
      return wsError(400, 'ValidationError', 'the request has no connection id')
    }
    let connection: Connection | undefined
    let userId: string | undefined
    try {
      const deps = loadDeps()
      connection = connectionTo(deps.managementApi(`https://${domainName}/${stage}`), connectionId)
      let request
      try {
        request = parseRequest(event)
      } catch (error) {
        if (!(error instanceof RequestError)) throw error
        await connection.post({ type: 'error', code: 'ValidationError', message: error.message })
        return wsError(400, 'ValidationError', error.message)
      }
      userId = await connectionUser(deps, connectionId)
      if (!userId) {
        const message = 'this connection is not signed in; reconnect with a valid token'
        await connection.post({ type: 'error', code: 'ConnectionUnknown', message })
        await forgetConnection(deps, connectionId)
        await connection.close()
        return wsError(401, 'ConnectionUnknown', message)
      }
      return await runTurn(deps, connection, { requestId, userId, connectionId, ...request })
    } catch (error) {
      const code = error instanceof MissingEnvironmentError ? 'NotConfigured' : 'InternalError'
      logError(requestId, code, 'handling chat message', error, { connectionId, ...(userId ? { userId } : {}) })
      await connection?.post({ type: 'error', code: 'InternalError', message: 'internal error' }).catch(() => undefined)
      return wsError(500, 'InternalError', 'internal error')
    }
  }
}

export function modelConfig(env: Record<string, string | undefined> = process.env): ModelConfig {
  const maxTokens = intEnv('MAX_TOKENS', { env })
  const guardrailId = optionalEnv('GUARDRAIL_ID', env)
  const guardrailVersion = optionalEnv('GUARDRAIL_VERSION', env)
  // A guardrail half-configured is refused rather than silently skipped.
  if (guardrailId && !guardrailVersion) throw new MissingEnvironmentError('GUARDRAIL_VERSION')
  if (guardrailVersion && !guardrailId) throw new MissingEnvironmentError('GUARDRAIL_ID')
  return {
    modelId: requireEnv('BEDROCK_MODEL_ID', env),
    maxTokens,
    ...(guardrailId && guardrailVersion ? { guardrail: { id: guardrailId, version: guardrailVersion } } : {}),
  }
}

const managementClients = new Map<string, ApiGatewayManagementApiClient>()

export const defaultDeps = once((): MessageDeps => ({
  ddb: createDocumentClient(),
  tables: {
    conversations: tableName('conversations'),
    usage: tableName('usage'),
    connections: tableName('websocket-connections'),
  },
  bedrock: new BedrockRuntimeClient({}),
  managementApi: (endpoint) => {
    let client = managementClients.get(endpoint)
    if (!client) managementClients.set(endpoint, (client = new ApiGatewayManagementApiClient({ endpoint })))
    return client
  },
  model: modelConfig(),
}))

export const handler = createHandler(defaultDeps)
