// FakeRoute53: public hosted zones (CallerReference idempotency, name servers, tags) and their record sets (CREATE,
// UPSERT, DELETE in one atomic batch, alias or plain). What it models: route53.md.
import * as sdk from '@aws-sdk/client-route-53'
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  HostedZoneAlreadyExists,
  HostedZoneNotEmpty,
  InvalidChangeBatch,
  InvalidInput,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  NoSuchHostedZone,
  Route53Client,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53'
import { randomBytes } from 'node:crypto'
import { awsError, on, type ServiceFake } from './core.js'

export interface ZoneState {
  id: string
  /** Fully qualified, lower case: `example.com.`. */
  name: string
  callerReference: string
  comment: string
  nameServers: string[]
  tags: Record<string, string>
  records: ResourceRecordSet[]
}

const PAGE = 100
const newId = (prefix: string, n: number) => `${prefix}${randomBytes(n).toString('hex').toUpperCase()}`.slice(0, n + 1)
const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase()
const bareId = (id: string | undefined) => (id ?? '').replace(/^\/hostedzone\//, '')
/** Route 53 lists names by their labels read right to left: `example.com.` before `api.example.com.`. */
const sortKey = (name: string) => fqdn(name).split('.').reverse().join('.')
const byRecordOrder = (a: ResourceRecordSet, b: ResourceRecordSet) =>
  sortKey(a.Name!).localeCompare(sortKey(b.Name!)) || a.Type!.localeCompare(b.Type!)
const changeInfo = () => ({ Id: `/change/${newId('C', 13)}`, Status: 'PENDING' as const, SubmittedAt: new Date() })

export class FakeRoute53 implements ServiceFake {
  readonly service = 'route53'
  readonly client = Route53Client
  readonly sdk = sdk
  zones: Record<string, ZoneState> = {}
  /**
   * Whether the registrar points each zone's name at the zone's name servers. False models a domain whose registrar
   * lists other servers: public DNS, and so ACM's validation, never sees the zone's records.
   */
  delegated = true

  handlers() {
    return [
      on(CreateHostedZoneCommand, (i) => {
        const zone = this.createZone(i.Name, i.CallerReference, i.HostedZoneConfig)
        return {
          HostedZone: this.render(zone),
          ChangeInfo: changeInfo(),
          DelegationSet: { NameServers: zone.nameServers },
          Location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}`,
        }
      }),
      on(GetHostedZoneCommand, (i) => {
        const z = this.zone(i.Id)
        return { HostedZone: this.render(z), DelegationSet: { NameServers: z.nameServers } }
      }),
      on(ListHostedZonesByNameCommand, (i) => this.listByName(i.DNSName, i.HostedZoneId, i.MaxItems)),
      on(ListTagsForResourceCommand, (i) => {
        const z = this.zone(i.ResourceId)
        const Tags = Object.entries(z.tags).map(([Key, Value]) => ({ Key, Value }))
        return { ResourceTagSet: { ResourceType: i.ResourceType, ResourceId: z.id, Tags } }
      }),
      on(ChangeTagsForResourceCommand, (i) => {
        const z = this.zone(i.ResourceId)
        for (const t of i.AddTags ?? []) z.tags[t.Key!] = t.Value ?? ''
        for (const k of i.RemoveTagKeys ?? []) delete z.tags[k]
        return {}
      }),
      on(ListResourceRecordSetsCommand, (i) =>
        this.listRecords(i.HostedZoneId, i.StartRecordName, i.StartRecordType, i.MaxItems),
      ),
      on(ChangeResourceRecordSetsCommand, (i) => this.changeRecords(i.HostedZoneId, i.ChangeBatch?.Changes ?? [])),
      on(DeleteHostedZoneCommand, (i) => {
        const z = this.zone(i.Id)
        if (z.records.some((r) => !(fqdn(r.Name!) === z.name && (r.Type === 'SOA' || r.Type === 'NS'))))
          throw awsError(
            HostedZoneNotEmpty,
            'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
          )
        delete this.zones[z.id]
        return { ChangeInfo: changeInfo() }
      }),
    ]
  }

  // --- helpers for tests and the other fakes ------------------------------------------------------------------------

  zonesNamed(name: string): ZoneState[] {
    return Object.values(this.zones).filter((z) => z.name === fqdn(name))
  }

  /** A zone made outside infra (by the registrar, by hand): untagged, with its own CallerReference. */
  addZoneOutOfBand(name: string): ZoneState {
    return this.createZone(name, `out-of-band-${newId('', 8)}`, {})
  }

  record(name: string, type: string): ResourceRecordSet | undefined {
    for (const z of Object.values(this.zones))
      for (const r of z.records) if (fqdn(r.Name!) === fqdn(name) && r.Type === type) return r
    return undefined
  }

  /** What public DNS answers for a CNAME: nothing when the zone is not delegated. */
  publicCname(name: string): string | undefined {
    if (!this.delegated) return undefined
    return this.record(name, 'CNAME')?.ResourceRecords?.[0]?.Value
  }

  toJSON(): unknown {
    return { zones: this.zones, delegated: this.delegated }
  }

  load(state: any): void {
    this.zones = state.zones ?? {}
    this.delegated = state.delegated ?? true
  }

  // --- the API -------------------------------------------------------------------------------------------------------

  private zone(id: string | undefined): ZoneState {
    const z = this.zones[bareId(id)]
    if (!z) throw awsError(NoSuchHostedZone, `No hosted zone found with ID: ${bareId(id)}`)
    return z
  }

  private render(z: ZoneState) {
    return {
      Id: `/hostedzone/${z.id}`,
      Name: z.name,
      CallerReference: z.callerReference,
      Config: { Comment: z.comment, PrivateZone: false },
      ResourceRecordSetCount: z.records.length,
    }
  }

  private createZone(
    name: string | undefined,
    callerReference: string | undefined,
    config: { Comment?: string; PrivateZone?: boolean } | undefined,
  ) {
    if (!name || !callerReference) throw awsError(InvalidInput, 'Name and CallerReference are required.')
    if (Object.values(this.zones).some((z) => z.callerReference === callerReference))
      throw awsError(
        HostedZoneAlreadyExists,
        `A hosted zone has already been created with the specified caller reference.`,
      )
    const id = newId('Z', 20)
    const n = Math.floor(Math.random() * 2000)
    const nameServers = [
      `ns-${n}.awsdns-01.org`,
      `ns-${n + 1}.awsdns-02.co.uk`,
      `ns-${n + 2}.awsdns-03.com`,
      `ns-${n + 3}.awsdns-04.net`,
    ]
    const zone: ZoneState = {
      id,
      name: fqdn(name),
      callerReference,
      comment: config?.Comment ?? '',
      nameServers,
      tags: {},
      records: [
        {
          Name: fqdn(name),
          Type: 'NS',
          TTL: 172800,
          ResourceRecords: nameServers.map((Value) => ({ Value: `${Value}.` })),
        },
        {
          Name: fqdn(name),
          Type: 'SOA',
          TTL: 900,
          ResourceRecords: [{ Value: `${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
        },
      ],
    }
    this.zones[id] = zone
    return zone
  }

  private listByName(dnsName: string | undefined, hostedZoneId: string | undefined, maxItems: number | undefined) {
    const max = maxItems ?? PAGE
    const all = Object.values(this.zones).sort(
      (a, b) => sortKey(a.name).localeCompare(sortKey(b.name)) || a.id.localeCompare(b.id),
    )
    const from = dnsName
      ? all.findIndex(
          (z) =>
            sortKey(z.name) > sortKey(dnsName) ||
            (z.name === fqdn(dnsName) && (!hostedZoneId || z.id >= bareId(hostedZoneId))),
        )
      : 0
    const rest = from < 0 ? [] : all.slice(from)
    const page = rest.slice(0, max)
    const next = rest[max]
    return {
      HostedZones: page.map((z) => this.render(z)),
      ...(dnsName ? { DNSName: dnsName } : {}),
      IsTruncated: !!next,
      MaxItems: max,
      ...(next ? { NextDNSName: next.name, NextHostedZoneId: next.id } : {}),
    }
  }

  private listRecords(
    zoneId: string | undefined,
    startName: string | undefined,
    startType: string | undefined,
    maxItems: number | undefined,
  ) {
    const z = this.zone(zoneId)
    if (startType && !startName) throw awsError(InvalidInput, 'StartRecordType requires StartRecordName.')
    const max = maxItems ?? 300
    const all = [...z.records].sort(byRecordOrder)
    const start = { Name: startName ?? '', Type: startType ?? '' } as ResourceRecordSet
    const rest = startName ? all.filter((r) => byRecordOrder(r, start) >= 0) : all
    const page = rest.slice(0, max)
    const next = rest[max]
    return {
      ResourceRecordSets: page,
      IsTruncated: !!next,
      MaxItems: max,
      ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type } : {}),
    }
  }

  /** A batch is checked whole before any change applies, as Route 53 does. */
  private changeRecords(zoneId: string | undefined, changes: sdk.Change[]) {
    const z = this.zone(zoneId)
    const records = [...z.records]
    const index = (r: ResourceRecordSet) =>
      records.findIndex((x) => fqdn(x.Name!) === fqdn(r.Name!) && x.Type === r.Type)
    for (const { Action, ResourceRecordSet: r } of changes) {
      if (!r?.Name || !r.Type) throw awsError(InvalidInput, 'A ResourceRecordSet needs Name and Type.')
      const name = fqdn(r.Name)
      if (name !== z.name && !name.endsWith(`.${z.name}`))
        throw awsError(InvalidChangeBatch, `RRSet with DNS name ${name} is not permitted in zone ${z.name}`)
      if (r.AliasTarget && (r.TTL !== undefined || r.ResourceRecords))
        throw awsError(InvalidInput, 'An alias record set cannot have a TTL or ResourceRecords.')
      if (!r.AliasTarget && (r.TTL === undefined || !r.ResourceRecords?.length))
        throw awsError(InvalidInput, 'A record set needs a TTL and at least one ResourceRecord.')
      const at = index(r)
      const record = { ...r, Name: name }
      if (Action === 'CREATE') {
        if (at >= 0)
          throw awsError(
            InvalidChangeBatch,
            `[Tried to create resource record set [name='${name}', type='${r.Type}'] but it already exists]`,
          )
        records.push(record)
      } else if (Action === 'UPSERT') {
        if (at >= 0) records[at] = record
        else records.push(record)
      } else {
        if (at < 0 || JSON.stringify(records[at]) !== JSON.stringify(record))
          throw awsError(
            InvalidChangeBatch,
            `[Tried to delete resource record set [name='${name}', type='${r.Type}'] but it was not found]`,
          )
        records.splice(at, 1)
      }
    }
    z.records = records
    return { ChangeInfo: changeInfo() }
  }
}
