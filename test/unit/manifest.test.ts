import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { StateError } from '../../src/errors/index.js'
import { HISTORY_LIMIT, ManifestStore, type ManifestIdentity } from '../../src/manifest/index.js'

const ID: ManifestIdentity = { service: 'chat', env: 'dev', region: 'eu-west-1', account: '123456789012' }
const COMMAND = { command: 'deploy-all' }

const temps: string[] = []
async function envDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'infra-manifest-'))
  temps.push(root)
  return path.join(root, '.infra', 'dev')
}
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })))
})

async function locked(dir: string, identity = ID, opts = {}): Promise<ManifestStore> {
  const store = await ManifestStore.open(dir, identity, opts)
  await store.lock(COMMAND)
  return store
}

function table(name: string) {
  return {
    kind: 'dynamodb-table',
    step: 'dynamodb',
    name,
    arn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`,
  }
}

async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, 'utf8'))
}

describe('round trip', () => {
  test('a new store starts empty, and what it records reads back the same, as pretty JSON', async () => {
    const dir = await envDir()
    const store = await locked(dir)
    expect(store.exists).toBe(false)
    expect(store.manifest).toMatchObject({ version: 1, service: 'chat', env: 'dev', resources: {}, history: [] })

    const run = await store.runStarted('deploy-all')
    await store.stepStarted('dynamodb', 'h1')
    await store.journal('dynamodb-table:conversations', {
      operation: 'create',
      kind: 'dynamodb-table',
      name: 'chat-conversations',
      startedAt: new Date().toISOString(),
    })
    await store.recordResource('dynamodb-table:conversations', table('chat-conversations'))
    await store.stepFinished('dynamodb', { tableName: 'chat-conversations' }, 'h1')
    await store.runFinished(run, 'succeeded', { dynamodb: 'created 1' })
    await store.unlock()

    const text = await readFile(path.join(dir, 'manifest.json'), 'utf8')
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`)
    const again = await ManifestStore.open(dir, ID)
    expect(again.exists).toBe(true)
    expect(again.manifest).toEqual(store.manifest)
    expect(again.manifest.pending).toEqual({})
    expect(again.manifest.steps.dynamodb).toMatchObject({
      status: 'done',
      inputHash: 'h1',
      outputs: { tableName: 'chat-conversations' },
    })
    expect(again.manifest.history).toEqual([
      expect.objectContaining({
        id: run,
        command: 'deploy-all',
        status: 'succeeded',
        steps: { dynamodb: 'created 1' },
      }),
    ])
  })

  test('recordResource sets createdAt once and updatedAt each time, and clears the pending entry', async () => {
    const store = await locked(await envDir())
    const key = 'dynamodb-table:messages'
    await store.journal(key, { operation: 'create', kind: 'dynamodb-table', name: 'chat-messages', startedAt: 'x' })
    expect(store.manifest.pending[key]).toBeDefined()
    await store.recordResource(key, table('chat-messages'))
    const first = store.manifest.resources[key]!
    await new Promise((r) => setTimeout(r, 5))
    await store.recordResource(key, { ...table('chat-messages'), attributes: { ttl: 'expiresAt' } })
    const second = store.manifest.resources[key]!
    expect(second.createdAt).toBe(first.createdAt)
    expect(second.updatedAt > first.updatedAt).toBe(true)
    expect(second.attributes).toEqual({ ttl: 'expiresAt' })
    expect(store.manifest.pending).toEqual({})
    await store.forgetResource(key)
    expect(store.manifest.resources[key]).toBeUndefined()
    await store.unlock()
  })

  test('a step keeps its outputs while it reruns, and records the error when it fails', async () => {
    const store = await locked(await envDir())
    await store.stepFinished('iam', { roleArn: 'arn:1' }, 'h1')
    await store.stepStarted('iam', 'h2')
    expect(store.manifest.steps.iam).toMatchObject({
      status: 'running',
      inputHash: 'h2',
      outputs: { roleArn: 'arn:1' },
    })
    expect(store.manifest.steps.iam?.finishedAt).toBeUndefined()
    await store.stepFailed('iam', { code: 'IamCreateFailed', message: 'creating IAM role (chat-exec): denied' })
    expect(store.manifest.steps.iam).toMatchObject({ status: 'failed', error: { code: 'IamCreateFailed' } })
    await store.stepFinished('iam', { roleArn: 'arn:2' }, 'h2')
    expect(store.manifest.steps.iam?.error).toBeUndefined()
    await store.unlock()
  })

  test('history keeps the last HISTORY_LIMIT runs', async () => {
    const store = await locked(await envDir())
    const ids: string[] = []
    for (let i = 0; i < HISTORY_LIMIT + 7; i++) {
      const id = await store.runStarted(`run ${i}`)
      ids.push(id)
      await store.runFinished(id, 'succeeded', {})
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect(store.manifest.history.map((r) => r.id)).toEqual(ids.slice(-HISTORY_LIMIT))
    expect((await readJson(store.file)).history).toHaveLength(HISTORY_LIMIT)
    await store.unlock()
  })
})

describe('writes', () => {
  test('100 concurrent recordResource calls are all kept, in memory and on disk', async () => {
    const dir = await envDir()
    const store = await locked(dir)
    const keys = Array.from({ length: 100 }, (_, i) => `lambda-function:fn${i}`)
    await Promise.all(
      keys.map((k, i) => store.recordResource(k, { kind: 'lambda-function', step: 'lambda', name: `fn${i}` })),
    )
    expect(Object.keys(store.manifest.resources).sort()).toEqual([...keys].sort())
    expect(Object.keys((await readJson(path.join(dir, 'manifest.json'))).resources)).toHaveLength(100)
    await store.unlock()
  })

  test('changes are applied in call order', async () => {
    const store = await locked(await envDir())
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update((m) => {
          order.push(i)
          m.steps.api = { status: 'done', outputs: { last: i } }
        }),
      ),
    )
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect((await readJson(store.file)).steps.api.outputs.last).toBe(19)
    await store.unlock()
  })

  test('a reader never sees a half-written file, no temp file is left, and the backup is the previous run', async () => {
    const dir = await envDir()
    const first = await locked(dir)
    await first.recordResource('iam-role:exec', { kind: 'iam-role', step: 'iam', name: 'chat-exec' })
    await first.unlock()
    const before = await readFile(path.join(dir, 'manifest.json'), 'utf8')

    const store = await locked(dir)
    let writing = true
    let reads = 0
    const reader = (async () => {
      while (writing) {
        JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) // throws on a partial file
        reads++
      }
    })()
    for (let i = 0; i < 30; i++) {
      await store.recordResource(`lambda-function:fn${i}`, {
        kind: 'lambda-function',
        step: 'lambda',
        name: `fn${i}`,
        attributes: { pad: 'x'.repeat(2000) },
      })
    }
    writing = false
    await reader
    await store.unlock()

    expect(reads).toBeGreaterThan(0)
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'manifest.json.backup'])
    expect(await readFile(path.join(dir, 'manifest.json.backup'), 'utf8')).toBe(before)
  })

  test('a change that throws leaves the manifest as it was', async () => {
    const store = await locked(await envDir())
    await store.recordResource('iam-role:exec', { kind: 'iam-role', step: 'iam', name: 'chat-exec' })
    const before = store.manifest
    await expect(
      store.update((m) => {
        delete m.resources['iam-role:exec']
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    await expect(store.update((m) => void ((m.resources.x as any) = { kind: 'x' }))).rejects.toMatchObject({
      code: 'ManifestInvalidChange',
    })
    await expect(
      store.update(async (m) => {
        m.steps.iam = { status: 'done', outputs: {} }
      }),
    ).rejects.toMatchObject({ code: 'ManifestInvalidChange', message: expect.stringContaining('synchronous') })
    expect(store.manifest).toBe(before)
    expect(store.manifest.resources['iam-role:exec']).toBeDefined()
    await store.unlock()
  })

  test('a store that is not locked refuses to write, and shows the file as it was at open', async () => {
    const dir = await envDir()
    const writer = await locked(dir)
    await writer.recordResource('iam-role:exec', { kind: 'iam-role', step: 'iam', name: 'chat-exec' })
    const reader = await ManifestStore.open(dir, ID)
    await writer.recordResource('iam-role:other', { kind: 'iam-role', step: 'iam', name: 'chat-other' })
    expect(Object.keys(reader.manifest.resources)).toEqual(['iam-role:exec'])
    await expect(reader.clearPending('x')).rejects.toMatchObject({ code: 'ManifestNotLocked', exitCode: 3 })
    await writer.unlock()
    await expect(writer.clearPending('x')).rejects.toMatchObject({ code: 'ManifestNotLocked' })
  })

  test('lock() reads the file again: a change made by another run after open() is not overwritten', async () => {
    const dir = await envDir()
    const late = await ManifestStore.open(dir, ID)
    const other = await locked(dir)
    await other.recordResource('iam-role:exec', { kind: 'iam-role', step: 'iam', name: 'chat-exec' })
    await other.unlock()
    await late.lock(COMMAND)
    await late.recordResource('s3-bucket:site', { kind: 's3-bucket', step: 's3', name: 'chat-site' })
    expect(Object.keys((await readJson(late.file)).resources).sort()).toEqual(['iam-role:exec', 's3-bucket:site'])
    await late.unlock()
  })
})

describe('load', () => {
  async function withBackup(): Promise<string> {
    const dir = await envDir()
    for (let i = 0; i < 2; i++) {
      const s = await locked(dir)
      await s.runStarted('deploy-all')
      await s.unlock()
    }
    return dir
  }

  test('invalid JSON is ManifestCorrupt, naming the file and offering the backup and --refresh', async () => {
    const dir = await withBackup()
    await writeFile(path.join(dir, 'manifest.json'), '{"version": 1, "service": ')
    const err = await ManifestStore.open(dir, ID).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StateError)
    expect(err).toMatchObject({ code: 'ManifestCorrupt', exitCode: 3 })
    const { message, hint } = err as StateError
    expect(message).toContain(path.join(dir, 'manifest.json'))
    expect(message).toContain('invalid JSON')
    expect(hint).toContain(`cp ${path.join(dir, 'manifest.json.backup')} ${path.join(dir, 'manifest.json')}`)
    expect(hint).toContain('infra deploy-all --env dev --refresh')
  })

  test('a wrong shape is ManifestCorrupt naming the first problem', async () => {
    const dir = await withBackup()
    const m = await readJson(path.join(dir, 'manifest.json'))
    m.resources['lambda-function:chat'] = { kind: 'lambda-function', step: 'lambda', createdAt: 'x', updatedAt: 'x' }
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(m))
    await expect(ManifestStore.open(dir, ID)).rejects.toMatchObject({
      code: 'ManifestCorrupt',
      message: expect.stringContaining('resources["lambda-function:chat"].name'),
    })
  })

  test('a newer version is ManifestTooNew, even with discardCorrupt', async () => {
    const dir = await withBackup()
    const m = await readJson(path.join(dir, 'manifest.json'))
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, version: 2, newField: {} }))
    const err = await ManifestStore.open(dir, ID, { discardCorrupt: true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ManifestTooNew', hint: expect.stringContaining('written by a newer infra') })
  })

  test('discardCorrupt starts afresh and keeps the corrupt file, set aside only under the lock', async () => {
    const dir = await withBackup()
    await writeFile(path.join(dir, 'manifest.json'), 'not json')
    const store = await ManifestStore.open(dir, ID, { discardCorrupt: true })
    expect(store.corruption?.problem).toContain('invalid JSON')
    expect(store.manifest.history).toEqual([])
    expect(await readFile(path.join(dir, 'manifest.json'), 'utf8')).toBe('not json')

    await store.lock(COMMAND)
    const kept = store.corruption?.keptAs
    expect(kept).toMatch(/manifest\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/)
    expect(await readFile(kept!, 'utf8')).toBe('not json')
    await store.runStarted('deploy-all --refresh')
    await store.unlock()
    expect((await readJson(path.join(dir, 'manifest.json'))).history).toHaveLength(1)
    expect(await readdir(dir)).toContain(path.basename(kept!))
  })

  test('a manifest for another region or account is ManifestMismatch naming both', async () => {
    const dir = await withBackup()
    await expect(ManifestStore.open(dir, { ...ID, region: 'us-east-1' })).rejects.toMatchObject({
      code: 'ManifestMismatch',
      message: expect.stringMatching(/region eu-west-1.*region us-east-1/),
    })
    await expect(ManifestStore.open(dir, { ...ID, account: '210987654321' })).rejects.toMatchObject({
      code: 'ManifestMismatch',
      message: expect.stringMatching(/account 123456789012.*account 210987654321/),
    })
    await expect(ManifestStore.open(dir, { ...ID, service: 'other' })).rejects.toMatchObject({
      code: 'ManifestMismatch',
    })
    const noAccount = await ManifestStore.open(dir, { ...ID, account: undefined })
    expect(noAccount.manifest.account).toBe('123456789012')
  })

  test('an account is recorded when the manifest has none', async () => {
    const dir = await envDir()
    const first = await locked(dir, { ...ID, account: undefined })
    await first.runStarted('plan')
    await first.unlock()
    expect((await readJson(path.join(dir, 'manifest.json'))).account).toBeUndefined()
    const second = await locked(dir)
    expect(second.manifest.account).toBe(ID.account)
    await second.runStarted('deploy-all')
    await second.unlock()
    expect((await readJson(path.join(dir, 'manifest.json'))).account).toBe(ID.account)
  })

  test('the directory is created when missing', async () => {
    const dir = path.join(await envDir(), 'nested')
    const store = await locked(dir)
    await store.runStarted('deploy-all')
    await store.unlock()
    expect(await readdir(dir)).toEqual(['manifest.json'])
  })
})
