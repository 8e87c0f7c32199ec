// Route 53 public hosted zone: the domain's DNS. Zone names are not unique in Route 53 (a second CreateHostedZone for
// the same name makes a second zone with other name servers), so the step looks for every public zone of that name
// first and never makes a second; the create carries a CallerReference that the engine writes to the manifest before
// the call (a create sent again answers HostedZoneAlreadyExists instead of making another zone).
import {
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListTagsForResourceCommand,
  Route53Client,
  type ListHostedZonesByNameCommandOutput,
} from '@aws-sdk/client-route-53'
import { createHash } from 'node:crypto'
import type { Tags } from '../../config/types.js'
import { isNotFound } from '../../aws/errors.js'
import { changedTags, diffTags, ownershipTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceContext } from '../types.js'

export const HOSTED_ZONE_KIND = 'route53-hosted-zone'
// Route 53 limits: a CallerReference is at most 128 characters, a zone comment 256.
const CALLER_REFERENCE_MAX = 128

export interface HostedZoneSpec {
  logicalId: string
  /** The zone's name without the trailing dot: `example.com`. */
  name: string
  comment: string
  tags: Tags
}

export interface ObservedHostedZone {
  /** Without the `/hostedzone/` prefix: `Z0123456789ABC`. */
  id: string
  name: string
  comment: string
  nameServers: string[]
  tags: Tags
}

/** `/hostedzone/Z123` → `Z123`: Route 53 answers with the prefix and accepts both. */
export const zoneIdOf = (id: string) => id.replace(/^\/hostedzone\//, '')
/** Route 53 writes names fully qualified: `example.com.`. */
export const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`)

async function tagsOf(r53: Route53Client, id: string): Promise<Tags> {
  const out = await r53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: id }))
  return Object.fromEntries((out.ResourceTagSet?.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']))
}

/**
 * CreateHostedZone takes no tags: a zone made by a run that died before tagging it is recognised as ours by its
 * CallerReference, which only infra's create for this service, environment and name sends.
 */
async function observeZone(
  r53: Route53Client,
  id: string,
  ours: { reference: string; tags: Tags },
): Promise<Observation<ObservedHostedZone>> {
  const [out, tags] = await Promise.all([r53.send(new GetHostedZoneCommand({ Id: id })), tagsOf(r53, id)])
  const observed = {
    id,
    name: out.HostedZone!.Name!.replace(/\.$/, ''),
    comment: out.HostedZone!.Config?.Comment ?? '',
    nameServers: out.DelegationSet?.NameServers ?? [],
    tags,
  }
  const madeByUs = out.HostedZone!.CallerReference === ours.reference
  return { observed, id, tags: madeByUs ? { ...ours.tags, ...tags } : tags }
}

/** How a zone infra made is recognised before it is tagged: its CallerReference, and the tags it is then given. */
interface Ours {
  reference: string
  tags: Tags
}

/** Every public zone with exactly this name (ListHostedZonesByName starts at the name, in name order). */
async function publicZonesNamed(
  ctx: ResourceContext,
  name: string,
  ours: Ours,
): Promise<Array<Observation<ObservedHostedZone>>> {
  const r53 = ctx.aws.get(Route53Client)
  const ids: string[] = []
  let DNSName: string | undefined = fqdn(name)
  let HostedZoneId: string | undefined
  do {
    const page: ListHostedZonesByNameCommandOutput = await r53.send(
      new ListHostedZonesByNameCommand({ DNSName, HostedZoneId }),
    )
    const zones = page.HostedZones ?? []
    for (const z of zones) if (z.Name === fqdn(name) && !z.Config?.PrivateZone) ids.push(zoneIdOf(z.Id!))
    // Past the name: the rest of the list is other names.
    const past = zones.some((z) => z.Name !== fqdn(name))
    DNSName = page.IsTruncated && !past ? page.NextDNSName : undefined
    HostedZoneId = page.NextHostedZoneId
  } while (DNSName)
  return Promise.all(ids.map((id) => observeZone(r53, id, ours)))
}

/** The zone by its recorded id; when that one is gone (or none is recorded), every public zone of the name. */
async function findZones(
  ctx: ResourceContext,
  name: string,
  recordedId: string | undefined,
  ours: Ours,
): Promise<Array<Observation<ObservedHostedZone>>> {
  if (recordedId) {
    const byId = await observeZone(ctx.aws.get(Route53Client), recordedId, ours).catch((e: unknown) => {
      if (isNotFound(e)) return undefined
      throw e
    })
    if (byId) return [byId]
  }
  return publicZonesNamed(ctx, name, ours)
}

/** Stable for the zone's name and environment, so a create sent again after a crash is recognised. */
export function zoneCallerReference(spec: Pick<HostedZoneSpec, 'name'>, ctx: ResourceContext): string {
  const digest = createHash('sha256')
    .update(`${ctx.identity.service}/${ctx.identity.env}/${spec.name}`)
    .digest('hex')
    .slice(0, 16)
  return `infra-${ctx.identity.env}-${spec.name}-${digest}`.slice(-CALLER_REFERENCE_MAX)
}

const oursBy = (spec: HostedZoneSpec, ctx: ResourceContext): Ours => ({
  reference: zoneCallerReference(spec, ctx),
  tags: spec.tags,
})

export const hostedZoneKind: ResourceKind<HostedZoneSpec, ObservedHostedZone> = {
  kind: HOSTED_ZONE_KIND,
  label: 'Route 53 hosted zone',
  codePrefix: 'HostedZone',
  identity: 'token',
  // Deleting a zone loses its name servers (the registrar points at them) and whatever records people added by hand:
  // it is kept unless the user asks for data to go (`--delete-data`).
  dataBearing: true,
  find: (ctx, spec, recorded) => findZones(ctx, spec.name, recorded?.id, oursBy(spec, ctx)),
  // From the record: a zone infra made but did not tag yet is recognised by the tags that make it this service's
  // (the spec's others only matter to the diff, which reads the zone's own tags).
  early: {
    service: 'route53',
    read: (ctx, recorded) =>
      findZones(ctx, recorded.name, recorded.id, {
        reference: zoneCallerReference(recorded, ctx),
        tags: ownershipTags(ctx.identity),
      }),
  },
  diff: (observed, spec) => diffTags(observed.tags, spec.tags),
  token: zoneCallerReference,
  async create(ctx, spec, token) {
    const r53 = ctx.aws.get(Route53Client)
    const out = await r53.send(
      new CreateHostedZoneCommand({
        Name: spec.name,
        CallerReference: token ?? zoneCallerReference(spec, ctx),
        HostedZoneConfig: { Comment: spec.comment, PrivateZone: false },
      }),
    )
    const id = zoneIdOf(out.HostedZone!.Id!)
    // CreateHostedZone takes no tags: the engine's diff tags it right after.
    const observed = {
      id,
      name: spec.name,
      comment: spec.comment,
      nameServers: out.DelegationSet?.NameServers ?? [],
      tags: {},
    }
    return { observed, id, tags: {} }
  },
  async apply(ctx, observed, spec, changes) {
    const AddTags = Object.entries(changedTags(changes)).map(([Key, Value]) => ({ Key, Value }))
    if (AddTags.length > 0) {
      await ctx.aws
        .get(Route53Client)
        .send(new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: observed.id, AddTags }))
    }
    return { observed: { ...observed, tags: { ...observed.tags, ...changedTags(changes) } } }
  },
  async delete(ctx, record) {
    await ctx.aws.get(Route53Client).send(new DeleteHostedZoneCommand({ Id: record.id }))
  },
  attributes: (observed) => ({ nameServers: observed.nameServers }),
  describe: (spec) => `public hosted zone ${spec.name}`,
}
