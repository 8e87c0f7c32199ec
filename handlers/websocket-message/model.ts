// One Bedrock ConverseStream call, relayed to the client through a ChunkBuffer.
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime'
import type { BedrockRuntimeClient, ConverseStreamOutput, Message } from '@aws-sdk/client-bedrock-runtime'
import type { MessageItem } from '../lib/conversations.js'
import type { ChunkBuffer } from './frames.js'

export interface ModelConfig {
  modelId: string
  maxTokens: number
  guardrail?: { id: string; version: string }
}

export interface Answer {
  /** 'complete': the model finished; 'gone': the client left mid-stream and generation was stopped. */
  outcome: 'complete' | 'gone'
  /** The client left after the whole answer was generated (only its last chunk was lost). */
  clientGone: boolean
  text: string
  usage: { inputTokens: number; outputTokens: number }
  stopReason?: string
}

/** Bedrock failed (before or during the stream); `code` and `message` are safe to show the client. */
export class ModelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options)
    this.name = 'ModelError'
  }
}

const BUSY = { code: 'ModelBusy', message: 'the model is busy; try again in a moment' }
const MODEL_ERRORS: Record<string, { code: string; message: string }> = {
  ThrottlingException: BUSY,
  ServiceUnavailableException: BUSY,
  ServiceQuotaExceededException: BUSY,
  ModelNotReadyException: BUSY,
  ModelTimeoutException: BUSY,
  ValidationException: { code: 'ModelRequestRejected', message: 'the model rejected the request' },
  AccessDeniedException: { code: 'ModelUnavailable', message: 'the model is not available' },
  ResourceNotFoundException: { code: 'ModelUnavailable', message: 'the model is not available' },
}
const DEFAULT_MODEL_ERROR = { code: 'ModelError', message: 'the model could not answer; try again' }

export function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error
  const known = error instanceof Error ? MODEL_ERRORS[error.name] : undefined
  const { code, message } = known ?? DEFAULT_MODEL_ERROR
  return new ModelError(code, message, { cause: error })
}

// Exceptions can arrive as members of the event union as well as thrown by the iterator.
const STREAM_EXCEPTIONS = {
  internalServerException: 'InternalServerException',
  modelStreamErrorException: 'ModelStreamErrorException',
  validationException: 'ValidationException',
  throttlingException: 'ThrottlingException',
  serviceUnavailableException: 'ServiceUnavailableException',
} as const

function streamException(event: ConverseStreamOutput): Error | undefined {
  for (const [member, name] of Object.entries(STREAM_EXCEPTIONS)) {
    if ((event as unknown as Record<string, unknown>)[member] !== undefined) {
      const error = new Error(`${member} in the response stream`)
      error.name = name
      return error
    }
  }
  return undefined
}

/**
 * Converse requires alternating roles starting with 'user'. A turn that failed earlier leaves two user
 * messages in a row; they are merged rather than dropped so the model sees what the user asked.
 */
export function toConverseMessages(history: MessageItem[], userText: string): Message[] {
  const messages: Message[] = []
  for (const item of [...history, { role: 'user', content: userText } as const]) {
    if (!item.content) continue
    const last = messages.at(-1)
    if (last?.role === item.role) last.content?.push({ text: item.content })
    else if (last || item.role === 'user') messages.push({ role: item.role, content: [{ text: item.content }] })
  }
  return messages
}

export async function streamAnswer(
  bedrock: BedrockRuntimeClient,
  model: ModelConfig,
  messages: Message[],
  chunks: ChunkBuffer,
): Promise<Answer> {
  const abort = new AbortController()
  const answer: Answer = {
    outcome: 'complete',
    clientGone: false,
    text: '',
    usage: { inputTokens: 0, outputTokens: 0 },
  }
  let stream: AsyncIterable<ConverseStreamOutput> | undefined
  try {
    const out = await bedrock.send(
      new ConverseStreamCommand({
        modelId: model.modelId,
        messages,
        inferenceConfig: { maxTokens: model.maxTokens },
        ...(model.guardrail
          ? { guardrailConfig: { guardrailIdentifier: model.guardrail.id, guardrailVersion: model.guardrail.version } }
          : {}),
      }),
      { abortSignal: abort.signal },
    )
    stream = out.stream
  } catch (error) {
    throw toModelError(error)
  }
  if (!stream) throw toModelError(new Error('ConverseStream returned no stream'))

  const iterator = stream[Symbol.asyncIterator]()
  let finished = false
  try {
    for (;;) {
      let next: IteratorResult<ConverseStreamOutput>
      try {
        next = await iterator.next()
      } catch (error) {
        throw toModelError(error)
      }
      if (next.done) break
      const event = next.value
      const failure = streamException(event)
      if (failure) throw toModelError(failure)
      const text = event.contentBlockDelta?.delta?.text
      if (text) {
        answer.text += text
        if ((await chunks.add(text)) === 'gone') {
          answer.outcome = 'gone'
          answer.clientGone = true
          abort.abort()
          iterator.return?.().catch(() => undefined)
          return answer
        }
      }
      if (event.messageStop) answer.stopReason = event.messageStop.stopReason
      if (event.metadata?.usage) {
        answer.usage = {
          inputTokens: event.metadata.usage.inputTokens ?? 0,
          outputTokens: event.metadata.usage.outputTokens ?? 0,
        }
      }
    }
    finished = true
  } finally {
    // Stop generating (and paying for) tokens nobody will read.
    if (!finished) abort.abort()
  }
  if ((await chunks.flush()) === 'gone') answer.clientGone = true
  return answer
}
