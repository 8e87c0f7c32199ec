import { access, readFile, rename } from 'node:fs/promises'
import { StateError } from '../errors/index.js'
import { displayPath, shellQuote, type ManifestPaths } from './paths.js'
import { emptyManifest, parseManifestText } from './schema.js'
import { MANIFEST_VERSION, type Manifest, type ManifestIdentity } from './types.js'

// Reading `.infra/<env>/manifest.json`: a missing file is a new manifest; a corrupt one is an error with a way out,
// never a silent reset; one recorded for another service, env, region or account is refused.

export interface OpenOptions {
  /** Set a corrupt manifest aside (as `manifest.json.corrupt-<time>`, at lock()) and start a fresh one: `--refresh`. */
  discardCorrupt?: boolean
}

export interface Loaded {
  manifest: Manifest
  exists: boolean
  corruption?: { problem: string; keptAs?: string }
}

export async function load(
  paths: ManifestPaths,
  identity: ManifestIdentity,
  opts: OpenOptions & { setAside: boolean },
): Promise<Loaded> {
  const now = new Date().toISOString()
  let text: string
  try {
    text = await readFile(paths.manifest, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { manifest: emptyManifest(identity, now), exists: false }
    throw new StateError(
      'ManifestUnreadable',
      `reading manifest (${displayPath(paths.manifest)}): ${(e as Error).message}`,
      {
        hint: `Check the permissions of ${displayPath(paths.dir)}, then rerun \`infra status --env ${identity.env}\`.`,
        cause: e,
      },
    )
  }
  const parsed = parseManifestText(text)
  if (parsed.ok) return { manifest: checkIdentity(paths, parsed.manifest, identity), exists: true }
  if (parsed.tooNew !== undefined) {
    throw new StateError(
      'ManifestTooNew',
      `reading manifest (${displayPath(paths.manifest)}): it has version ${parsed.tooNew}, written by a newer infra (this one reads version ${MANIFEST_VERSION})`,
      {
        hint: 'This manifest was written by a newer infra: pull the latest version of this repository and run `npm ci`, then rerun the command.',
      },
    )
  }
  if (!opts.discardCorrupt) throw await corruptError(paths, parsed.problem, identity.env)
  const fresh: Loaded = {
    manifest: emptyManifest(identity, now),
    exists: true,
    corruption: { problem: parsed.problem },
  }
  if (!opts.setAside) return fresh
  // Only under the lock: the corrupt file is kept for inspection, never deleted.
  const keptAs = `${paths.manifest}.corrupt-${now.replace(/[:.]/g, '-')}`
  await rename(paths.manifest, keptAs)
  return { ...fresh, corruption: { problem: parsed.problem, keptAs } }
}

async function corruptError(paths: ManifestPaths, problem: string, env: string): Promise<StateError> {
  const hasBackup = await access(paths.backup).then(
    () => true,
    () => false,
  )
  const restore = hasBackup
    ? `Restore the previous version with \`cp ${shellQuote(displayPath(paths.backup))} ${shellQuote(displayPath(paths.manifest))}\`, or rerun`
    : `There is no backup (${displayPath(paths.backup)}) to restore; rerun`
  return new StateError('ManifestCorrupt', `reading manifest (${displayPath(paths.manifest)}): ${problem}`, {
    hint: `${restore} with \`--refresh\` (e.g. \`infra deploy-all --env ${env} --refresh\`) to set the corrupt file aside and rebuild the record from AWS (resources are found by name and tags).`,
  })
}

function checkIdentity(paths: ManifestPaths, m: Manifest, id: ManifestIdentity): Manifest {
  const accountDiffers = m.account !== undefined && id.account !== undefined && m.account !== id.account
  if (m.service !== id.service || m.env !== id.env || m.region !== id.region || accountDiffers) {
    const describe = (x: ManifestIdentity) =>
      `service ${x.service}, env ${x.env}, region ${x.region}${x.account ? `, account ${x.account}` : ''}`
    throw new StateError(
      'ManifestMismatch',
      `reading manifest (${displayPath(paths.manifest)}): it was recorded for ${describe(m)}, but this run is for ${describe(id)}`,
      {
        hint: `Check --env, --region and the AWS profile. If the manifest belongs elsewhere, move ${shellQuote(displayPath(paths.dir))} aside and rerun \`infra deploy-all --env ${id.env} --refresh\` to rebuild it from AWS.`,
      },
    )
  }
  // Learnt on the first run that had credentials; persisted with the next write.
  if (m.account === undefined && id.account !== undefined) return { ...m, account: id.account }
  return m
}
