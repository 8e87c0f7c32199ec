// WebSocket API (API Gateway v2) plumbing: the event type and the integration response.
// For routes other than $connect the response is not sent to the client unless a route response is
// configured, so websocket-message also reports errors as frames (see websocket-message/frames.ts).
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda'

export type WebSocketEvent = APIGatewayProxyWebsocketEventV2
export type WebSocketResult = APIGatewayProxyResultV2

export function wsOk(): WebSocketResult {
  return { statusCode: 200 }
}

export function wsError(statusCode: number, code: string, message: string): WebSocketResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code, message } }),
  }
}
