// Route 53 record set: a CNAME ACM asks for, or an A/AAAA alias to CloudFront or an API Gateway domain. A record is
// named by zone, name and type (unique), carries no tags and is ours because the step made it in our zone. Writes are
// UPSERTs, so a change sent again after a crash is harmless. Route 53 applies a change everywhere within a minute;
// nothing here waits for INSYNC (ACM and the resolvers read the record when it is there).
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'
import { fqdn } from './hosted-zone.js'

export const RECORD_SET_KIND = 'route53-record'
// How long resolvers may cache a validation CNAME: it never changes while the certificate lives.
const VALIDATION_TTL_S = 300

export interface AliasTarget {
  dnsName: string
  /** The target's own hosted zone (CloudFront's, or the API domain's regional one), not ours. */
  hostedZoneId: string
}

export interface RecordSetSpec {
  logicalId: string
  /** Fully qualified, as Route 53 writes it: `api.example.com.`. */
  name: string
  zoneId: string
  type: RRType
  /** Either an alias (A/AAAA to an AWS endpoint) or plain values (a CNAME). */
  alias?: AliasTarget
  values?: string[]
}

export type ObservedRecordSet = ResourceRecordSet

function toRecordSet(spec: RecordSetSpec): ResourceRecordSet {
  if (spec.alias) {
    return {
      Name: spec.name,
      Type: spec.type,
      AliasTarget: {
        DNSName: fqdn(spec.alias.dnsName),
        HostedZoneId: spec.alias.hostedZoneId,
        EvaluateTargetHealth: false,
      },
    }
  }
  return {
    Name: spec.name,
    Type: spec.type,
    TTL: VALIDATION_TTL_S,
    ResourceRecords: (spec.values ?? []).map((Value) => ({ Value })),
  }
}

/** What a reviewer compares: the alias target or the values (Route 53 lower-cases and dots names). */
function target(r: ResourceRecordSet): string {
  if (r.AliasTarget) return `alias ${fqdn(r.AliasTarget.DNSName ?? '').toLowerCase()} (${r.AliasTarget.HostedZoneId})`
  return (r.ResourceRecords ?? []).map((v) => v.Value).join(', ')
}

export function diffRecordSet(have: ResourceRecordSet, spec: RecordSetSpec): Change[] {
  const from = target(have)
  const to = target(toRecordSet(spec))
  return from === to ? [] : [{ field: spec.type, from, to }]
}

/** The record set with exactly this name and type, or undefined (the listing starts at the name, in DNS order). */
export async function findRecordSet(
  ctx: ResourceContext,
  zoneId: string,
  name: string,
  type: RRType,
): Promise<ResourceRecordSet | undefined> {
  const out = await ctx.aws.get(Route53Client).send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      StartRecordName: name,
      StartRecordType: type,
      MaxItems: 1,
    }),
  )
  const first = out.ResourceRecordSets?.[0]
  return first && first.Name?.toLowerCase() === name.toLowerCase() && first.Type === type ? first : undefined
}

async function observeRecordSet(
  ctx: ResourceContext,
  zoneId: string,
  name: string,
  type: RRType,
): Promise<Array<Observation<ObservedRecordSet>>> {
  const found = await findRecordSet(ctx, zoneId, name, type)
  return found ? [{ observed: found, id: `${name} ${type}` }] : []
}

async function change(ctx: ResourceContext, zoneId: string, Action: 'UPSERT' | 'DELETE', set: ResourceRecordSet) {
  await ctx.aws.get(Route53Client).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [{ Action, ResourceRecordSet: set }] },
    }),
  )
}

export const recordSetKind: ResourceKind<RecordSetSpec, ObservedRecordSet> = {
  kind: RECORD_SET_KIND,
  label: 'Route 53 record',
  codePrefix: 'RecordSet',
  identity: 'name',
  ownership: 'parent',
  find: (ctx, spec) => observeRecordSet(ctx, spec.zoneId, spec.name, spec.type),
  early: {
    service: 'route53',
    read: (ctx, recorded) =>
      observeRecordSet(ctx, String(recorded.attributes?.zoneId), recorded.name, recorded.attributes?.type as RRType),
    covers: (recorded, spec) => recorded.attributes?.zoneId === spec.zoneId && recorded.attributes?.type === spec.type,
  },
  diff: diffRecordSet,
  async create(ctx, spec) {
    const set = toRecordSet(spec)
    await change(ctx, spec.zoneId, 'UPSERT', set)
    return { observed: set, id: `${spec.name} ${spec.type}` }
  },
  async apply(ctx, _observed, spec) {
    const set = toRecordSet(spec)
    await change(ctx, spec.zoneId, 'UPSERT', set)
    return { observed: set }
  },
  /** A DELETE must name the record exactly as it is: read it first; one already gone is fine. */
  async delete(ctx, record) {
    const zoneId = String(record.attributes?.zoneId)
    const type = String(record.attributes?.type) as RRType
    const current = await findRecordSet(ctx, zoneId, record.name, type)
    if (current) await change(ctx, zoneId, 'DELETE', current)
  },
  attributes: (_observed, spec) => ({ zoneId: spec.zoneId, type: spec.type }),
  describe: (spec) => `${spec.type} ${spec.name} → ${spec.alias ? spec.alias.dnsName : (spec.values ?? []).join(', ')}`,
}
