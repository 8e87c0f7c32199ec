// A folder as package entries: every file under it, sorted, with forward-slash names, minus what only a local
// machine makes (byte-code caches, virtualenvs, dot-files). The bytes of the zip then depend on the files alone.
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { ZipEntry } from './zip.js'

// Written by an interpreter, a virtualenv or an editor on this machine, never part of what the function runs.
const SKIPPED_DIRECTORIES = new Set(['__pycache__', 'venv'])
const SKIPPED_FILE = /\.py[co]$/

const skipped = (name: string, isDirectory: boolean): boolean =>
  name.startsWith('.') || (isDirectory ? SKIPPED_DIRECTORIES.has(name) : SKIPPED_FILE.test(name))

/** Every file under `dir` (recursively), as entries named `<prefix><relative path>`. */
export async function folderEntries(dir: string, prefix = ''): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = []
  async function walk(relative: string): Promise<void> {
    const children = await readdir(path.join(dir, relative), { withFileTypes: true })
    for (const child of children) {
      const name = relative ? `${relative}/${child.name}` : child.name
      // A symbolic link is packaged as what it points to (a zip entry holds contents, not links).
      const kind = child.isSymbolicLink() ? await stat(path.join(dir, name)) : child
      if (skipped(child.name, kind.isDirectory())) continue
      if (kind.isDirectory()) await walk(name)
      else if (kind.isFile()) entries.push({ name: `${prefix}${name}`, contents: await readFile(path.join(dir, name)) })
    }
  }
  await walk('')
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  )
}
