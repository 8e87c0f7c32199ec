// FakeDynamoDB's state (plain JSON, so it survives toJSON/load), its errors, CreateTable's key validation and
// the DescribeTable view of a table. The texts of errors are AWS's, as observed; README.md lists the approximate ones.
import {
  DynamoDBServiceException,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  type AttributeDefinition,
  type BillingMode,
  type GlobalSecondaryIndexDescription,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
  type ProvisionedThroughput,
  type ProvisionedThroughputDescription,
  type StreamViewType,
  type TableClass,
  type TableDescription,
  type Tag,
} from '@aws-sdk/client-dynamodb'
import { awsError, type FakeEnv } from './core.js'

export type TableStatusModelled = 'CREATING' | 'UPDATING' | 'ACTIVE' | 'DELETING'
export type IndexStatusModelled = 'CREATING' | 'UPDATING' | 'ACTIVE' | 'DELETING'

export interface Throughput {
  read: number
  write: number
}

export interface IndexRecord {
  name: string
  keySchema: KeySchemaElement[]
  projection: Projection
  throughput?: Throughput
  status: IndexStatusModelled
  /** DescribeTable calls left before a transitional status settles. */
  describesLeft: number
  /** True for an index added by UpdateTable while it builds. */
  backfilling: boolean
}

export interface TableRecord {
  name: string
  id: string
  createdAt: number
  status: TableStatusModelled
  describesLeft: number
  keySchema: KeySchemaElement[]
  attributes: AttributeDefinition[]
  billingMode: BillingMode
  /** LastUpdateToPayPerRequestDateTime; set once the table has ever been PAY_PER_REQUEST. */
  payPerRequestSince?: number
  throughput?: Throughput
  gsis: IndexRecord[]
  lsis: LocalSecondaryIndex[]
  /** The enabled stream; absent when disabled (LatestStreamLabel stays). */
  stream?: { viewType: StreamViewType }
  latestStreamLabel?: string
  /** KMS encryption; absent means the AWS owned key (no SSEDescription). */
  sse?: { kmsKeyArn: string }
  tableClass?: { value: TableClass; updatedAt: number }
  deletionProtection: boolean
  ttl: { enabled: boolean; attributeName?: string; changedAt?: number }
  pitr: { enabled: boolean; recoveryPeriodInDays?: number; enabledAt?: number }
  tags: Tag[]
}

/** DynamoDB's ValidationException has no class in the SDK: the deserializer raises the base exception so named. */
export const validation = (message: string) =>
  awsError(DynamoDBServiceException, message, { name: 'ValidationException', $fault: 'client' })

export const tableNotFound = (name: string) =>
  awsError(ResourceNotFoundException, `Requested resource not found: Table: ${name} not found`)

export const inUse = (what: string) =>
  awsError(ResourceInUseException, `Attempt to change a resource which is still in use: ${what}`)

export const oneOnlineIndex = () =>
  awsError(
    LimitExceededException,
    'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
  )

const INVALID = 'One or more parameter values were invalid:'

export function statusInUse(t: TableRecord) {
  const verb = { CREATING: 'created', UPDATING: 'updated', DELETING: 'deleted', ACTIVE: 'used' }[t.status]
  return inUse(`Table is being ${verb}: ${t.name}`)
}

const names = (keys: KeySchemaElement[] | undefined) => (keys ?? []).map((k) => k.AttributeName!)
const unique = (xs: string[]) => [...new Set(xs)]

/**
 * CreateTable's rule: AttributeDefinitions is exactly the set of key attributes of the table and its indexes.
 * Which of four messages AWS answers depends on whether there are indexes and on the counts.
 */
export function checkKeyAttributes(
  keySchema: KeySchemaElement[],
  defs: AttributeDefinition[],
  indexes: Array<{ KeySchema?: KeySchemaElement[] }>,
): void {
  const defined = unique(defs.map((d) => d.AttributeName!))
  const schemas = [keySchema, ...indexes.map((i) => i.KeySchema ?? [])]
  const used = unique(schemas.flatMap(names))
  const list = (xs: string[]) => `[${xs.join(', ')}]`
  if (indexes.length === 0) {
    if (defined.length < used.length) throw validation('Invalid KeySchema: Some index key attribute have no definition')
    if (defined.length > used.length) {
      throw validation(
        `${INVALID} Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
      )
    }
  }
  const missing = schemas.find((s) => names(s).some((n) => !defined.includes(n)))
  if (missing) {
    throw validation(
      `${INVALID} Some index key attributes are not defined in AttributeDefinitions. Keys: ${list(names(missing))}, AttributeDefinitions: ${list(defined)}`,
    )
  }
  if (defined.some((d) => !used.includes(d))) {
    throw validation(
      `${INVALID} Some AttributeDefinitions are not used. AttributeDefinitions: ${list(defined)}, keys used: ${list(used)}`,
    )
  }
}

/** BillingMode and ProvisionedThroughput must agree; an absent BillingMode means PROVISIONED. */
export function checkBilling(mode: BillingMode, pt: ProvisionedThroughput | undefined, what = 'BillingMode'): void {
  if (mode === 'PAY_PER_REQUEST' && pt) {
    throw validation(
      `${INVALID} Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when ${what} is PAY_PER_REQUEST`,
    )
  }
  if (mode === 'PROVISIONED' && (pt?.ReadCapacityUnits === undefined || pt.WriteCapacityUnits === undefined)) {
    throw validation(
      `${INVALID} ReadCapacityUnits and WriteCapacityUnits must both be specified when ${what} is PROVISIONED`,
    )
  }
  for (const [k, v] of Object.entries(pt ?? {})) {
    if (typeof v === 'number' && v < 1) {
      throw validation(
        `1 validation error detected: Value '${v}' at 'provisionedThroughput.${k[0]!.toLowerCase()}${k.slice(1)}' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      )
    }
  }
}

export const toThroughput = (pt: ProvisionedThroughput | undefined): Throughput | undefined =>
  pt ? { read: pt.ReadCapacityUnits!, write: pt.WriteCapacityUnits! } : undefined

/** A stream label is the creation time, ISO 8601 without the zone. */
export const streamLabel = (now: number) => new Date(now).toISOString().replace(/Z$/, '')

export const tableArn = (env: FakeEnv, name: string) => `arn:aws:dynamodb:${env.region}:${env.account}:table/${name}`

function throughputOf(t: TableRecord, own: Throughput | undefined): ProvisionedThroughputDescription {
  // On-demand tables and their indexes report 0/0.
  const pt = t.billingMode === 'PAY_PER_REQUEST' ? { read: 0, write: 0 } : (own ?? { read: 0, write: 0 })
  return { NumberOfDecreasesToday: 0, ReadCapacityUnits: pt.read, WriteCapacityUnits: pt.write }
}

function describeIndex(env: FakeEnv, t: TableRecord, i: IndexRecord): GlobalSecondaryIndexDescription {
  return {
    IndexName: i.name,
    KeySchema: i.keySchema,
    Projection: i.projection,
    IndexStatus: i.status,
    ...(i.status === 'CREATING' && i.backfilling && { Backfilling: true }),
    ProvisionedThroughput: throughputOf(t, i.throughput),
    IndexSizeBytes: 0,
    ItemCount: 0,
    IndexArn: `${tableArn(env, t.name)}/index/${i.name}`,
  }
}

/** The table as DescribeTable (and the write calls' TableDescription) shows it. */
export function describe(env: FakeEnv, t: TableRecord): TableDescription {
  const arn = tableArn(env, t.name)
  return {
    AttributeDefinitions: t.attributes,
    TableName: t.name,
    KeySchema: t.keySchema,
    TableStatus: t.status,
    CreationDateTime: new Date(t.createdAt),
    ProvisionedThroughput: throughputOf(t, t.throughput),
    TableSizeBytes: 0,
    ItemCount: 0,
    TableArn: arn,
    TableId: t.id,
    ...(t.payPerRequestSince !== undefined && {
      BillingModeSummary: {
        BillingMode: t.billingMode,
        LastUpdateToPayPerRequestDateTime: new Date(t.payPerRequestSince),
      },
    }),
    ...(t.lsis.length > 0 && {
      LocalSecondaryIndexes: t.lsis.map((l) => ({
        IndexName: l.IndexName,
        KeySchema: l.KeySchema,
        Projection: l.Projection,
        IndexSizeBytes: 0,
        ItemCount: 0,
        IndexArn: `${arn}/index/${l.IndexName}`,
      })),
    }),
    ...(t.gsis.length > 0 && { GlobalSecondaryIndexes: t.gsis.map((i) => describeIndex(env, t, i)) }),
    ...(t.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream.viewType } }),
    ...(t.latestStreamLabel && {
      LatestStreamLabel: t.latestStreamLabel,
      LatestStreamArn: `${arn}/stream/${t.latestStreamLabel}`,
    }),
    ...(t.sse && { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: t.sse.kmsKeyArn } }),
    ...(t.tableClass && {
      TableClassSummary: { TableClass: t.tableClass.value, LastUpdateDateTime: new Date(t.tableClass.updatedAt) },
    }),
    DeletionProtectionEnabled: t.deletionProtection,
  }
}
