// What the client receives: JSON frames posted to its connection through the Management API.
//   { type: 'chunk', conversationId, text }                    a piece of the answer, in order
//   { type: 'done', conversationId, usage, stopReason }        the answer is complete and stored
//   { type: 'error', code, message, conversationId? }          the turn failed; nothing more follows
import { DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi'

export type Frame =
  | { type: 'chunk'; conversationId: string; text: string }
  | {
      type: 'done'
      conversationId: string
      usage: { inputTokens: number; outputTokens: number }
      stopReason?: string
    }
  | { type: 'error'; code: string; message: string; conversationId?: string }

/** 'gone': the client disconnected (GoneException); stop sending to it. */
export type PostOutcome = 'sent' | 'gone'

export function isGone(error: unknown): boolean {
  return error instanceof Error && error.name === 'GoneException'
}

export interface Connection {
  post(frame: Frame): Promise<PostOutcome>
  /** Best effort: asks API Gateway to close the socket; a connection already gone is fine. */
  close(): Promise<void>
}

export function connectionTo(client: ApiGatewayManagementApiClient, connectionId: string): Connection {
  return {
    async post(frame) {
      try {
        const Data = new TextEncoder().encode(JSON.stringify(frame))
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data }))
        return 'sent'
      } catch (error) {
        if (isGone(error)) return 'gone'
        throw error
      }
    },
    async close() {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }))
      } catch (error) {
        if (!isGone(error)) throw error
      }
    },
  }
}

/** Collects small deltas and posts them as one chunk once `flushChars` have accumulated. */
export class ChunkBuffer {
  private pending = ''

  constructor(
    private readonly connection: Connection,
    private readonly conversationId: string,
    private readonly flushChars: number,
  ) {}

  async add(text: string): Promise<PostOutcome> {
    this.pending += text
    return this.pending.length >= this.flushChars ? this.flush() : 'sent'
  }

  async flush(): Promise<PostOutcome> {
    if (this.pending.length === 0) return 'sent'
    const text = this.pending
    this.pending = ''
    return this.connection.post({ type: 'chunk', conversationId: this.conversationId, text })
  }
}
