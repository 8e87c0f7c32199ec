// WebSocket $disconnect: forget the connection. Deleting a missing item succeeds, so a repeated or
// late disconnect (the TTL may have removed the item already) is harmless.
import type { Context } from 'aws-lambda'
import { DeleteCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { once, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import { logError } from '../lib/log.js'
import { wsError, wsOk } from '../lib/websocket.js'
import type { WebSocketEvent, WebSocketResult } from '../lib/websocket.js'

export interface DisconnectDeps {
  ddb: DynamoDBDocumentClient
  /** Physical name of the websocket-connections table. */
  table: string
}

export function createHandler(loadDeps: () => DisconnectDeps) {
  return async (event: WebSocketEvent, context: Context): Promise<WebSocketResult> => {
    const connectionId = event.requestContext?.connectionId
    if (!connectionId) return wsError(400, 'ValidationError', 'the request has no connection id')
    try {
      const deps = loadDeps()
      await deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key: { connection_id: connectionId } }))
      return wsOk()
    } catch (error) {
      logError(context.awsRequestId, 'InternalError', 'forgetting websocket connection', error, { connectionId })
      return wsError(500, 'InternalError', 'internal error')
    }
  }
}

export const defaultDeps = once((): DisconnectDeps => ({
  ddb: createDocumentClient(),
  table: tableName('websocket-connections'),
}))

export const handler = createHandler(defaultDeps)
