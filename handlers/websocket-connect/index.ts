// WebSocket $connect: verify the Cognito ID token from `?token=` and record the connection.
// Without USER_POOL_ID and USER_POOL_CLIENT_ID every connection is refused (fail closed).
import type { Context } from 'aws-lambda'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { CognitoJwtVerifier } from 'aws-jwt-verify'
import { MissingEnvironmentError, once, requireEnv, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import { logError, logWarn } from '../lib/log.js'
import { wsError, wsOk } from '../lib/websocket.js'
import type { WebSocketEvent, WebSocketResult } from '../lib/websocket.js'

/** Resolves to the token's subject when the token is valid for this pool and client; rejects otherwise. */
export type TokenVerifier = (token: string) => Promise<{ sub: string }>

export interface ConnectDeps {
  ddb: DynamoDBDocumentClient
  /** Physical name of the websocket-connections table. */
  table: string
  verifyToken: TokenVerifier
  now?: () => Date
}

/** Long enough for a chat session; API Gateway itself closes a WebSocket after 2 hours. */
export const CONNECTION_TTL_S = 2 * 60 * 60
const MAX_TOKEN_CHARS = 8192

class AuthNotConfiguredError extends Error {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : 'invalid configuration'
    super(`configuring the Cognito token verifier: ${reason}`, { cause })
    this.name = 'AuthNotConfiguredError'
  }
}

/** The aws-jwt-verify verifier for ID tokens of the pool and app client named in the environment. */
export function createCognitoVerifier(env: Record<string, string | undefined> = process.env) {
  return CognitoJwtVerifier.create({
    userPoolId: requireEnv('USER_POOL_ID', env),
    clientId: requireEnv('USER_POOL_CLIENT_ID', env),
    tokenUse: 'id',
  })
}

export function verifyWith(verifier: ReturnType<typeof createCognitoVerifier>): TokenVerifier {
  return async (token) => ({ sub: (await verifier.verify(token)).sub })
}

/** Fails closed: without a usable pool configuration the verifier refuses every token. */
export function cognitoTokenVerifier(env: Record<string, string | undefined> = process.env): TokenVerifier {
  try {
    return verifyWith(createCognitoVerifier(env))
  } catch (error) {
    const refusal = new AuthNotConfiguredError(error)
    return () => Promise.reject(refusal)
  }
}

export function createHandler(loadDeps: () => ConnectDeps) {
  return async (event: WebSocketEvent, context: Context): Promise<WebSocketResult> => {
    const requestId = context.awsRequestId
    const connectionId = event.requestContext?.connectionId
    try {
      if (!connectionId) return wsError(400, 'ValidationError', 'the request has no connection id')
      const deps = loadDeps()
      const token = event.queryStringParameters?.token
      if (!token || token.length > MAX_TOKEN_CHARS) {
        return wsError(401, 'Unauthorized', 'a valid ID token is required in the token query parameter')
      }
      let userId: string
      try {
        userId = (await deps.verifyToken(token)).sub
      } catch (error) {
        if (error instanceof AuthNotConfiguredError) throw error
        // The error class (JwtExpiredError, JwtInvalidIssuerError, ...) says why; the token is never logged.
        const reason = error instanceof Error ? error.constructor.name : typeof error
        logWarn(requestId, 'InvalidToken', 'refusing websocket connection', { connectionId, reason })
        return wsError(401, 'Unauthorized', 'a valid ID token is required in the token query parameter')
      }
      const now = (deps.now ?? (() => new Date()))()
      await deps.ddb.send(
        new PutCommand({
          TableName: deps.table,
          Item: {
            connection_id: connectionId,
            user_id: userId,
            connected_at: now.toISOString(),
            ttl: Math.floor(now.getTime() / 1000) + CONNECTION_TTL_S,
          },
        }),
      )
      return wsOk()
    } catch (error) {
      const code =
        error instanceof AuthNotConfiguredError || error instanceof MissingEnvironmentError
          ? 'NotConfigured'
          : 'InternalError'
      logError(requestId, code, 'accepting websocket connection', error, connectionId ? { connectionId } : {})
      return wsError(500, 'InternalError', 'internal error')
    }
  }
}

export const defaultDeps = once((): ConnectDeps => ({
  ddb: createDocumentClient(),
  table: tableName('websocket-connections'),
  verifyToken: cognitoTokenVerifier(),
}))

export const handler = createHandler(defaultDeps)
