// The stateful fake AWS: one FakeAws holds every service fake, installs them on the SDK client classes with
// aws-sdk-client-mock, and logs every call. Service fakes model only what `infra` and the handlers call,
// with AWS's real exception classes, names and messages.
import { mockClient, type AwsStub } from 'aws-sdk-client-mock'

export interface CallRecord {
  service: string
  command: string
  input: any
  write: boolean
  /** The error name when the call failed. */
  error?: string
}

type AnyClass = abstract new (...args: any[]) => any
export type Handler = (input: any) => unknown

/** A service fake: its SDK client class, its command handlers, and its state as JSON for cross-process runs. */
export interface ServiceFake {
  readonly service: string
  readonly client: AnyClass
  handlers(): Array<[command: AnyClass, handler: Handler]>
  toJSON(): unknown
  load(state: any): void
}

const READ_PREFIXES = ['Describe', 'Get', 'List', 'Head', 'Query', 'Scan', 'BatchGet']
export function isWriteCommand(command: string): boolean {
  return !READ_PREFIXES.some((p) => command.startsWith(p))
}

/** Builds an SDK exception the way the SDK's deserializer does: the service's class when it has one. */
export function awsError<T extends Error>(
  Exception: new (opts: any) => T,
  message: string,
  extra: Record<string, unknown> = {},
): T {
  return Object.assign(new Exception({ message, $metadata: { httpStatusCode: 400 }, ...extra }), extra)
}

/** For error codes the SDK models without a class of their own (e.g. ThrottlingException on some services). */
export function namedError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  })
}

export interface Clock {
  now(): number
}

export class FakeAws {
  readonly calls: CallRecord[] = []
  latencyMs = 0
  clock: Clock = { now: () => Date.now() }
  private stubs: AwsStub<any, any, any>[] = []
  private failures = new Map<string, Array<() => Error>>()
  private listeners: Array<(call: CallRecord) => void> = []

  constructor(readonly services: ServiceFake[]) {}

  install(): this {
    for (const fake of this.services) {
      const stub = mockClient(fake.client as any)
      // Catch-all first; the specific behaviours registered after it win.
      stub.onAnyCommand().callsFake(async () => {
        throw new Error(`FakeAws(${fake.service}): command not modelled`)
      })
      for (const [cmd, handler] of fake.handlers()) {
        stub.on(cmd as any).callsFake((input: any) => this.dispatch(fake.service, cmd.name, input, handler))
      }
      this.stubs.push(stub)
    }
    return this
  }

  restore(): void {
    for (const stub of this.stubs) stub.restore()
    this.stubs = []
  }

  /** The next `times` calls of `command` fail with the error (a fresh one each time). */
  failNext(command: string, error: () => Error, times = 1): void {
    const queue = this.failures.get(command) ?? []
    for (let i = 0; i < times; i++) queue.push(error)
    this.failures.set(command, queue)
  }

  onCall(listener: (call: CallRecord) => void): void {
    this.listeners.push(listener)
  }

  writes(): CallRecord[] {
    return this.calls.filter((c) => c.write)
  }

  resetCalls(): void {
    this.calls.length = 0
  }

  service<T extends ServiceFake>(name: string): T {
    const found = this.services.find((s) => s.service === name)
    if (!found) throw new Error(`FakeAws: no service fake named ${name}`)
    return found as T
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.services.map((s) => [s.service, s.toJSON()]))
  }

  load(state: Record<string, unknown>): void {
    for (const s of this.services) if (state[s.service] !== undefined) s.load(state[s.service])
  }

  private async dispatch(service: string, command: string, input: any, handler: Handler): Promise<unknown> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
    const record: CallRecord = { service, command, input: structuredClone(input), write: isWriteCommand(command) }
    this.calls.push(record)
    try {
      const injected = this.failures.get(command)?.shift()
      if (injected) throw injected()
      const output = await handler(input)
      return { $metadata: { httpStatusCode: 200 }, ...(output as object) }
    } catch (e) {
      record.error = (e as Error).name
      throw e
    } finally {
      for (const l of this.listeners) l(record)
    }
  }
}
