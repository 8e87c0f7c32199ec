import { StateError } from '../errors/index.js'
import type { ManifestBackend } from './backend.js'
import { checkIdentity } from './load.js'
import { parseManifestText } from './schema.js'
import type { ManifestIdentity } from './types.js'

// `infra state pull`, `push` and `migrate`: one manifest copied from one backend to another, both locked meanwhile,
// only when it belongs to this service and environment, and never over a different one unless asked.

export interface CopyOutcome {
  from: string
  to: string
  /** The target already held exactly this manifest. */
  unchanged: boolean
  resources: number
  updatedAt: string
}

export async function copyManifest(
  from: ManifestBackend,
  to: ManifestBackend,
  identity: ManifestIdentity,
  opts: { command: string; overwrite: boolean; overwriteFlag: string },
): Promise<CopyOutcome> {
  await from.lock.acquire(opts.command)
  try {
    await to.lock.acquire(opts.command)
    try {
      const text = await from.read()
      if (text === undefined) {
        throw new StateError('ManifestNotFound', `copying manifest: there is none at ${from.location}`, {
          hint: `Check --env and config "state"; \`infra status --env ${identity.env}\` shows what this environment records.`,
        })
      }
      const parsed = parseManifestText(text)
      if (!parsed.ok) {
        throw new StateError(
          'ManifestCorrupt',
          `copying manifest (${from.location}): ${'problem' in parsed ? parsed.problem : `version ${parsed.tooNew} is newer than this infra reads`}`,
          { hint: `Repair or restore ${from.location} first; nothing was copied.` },
        )
      }
      const manifest = checkIdentity(from, parsed.manifest, identity)
      const existing = await to.read()
      const outcome = {
        from: from.location,
        to: to.location,
        resources: Object.keys(manifest.resources).length,
        updatedAt: manifest.updatedAt,
      }
      if (existing === text) return { ...outcome, unchanged: true }
      if (existing !== undefined && !opts.overwrite) {
        throw new StateError(
          'ManifestExists',
          `copying manifest to ${to.location}: it already holds a different manifest (${describe(existing)}); nothing was copied`,
          {
            hint: `Compare the two (\`infra status --env ${identity.env}\`), then rerun with ${opts.overwriteFlag} to replace it (the one replaced is kept: ${to.location.startsWith('s3://') ? "the bucket's version history" : 'manifest.json.backup'}).`,
          },
        )
      }
      await to.write(text, true)
      return { ...outcome, unchanged: false }
    } finally {
      await to.lock.unlock()
    }
  } finally {
    await from.lock.unlock()
  }
}

function describe(text: string): string {
  const parsed = parseManifestText(text)
  if (!parsed.ok) return 'unreadable'
  const m = parsed.manifest
  return `${Object.keys(m.resources).length} resources, updated ${m.updatedAt}`
}
