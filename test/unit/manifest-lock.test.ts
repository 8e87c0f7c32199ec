import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest'
import { StateError } from '../../src/errors/index.js'
import { ManifestStore, readLock, type ManifestIdentity } from '../../src/manifest/index.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MANIFEST_MODULE = new URL('../../src/manifest/index.ts', import.meta.url).href
const ID: ManifestIdentity = { service: 'chat', env: 'dev', region: 'eu-west-1' }

const temps: string[] = []
async function envDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'infra-lock-'))
  temps.push(root)
  return path.join(root, '.infra', 'dev')
}
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })))
})

/** Another `infra` process: opens the store, locks it, says so, and waits to be killed. */
async function holderProcess(dir: string): Promise<ChildProcess> {
  const code = `
    const { ManifestStore } = await import(${JSON.stringify(MANIFEST_MODULE)})
    const store = await ManifestStore.open(${JSON.stringify(dir)}, ${JSON.stringify(ID)})
    await store.lock({ command: 'deploy-all --env dev' })
    await store.runStarted('deploy-all --env dev')
    process.stdout.write('locked\\n')
    setInterval(() => {}, 1000)
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve())
    child.on('exit', (code, signal) => reject(new Error(`holder exited (${code ?? signal}): ${stderr}`)))
  })
  return child
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function fakeLock(dir: string, holder: Record<string, unknown>): Promise<void> {
  await mkdir(path.join(dir, 'lock'), { recursive: true })
  await writeFile(path.join(dir, 'lock', 'holder.json'), JSON.stringify(holder))
}

describe('lock', () => {
  test('a second run is refused with StateLocked naming the holder in the other process', async () => {
    const dir = await envDir()
    const child = await holderProcess(dir)
    const store = await ManifestStore.open(dir, ID)
    const err = await store.lock({ command: 'deploy-all' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StateError)
    const { code, message, hint, exitCode } = err as StateError
    expect({ code, exitCode }).toEqual({ code: 'StateLocked', exitCode: 3 })
    expect(message).toMatch(
      new RegExp(`is locked by pid ${child.pid} on ${hostname()} \\(deploy-all --env dev, since \\d{4}-\\d\\d-\\d\\dT`),
    )
    expect(hint).toContain(`rm -r ${path.join(dir, 'lock')}`)
    // Refused before writing anything: the holder's manifest is intact.
    expect(store.manifest.history).toHaveLength(1)
    await expect(store.runStarted('deploy-all')).rejects.toMatchObject({ code: 'ManifestNotLocked' })
  })

  test('a lock whose holder was killed is taken over at once', async () => {
    const dir = await envDir()
    const child = await holderProcess(dir)
    child.kill('SIGKILL')
    await exited(child)
    expect(existsSync(path.join(dir, 'lock'))).toBe(true) // SIGKILL leaves it behind

    const started = Date.now()
    const store = await ManifestStore.open(dir, ID)
    await store.lock({ command: 'deploy-all' })
    expect(Date.now() - started).toBeLessThan(2_000) // well before the 10 s staleness
    expect((await readLock(dir))?.holder).toMatchObject({ pid: process.pid, command: 'deploy-all' })
    expect(store.manifest.history).toHaveLength(1) // what the killed run recorded
    await store.runStarted('deploy-all')
    await store.unlock()
    expect((await readdir(dir)).filter((f) => f.startsWith('lock'))).toEqual([])
  })

  test('two takers of a dead lock: one wins, the other is told who', async () => {
    const dir = await envDir()
    await fakeLock(dir, { pid: 2 ** 22 + 1, host: hostname(), command: 'deploy-all', startedAt: 'then', token: 'dead' })
    const a = await ManifestStore.open(dir, ID)
    const b = await ManifestStore.open(dir, ID)
    const results = await Promise.allSettled([a.lock({ command: 'a' }), b.lock({ command: 'b' })])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toMatchObject({ code: 'StateLocked', message: expect.stringContaining(`pid ${process.pid}`) })
    await a.unlock()
    await b.unlock()
  })

  test('a holder with our own pid but another token is an earlier process (a reused pid) and is taken over', async () => {
    const dir = await envDir()
    await fakeLock(dir, { pid: process.pid, host: hostname(), command: 'old', startedAt: 'then', token: 'earlier' })
    const store = await ManifestStore.open(dir, ID)
    await store.lock({ command: 'deploy-all' })
    expect((await readLock(dir))?.holder?.command).toBe('deploy-all')
    await store.unlock()
  })

  test('a fresh lock from another host, or without a holder record, is not taken over', async () => {
    const dir = await envDir()
    await fakeLock(dir, { pid: 1, host: 'build-agent-7', command: 'deploy-all', startedAt: 'then', token: 't' })
    const store = await ManifestStore.open(dir, ID)
    await expect(store.lock({ command: 'x' })).rejects.toMatchObject({
      code: 'StateLocked',
      message: expect.stringContaining('pid 1 on build-agent-7 (deploy-all, since then)'),
    })
    await rm(path.join(dir, 'lock', 'holder.json'))
    await expect(store.lock({ command: 'x' })).rejects.toMatchObject({
      code: 'StateLocked',
      message: expect.stringContaining('unknown process'),
    })
  })

  test('a lock not refreshed for 10 s is stale, whoever held it', async () => {
    const dir = await envDir()
    await fakeLock(dir, { pid: 1, host: 'build-agent-7', command: 'deploy-all', startedAt: 'then', token: 't' })
    const old = new Date(Date.now() - 60_000)
    await utimes(path.join(dir, 'lock'), old, old)
    const store = await ManifestStore.open(dir, ID)
    await store.lock({ command: 'deploy-all' })
    expect((await readLock(dir))?.holder?.pid).toBe(process.pid)
    await store.unlock()
  })

  test('unlock then lock works, on the same store and on another', async () => {
    const dir = await envDir()
    const a = await ManifestStore.open(dir, ID)
    await a.lock({ command: 'a' })
    await a.lock({ command: 'a' }) // already held: no-op
    expect(a.locked).toBe(true)
    const write = a.runStarted('a')
    await a.unlock() // waits for the write
    await write
    expect(existsSync(path.join(dir, 'lock'))).toBe(false)
    const b = await ManifestStore.open(dir, ID)
    await b.lock({ command: 'b' })
    await expect(a.lock({ command: 'a' })).rejects.toMatchObject({ code: 'StateLocked' })
    await b.unlock()
    await a.lock({ command: 'a' })
    expect(a.manifest.history).toHaveLength(1)
    await a.unlock()
  })

  test('lock() says whether another run changed the manifest since it was opened', async () => {
    const dir = await envDir()
    const reader = await ManifestStore.open(dir, ID)
    const other = await ManifestStore.open(dir, ID)
    await other.lock({ command: 'other' })
    await other.runStarted('other')
    await other.unlock()
    await expect(reader.lock({ command: 'reader' })).resolves.toEqual({ changed: true })
    expect(reader.manifest.history).toHaveLength(1) // read again under the lock
    await reader.unlock()
    const again = await ManifestStore.open(dir, ID)
    await expect(again.lock({ command: 'again' })).resolves.toEqual({ changed: false })
    await again.unlock()
  })

  test('a process that exits without unlock() leaves no lock (proper-lockfile releases it on exit)', async () => {
    const dir = await envDir()
    const child = await holderProcess(dir)
    child.kill('SIGTERM')
    await exited(child)
    expect(child.signalCode).toBe('SIGTERM')
    expect((await readdir(dir)).filter((f) => f.startsWith('lock'))).toEqual([])
  })
})

describe('a lost lock', () => {
  test('when another holder replaced ours, writes fail with LockCompromised and stderr says so', async () => {
    const dir = await envDir()
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const store = await ManifestStore.open(dir, ID)
      await store.lock({ command: 'deploy-all' })
      await store.runStarted('deploy-all')
      await writeFile(
        path.join(dir, 'lock', 'holder.json'),
        JSON.stringify({ pid: 1, host: 'other', command: 'deploy-all', startedAt: 'now', token: 'theirs' }),
      )
      await expect(store.runStarted('deploy-all')).rejects.toMatchObject({ code: 'LockCompromised', exitCode: 3 })
      await expect(store.clearPending('x')).rejects.toMatchObject({ code: 'LockCompromised' })
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('lost the lock on'))
      await store.unlock()
      expect(existsSync(path.join(dir, 'lock', 'holder.json'))).toBe(true) // not ours to remove
    } finally {
      stderr.mockRestore()
    }
  })

  test("when proper-lockfile finds the lock's mtime changed, writes fail with LockCompromised", async () => {
    const dir = await envDir()
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const store = await ManifestStore.open(dir, ID)
      await store.lock({ command: 'deploy-all' })
      const other = new Date(Date.now() - 3_000)
      await utimes(path.join(dir, 'lock'), other, other)
      await vi.waitFor(() => expect(stderr).toHaveBeenCalledWith(expect.stringContaining('lost the lock')), {
        timeout: 5_000,
        interval: 100,
      })
      await expect(store.runStarted('deploy-all')).rejects.toMatchObject({ code: 'LockCompromised' })
    } finally {
      stderr.mockRestore()
    }
  })
})
