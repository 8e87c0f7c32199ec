import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { FileHashes } from '../../src/package/cache.js'

describe('FileHashes', () => {
  test('a file shared by several packages is read and hashed once per packaging run; a missing one rejects', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'infra-hashes-')), 'shared.js')
    writeFileSync(file, 'export const x = 1\n')
    const files = new FileHashes()
    const first = files.of(file)
    expect(files.of(file)).toBe(first)
    expect(await first).toBe(createHash('sha256').update('export const x = 1\n').digest('hex'))
    await expect(files.of(`${file}.gone`)).rejects.toThrow(/ENOENT/)
  })
})
