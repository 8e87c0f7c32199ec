// Everything a run needs, built once by a command: the resolved config, lazily created AWS clients, the
// manifest (locked for runs that may write), and the run options.
import { findCallerIdentity, verifyAccount } from '../aws/account.js'
import { AwsClients } from '../aws/clients.js'
import { loadConfig } from '../config/load.js'
import { preflightSteps } from '../steps/preflight.js'
import { validateLocally } from '../validate/index.js'
import type { ResolvedConfig } from '../config/types.js'
import { AccountMismatchError } from '../errors/index.js'
import { ManifestStore } from '../manifest/index.js'
import { WaitLog } from '../aws/waits.js'
import type { EarlyObservations } from '../resources/engine/early.js'
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
  // Every other local check (runtimes, handlers that bundle and export their name) before any AWS call: a bad input
  // exits 2 having changed nothing. An offline plan has no code to compare and skips it; `infra validate` runs it alone.
  if (opts.localChecks === false) preflightSteps(config)
  else if (opts.mode === 'apply' || (opts.mode === 'plan' && !opts.offline)) await validateLocally(config)
  else if (opts.mode === 'plan') preflightSteps(config)
  const dryRun = opts.mode !== 'apply'
  const aws = new AwsClients({ region: config.region, profile: config.profile, dryRun })
  const identity = { service: config.serviceName, env: config.env, region: config.region, account: config.accountId }
  const backend = stateBackend(config, { root: opts.root, dryRun, offline: opts.offline, lease: opts.stateLease })
  const manifest = await ManifestStore.openWith(backend, identity, {
    discardCorrupt: opts.refresh === true && opts.mode === 'apply',
  }).catch((e: unknown) => {
    aws.destroy()
    backend.close?.()
    throw e
  })

  let offline = false
  try {
    offline = await checkAccess(opts, config, aws, manifest)
  } catch (e) {
    aws.destroy() // nothing else will: the caller never gets the context
    await manifest.close().catch(() => undefined)
    throw e
  }
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

/** Apply: the account must match and the manifest is locked. Plan: the account must match; offline without credentials. */
async function checkAccess(
  opts: ContextOptions,
  config: ResolvedConfig,
  aws: AwsClients,
  manifest: ManifestStore,
): Promise<boolean> {
  if (opts.mode === 'apply') {
    await verifyAccount(aws, config.accountId, config.env)
    await manifest.lock({ command: opts.command })
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
