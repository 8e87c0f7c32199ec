import { describe, expect, test } from 'vitest'
import { ZIP_DATE, zipDeterministic } from '../../src/package/zip.js'
import { formatDosDateTime, readZip } from '../fixtures/package/read-zip.js'

const entries = [
  { name: 'index.mjs', contents: Buffer.from('export const handler = async () => 1\n') },
  { name: 'lib/b.mjs', contents: Buffer.from('export const b = 2\n'.repeat(50)) },
  { name: 'lib/a.mjs', contents: Buffer.from('') },
]

describe('zipDeterministic', () => {
  test('entries are sorted by name whatever the input order, and the bytes are the same', async () => {
    const forward = await zipDeterministic(entries)
    const backward = await zipDeterministic([...entries].reverse())

    expect(readZip(forward).map((e) => e.name)).toEqual(['index.mjs', 'lib/a.mjs', 'lib/b.mjs'])
    expect(backward.equals(forward)).toBe(true)
  })

  test('contents round-trip; every entry has the fixed date and mode 0644; no directory entries', async () => {
    const read = readZip(await zipDeterministic(entries))

    expect(read.map((e) => [e.name, e.data.toString()])).toEqual(
      [...entries].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => [e.name, e.contents.toString()]),
    )
    expect(read.every((e) => (e.mode & 0o777) === 0o644 && !e.name.endsWith('/'))).toBe(true)
    expect(new Set(read.map((e) => formatDosDateTime(e.dosDate, e.dosTime)))).toEqual(new Set(['1980-01-01 00:00:00']))
  })

  test('the fixed date is 1980-01-01T00:00:00Z, the earliest a zip holds', () => {
    expect(ZIP_DATE.toISOString()).toBe('1980-01-01T00:00:00.000Z')
  })

  test.each([
    ['dup', ['a.mjs', 'a.mjs']],
    ['absolute', ['/a.mjs']],
    ['parent', ['../a.mjs']],
    ['directory', ['lib/']],
  ])('a %s entry name is rejected', async (_kind, names) => {
    await expect(zipDeterministic(names.map((name) => ({ name, contents: Buffer.from('x') })))).rejects.toThrow(
      /zipping Lambda package/,
    )
  })
})
