// One JSON line per event on stdout. Only ids and error metadata are logged, never user content
// (messages, titles, prompt bodies, tokens).
import { optionalEnv } from './env.js'

export interface LogIds {
  userId?: string
  conversationId?: string
  promptId?: string
  connectionId?: string
  /** A machine-readable cause, e.g. an error class name; never user content. */
  reason?: string
}

const MAX_ERROR_MESSAGE_CHARS = 300

const origin = (() => {
  const service = optionalEnv('SERVICE_NAME')
  const stage = optionalEnv('STAGE')
  return { ...(service ? { service } : {}), ...(stage ? { stage } : {}) }
})()

function write(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...origin, ...entry })}\n`)
}

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorName: typeof error }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return {
    errorName: error.name,
    errorMessage: error.message.slice(0, MAX_ERROR_MESSAGE_CHARS),
    ...(status ? { awsStatus: status } : {}),
  }
}

export function logError(requestId: string, code: string, message: string, error: unknown, ids: LogIds = {}): void {
  write({ level: 'error', requestId, code, message, ...ids, ...describeError(error) })
}

export function logWarn(requestId: string, code: string, message: string, ids: LogIds = {}): void {
  write({ level: 'warn', requestId, code, message, ...ids })
}

export function logInfo(requestId: string, code: string, message: string, ids: LogIds = {}): void {
  write({ level: 'info', requestId, code, message, ...ids })
}
