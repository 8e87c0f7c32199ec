// The S3 state backend against the fake S3: conditional writes, the lock's lease (a test clock, no sleeps), takeover.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { hostname } from 'node:os'
import { AwsClients } from '../../src/aws/clients.js'
import { StateError } from '../../src/errors/index.js'
import { ManifestStore, type ManifestIdentity } from '../../src/manifest/index.js'
import { S3Backend } from '../../src/manifest/s3-backend.js'
import { LEASE_MS } from '../../src/manifest/s3-lock.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const ID: ManifestIdentity = { service: 'chat', env: 'dev', region: 'us-east-1' }
const BUCKET = 'chat-state'
const WHERE = { bucket: BUCKET, prefix: 'infra/chat/dev', region: 'us-east-1' }
const MANIFEST_KEY = 'infra/chat/dev/manifest.json'
const LOCK_KEY = 'infra/chat/dev/lock.json'

let aws: AllFakes
let time: number
const clock = { now: () => time }
let warnings: string[]
const clients: AwsClients[] = []

beforeEach(() => {
  time = Date.parse('2026-12-03T10:00:00Z')
  aws = createFakeAws().install()
  aws.clock = clock
  aws.s3.buckets[BUCKET] = {
    name: BUCKET,
    region: 'us-east-1',
    creationDate: time,
    versioning: 'Enabled',
    objects: {},
    recreatedInPlace: 0,
  }
  warnings = []
})
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy()
  aws.restore()
})

function backend(): S3Backend {
  const c = new AwsClients({ region: 'us-east-1', dryRun: false })
  clients.push(c)
  return new S3Backend(c, WHERE, 'dev', { clock, warn: (m) => warnings.push(m) })
}

async function run(command = 'deploy-all --env dev'): Promise<ManifestStore> {
  const store = await ManifestStore.openWith(backend(), ID)
  await store.lock({ command })
  return store
}

const manifestInS3 = () => JSON.parse(aws.s3.objectText(BUCKET, MANIFEST_KEY) ?? 'null')
const lockInS3 = () => JSON.parse(aws.s3.objectText(BUCKET, LOCK_KEY) ?? 'null')

describe('S3 state', () => {
  test('the first write creates the manifest (If-None-Match), later ones replace the version read (If-Match)', async () => {
    const store = await run()
    await store.runStarted('deploy-all')
    await store.recordResource('iam-role:exec', { kind: 'iam-role', step: 'iam', name: 'chat-exec' })
    const puts = aws.calls.filter((c) => c.command === 'PutObjectCommand' && c.input.Key === MANIFEST_KEY)
    expect(puts.map((c) => c.input.IfNoneMatch ?? `IfMatch ${c.input.IfMatch}`)).toEqual([
      '*',
      `IfMatch ${puts[0] && aws.s3.buckets[BUCKET]!.objects[MANIFEST_KEY]![0]!.etag}`,
    ])
    expect(manifestInS3().resources['iam-role:exec'].name).toBe('chat-exec')
    // Every version is kept by the bucket: the backup and the history.
    expect(aws.s3.buckets[BUCKET]!.objects[MANIFEST_KEY]).toHaveLength(2)
    await store.close()
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
  })

  test('two concurrent runs: one proceeds, the other exits 3 naming the holder', async () => {
    const first = await run('deploy-all --env dev')
    const second = await ManifestStore.openWith(backend(), ID)
    const err = await second.lock({ command: 'step api --env dev' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StateError)
    expect(err).toMatchObject({ code: 'StateLocked', exitCode: 3 })
    const { message, hint } = err as StateError
    expect(message).toContain(`s3://${BUCKET}/${LOCK_KEY}) is locked by`)
    expect(message).toContain(
      `(pid ${process.pid} on ${hostname()}, deploy-all --env dev, since 2026-12-03T10:00:00.000Z)`,
    )
    expect(hint).toContain('infra unlock --env dev')
    expect(lockInS3().holder.command).toBe('deploy-all --env dev')
    await first.runStarted('deploy-all')
    await first.close()
  })

  test('a lease that expired (its holder was killed) is taken over, naming the old holder', async () => {
    const killed = await run('deploy-all --env dev')
    await killed.runStarted('deploy-all')
    time += LEASE_MS + 1_000
    const next = await run('deploy-all --env dev (next)')
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `took over the lock on s3://${BUCKET}/${LOCK_KEY} from .*deploy-all --env dev, since .*: its lease expired at 2026-12-03T10:01:00.000Z`,
        ),
      ),
    ])
    expect(lockInS3().holder.command).toBe('deploy-all --env dev (next)')
    // The old holder, should it come back, writes nothing more.
    await expect(killed.stepStarted('api', 'h')).rejects.toMatchObject({ code: 'LockCompromised' })
    await next.runStarted('deploy-all')
    expect(manifestInS3().history).toHaveLength(2)
    await next.close()
  })

  test('a renewed lease stays held; a renewal that finds the lock taken loses it', async () => {
    const holder = await run()
    time += LEASE_MS - 1_000
    await holder.backend.lock.verify()
    await (holder.backend.lock as unknown as { renew(): Promise<void> }).renew()
    time += LEASE_MS - 1_000
    await expect(run('other')).rejects.toMatchObject({ code: 'StateLocked' })
    // Someone removes the lock (infra unlock) and another run takes it.
    aws.s3.buckets[BUCKET]!.objects[LOCK_KEY] = []
    const other = await run('other')
    await (holder.backend.lock as unknown as { renew(): Promise<void> }).renew()
    expect(warnings.at(-1)).toContain('lost the lock')
    await expect(holder.runStarted('x')).rejects.toMatchObject({ code: 'LockCompromised' })
    await other.close()
  })

  test('a write based on a stale copy is refused, and the other run’s write is kept', async () => {
    const stale = await run()
    await stale.runStarted('deploy-all')
    // Another run wrote meanwhile (its lock was removed by hand, say).
    const text = aws.s3.objectText(BUCKET, MANIFEST_KEY)!
    const theirs = { ...JSON.parse(text), steps: { api: { status: 'done', outputs: { url: 'theirs' } } } }
    aws.s3.putObjectOutOfBand(BUCKET, MANIFEST_KEY, JSON.stringify(theirs, null, 2))
    const err = await stale.stepStarted('iam', 'h').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ManifestChanged', exitCode: 3 })
    expect((err as StateError).message).toContain(
      `writing manifest (s3://${BUCKET}/${MANIFEST_KEY}): it changed since this run read it`,
    )
    expect(manifestInS3().steps.api.outputs.url).toBe('theirs')
    await stale.close()
  })

  test('a conditional write that meets another in flight (409) is retried; one whose response was lost is recognised', async () => {
    const store = await run()
    aws.s3.conditionalConflicts = 1
    await store.runStarted('a')
    // The SDK resent a write that had succeeded: S3 answers 412, but the object is what we wrote.
    aws.loseNextResponse('PutObject', () => aws.errorFor('PutObject', 'PreconditionFailed'))
    await store.runStarted('b')
    await store.runStarted('c')
    expect(manifestInS3().history.map((r: { command: string }) => r.command)).toEqual(['a', 'b', 'c'])
    await store.close()
  })

  test('unlock removes only its own lock (If-Match)', async () => {
    const store = await run()
    time += LEASE_MS + 1
    const taker = await run('taker')
    await store.close()
    expect(lockInS3().holder.command).toBe('taker')
    await taker.close()
    expect(aws.s3.object(BUCKET, LOCK_KEY)).toBeUndefined()
  })

  test('a missing bucket is a StateError naming state init', async () => {
    delete aws.s3.buckets[BUCKET]
    const err = await ManifestStore.openWith(backend(), ID).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'StateUnavailable', exitCode: 3 })
    expect((err as StateError).hint).toContain('infra state init --env dev')
  })
})
