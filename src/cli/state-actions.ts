// What `infra state init|pull|push|migrate` and `infra unlock` do, behind a dynamic import so the SDK loads only when
// one runs.
import path from 'node:path'
import { verifyAccount } from '../aws/account.js'
import { AwsClients } from '../aws/clients.js'
import { loadConfig } from '../config/load.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import type { ManifestBackend } from '../manifest/backend.js'
import { copyManifest, type CopyOutcome } from '../manifest/copy.js'
import { readLock } from '../manifest/lock.js'
import { removeLockDirSync } from '../manifest/lock-dir.js'
import { localBackendOf } from '../manifest/open-backend.js'
import { displayPath, manifestPaths } from '../manifest/paths.js'
import { S3Backend } from '../manifest/s3-backend.js'
import { describeHolder } from '../manifest/s3-lock.js'
import { ensureStateBucket, stateBucketSpec, type StateBucketResult } from '../resources/s3/state-bucket.js'
import { REAL_TIMING, type ResourceContext } from '../resources/types.js'
import type { CommonOptions } from './actions.js'

type S3State = Extract<ResolvedConfig['state'], { backend: 's3' }>

async function configOf(o: CommonOptions): Promise<ResolvedConfig> {
  return loadConfig({ root: rootOf(o), env: o.env, flags: { region: o.region, profile: o.profile } })
}

const rootOf = (o: CommonOptions) => path.dirname(path.resolve(o.config))

function s3StateOf(config: ResolvedConfig, doing: string): S3State {
  if (config.state.backend === 's3') return config.state
  throw new ConfigError(
    'StateNotInS3',
    `${doing}: environment ${config.env} keeps its state locally (config "state" is not backend "s3")`,
    {
      hint: `Set "state": { "backend": "s3", "bucket": "…" } in config.json (or STATE_BACKEND=s3 and STATE_BUCKET in environments/${config.env}.env), then rerun.`,
    },
  )
}

function stateClients(config: ResolvedConfig, state: S3State, dryRun = false): AwsClients {
  return new AwsClients({ region: state.region, profile: config.profile, dryRun })
}

/** `infra state init`: the state bucket, made or brought to its settings; a second run sends no write. */
export async function initState(
  o: CommonOptions & { adopt: boolean; dryRun: boolean },
  log: (line: string) => void,
): Promise<StateBucketResult & { text: string }> {
  const config = await configOf(o)
  const state = s3StateOf(config, 'creating the state bucket')
  const aws = stateClients(config, state, o.dryRun)
  try {
    if (!o.dryRun) await verifyAccount(aws, config.accountId, config.env)
    const ctx: ResourceContext = {
      aws,
      dryRun: o.dryRun,
      offline: false,
      adopt: o.adopt,
      timing: REAL_TIMING,
      record: notRecorded,
      stepId: 'state',
      identity: { service: config.serviceName, env: config.env, region: state.region, accountId: config.accountId },
      log,
    }
    const result = await ensureStateBucket(ctx, stateBucketSpec(state.bucket, state.region, config.tags))
    const changes = result.changes.map((c) => c.field).join(', ')
    const text = `State bucket ${state.bucket} (${state.region}): ${result.action}${changes ? ` (${changes})` : ''}. This environment's state: s3://${state.bucket}/${state.prefix}/manifest.json`
    return { ...result, text }
  } finally {
    aws.destroy()
  }
}

// The state bucket is in no manifest (it holds them): the bucket kind's create and apply never record anything.
const notRecorded: ResourceContext['record'] = {
  manifest: { resources: {}, pending: {} },
  journal: () => Promise.resolve(),
  recordResource: () => Promise.resolve(),
  forgetResource: () => Promise.resolve(),
  clearPending: () => Promise.resolve(),
}

export type CopyDirection = 'pull' | 'push' | 'migrate-to-s3' | 'migrate-to-local'

/** Copies the manifest between this environment's local folder and its S3 state. */
export async function copyState(
  o: CommonOptions & { direction: CopyDirection; force: boolean },
): Promise<CopyOutcome & { text: string }> {
  const config = await configOf(o)
  const state = s3StateOf(config, `state ${o.direction.replace('-to-', ' --to ')}`)
  const aws = stateClients(config, state)
  try {
    await verifyAccount(aws, config.accountId, config.env)
    const local = localBackendOf(config, rootOf(o))
    const remote = new S3Backend(aws, state, config.env)
    const toRemote = o.direction === 'push' || o.direction === 'migrate-to-s3'
    const [from, to]: [ManifestBackend, ManifestBackend] = toRemote ? [local, remote] : [remote, local]
    const identity = { service: config.serviceName, env: config.env, region: config.region, account: config.accountId }
    // migrate never replaces a different manifest; pull and push do with --force.
    const overwriteFlag = o.direction.startsWith('migrate') ? 'state push --force or state pull --force' : '--force'
    const outcome = await copyManifest(from, to, identity, {
      command: `state ${o.direction}`,
      overwrite: o.force && !o.direction.startsWith('migrate'),
      overwriteFlag,
    })
    const retiredAs =
      o.direction === 'migrate-to-s3' ? await local.retire(new Date().toISOString().replace(/[:.]/g, '-')) : undefined
    return { ...outcome, text: copyText(o.direction, outcome, config.env, retiredAs) }
  } finally {
    aws.destroy()
  }
}

function copyText(direction: CopyDirection, c: CopyOutcome, env: string, retiredAs?: string): string {
  const what = `${c.resources} resources, updated ${c.updatedAt}`
  const done = c.unchanged
    ? `${c.to} already holds the manifest of ${c.from} (${what})`
    : `Copied ${c.from} to ${c.to} (${what})`
  if (direction === 'migrate-to-s3')
    return `${done}. Runs of ${env} now read and write it there (config "state"); the local copy was renamed ${retiredAs}.`
  if (direction === 'migrate-to-local')
    return `${done}. Now set STATE_BACKEND=local in environments/${env}.env (or state.backend "local" in config.json): until then runs of ${env} keep using S3. The S3 copy stays in its bucket's versions.`
  return `${done}.`
}

export interface LockReport {
  env: string
  location: string
  locked: boolean
  holder?: string
  /** S3: when the lease was last renewed and whether it has run out. */
  lease?: { renewedAt: string; expired: boolean }
  removed: boolean
}

/** `infra unlock`: shows the lock's holder, asks `confirm`, then removes exactly the lock that was shown. */
export async function unlockState(
  o: CommonOptions,
  confirm: (report: LockReport) => Promise<void>,
): Promise<LockReport & { text: string }> {
  const config = await configOf(o)
  const report =
    config.state.backend === 's3'
      ? await unlockRemote(config, config.state, confirm)
      : await unlockLocal(config, rootOf(o), confirm)
  const text = !report.locked
    ? `${report.location} is not locked: nothing to remove.`
    : report.removed
      ? `Removed the lock on ${report.location} held by ${report.holder}.`
      : `The lock on ${report.location} changed while you confirmed (renewed or replaced): it was left as it is. Rerun \`infra unlock --env ${config.env}\` to see its holder now.`
  return { ...report, text }
}

async function unlockRemote(
  config: ResolvedConfig,
  state: S3State,
  confirm: (report: LockReport) => Promise<void>,
): Promise<LockReport> {
  const aws = stateClients(config, state)
  try {
    const lock = new S3Backend(aws, state, config.env).lock
    const seen = await lock.inspect()
    const base = { env: config.env, location: lock.location, removed: false }
    if (!seen) return { ...base, locked: false }
    const report: LockReport = {
      ...base,
      locked: true,
      holder: seen.holder ? describeHolder(seen.holder) : 'an unknown holder (no holder record)',
      lease: { renewedAt: seen.renewedAt.toISOString(), expired: seen.expired },
    }
    await confirm(report)
    return { ...report, removed: await lock.remove(seen) }
  } finally {
    aws.destroy()
  }
}

async function unlockLocal(
  config: ResolvedConfig,
  root: string,
  confirm: (report: LockReport) => Promise<void>,
): Promise<LockReport> {
  const paths = manifestPaths(path.join(root, '.infra', config.env))
  const base = {
    env: config.env,
    location: displayPath(paths.lock),
    removed: false,
  }
  const seen = await readLock(paths.dir)
  if (!seen) return { ...base, locked: false }
  const h = seen.holder
  const report: LockReport = {
    ...base,
    locked: true,
    holder: h
      ? `pid ${h.pid} on ${h.host} (${h.command}, since ${h.startedAt})`
      : 'an unknown process (no holder record)',
  }
  await confirm(report)
  try {
    removeLockDirSync(paths.lock, h?.token)
  } catch (e) {
    // Released while the user confirmed.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  return { ...report, removed: (await readLock(paths.dir)) === undefined }
}
