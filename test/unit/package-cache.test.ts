import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { packageFunction, type PackageSpec } from '../../src/package/index.js'

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/package/repo')

function copy(): { root: string; spec: PackageSpec; cacheDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'infra-cache-'))
  cpSync(FIXTURE, root, { recursive: true })
  const entry = path.join(root, 'handlers/hello/index.ts')
  return {
    root,
    cacheDir: path.join(root, '.cache'),
    spec: { entry, handler: 'index.handler', runtime: 'nodejs22.x', architecture: 'arm64', bundleAwsSdk: true, root },
  }
}

describe('package cache', () => {
  test('an unchanged handler comes from the cache with the same bytes; a changed input rebuilds it', async () => {
    const { spec, cacheDir, root } = copy()
    const first = await packageFunction(spec, { cacheDir })
    const again = await packageFunction(spec, { cacheDir })
    expect(again.zip.equals(first.zip)).toBe(true)
    expect(again.codeSha256).toBe(first.codeSha256)

    // The entry imports a local module: changing that file (not the entry) must change the package.
    const dependency = path.join(root, 'handlers/lib/greet.ts')
    writeFileSync(dependency, readFileSync(dependency, 'utf8').replace('hello', 'bonjour'))
    const rebuilt = await packageFunction(spec, { cacheDir })
    expect(rebuilt.codeSha256).not.toBe(first.codeSha256)
    expect(rebuilt.codeSha256).toBe((await packageFunction(spec)).codeSha256)
  })

  test('an input whose stat is what was recorded, still for 2 s before, is not read again; a changed one is', async () => {
    const { spec, cacheDir, root } = copy()
    const first = await packageFunction(spec, { cacheDir })
    const { readdirSync } = await import('node:fs')
    const entryFile = path.join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.endsWith('.json'))!,
    )
    const entry = JSON.parse(readFileSync(entryFile, 'utf8'))
    const dependency = 'handlers/lib/greet.ts'
    expect(entry.stats[dependency]).toHaveLength(4)
    // An entry without stats (written before they were kept) gets them on its next use.
    writeFileSync(entryFile, JSON.stringify({ ...entry, stats: undefined }))
    expect((await packageFunction(spec, { cacheDir })).codeSha256).toBe(first.codeSha256)
    expect(JSON.parse(readFileSync(entryFile, 'utf8')).stats[dependency]).toHaveLength(4)
    // A wrong hash next to a stat that matches: believed only when the stat is trusted, i.e. the file is not read.
    const tampered = (stillForMs: number) => {
      const [size, ctimeMs, ino] = entry.stats[dependency]
      const stats = { ...entry.stats, [dependency]: [size, ctimeMs, ino, ctimeMs + stillForMs] }
      writeFileSync(
        entryFile,
        JSON.stringify({ ...entry, inputs: { ...entry.inputs, [dependency]: 'f'.repeat(64) }, stats }),
      )
    }
    tampered(10_000)
    expect((await packageFunction(spec, { cacheDir })).codeSha256).toBe(first.codeSha256)
    // Changed within 2 s of its hashing: it may have changed again in the same tick, so it is read, and the wrong
    // hash makes a rebuild (same bytes).
    tampered(500)
    expect((await packageFunction(spec, { cacheDir })).codeSha256).toBe(first.codeSha256)
    expect(JSON.parse(readFileSync(entryFile, 'utf8')).inputs[dependency]).not.toBe('f'.repeat(64))
    // Written again: a new change time, so it is read whatever the entry says.
    tampered(10_000)
    writeFileSync(path.join(root, dependency), readFileSync(path.join(root, dependency), 'utf8').replace('hello', 'hi'))
    expect((await packageFunction(spec, { cacheDir })).codeSha256).not.toBe(first.codeSha256)
  })

  test('a cached package is checked against the handler name too: the export is in the cache entry', async () => {
    const { spec, cacheDir } = copy()
    const first = await packageFunction(spec, { cacheDir })
    // Same module, same bundle, so the same cache entry: only the export name differs.
    const other = { ...spec, handler: 'index.main' }
    await expect(packageFunction(other, { cacheDir })).rejects.toMatchObject({ code: 'HandlerNotExported' })

    // The check reads the entry's exports (no rebuild): an entry that says `main` is exported is believed.
    const { readdirSync } = await import('node:fs')
    const entryFile = path.join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.endsWith('.json'))!,
    )
    const entry = JSON.parse(readFileSync(entryFile, 'utf8'))
    expect(entry.exports).toEqual(['handler'])
    writeFileSync(entryFile, JSON.stringify({ ...entry, exports: ['main'] }))
    expect((await packageFunction(other, { cacheDir })).codeSha256).toBe(first.codeSha256)
  })

  test('a corrupted cached zip is never used', async () => {
    const { spec, cacheDir } = copy()
    const first = await packageFunction(spec, { cacheDir })
    const { readdirSync } = await import('node:fs')
    const zipFile = readdirSync(cacheDir).find((f) => f.endsWith('.zip'))!
    writeFileSync(path.join(cacheDir, zipFile), 'garbage')
    const again = await packageFunction(spec, { cacheDir })
    expect(again.codeSha256).toBe(first.codeSha256)
  })
})
