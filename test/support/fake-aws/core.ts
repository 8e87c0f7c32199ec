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

export const DEFAULT_ACCOUNT = '887078546492'
export const DEFAULT_REGION = 'us-east-1'

/** What every service fake shares: the caller's account, the one region modelled, and the clock. */
export interface FakeEnv {
  account: string
  region: string
  clock: Clock
}

/** A service fake: its SDK client class, its command handlers, and its state as JSON for cross-process runs. */
export interface ServiceFake {
  readonly service: string
  readonly client: AnyClass
  /** The SDK module (`import * as sdk`), so a fault injected by name gets the service's own exception class. */
  readonly sdk?: Record<string, unknown>
  handlers(): Array<[command: AnyClass, handler: Handler]>
  toJSON(): unknown
  load(state: any): void
  /** Called once by FakeAws's constructor: read account, region and clock from `env` from then on. */
  attach?(env: FakeEnv): void
}

/** A command's output without `$metadata`, which FakeAws adds. */
export type Out<T> = Omit<T, '$metadata'>

type InputOf<C> = C extends new (...args: any[]) => { input: infer I } ? I : never

/**
 * One handler entry, typed by the command's input. The input is cloned before the handler sees it and the
 * output after, so neither the caller nor the fake can alias the other's objects.
 */
export function on<C extends new (...args: any[]) => { input: unknown }>(
  command: C,
  fn: (input: NonNullable<InputOf<C>>) => unknown,
): [command: AnyClass, handler: Handler] {
  return [
    command,
    (input: any) => {
      const out = fn(structuredClone(input ?? {}))
      return out instanceof Promise ? out.then((o) => structuredClone(o)) : structuredClone(out)
    },
  ]
}

/** `CreateTableCommand` and `CreateTable` both name the operation `CreateTable`. */
export function operationName(command: string): string {
  return command.replace(/Command$/, '')
}

const SERVER_FAULT = /ServiceFailure|InternalServer|InternalFailure|ServiceUnavailable|ServiceException$/

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

export class FakeAws implements FakeEnv {
  readonly calls: CallRecord[] = []
  latencyMs = 0
  clock: Clock = { now: () => Date.now() }
  account = DEFAULT_ACCOUNT
  region = DEFAULT_REGION
  private stubs: AwsStub<any, any, any>[] = []
  private failures = new Map<string, Array<() => Error>>()
  private lostResponses = new Map<string, Array<() => Error>>()
  private listeners: Array<(call: CallRecord) => void> = []

  constructor(readonly services: ServiceFake[]) {
    for (const s of services) s.attach?.(this)
  }

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

  /** The next `times` calls of `command` (`CreateTable` or `CreateTableCommand`) fail with the error (a fresh one each time). */
  failNext(command: string, error: () => Error, times = 1): void {
    const op = operationName(command)
    const queue = this.failures.get(op) ?? []
    for (let i = 0; i < times; i++) queue.push(error)
    this.failures.set(op, queue)
  }

  /**
   * The next call of `command` is carried out, but its response is lost: the caller gets `error` instead (default a
   * 500, as when AWS fails after acting or the connection drops; an "already exists" models the SDK's own retry).
   */
  loseNextResponse(command: string, error?: () => Error): void {
    const op = operationName(command)
    const queue = this.lostResponses.get(op) ?? []
    queue.push(error ?? (() => this.errorFor(command, 'ServiceUnavailable', 'injected: response lost')))
    this.lostResponses.set(op, queue)
  }

  /**
   * An error as the SDK would raise AWS's error `code` for `command`: the service's exception class when its SDK
   * has one (`ServiceFailure` → IAM's ServiceFailureException), else its base ServiceException named `code`.
   */
  errorFor(command: string, code: string, message = `injected ${code}`): Error {
    const op = operationName(command)
    const fake = this.services.find((s) => s.handlers().some(([cmd]) => operationName(cmd.name) === op))
    const sdk = fake?.sdk ?? {}
    const isClass = (v: unknown): v is new (o: any) => Error => typeof v === 'function' && v.prototype instanceof Error
    const own = [code, `${code}Exception`].map((n) => sdk[n]).find(isClass)
    const base = Object.entries(sdk).find(([n, v]) => n.endsWith('ServiceException') && isClass(v))?.[1]
    if (own) {
      const e = new own({ message, $metadata: {} }) as Error & { $fault?: string; $metadata: any }
      e.$metadata = { httpStatusCode: e.$fault === 'server' ? 500 : 400 }
      return e
    }
    const status = SERVER_FAULT.test(code) ? 500 : 400
    if (isClass(base)) {
      const fault = status >= 500 ? 'server' : 'client'
      return new base({ name: code, $fault: fault, message, $metadata: { httpStatusCode: status } })
    }
    return namedError(code, message, status)
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
      const injected = this.failures.get(operationName(command))?.shift()
      if (injected) throw injected()
      const output = await handler(input)
      const lost = this.lostResponses.get(operationName(command))?.shift()
      if (lost) throw lost()
      return { $metadata: { httpStatusCode: 200 }, ...(output as object) }
    } catch (e) {
      record.error = (e as Error).name
      throw e
    } finally {
      for (const l of this.listeners) l(record)
    }
  }
}
