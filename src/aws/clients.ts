// One SDK client per service and region, created on first use, with our retry policy. Resource modules
// import only the client classes they use, so `infra --help` loads no SDK at all.
import { InfraError, StepError } from '../errors/index.js'
import { isNotServiceResponse, isRetryQuotaExhausted, unreachableCode } from './errors.js'
import { APIGATEWAY_PACE, Pacer, pacingMiddleware } from './pacing.js'
import { backoffDelay, sleep, type Backoff } from './retry.js'

/** What we need of any SDK v3 client. */
export interface SdkClient {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void }
  destroy(): void
}
export type ClientClass<T extends SdkClient> = new (config: Record<string, unknown>) => T

export interface ClientSettings {
  region: string
  profile?: string
  /** Dry-run clients refuse every write command before it is signed or sent. */
  dryRun: boolean
  /** Overrides the per-service attempts (1: never resent by the SDK). */
  maxAttempts?: number
}

// Control planes with small fixed quotas get more attempts (reliability rules A1, A6).
const MAX_ATTEMPTS: Record<string, number> = {
  APIGatewayClient: 12,
  ApiGatewayV2Client: 12,
  Route53Client: 12,
  CloudFrontClient: 10,
}
const DEFAULT_MAX_ATTEMPTS = 8
const READ_COMMAND = /^(Describe|Get|List|Head|Query|Scan|BatchGet|Lookup|Search)/

export function isWriteCommand(commandName: string): boolean {
  return !READ_COMMAND.test(commandName)
}

export class DryRunWriteError extends InfraError {
  constructor(commandName: string) {
    super('DryRunWrite', `refusing ${commandName}: this run is a dry run and sends no write call`, {
      hint: 'This is a bug in infra: a write was attempted during a plan. Please report it.',
    })
  }
}

/** Middleware that rejects write commands: the guard that makes `plan` unable to change AWS. */
export function rejectWritesMiddleware() {
  return (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const command = context.commandName ?? 'UnknownCommand'
    if (isWriteCommand(command)) throw new DryRunWriteError(command)
    return next(args)
  }
}

/** The endpoint, not the request, is the problem: unreachable, or not speaking the service's protocol. */
export class EndpointError extends StepError {}

const ENDPOINT_HINT =
  'Check the network, the region (--region, AWS_REGION in the env file) and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, then rerun.'

/** 'ApiGatewayV2Client' → 'apigatewayv2': the service as the SDK's package names it. */
export function serviceOf(clientName: string): string {
  return clientName.replace(/Client$/, '').toLowerCase()
}

/**
 * Says what went wrong in the user's terms once the SDK has given up: "cannot reach <host> (ENOTFOUND)" rather than
 * a bare errno, and "the endpoint <url> does not support <service>:<Operation>" rather than a JSON parse error.
 */
export function endpointErrorsMiddleware(service: string) {
  return (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; endpointV2?: { url?: URL } }) =>
    async (args: unknown) => {
      try {
        return await next(args)
      } catch (e) {
        const url = context.endpointV2?.url
        const code = unreachableCode(e)
        if (code) {
          const host = url?.host ?? (e as { hostname?: string }).hostname ?? `the ${service} endpoint`
          throw new EndpointError(
            'EndpointUnreachable',
            `cannot reach ${host} (${code}): check the network, the region, or AWS_ENDPOINT_URL`,
            { hint: ENDPOINT_HINT, cause: e },
          )
        }
        if (isNotServiceResponse(e)) {
          const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '')
          const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
          throw new EndpointError(
            'EndpointUnsupported',
            `the endpoint ${url?.origin ?? `of ${service}`} does not support ${service}:${operation} (HTTP ${status ?? '?'}, not an AWS response)`,
            { hint: ENDPOINT_HINT, cause: e },
          )
        }
        throw e
      }
    }
}

export interface QuotaBackoff {
  attempts: number
  backoff: Backoff
}

// Reliability rule A2: JS v3's standard strategy throws "No retry token available" once its token bucket is
// empty, instead of retrying. A long provisioning run backs off and tries again (a few times, then gives up).
export const RETRY_QUOTA_BACKOFF: QuotaBackoff = { attempts: 6, backoff: { minMs: 2_000, maxMs: 30_000 } }

export function retryQuotaMiddleware(settings: QuotaBackoff = RETRY_QUOTA_BACKOFF) {
  return (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(args)
      } catch (e) {
        if (!isRetryQuotaExhausted(e) || attempt >= settings.attempts) throw e
        await sleep(backoffDelay(attempt, settings.backoff))
      }
    }
  }
}

/** The endpoint overrides the SDK honours by itself; S3 then needs path-style addressing (LocalStack, moto). */
export function endpointOverridden(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return false
  return !!(env.AWS_ENDPOINT_URL || env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`])
}

// REST (v1) and WebSocket/HTTP (v2) APIs count against the same account-wide API Gateway quota.
const PACED_CLIENTS = new Set(['APIGatewayClient', 'ApiGatewayV2Client'])

export class AwsClients {
  private readonly cache = new Map<string, SdkClient>()
  constructor(
    readonly settings: ClientSettings,
    // Shared with singleAttempt(): API Gateway's quotas count every call, whichever client sends it.
    private readonly pacers = new Map<string, Pacer>(),
  ) {}

  private single?: AwsClients

  /**
   * The same clients, sent once by the SDK (throttling aside, which our call sites retry): for creates that have no
   * idempotency token, where a retry after a lost response would make a second resource. The engine looks first.
   */
  singleAttempt(): AwsClients {
    if (this.settings.maxAttempts === 1) return this
    this.single ??= new AwsClients({ ...this.settings, maxAttempts: 1 }, this.pacers)
    return this.single
  }

  get<T extends SdkClient>(Client: ClientClass<T>, region = this.settings.region): T {
    const key = `${Client.name}@${region}`
    const cached = this.cache.get(key)
    if (cached) return cached as T
    const client = new Client(this.clientConfig(Client.name, region))
    client.middlewareStack.add(endpointErrorsMiddleware(serviceOf(Client.name)), {
      step: 'initialize',
      name: 'infraEndpointErrors',
      priority: 'high',
    })
    if (this.settings.dryRun) {
      client.middlewareStack.add(rejectWritesMiddleware(), {
        step: 'initialize',
        name: 'infraRejectWrites',
        priority: 'high',
      })
    }
    client.middlewareStack.add(retryQuotaMiddleware(), { step: 'initialize', name: 'infraRetryQuota', priority: 'low' })
    if (PACED_CLIENTS.has(Client.name)) {
      client.middlewareStack.add(pacingMiddleware(this.pacer(region)), { step: 'initialize', name: 'infraPacing' })
    }
    this.cache.set(key, client)
    return client
  }

  /** One pacer per region: API Gateway's quotas are per account and region. */
  pacer(region = this.settings.region): Pacer {
    const existing = this.pacers.get(region)
    if (existing) return existing
    const pacer = new Pacer(APIGATEWAY_PACE)
    this.pacers.set(region, pacer)
    return pacer
  }

  clientConfig(clientName: string, region: string): Record<string, unknown> {
    return {
      region,
      ...(this.settings.profile ? { profile: this.settings.profile } : {}),
      // Adaptive adds client-side rate limiting; it fits because each client serves one service and region.
      retryMode: 'adaptive',
      maxAttempts: this.settings.maxAttempts ?? MAX_ATTEMPTS[clientName] ?? DEFAULT_MAX_ATTEMPTS,
      customUserAgent: 'infra',
      ...(clientName === 'S3Client' && endpointOverridden('s3') ? { forcePathStyle: true } : {}),
    }
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy()
    this.cache.clear()
    this.single?.destroy()
  }
}
