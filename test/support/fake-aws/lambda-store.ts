// The fake Lambda's store: name/ARN resolution, rendering a FunctionConfiguration, the read-driven
// Pending → Active and InProgress → Successful transitions, publishing, and toJSON/load.
import { createHash } from 'node:crypto'
import type { FunctionConfiguration } from '@aws-sdk/client-lambda'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, type Clock, type FakeEnv } from './core.js'
import {
  conflict,
  invalidParameter,
  isVersion,
  notFound,
  revisionMismatch,
  validationError,
  type FakeLambdaOptions,
  type FunctionState,
  type LayerState,
  type VersionState,
} from './lambda-model.js'
import type { MappingState } from './lambda-event-sources.js'

const FUNCTION_REF =
  /^(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z0-9-]+):(?<account>\d{12}):function:|(?<partialAccount>\d{12}):function:)?(?<name>[a-zA-Z0-9-_]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$/
const FUNCTION_REF_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?'

export class LambdaStore {
  /** How many CreateFunction/UpdateFunctionConfiguration calls naming a role fail before it counts as propagated. */
  rolePropagationFailures: number
  /** See lambda.md: 0 = Active at once; N ≥ 1 = the N-th read after CreateFunction is the first to see Active. */
  describesUntilActive: number
  /** See lambda.md: 0 = Successful at once; N ≥ 1 = the N-th read after an update is the first to see Successful. */
  describesUntilUpdated: number
  /** Same rule for provisioned concurrency: the N-th GetProvisionedConcurrencyConfig is the first to see READY. */
  describesUntilProvisioned: number
  /** Account-level concurrency; Lambda keeps 100 of it unreserved. New accounts often have 10. */
  accountConcurrencyLimit: number

  /** Internal state; tests read it through `fn(name)`. */
  functions: Record<string, FunctionState> = {}
  /** Layers by name; tests read them through `layer(name)`. */
  layers: Record<string, LayerState> = {}
  /** Failed propagation attempts seen so far, per role ARN. */
  roleAttempts: Record<string, number> = {}
  /** Event source mappings by UUID (lambda-event-sources.ts). */
  eventSourceMappings: Record<string, MappingState> = {}
  /** How many CreateEventSourceMapping calls fail as if the role's new read permission had not propagated yet. */
  mappingRoleFailures = 0
  private seq = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }
  private readonly fixed: FakeLambdaOptions

  constructor(opts: FakeLambdaOptions = {}) {
    this.fixed = { accountId: opts.accountId, region: opts.region, clock: opts.clock }
    this.rolePropagationFailures = opts.rolePropagationFailures ?? 0
    this.describesUntilActive = opts.describesUntilActive ?? 1
    this.describesUntilUpdated = opts.describesUntilUpdated ?? 1
    this.describesUntilProvisioned = opts.describesUntilProvisioned ?? 1
    this.accountConcurrencyLimit = opts.accountConcurrencyLimit ?? 1000
  }

  /** FakeAws calls this once: from then on account, region and clock are read from it (unless given to the constructor). */
  attach(env: FakeEnv): void {
    this.env = env
  }

  get accountId(): string {
    return this.fixed.accountId ?? this.env.account
  }

  get region(): string {
    return this.fixed.region ?? this.env.region
  }

  get clock(): Clock {
    return this.fixed.clock ?? this.env.clock
  }

  arn(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`
    return qualifier ? `${base}:${qualifier}` : base
  }

  /** Lambda's date format: 2024-01-31T12:00:00.000+0000. */
  now(): string {
    return new Date(this.clock.now()).toISOString().replace('Z', '+0000')
  }

  /** A UUID-shaped revision id, deterministic for a given sequence of calls (stable snapshots). */
  nextRevision(): string {
    const h = createHash('sha256').update(`revision:${++this.seq}`).digest('hex')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  }

  /** Name, partial ARN or full ARN, each optionally qualified, plus an optional Qualifier parameter. */
  parseRef(ref: string | undefined, qualifier?: string): { name: string; qualifier?: string } {
    const m = FUNCTION_REF.exec(ref ?? '')
    if (!m?.groups) {
      throw validationError(
        `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_REF_PATTERN}`,
      )
    }
    const { region, account, partialAccount, name, qualifier: fromRef } = m.groups
    if (region && region !== this.region) {
      throw notFound(`Functions from '${region}' are not reachable in this region ('${this.region}')`)
    }
    // Another account's function is simply not in this fake account.
    if ((account ?? partialAccount ?? this.accountId) !== this.accountId) throw notFound(`Function not found: ${ref}`)
    if (qualifier && fromRef && qualifier !== fromRef) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.')
    }
    return { name: name!, qualifier: qualifier || fromRef }
  }

  fnOrThrow(name: string, qualifier?: string): FunctionState {
    const fn = this.functions[name]
    if (!fn) throw notFound(`Function not found: ${this.arn(name, qualifier)}`)
    return fn
  }

  /** For the operations that act on the function as a whole (any qualifier in the name is ignored, like Lambda). */
  fnFor(ref: string | undefined): FunctionState {
    return this.fnOrThrow(this.parseRef(ref).name)
  }

  /** The version a qualifier designates, following an alias. */
  target(fn: FunctionState, qualifier: string | undefined): VersionState {
    if (!qualifier || qualifier === '$LATEST') return fn.latest
    const version = isVersion(qualifier) ? qualifier : fn.aliases[qualifier]?.functionVersion
    const found = version === '$LATEST' ? fn.latest : version ? fn.versions[version] : undefined
    if (!found) throw notFound(`Function not found: ${this.arn(fn.name, qualifier)}`)
    return found
  }

  /** A GetFunction/GetFunctionConfiguration of the function: counts towards Active and Successful. */
  observe(fn: FunctionState): void {
    if (fn.state === 'Pending') {
      if (--fn.readsUntilActive <= 0) {
        fn.state = 'Active'
        fn.lastUpdateStatus = 'Successful'
      }
    } else if (fn.lastUpdateStatus === 'InProgress' && --fn.readsUntilUpdated <= 0) {
      fn.lastUpdateStatus = 'Successful'
    }
  }

  /** Lambda refuses any change while the function is being created or updated. */
  assertMutable(fn: FunctionState): void {
    if (fn.state === 'Pending') {
      throw conflict(
        `The operation cannot be performed at this time. The resource ${this.arn(fn.name)} is currently in the following state: 'Pending'. StateReasonCode: 'Creating'`,
      )
    }
    if (fn.lastUpdateStatus === 'InProgress') {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${this.arn(fn.name)}`,
      )
    }
  }

  /** The role of a new function is refused until it has "propagated" (see rolePropagationFailures). */
  checkRolePropagation(role: string): void {
    const seen = this.roleAttempts[role] ?? 0
    if (seen < this.rolePropagationFailures) {
      this.roleAttempts[role] = seen + 1
      throw invalidParameter('The role defined for the function cannot be assumed by Lambda.')
    }
  }

  startUpdate(fn: FunctionState): void {
    fn.readsUntilUpdated = this.describesUntilUpdated
    fn.lastUpdateStatus = this.describesUntilUpdated > 0 ? 'InProgress' : 'Successful'
  }

  /** Publishes $LATEST, or returns the last version when neither code nor configuration changed since. */
  publish(fn: FunctionState, description: string | undefined): VersionState {
    const numbers = Object.keys(fn.versions).map(Number)
    const last = numbers.length ? fn.versions[String(Math.max(...numbers))] : undefined
    if (last && last.fingerprint === fn.latest.fingerprint) return last
    const version = String(++fn.lastVersion)
    const config = { ...structuredClone(fn.latest.config), Description: description ?? fn.latest.config.Description }
    const published: VersionState = {
      ...structuredClone(fn.latest),
      version,
      config,
      revisionId: this.nextRevision(),
      lastModified: this.now(),
    }
    fn.versions[version] = published
    fn.latest.revisionId = this.nextRevision()
    return published
  }

  stateFields(fn: FunctionState): Partial<FunctionConfiguration> {
    if (fn.state === 'Pending') {
      return { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
    }
    if (fn.lastUpdateStatus === 'InProgress') {
      return {
        State: 'Active',
        LastUpdateStatus: 'InProgress',
        LastUpdateStatusReason: 'The function is being created.',
        // Lambda reports this code during updates although the SDK's enum does not list it.
        LastUpdateStatusReasonCode: 'Creating' as FunctionConfiguration['LastUpdateStatusReasonCode'],
      }
    }
    return { State: 'Active', LastUpdateStatus: 'Successful' }
  }

  /** A FunctionConfiguration as Lambda returns it; `arnQualifier` is the qualifier the caller named, if any. */
  render(fn: FunctionState, v: VersionState, arnQualifier?: string): FunctionConfiguration {
    const c = v.config
    return {
      FunctionName: fn.name,
      FunctionArn: this.arn(fn.name, arnQualifier),
      Runtime: c.Runtime,
      Role: c.Role,
      Handler: c.Handler,
      CodeSize: v.code.size,
      Description: c.Description,
      Timeout: c.Timeout,
      MemorySize: c.MemorySize,
      LastModified: v.lastModified,
      CodeSha256: v.code.sha256,
      Version: v.version,
      ...(c.VpcConfig && { VpcConfig: { ...structuredClone(c.VpcConfig), VpcId: 'vpc-0fake0000000000000' } }),
      ...(c.Environment && { Environment: structuredClone(c.Environment) }),
      ...(c.DeadLetterConfig && { DeadLetterConfig: { ...c.DeadLetterConfig } }),
      ...(c.KMSKeyArn && { KMSKeyArn: c.KMSKeyArn }),
      TracingConfig: { ...c.TracingConfig },
      RevisionId: v.revisionId,
      ...(c.Layers.length > 0 && { Layers: c.Layers.map((Arn) => ({ Arn, CodeSize: 0 })) }),
      ...(v.version === '$LATEST' ? this.stateFields(fn) : { State: 'Active', LastUpdateStatus: 'Successful' }),
      PackageType: c.PackageType,
      Architectures: [...(c.Architectures ?? [])],
      EphemeralStorage: { Size: c.EphemeralStorage?.Size ?? 512 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { ...c.LoggingConfig },
    }
  }

  /** The revision a RevisionId precondition is checked against (function, version or alias). */
  checkRevision(current: string, given: string | undefined): void {
    if (given && given !== current) throw revisionMismatch()
  }

  settings() {
    return {
      rolePropagationFailures: this.rolePropagationFailures,
      describesUntilActive: this.describesUntilActive,
      describesUntilUpdated: this.describesUntilUpdated,
      describesUntilProvisioned: this.describesUntilProvisioned,
      accountConcurrencyLimit: this.accountConcurrencyLimit,
    }
  }

  toJSON(): unknown {
    return structuredClone({
      settings: this.settings(),
      seq: this.seq,
      roleAttempts: this.roleAttempts,
      functions: this.functions,
      layers: this.layers,
      eventSourceMappings: this.eventSourceMappings,
    })
  }

  load(state: any): void {
    const s = structuredClone(state ?? {})
    Object.assign(this, s.settings ?? {})
    this.seq = s.seq ?? 0
    this.roleAttempts = s.roleAttempts ?? {}
    this.functions = s.functions ?? {}
    this.layers = s.layers ?? {}
    this.eventSourceMappings = s.eventSourceMappings ?? {}
  }
}
