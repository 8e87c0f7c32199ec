import path from 'node:path'

// Everything the store keeps in `.infra/<env>/`.
export interface ManifestPaths {
  dir: string
  manifest: string
  /** The manifest as it was before the current run's first write. */
  backup: string
  /** proper-lockfile's lock directory; it carries `holder.json` from the moment it exists. */
  lock: string
  /** Held for the few milliseconds it takes to replace a lock whose holder is dead, so two takers cannot race. */
  takeover: string
}

export function manifestPaths(dir: string): ManifestPaths {
  const abs = path.resolve(dir)
  return {
    dir: abs,
    manifest: path.join(abs, 'manifest.json'),
    backup: path.join(abs, 'manifest.json.backup'),
    lock: path.join(abs, 'lock'),
    takeover: path.join(abs, 'lock.takeover'),
  }
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p
}

/** Quotes a path for a POSIX shell command given in a hint, only when it needs it. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`
}
