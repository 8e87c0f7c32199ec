// Everything a run needs, built once by a command: the resolved config, lazily created AWS clients, the
// manifest (locked for runs that may write), and the run options.
import { findCallerIdentity, verifyAccount } from '../aws/account.js'
import { AwsClients } from '../aws/clients.js'
import { loadConfig } from '../config/load.js'
import { preflightSteps } from '../steps/preflight.js'
import { packageConfiguredCode } from '../validate/index.js'
import type { ResolvedConfig } from '../config/types.js'
import { AccountMismatchError } from '../errors/index.js'
import { ManifestStore } from '../manifest/index.js'
import { WaitLog } from '../aws/waits.js'
import type { EarlyObservations } from '../resources/engine/early.js'
import { observeEarly } from '../runner/observe-early.js'
import type { Step } from '../steps/types.js'
import { stateBackend } from '../manifest/open-backend.js'
import type { LeaseOptions } from '../manifest/s3-lock.js'
import {
  REAL_TIMING,
  type ImportOptions,
  type RemovalOptions,
  type ResourceContext,
  type Timing,
} from '../resources/types.js'

export type RunMode = 'apply' | 'plan' | 'read'

export interface ContextOptions {
  /** Folder holding config.json and environments/; the manifest lives in <root>/.infra/<env>/. */
  root: string
  env?: string
  region?: string
  profile?: string
  command: string
  /** apply: may write (locks the manifest, checks the account); plan: reads AWS only; read: the manifest only. */
  mode: RunMode
  adopt?: boolean
  /** Rebuild a corrupt manifest from AWS (the corrupt file is kept aside). */
  refresh?: boolean
  concurrency?: number
  timing?: Timing
  /** `--canary <percent>` (1–99): new Lambda versions get this share of the alias's traffic. */
  canaryPercent?: number
  /** `--take-over-logging`: the bedrock step may replace the account's invocation logging set by someone else. */
  takeOverLogging?: boolean
  /** `--cert-timeout <minutes>`: how long step 09 waits for ACM to issue a certificate. */
  certTimeoutMinutes?: number
  /** `--wait`: step 07 waits until CloudFront has deployed the distribution. */
  waitForDeploy?: boolean
  /** `--keep-old-files`: step 06 keeps the files the folder no longer has for one more deploy. */
  keepOldFiles?: boolean
  /** false: no packaging check (`outputs --to-ssm` writes what a checked deploy recorded; it builds no code). */
  localChecks?: boolean
  /** Plan from the manifest alone, without any AWS call (not even to find credentials). */
  offline?: boolean
  /** destroy: what it may delete (deploy-all prunes with the defaults: data kept, protection kept). */
  removal?: RemovalOptions
  /** Tests: the S3 state lock's lease and clock. */
  stateLease?: LeaseOptions
  /**
   * The steps about to run: what the manifest records for them is read at once (runner/observe-early.ts), while the
   * local checks finish. The first runSteps on this context takes those reads.
   */
  observe?: Step[]
}

export interface Context {
  config: ResolvedConfig
  aws: AwsClients
  manifest: ManifestStore
  mode: RunMode
  dryRun: boolean
  /** No credentials: plan from the manifest alone. */
  offline: boolean
  adopt: boolean
  concurrency: number
  timing: Timing
  command: string
  canaryPercent?: number
  takeOverLogging?: boolean
  certTimeoutMinutes?: number
  waitForDeploy?: boolean
  keepOldFiles?: boolean
  /** Manifest keys converged in this run, by every step: what a step recorded but did not converge is removed. */
  converged: Set<string>
  removal: RemovalOptions
  /** What this run waited for, and how long (the summary's waits line). */
  waits: WaitLog
  /** `infra import`: the steps run as a plan that adopts what it finds (see ImportOptions). */
  importing?: ImportOptions
  /** Reads the runner started before the steps (runner/observe-early.ts). */
  early?: EarlyObservations
  close(): Promise<void>
}

export const DEFAULT_CONCURRENCY = 4

export async function loadContext(opts: ContextOptions): Promise<Context> {
  // Config first: a user mistake is reported before any AWS call or manifest change.
  const config = await loadConfig({
    root: opts.root,
    env: opts.env,
    flags: { region: opts.region, profile: opts.profile },
  })
  // Every other local check (runtimes, handlers that bundle and export their name) before any AWS write: a bad input
  // exits 2 having changed nothing. Packaging runs beside the reads below (the account, the manifest, the early reads),
  // and the lock and every write come after it; its failure is what the run reports, whatever the reads found.
  const localChecks = startLocalChecks(opts, config)
  const dryRun = opts.mode !== 'apply'
  const aws = new AwsClients({ region: config.region, profile: config.profile, dryRun })
  const backend = stateBackend(config, { root: opts.root, dryRun, offline: opts.offline, lease: opts.stateLease })
  const reads = (async () => {
    // The manifest first: a corrupt local one stops the run before any AWS call.
    const manifest = await ManifestStore.openWith(backend, identityOf(config), {
      discardCorrupt: opts.refresh === true && opts.mode === 'apply',
    })
    const offline = await checkAccount(opts, config, aws)
    const ctx = makeContext(opts, config, aws, manifest, dryRun, offline)
    if (opts.observe) ctx.early = observeEarly(ctx, opts.observe)
    return ctx
  })()
  const [checked, read] = await Promise.allSettled([localChecks, reads])
  if (checked.status === 'rejected' || read.status === 'rejected') {
    aws.destroy() // nothing else will: the caller never gets the context (early reads in flight fail quietly)
    backend.close?.()
    // A local problem is reported first: it is the user's to fix, whatever the reads found.
    throw checked.status === 'rejected' ? checked.reason : (read as PromiseRejectedResult).reason
  }
  const ctx = read.value
  if (opts.mode !== 'apply') return ctx
  try {
    const { changed } = await ctx.manifest.lock({ command: opts.command })
    // Another run changed the manifest while this one read: what was read early may describe an older state.
    if (changed && opts.observe) ctx.early = observeEarly(ctx, opts.observe)
  } catch (e) {
    aws.destroy()
    await ctx.manifest.close().catch(() => undefined)
    throw e
  }
  return ctx
}

/**
 * The local checks of a run: every step's config derivations now (a failure throws before any AWS call), then the
 * packaging, started and returned. An offline plan has no code to compare and packages nothing; `read` checks nothing.
 */
function startLocalChecks(opts: ContextOptions, config: ResolvedConfig): Promise<unknown> {
  if (opts.mode === 'read' && opts.localChecks !== false) return Promise.resolve()
  preflightSteps(config)
  const packaging = opts.localChecks !== false && (opts.mode === 'apply' || (opts.mode === 'plan' && !opts.offline))
  return packaging ? packageConfiguredCode(config) : Promise.resolve()
}

const identityOf = (config: ResolvedConfig) => ({
  service: config.serviceName,
  env: config.env,
  region: config.region,
  account: config.accountId,
})

function makeContext(
  opts: ContextOptions,
  config: ResolvedConfig,
  aws: AwsClients,
  manifest: ManifestStore,
  dryRun: boolean,
  offline: boolean,
): Context {
  return {
    config,
    aws,
    manifest,
    mode: opts.mode,
    dryRun,
    offline,
    adopt: opts.adopt ?? false,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    timing: opts.timing ?? REAL_TIMING,
    command: opts.command,
    ...(opts.canaryPercent !== undefined ? { canaryPercent: opts.canaryPercent } : {}),
    ...(opts.certTimeoutMinutes !== undefined ? { certTimeoutMinutes: opts.certTimeoutMinutes } : {}),
    ...(opts.waitForDeploy ? { waitForDeploy: true } : {}),
    ...(opts.keepOldFiles ? { keepOldFiles: true } : {}),
    ...(opts.takeOverLogging ? { takeOverLogging: true } : {}),
    converged: new Set<string>(),
    removal: opts.removal ?? { mode: 'prune', deleteData: false, disableDeletionProtection: false },
    waits: new WaitLog(),
    async close() {
      aws.destroy()
      await manifest.close()
    },
  }
}

/** What resource modules see of a run: AWS, the run options, the manifest as a recorder, under one step's name. */
export function resourceContext(ctx: Context, stepId: string, log: (message: string) => void): ResourceContext {
  return {
    aws: ctx.aws,
    dryRun: ctx.dryRun,
    offline: ctx.offline,
    adopt: ctx.adopt,
    timing: ctx.timing,
    record: ctx.manifest,
    stepId,
    converged: ctx.converged,
    removal: ctx.removal,
    waits: ctx.waits,
    ...(ctx.importing ? { importing: ctx.importing } : {}),
    ...(ctx.early ? { early: ctx.early } : {}),
    identity: {
      service: ctx.config.serviceName,
      env: ctx.config.env,
      region: ctx.config.region,
      accountId: ctx.config.accountId,
    },
    log,
  }
}

/** Apply: the account must match. Plan: the account must match; offline without credentials. Resolves to offline. */
async function checkAccount(opts: ContextOptions, config: ResolvedConfig, aws: AwsClients): Promise<boolean> {
  if (opts.mode === 'apply') {
    await verifyAccount(aws, config.accountId, config.env)
    return false
  }
  if (opts.mode === 'read') return false
  if (opts.offline) return true
  const caller = await findCallerIdentity(aws)
  if (caller && caller.account !== config.accountId) {
    throw new AccountMismatchError(config.accountId, caller.account, {
      hint: `Use credentials for account ${config.accountId} (--profile); a plan against another account would be wrong.`,
    })
  }
  return !caller
}
