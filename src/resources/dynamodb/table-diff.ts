// Pure: config → CreateTable input, and observed table → the list of changes, one UpdateTable (or TTL/PITR/tag)
// call each, because DynamoDB takes one kind of change per UpdateTable and one GSI create/delete at a time.
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  GlobalSecondaryIndexDescription,
  KeySchemaElement,
  Projection,
  TableDescription,
} from '@aws-sdk/client-dynamodb'
import type { GlobalIndexConfig, KeyAttribute, TableConfig, Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

export interface ObservedTable {
  table: TableDescription
  ttl: { enabled: boolean; attribute?: string }
  pointInTimeRecovery: boolean
  tags: Tags
}

export type TableChange =
  | {
      field: 'BillingMode'
      from?: string
      to: string
      /** Indexes the table keeps through the switch. */ keptIndexes: string[]
    }
  | { field: 'ProvisionedThroughput'; from?: string; to: string }
  | {
      field: `GlobalSecondaryIndexes[${string}]`
      from?: string
      to?: string
      op: 'create' | 'delete' | 'capacity'
      index: string
    }
  | { field: 'StreamSpecification'; from?: string; to?: string }
  | { field: 'DeletionProtectionEnabled'; from: boolean; to: boolean }
  | { field: 'SSESpecification'; from?: string; to: string }
  | { field: 'TableClass'; from?: string; to: string }
  | { field: 'TimeToLive'; from?: string; to?: string }
  | { field: 'PointInTimeRecovery'; from: boolean; to: boolean }
  | { field: `Tags[${string}]`; from?: unknown; to?: unknown }

/** A change DynamoDB cannot make in place; the table would have to be replaced, which we never do. */
export interface Refusal {
  field: string
  from: string
  to: string
}

const keySchema = (pk: KeyAttribute, sk?: KeyAttribute): KeySchemaElement[] => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
]

const describeKeys = (keys: KeySchemaElement[] | undefined) =>
  (keys ?? []).map((k) => `${k.AttributeName}(${k.KeyType === 'HASH' ? 'partition' : 'sort'})`).join(', ')

function projection(p: GlobalIndexConfig['projection']): Projection {
  if (p === 'ALL' || p === 'KEYS_ONLY') return { ProjectionType: p }
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: p.include }
}

const throughput = (c: { read: number; write: number }) => ({ ReadCapacityUnits: c.read, WriteCapacityUnits: c.write })

export function attributeDefinitions(spec: TableConfig, indexes = spec.globalIndexes): AttributeDefinition[] {
  const attrs = new Map<string, KeyAttribute>()
  for (const a of [spec.partitionKey, spec.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (a) attrs.set(a.name, a)
  }
  return [...attrs.values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type }))
}

export function toGlobalIndex(spec: TableConfig, index: GlobalIndexConfig): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: projection(index.projection),
    ...(spec.billingMode === 'PROVISIONED' && index.capacity
      ? { ProvisionedThroughput: throughput(index.capacity) }
      : {}),
  }
}

export function sseSpecification(spec: TableConfig) {
  if (spec.encryption === 'AWS_OWNED') return { Enabled: false }
  if (spec.encryption === 'AWS_MANAGED') return { Enabled: true, SSEType: 'KMS' as const }
  return { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: spec.encryption.kmsKeyArn }
}

export function toCreateTableInput(spec: TableConfig): CreateTableCommandInput {
  return {
    TableName: spec.name,
    AttributeDefinitions: attributeDefinitions(spec),
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    BillingMode: spec.billingMode,
    ...(spec.billingMode === 'PROVISIONED' && spec.capacity
      ? { ProvisionedThroughput: throughput(spec.capacity) }
      : {}),
    ...(spec.globalIndexes.length
      ? { GlobalSecondaryIndexes: spec.globalIndexes.map((i) => toGlobalIndex(spec, i)) }
      : {}),
    ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
    ...(spec.encryption !== 'AWS_OWNED' ? { SSESpecification: sseSpecification(spec) } : {}),
    TableClass: spec.tableClass,
    DeletionProtectionEnabled: spec.deletionProtection,
    Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
  }
}

/** Key schemas are fixed at creation: a change there is refused, never applied by replacing the table. */
export function refusedTableChanges(have: TableDescription, want: TableConfig): Refusal[] {
  const wantKeys = describeKeys(keySchema(want.partitionKey, want.sortKey))
  const haveKeys = describeKeys(have.KeySchema)
  const refusals: Refusal[] = []
  if (wantKeys !== haveKeys) refusals.push({ field: 'KeySchema', from: haveKeys, to: wantKeys })
  const types = new Map((have.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]))
  for (const key of [want.partitionKey, want.sortKey]) {
    const current = key && types.get(key.name)
    if (key && current && current !== key.type)
      refusals.push({ field: `AttributeType[${key.name}]`, from: current, to: key.type })
  }
  return refusals
}

function indexSignature(index: GlobalSecondaryIndexDescription | GlobalSecondaryIndex): string {
  const p = index.Projection
  return JSON.stringify([describeKeys(index.KeySchema), p?.ProjectionType, [...(p?.NonKeyAttributes ?? [])].sort()])
}

function diffIndexes(have: TableDescription, want: TableConfig, billingChanges: boolean): TableChange[] {
  const haveIndexes = new Map((have.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName ?? '', i]))
  const wantIndexes = new Map(want.globalIndexes.map((i) => [i.name, toGlobalIndex(want, i)]))
  const changes: TableChange[] = []
  for (const [name, current] of haveIndexes) {
    const desired = wantIndexes.get(name)
    // An index whose keys or projection changed is dropped and rebuilt (DynamoDB cannot alter it in place).
    if (!desired || indexSignature(current) !== indexSignature(desired)) {
      changes.push({
        field: `GlobalSecondaryIndexes[${name}]`,
        op: 'delete',
        index: name,
        from: 'present',
        to: undefined,
      })
    }
  }
  for (const [name, desired] of wantIndexes) {
    const current = haveIndexes.get(name)
    if (!current || indexSignature(current) !== indexSignature(desired)) {
      changes.push({
        field: `GlobalSecondaryIndexes[${name}]`,
        op: 'create',
        index: name,
        from: current ? 'rebuilt' : undefined,
        to: 'present',
      })
    } else if (
      !billingChanges &&
      desired.ProvisionedThroughput &&
      capacityOf(current.ProvisionedThroughput) !== capacityOf(desired.ProvisionedThroughput)
    ) {
      changes.push({
        field: `GlobalSecondaryIndexes[${name}]`,
        op: 'capacity',
        index: name,
        from: capacityOf(current.ProvisionedThroughput),
        to: capacityOf(desired.ProvisionedThroughput),
      })
    }
  }
  return changes
}

const capacityOf = (t?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number }) =>
  t ? `${t.ReadCapacityUnits ?? 0}/${t.WriteCapacityUnits ?? 0}` : undefined

function observedEncryption(t: TableDescription): string {
  const sse = t.SSEDescription
  if (!sse || sse.Status === 'DISABLED' || sse.Status === 'DISABLING') return 'AWS_OWNED'
  return sse.KMSMasterKeyArn ?? 'AWS_MANAGED'
}

function encryptionMatches(observed: string, want: TableConfig['encryption']): boolean {
  if (want === 'AWS_OWNED') return observed === 'AWS_OWNED'
  if (want === 'AWS_MANAGED') return observed !== 'AWS_OWNED'
  return observed === want.kmsKeyArn
}

/** Pure: the changes to make, in the order to make them (billing before the indexes that depend on it). */
export function diffTable(have: ObservedTable, want: TableConfig): TableChange[] {
  const t = have.table
  const changes: TableChange[] = []
  const billing = t.BillingModeSummary?.BillingMode ?? 'PROVISIONED'
  const wantCapacity =
    want.billingMode === 'PROVISIONED' && want.capacity ? capacityOf(throughput(want.capacity)) : undefined
  const billingChanges = billing !== want.billingMode
  // Order: drop indexes, then switch billing (its UpdateTable carries a capacity for every index the table keeps),
  // then build new indexes, which then already get the new billing mode.
  const indexChanges = diffIndexes(t, want, billingChanges)
  const dropped = indexChanges.filter((c) => 'op' in c && c.op === 'delete')
  changes.push(...dropped)
  if (billingChanges) {
    const droppedNames = new Set(dropped.map((c) => ('index' in c ? c.index : '')))
    const keptIndexes = (t.GlobalSecondaryIndexes ?? [])
      .map((i) => i.IndexName ?? '')
      .filter((n) => !droppedNames.has(n))
    changes.push({ field: 'BillingMode', from: billing, to: want.billingMode, keptIndexes })
  } else if (wantCapacity && capacityOf(t.ProvisionedThroughput) !== wantCapacity) {
    changes.push({ field: 'ProvisionedThroughput', from: capacityOf(t.ProvisionedThroughput), to: wantCapacity })
  }
  changes.push(...indexChanges.filter((c) => !dropped.includes(c)))
  const stream = t.StreamSpecification?.StreamEnabled ? t.StreamSpecification.StreamViewType : undefined
  const wantStream = want.stream || undefined
  if (stream !== wantStream) {
    // A stream's view type cannot change while enabled: disable first, then enable with the new type.
    if (stream && wantStream) changes.push({ field: 'StreamSpecification', from: stream, to: undefined })
    changes.push({ field: 'StreamSpecification', from: stream, to: wantStream })
  }
  if ((t.DeletionProtectionEnabled ?? false) !== want.deletionProtection) {
    changes.push({
      field: 'DeletionProtectionEnabled',
      from: t.DeletionProtectionEnabled ?? false,
      to: want.deletionProtection,
    })
  }
  const encryption = observedEncryption(t)
  if (!encryptionMatches(encryption, want.encryption)) {
    changes.push({
      field: 'SSESpecification',
      from: encryption,
      to: typeof want.encryption === 'string' ? want.encryption : want.encryption.kmsKeyArn,
    })
  }
  const tableClass = t.TableClassSummary?.TableClass ?? 'STANDARD'
  if (tableClass !== want.tableClass) changes.push({ field: 'TableClass', from: tableClass, to: want.tableClass })
  const ttl = have.ttl.enabled ? have.ttl.attribute : undefined
  if (ttl !== want.ttlAttribute) changes.push({ field: 'TimeToLive', from: ttl, to: want.ttlAttribute })
  if (have.pointInTimeRecovery !== want.pointInTimeRecovery) {
    changes.push({ field: 'PointInTimeRecovery', from: have.pointInTimeRecovery, to: want.pointInTimeRecovery })
  }
  return [...changes, ...(diffTags(have.tags, want.tags) as TableChange[])]
}

export const asChanges = (changes: TableChange[]): Change[] =>
  changes.map(({ field, from, to }) => ({ field, from, to }))
