// Lambda events and contexts as API Gateway sends them, reduced to what the handlers read.
import { randomUUID } from 'node:crypto'
import type { APIGatewayProxyEvent, Context } from 'aws-lambda'
import type { WebSocketEvent } from '../../../handlers/lib/websocket.js'

export function lambdaContext(awsRequestId: string = randomUUID()): Context {
  return { awsRequestId } as Context
}

export interface RestRequest {
  method: string
  resource: string
  userId?: string
  id?: string
  query?: Record<string, string>
  body?: unknown
}

export function restEvent(req: RestRequest): APIGatewayProxyEvent {
  const path = req.id ? req.resource.replace('{id}', req.id) : req.resource
  return {
    httpMethod: req.method,
    resource: req.resource,
    path,
    pathParameters: req.id ? { id: req.id } : null,
    queryStringParameters: req.query ?? null,
    multiValueQueryStringParameters: null,
    headers: {},
    multiValueHeaders: {},
    stageVariables: null,
    isBase64Encoded: false,
    body: req.body === undefined ? null : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
    requestContext: {
      httpMethod: req.method,
      resourcePath: req.resource,
      path,
      requestId: randomUUID(),
      authorizer: req.userId ? { claims: { sub: req.userId } } : null,
    },
  } as unknown as APIGatewayProxyEvent
}

export interface WsRequest {
  connectionId: string
  routeKey?: string
  body?: unknown
  query?: Record<string, string>
}

export const WS_DOMAIN = 'abc123.execute-api.us-east-1.amazonaws.com'
export const WS_STAGE = 'production'

export function wsEvent(req: WsRequest): WebSocketEvent {
  return {
    requestContext: {
      routeKey: req.routeKey ?? 'sendMessage',
      eventType: req.routeKey === '$connect' ? 'CONNECT' : req.routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
      connectionId: req.connectionId,
      domainName: WS_DOMAIN,
      stage: WS_STAGE,
      requestId: randomUUID(),
      apiId: 'abc123',
    },
    queryStringParameters: req.query,
    isBase64Encoded: false,
    body: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
  } as unknown as WebSocketEvent
}

export function parseBody(result: { body?: string }): any {
  return result.body ? JSON.parse(result.body) : undefined
}
