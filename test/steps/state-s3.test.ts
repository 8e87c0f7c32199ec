// Remote state end to end in process: `state init`, deploys that keep their manifest in S3 (journal and records
// written there, a second run refused while the first holds the lock), migrate both ways, pull/push checks, unlock.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { showStatus } from '../../src/cli/actions.js'
import { copyState, initState, unlockState } from '../../src/cli/state-actions.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { LEASE_MS } from '../../src/manifest/s3-lock.js'
import { loadConfig } from '../../src/config/load.js'
import { loadContext } from '../../src/context/context.js'
import { ManifestStore } from '../../src/manifest/index.js'
import { stateBackend } from '../../src/manifest/open-backend.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { deploy, editConfig, plan, workspace } from '../support/context.js'

const BUCKET = 'new-service-state-887078546492'
const PREFIX = 'infra/new-service-staging/staging'
const MANIFEST_KEY = `${PREFIX}/manifest.json`
const LOCK_KEY = `${PREFIX}/lock.json`
const steps = [iamStep, dynamodbStep]

let aws: AllFakes
let root: string
let opts: { config: string; env: string }
beforeEach(() => {
  aws = createFakeAws().install()
  root = workspace((c) => {
    c.state = { backend: 's3', bucket: 'new-service-state-${ACCOUNT_ID}' }
  })
  opts = { config: path.join(root, 'config.json'), env: 'staging' }
})
afterEach(() => aws.restore())

/** A run holding the state's lock (the store alone: no packaging, unlike a whole context). */
async function holdLock(command = 'test', lease = {}): Promise<ManifestStore> {
  const config = await loadConfig({ root, env: 'staging' })
  const identity = { service: config.serviceName, env: config.env, region: config.region, account: config.accountId }
  const store = await ManifestStore.openWith(
    stateBackend(config, { root, dryRun: false, lease: { warn: () => undefined, ...lease } }),
    identity,
  )
  await store.lock({ command })
  return store
}

const init = () => initState({ ...opts, adopt: false, dryRun: false }, () => undefined)
const manifestInS3 = () => JSON.parse(aws.s3.objectText(BUCKET, MANIFEST_KEY) ?? 'null')
const localManifest = () => path.join(root, '.infra', 'staging', 'manifest.json')

describe('state init', () => {
  test('creates the bucket private, versioned, encrypted and tagged; a second run sends no write', async () => {
    const first = await init()
    expect(first).toMatchObject({ bucket: BUCKET, action: 'created' })
    const bucket = aws.s3.buckets[BUCKET]!
    expect(bucket.versioning).toBe('Enabled')
    expect(bucket.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    })
    expect(bucket.encryption?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256')
    expect(Object.fromEntries(bucket.tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
      'managed-by': 'infra',
      'infra:role': 'state',
    })
    aws.resetCalls()
    expect(await init()).toMatchObject({ action: 'unchanged', changes: [] })
    expect(aws.writes()).toEqual([])
  })

  test('--dry-run sends no write; an environment whose state is local is told how to configure S3', async () => {
    await expect(initState({ ...opts, adopt: false, dryRun: true }, () => undefined)).resolves.toMatchObject({
      action: 'would-create',
    })
    expect(aws.writes()).toEqual([])
    editConfig(root, (c) => delete c.state)
    await expect(init()).rejects.toMatchObject({ code: 'StateNotInS3', exitCode: 2 })
  })

  test('a same-named bucket infra did not make is left alone unless --adopt', async () => {
    await init()
    aws.s3.buckets[BUCKET]!.tags = []
    await expect(init()).rejects.toMatchObject({ code: 'StateBucketUnmanaged' })
    await expect(initState({ ...opts, adopt: true, dryRun: false }, () => undefined)).resolves.toMatchObject({
      action: 'updated',
    })
  })
})

describe('deploys with S3 state', () => {
  test('records every resource in S3, releases the lock, and a second run writes only the state', async () => {
    await init()
    expect((await deploy(root, { steps })).ok).toBe(true)
    const m = manifestInS3()
    expect(Object.keys(m.resources)).toContain('dynamodb-table:conversations')
    expect(m.pending).toEqual({})
    expect(existsSync(localManifest())).toBe(false)
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
    aws.resetCalls()
    expect((await deploy(root, { steps })).ok).toBe(true)
    // The lock and the run's history: nothing else is written.
    const writes = aws.writes().filter((c) => !(c.service === 's3' && c.input.Bucket === BUCKET))
    expect(writes).toEqual([])
    // A plan and status read the state and take no lock: no write at all.
    aws.resetCalls()
    expect((await plan(root, { steps })).ok).toBe(true)
    const { report } = await showStatus({ ...opts, refresh: false })
    expect(Object.keys(report.manifest?.resources ?? {})).toContain('dynamodb-table:conversations')
    expect(aws.writes()).toEqual([])
  })

  test('two concurrent runs: one proceeds, the other exits 3 naming the holder; an expired lease is taken over', async () => {
    await init()
    let time = Date.now()
    const clock = { now: () => time }
    aws.clock = clock
    const first = await holdLock('deploy-all --env staging', { clock })
    try {
      const err = await holdLock('step api --env staging', { clock }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'StateLocked', exitCode: 3 })
      expect((err as Error).message).toContain(`(pid ${process.pid} on`)
      expect((err as Error).message).toContain('deploy-all --env staging, since')
    } finally {
      await first.close()
    }
    // A run killed mid-deploy leaves its lock; once its lease runs out the next run takes it over.
    const killed = await holdLock('deploy-all --env staging', { clock })
    time += LEASE_MS + 1
    const warnings: string[] = []
    const next = await loadContext({
      root,
      env: 'staging',
      command: 'deploy-all --env staging',
      mode: 'apply',
      stateLease: { clock, warn: (m) => warnings.push(m) },
    })
    expect(warnings[0]).toMatch(/took over the lock on s3:\/\/.*lock\.json from .*its lease expired/)
    await next.close()
    await killed.close() // its lock is not its to remove any more: nothing happens
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
  })
})

describe('migrate, pull, push', () => {
  async function deployLocally(): Promise<void> {
    editConfig(root, (c) => delete c.state)
    expect((await deploy(root, { steps })).ok).toBe(true)
    editConfig(root, (c) => {
      c.state = { backend: 's3', bucket: 'new-service-state-${ACCOUNT_ID}' }
    })
  }

  test('migrate --to s3 then --to local carries the same manifest both ways; pull replaces a different one only with --force', async () => {
    await deployLocally()
    await init()
    const local = readFileSync(localManifest(), 'utf8')
    const up = await copyState({ ...opts, direction: 'migrate-to-s3', force: false })
    expect(up).toMatchObject({ unchanged: false, to: `s3://${BUCKET}/${MANIFEST_KEY}` })
    expect(up.text).toMatch(/the local copy was renamed .*manifest\.json\.migrated-/)
    expect(aws.s3.objectText(BUCKET, MANIFEST_KEY)).toBe(local)
    // Nothing reads the local copy by mistake any more.
    expect(existsSync(localManifest())).toBe(false)
    // A run now reads it from S3: nothing to create.
    aws.resetCalls()
    expect((await deploy(root, { steps })).ok).toBe(true)
    expect(aws.writes().filter((c) => c.input.Bucket !== BUCKET)).toEqual([])

    const down = await copyState({ ...opts, direction: 'migrate-to-local', force: false })
    expect(down.text).toContain('Now set STATE_BACKEND=local')
    const pulled = readFileSync(localManifest(), 'utf8')
    expect(pulled).toBe(aws.s3.objectText(BUCKET, MANIFEST_KEY))
    expect(JSON.parse(pulled).history).toHaveLength(2)

    // S3 moves on (another run); the local copy is now different: pull replaces it only with --force.
    expect((await deploy(root, { steps })).ok).toBe(true)
    await expect(copyState({ ...opts, direction: 'pull', force: false })).rejects.toMatchObject({
      code: 'ManifestExists',
      exitCode: 3,
    })
    await expect(copyState({ ...opts, direction: 'migrate-to-local', force: true })).rejects.toMatchObject({
      code: 'ManifestExists',
    })
    await expect(copyState({ ...opts, direction: 'pull', force: true })).resolves.toMatchObject({ unchanged: false })
    expect(readFileSync(localManifest(), 'utf8')).toBe(aws.s3.objectText(BUCKET, MANIFEST_KEY))
    expect(readFileSync(`${localManifest()}.backup`, 'utf8')).toBe(pulled)
    await expect(copyState({ ...opts, direction: 'pull', force: false })).resolves.toMatchObject({ unchanged: true })
  })

  test('a manifest of another environment is refused, and nothing is copied', async () => {
    await deployLocally()
    await init()
    const other = JSON.parse(readFileSync(localManifest(), 'utf8'))
    writeFileSync(localManifest(), JSON.stringify({ ...other, env: 'production' }, null, 2))
    const err = await copyState({ ...opts, direction: 'push', force: true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ManifestMismatch', exitCode: 3 })
    expect((err as Error).message).toContain('recorded for service new-service-staging, env production')
    expect(aws.s3.object(BUCKET, MANIFEST_KEY)).toBeUndefined()
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
  })
})

describe('unlock', () => {
  test('shows the holder, and removes exactly that lock once confirmed', async () => {
    await init()
    const held = await holdLock()
    const shown: string[] = []
    const report = await unlockState(opts, async (lock) => {
      shown.push(`${lock.holder} ${lock.lease?.expired}`)
    })
    expect(shown).toEqual([expect.stringMatching(new RegExp(`\\(pid ${process.pid} on .*, test, since .*\\) false$`))])
    expect(report).toMatchObject({ locked: true, removed: true })
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
    // The run that held it finds out at its next renewal, and writes nothing more.
    await (held.backend.lock as unknown as { renew(): Promise<void> }).renew()
    await expect(held.runStarted('x')).rejects.toMatchObject({ code: 'LockCompromised' })
    await held.close()
    expect(await unlockState(opts, () => Promise.reject(new Error('not asked')))).toMatchObject({ locked: false })
  })

  test('local state: the lock directory left by a run on another machine is shown and removed', async () => {
    editConfig(root, (c) => delete c.state)
    const lockDir = path.join(root, '.infra', 'staging', 'lock')
    mkdirSync(lockDir, { recursive: true })
    const holder = {
      pid: 4242,
      host: 'ci-runner-7',
      command: 'deploy-all',
      startedAt: '2026-12-03T09:00:00Z',
      token: 't',
    }
    writeFileSync(path.join(lockDir, 'holder.json'), JSON.stringify(holder))
    const report = await unlockState(opts, () => Promise.resolve())
    expect(report).toMatchObject({
      locked: true,
      removed: true,
      holder: 'pid 4242 on ci-runner-7 (deploy-all, since 2026-12-03T09:00:00Z)',
    })
    expect(existsSync(lockDir)).toBe(false)
  })

  test('a refusal at the prompt keeps the lock', async () => {
    await init()
    const held = await holdLock()
    await expect(unlockState(opts, () => Promise.reject(new Error('cancelled')))).rejects.toThrow('cancelled')
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeDefined()
    await held.close()
  })
})
