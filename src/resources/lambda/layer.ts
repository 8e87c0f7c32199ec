// A Lambda layer built from a folder, as an engine kind. Layer versions are immutable, so "the layer" is its newest
// version: found by name (ListLayerVersions, newest first) and read for its CodeSha256; any difference publishes a
// new version, after which the oldest beyond `versionsKept` are deleted (functions already using one keep working).
// Layers take no tags: the version's description carries this service's and environment's marker instead.
import {
  DeleteLayerVersionCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  type Architecture,
  type LayerVersionsListItem,
  type Runtime,
} from '@aws-sdk/client-lambda'
import type { Tags } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { isNotFound } from '../../aws/errors.js'
import { converge, type Converged } from '../engine/converge.js'
import type { ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'

export const LAYER_KIND = 'lambda-layer'

export interface LayerSpec {
  /** Manifest key `lambda-layer:<logicalId>`. */
  logicalId: string
  name: string
  /** As Lambda keeps it, owner marker included (layerDescription). */
  description: string
  compatibleRuntimes: string[]
  compatibleArchitectures: string[]
  versionsKept: number
  /** The zip and its hash; absent only in an offline plan. */
  code?: { zip: Uint8Array; codeSha256: string }
}

export interface ObservedLayer {
  /** The layer's ARN without a version. */
  layerArn: string
  versionArn: string
  version: number
  codeSha256?: string
  description: string
  compatibleRuntimes: string[]
  compatibleArchitectures: string[]
}

const OWNER_MARKER = /\[managed-by infra (\S+) (\S+)\]$/

/** The description Lambda keeps: the configured one and the owner marker (what tags say for other kinds). */
export const layerDescription = (description: string | undefined, owner: { service: string; env: string }) =>
  [description, `[managed-by infra ${owner.service} ${owner.env}]`].filter(Boolean).join(' ')

/** Tags as the marker tells them, so the engine judges ownership as for any tagged kind. */
function tagsOf(description: string): Tags {
  const m = OWNER_MARKER.exec(description)
  return m ? { 'managed-by': 'infra', 'infra:service': m[1]!, 'infra:env': m[2]! } : {}
}

const sorted = (list: string[] | undefined) => [...(list ?? [])].sort()
const sameSet = (a: string[], b: string[]) => sorted(a).join(',') === sorted(b).join(',')

async function listVersions(ctx: ResourceContext, name: string): Promise<LayerVersionsListItem[]> {
  const all: LayerVersionsListItem[] = []
  let marker: string | undefined
  do {
    const page = await ctx.aws.get(LambdaClient).send(new ListLayerVersionsCommand({ LayerName: name, Marker: marker }))
    all.push(...(page.LayerVersions ?? []))
    marker = page.NextMarker
  } while (marker)
  return all.sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))
}

async function readVersion(ctx: ResourceContext, name: string, version: number): Promise<ObservedLayer | undefined> {
  try {
    const v = await ctx.aws
      .get(LambdaClient)
      .send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: version }))
    return {
      layerArn: v.LayerArn ?? '',
      versionArn: v.LayerVersionArn ?? '',
      version: v.Version ?? version,
      ...(v.Content?.CodeSha256 ? { codeSha256: v.Content.CodeSha256 } : {}),
      description: v.Description ?? '',
      compatibleRuntimes: sorted(v.CompatibleRuntimes),
      compatibleArchitectures: sorted(v.CompatibleArchitectures),
    }
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Pure: what differs between the newest version and the spec; any of it takes a new version. */
export function diffLayer(have: ObservedLayer, want: LayerSpec): Change[] {
  const changes: Change[] = []
  if (want.code && have.codeSha256 !== want.code.codeSha256)
    changes.push({ field: 'CodeSha256', from: have.codeSha256, to: want.code.codeSha256 })
  if (!sameSet(have.compatibleRuntimes, want.compatibleRuntimes))
    changes.push({ field: 'CompatibleRuntimes', from: have.compatibleRuntimes, to: sorted(want.compatibleRuntimes) })
  if (!sameSet(have.compatibleArchitectures, want.compatibleArchitectures))
    changes.push({
      field: 'CompatibleArchitectures',
      from: have.compatibleArchitectures,
      to: sorted(want.compatibleArchitectures),
    })
  if (have.description !== want.description)
    changes.push({ field: 'Description', from: have.description, to: want.description })
  return changes
}

async function publish(ctx: ResourceContext, spec: LayerSpec): Promise<ObservedLayer> {
  if (!spec.code)
    throw new StepError('LayerNotPackaged', `publishing Lambda layer (${spec.name}): its folder was not packaged`)
  const out = await ctx.aws.get(LambdaClient).send(
    new PublishLayerVersionCommand({
      LayerName: spec.name,
      Description: spec.description,
      Content: { ZipFile: spec.code.zip },
      CompatibleRuntimes: spec.compatibleRuntimes as Runtime[],
      CompatibleArchitectures: spec.compatibleArchitectures as Architecture[],
    }),
  )
  ctx.log(`${spec.name}: published layer version ${out.Version}`)
  return {
    layerArn: out.LayerArn ?? '',
    versionArn: out.LayerVersionArn ?? '',
    version: out.Version ?? 0,
    codeSha256: out.Content?.CodeSha256 ?? spec.code.codeSha256,
    description: out.Description ?? '',
    compatibleRuntimes: sorted(out.CompatibleRuntimes),
    compatibleArchitectures: sorted(out.CompatibleArchitectures),
  }
}

/** Deletes the versions older than the newest `keep`. */
async function deleteOldVersions(ctx: ResourceContext, name: string, keep: number): Promise<number[]> {
  const old = (await listVersions(ctx, name)).slice(keep).map((v) => v.Version!)
  for (const version of old)
    await ctx.aws.get(LambdaClient).send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: version }))
  return old
}

export const layerKind: ResourceKind<LayerSpec, ObservedLayer> = {
  kind: LAYER_KIND,
  label: 'Lambda layer',
  codePrefix: 'Layer',
  identity: 'name',
  async find(ctx, spec) {
    const [newest] = await listVersions(ctx, spec.name)
    const found = newest?.Version === undefined ? undefined : await readVersion(ctx, spec.name, newest.Version)
    return found ? [{ observed: found, arn: found.layerArn, tags: tagsOf(found.description) }] : []
  },
  diff: diffLayer,
  async create(ctx, spec) {
    const made = await publish(ctx, spec)
    return { observed: made, arn: made.layerArn, tags: tagsOf(made.description) }
  },
  async apply(ctx, _observed, spec) {
    const made = await publish(ctx, spec)
    const deleted = await deleteOldVersions(ctx, spec.name, spec.versionsKept)
    return {
      observed: made,
      notes: [
        `published version ${made.version}`,
        ...(deleted.length > 0 ? [`deleted old version(s) ${deleted.join(', ')}`] : []),
      ],
    }
  },
  // Every version: a layer is gone when none is left.
  async delete(ctx, record) {
    await deleteOldVersions(ctx, record.name, 0)
  },
  attributes: (o) => ({ version: o.version, versionArn: o.versionArn, codeSha256: o.codeSha256 }),
  describe: (spec) =>
    `${spec.compatibleRuntimes.join(' ')} ${spec.compatibleArchitectures.join(' ')}${spec.code ? `, ${Math.round(spec.code.zip.length / 1024)} KiB` : ''}`,
}

export function ensureLayer(ctx: ResourceContext, spec: LayerSpec): Promise<Converged<ObservedLayer>> {
  return converge(ctx, layerKind, spec)
}
