import { StateError } from '../errors/index.js'
import type { ManifestBackend } from './backend.js'
import { emptyManifest, parseManifestText } from './schema.js'
import { MANIFEST_VERSION, type Manifest, type ManifestIdentity } from './types.js'

// Reading the manifest from its backend: a missing one is a new manifest; a corrupt one is an error with a way out,
// never a silent reset; one recorded for another service, env, region or account is refused.

export interface OpenOptions {
  /** Set a corrupt manifest aside (at lock()) and start a fresh one: `--refresh`. */
  discardCorrupt?: boolean
}

export interface Loaded {
  manifest: Manifest
  exists: boolean
  corruption?: { problem: string; keptAs?: string }
}

export async function load(
  backend: ManifestBackend,
  identity: ManifestIdentity,
  opts: OpenOptions & { setAside: boolean },
): Promise<Loaded> {
  const now = new Date().toISOString()
  const text = await backend.read()
  if (text === undefined) return { manifest: emptyManifest(identity, now), exists: false }
  const parsed = parseManifestText(text)
  if (parsed.ok) return { manifest: checkIdentity(backend, parsed.manifest, identity), exists: true }
  if (parsed.tooNew !== undefined) {
    throw new StateError(
      'ManifestTooNew',
      `reading manifest (${backend.location}): it has version ${parsed.tooNew}, written by a newer infra (this one reads version ${MANIFEST_VERSION})`,
      {
        hint: 'This manifest was written by a newer infra: pull the latest version of this repository and run `npm ci`, then rerun the command.',
      },
    )
  }
  if (!opts.discardCorrupt) {
    throw new StateError('ManifestCorrupt', `reading manifest (${backend.location}): ${parsed.problem}`, {
      hint: `${await backend.restoreAdvice()} with \`--refresh\` (e.g. \`infra deploy-all --env ${identity.env} --refresh\`) to set the corrupt file aside and rebuild the record from AWS (resources are found by name and tags).`,
    })
  }
  const fresh: Loaded = {
    manifest: emptyManifest(identity, now),
    exists: true,
    corruption: { problem: parsed.problem },
  }
  if (!opts.setAside) return fresh
  const keptAs = await backend.setAsideCorrupt(now.replace(/[:.]/g, '-'))
  return { ...fresh, corruption: { problem: parsed.problem, keptAs } }
}

/** Refuses a manifest recorded for another service, env, region or account (`state push` checks with it too). */
export function checkIdentity(
  backend: Pick<ManifestBackend, 'location' | 'moveAsideAdvice'>,
  m: Manifest,
  id: ManifestIdentity,
): Manifest {
  const accountDiffers = m.account !== undefined && id.account !== undefined && m.account !== id.account
  if (m.service !== id.service || m.env !== id.env || m.region !== id.region || accountDiffers) {
    const describe = (x: ManifestIdentity) =>
      `service ${x.service}, env ${x.env}, region ${x.region}${x.account ? `, account ${x.account}` : ''}`
    throw new StateError(
      'ManifestMismatch',
      `reading manifest (${backend.location}): it was recorded for ${describe(m)}, but this run is for ${describe(id)}`,
      {
        hint: `Check --env, --region and the AWS profile. If the manifest belongs elsewhere, ${backend.moveAsideAdvice()} and rerun \`infra deploy-all --env ${id.env} --refresh\` to rebuild it from AWS.`,
      },
    )
  }
  // Learnt on the first run that had credentials; persisted with the next write.
  if (m.account === undefined && id.account !== undefined) return { ...m, account: id.account }
  return m
}
