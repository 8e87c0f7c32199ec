import type { ResolvedConfig } from '../config/types.js'
import type { Ensured, ResourceContext } from '../resources/types.js'
import type { Outputs, StepOutputs, Upstream } from './outputs.js'

export const STEP_IDS = [
  'iam',
  'dynamodb',
  'lambda',
  'api',
  'websocket',
  's3',
  'cloudfront',
  'cognito',
  'dns',
  'bedrock',
  'monitoring',
  'parameters',
] as const
export type StepId = (typeof STEP_IDS)[number]

export type { Outputs, StepOutputs, Upstream } from './outputs.js'

export interface StepContext extends ResourceContext {
  config: ResolvedConfig
  /** Outputs of the steps this one needs (from this run, or the manifest when they did not run now). */
  upstream: Upstream
  /** One line per resource converged: the runner shows it and sums it up. */
  report(result: Ensured): void
  /**
   * The step's outputs are final before the step is done (its remaining work is waiting on AWS): the steps that need
   * it may start now (runner/readiness.ts). What run() returns later must be the same outputs.
   */
  publish?(outputs: Outputs): void
  /** `--canary <percent>`: the lambda step routes this share of traffic to new versions instead of all of it. */
  canaryPercent?: number
  /** `--take-over-logging`: the bedrock step may replace the account's invocation logging set by someone else. */
  takeOverLogging?: boolean
  /** `--cert-timeout <minutes>`: how long step 09 waits for ACM to issue a certificate before moving on. */
  certTimeoutMinutes?: number
  /** `--wait`: step 07 waits (with a deadline) until CloudFront has deployed the distribution. */
  waitForDeploy?: boolean
  /** `--keep-old-files`: step 06 keeps the files the folder no longer has for one more deploy. */
  keepOldFiles?: boolean
  /** What prepare() returned, when the step has one. */
  prepared?: unknown
  /** The read readAhead() started at the start of the run, when the step has one and the run read early. */
  readAhead?: Promise<unknown>
}

export interface PrepareContext {
  config: ResolvedConfig
  offline: boolean
  log: (message: string) => void
}

export interface Step<Id extends StepId = StepId> {
  id: Id
  /** The manual's number: `infra step 02` and `infra step dynamodb` are the same. */
  number: number
  title: string
  /** Steps whose outputs this one reads; the runner orders by this, not by number. */
  needs: StepId[]
  /**
   * Steps whose outputs this one uses when they are there (the lambda step and step 10's guardrail): waited for, but
   * one that failed does not skip this step, which runs without its outputs and says so.
   */
  softNeeds?: StepId[]
  /**
   * What this step converges: its config slice, and what prepare() made (e.g. code hashes); hashed with the upstream
   * outputs to tell what changed since the last run.
   */
  inputs(config: ResolvedConfig, prepared?: unknown): unknown
  /**
   * Local work that needs no upstream output (packaging code): the runner starts it when the run starts, so it
   * overlaps the steps this one waits for. Its result reaches run() as `ctx.prepared`.
   */
  prepare?(ctx: PrepareContext): Promise<unknown>
  /**
   * A read that needs nothing from other steps nor from the manifest (Bedrock's model list): started with the early
   * reads at the start of the run (runner/observe-early.ts), so the step does not wait for it when its turn comes. It
   * reaches run() as `ctx.readAhead`; a run that did not start it (offline, import) leaves that undefined.
   */
  readAhead?(ctx: ResourceContext, config: ResolvedConfig): Promise<unknown>
  /**
   * Derives every spec this step would from config alone (what upstream steps output is not known yet), so that a
   * config problem only the step's own derivation finds (a name too long once expanded) stops the run before any AWS
   * call instead of mid-run. Pure; throws ConfigError.
   */
  preflight?(config: ResolvedConfig): void
  /** Idempotent: observes every resource, changes only what differs. */
  run(ctx: StepContext): Promise<StepOutputs[Id]>
}
