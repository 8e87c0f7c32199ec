// UpdateTable: one logical change per call, as DynamoDB enforces it. Everything is validated before anything is
// applied, so a rejected call changes nothing (as on AWS).
import {
  ResourceNotFoundException,
  type AttributeDefinition,
  type BillingMode,
  type TableDescription,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb'
import { awsError, type FakeEnv } from './core.js'
import {
  checkBilling,
  describe,
  oneOnlineIndex,
  statusInUse,
  streamLabel,
  toThroughput,
  validation,
  type TableRecord,
} from './dynamodb-model.js'

export interface UpdateContext {
  env: FakeEnv
  describesUntilActive: number
  indexBackfillDescribes: number
  kmsKeyArn(keyId: string | undefined): string
}

const INVALID = 'One or more parameter values were invalid:'
const AT_LEAST_ONE =
  'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required'

const indexNotFound = (table: string, index: string) =>
  awsError(ResourceNotFoundException, `Requested resource not found: Index: ${index} for table: ${table} not found`)

export function updateTable(ctx: UpdateContext, t: TableRecord, input: UpdateTableCommandInput): TableDescription {
  const gsiUpdates = input.GlobalSecondaryIndexUpdates ?? []
  const creates = gsiUpdates.flatMap((u) => (u.Create ? [u.Create] : []))
  const deletes = gsiUpdates.flatMap((u) => (u.Delete ? [u.Delete] : []))
  const updates = gsiUpdates.flatMap((u) => (u.Update ? [u.Update] : []))
  const ops = {
    billing: input.BillingMode !== undefined,
    pt: input.ProvisionedThroughput !== undefined,
    stream: input.StreamSpecification !== undefined,
    gsi: gsiUpdates.length > 0,
    sse: input.SSESpecification !== undefined,
    tableClass: input.TableClass !== undefined,
    dp: input.DeletionProtectionEnabled !== undefined,
    odt: input.OnDemandThroughput !== undefined,
    warm: input.WarmThroughput !== undefined,
  }
  const count = Object.values(ops).filter(Boolean).length
  if (count === 0) throw validation(AT_LEAST_ONE)

  // Several fields must travel alone; AWS names the first of SSE > TableClass > DeletionProtection.
  const exclusive: Array<[boolean, string]> = [
    [ops.sse, 'Server-Side Encryption'],
    [ops.tableClass, 'TableClass'],
    [ops.dp, 'DeletionProtection'],
  ]
  for (const [present, label] of exclusive) {
    if (present && count > 1)
      throw validation(`${INVALID} ${label} modification must be the only operation in the request`)
  }
  const onlineIndexChanges = creates.length + deletes.length
  if (onlineIndexChanges > 0 && ops.pt) throw validation('You cannot create or delete index while updating table IOPS')
  if (onlineIndexChanges > 0 && ops.stream) {
    throw validation('You cannot create or delete index while changing stream status')
  }
  if (ops.stream && (ops.pt || input.BillingMode === 'PROVISIONED')) {
    throw validation('You cannot modify stream status while updating table IOPS')
  }

  // Admission: a table that is not ACTIVE takes only a DeletionProtection change (and only while UPDATING).
  if (t.status !== 'ACTIVE' && !(t.status === 'UPDATING' && ops.dp)) throw statusInUse(t)
  if (onlineIndexChanges > 1) throw oneOnlineIndex()
  const building = t.gsis.find((i) => i.status === 'CREATING' || i.status === 'DELETING')
  // Deleting the index that is still building is how one cancels it, so that one is admitted.
  if (onlineIndexChanges === 1 && building && building.name !== deletes[0]?.IndexName) throw oneOnlineIndex()

  const newMode: BillingMode = input.BillingMode ?? t.billingMode
  const switching = newMode !== t.billingMode
  if (ops.billing || ops.pt) {
    checkBilling(newMode, input.ProvisionedThroughput)
    const pt = toThroughput(input.ProvisionedThroughput)
    if (!switching && pt && t.throughput && pt.read === t.throughput.read && pt.write === t.throughput.write) {
      throw validation(
        `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${pt.read}. Requested ReadCapacityUnits: ${pt.read}. Current WriteCapacityUnits provisioned for the table: ${pt.write}. Requested WriteCapacityUnits: ${pt.write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
      )
    }
    if (switching && newMode === 'PROVISIONED') {
      for (const i of t.gsis) {
        if (!updates.some((u) => u.IndexName === i.name && u.ProvisionedThroughput)) {
          throw validation(`${INVALID} ProvisionedThroughput must be specified for index: ${i.name}`)
        }
      }
    }
  }
  const stream = input.StreamSpecification
  if (stream?.StreamEnabled) {
    if (t.stream) throw validation(`Table already has an enabled stream: TableName: ${t.name}`)
    if (!stream.StreamViewType) throw validation(`${INVALID} StreamViewType is required when StreamEnabled is true`)
  } else if (stream) {
    if (stream.StreamViewType) {
      throw validation(`${INVALID} StreamViewType cannot be specified when StreamEnabled is false`)
    }
    if (!t.stream) throw validation('Table has no stream to disable')
  }
  const known = [...t.attributes, ...(input.AttributeDefinitions ?? [])]
  for (const c of creates) {
    if (t.gsis.some((i) => i.name === c.IndexName)) {
      throw validation(`${INVALID} Attempting to create an index which already exists`)
    }
    const keys = (c.KeySchema ?? []).map((k) => k.AttributeName!)
    if (keys.some((k) => !known.some((d) => d.AttributeName === k))) {
      const defs = (input.AttributeDefinitions ?? []).map((d) => d.AttributeName).join(', ')
      throw validation(
        `${INVALID} Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defs}]`,
      )
    }
    checkBilling(newMode, c.ProvisionedThroughput)
  }
  for (const x of [...deletes, ...updates]) {
    if (!t.gsis.some((i) => i.name === x.IndexName)) throw indexNotFound(t.name, x.IndexName!)
  }
  for (const u of updates) if (u.ProvisionedThroughput) checkBilling(newMode, u.ProvisionedThroughput)

  // Apply.
  const now = ctx.env.clock.now()
  const n = ctx.describesUntilActive
  let goesUpdating = false
  if (ops.billing || ops.pt) {
    goesUpdating = switching || ops.pt
    if (switching && newMode === 'PAY_PER_REQUEST') {
      t.payPerRequestSince = now
      t.throughput = undefined
      for (const i of t.gsis) delete i.throughput
    }
    if (newMode === 'PROVISIONED') t.throughput = toThroughput(input.ProvisionedThroughput)
    t.billingMode = newMode
  }
  if (stream) {
    t.stream = stream.StreamEnabled ? { viewType: stream.StreamViewType! } : undefined
    if (stream.StreamEnabled) t.latestStreamLabel = streamLabel(now)
    goesUpdating = true
  }
  if (input.SSESpecification) {
    const sse = input.SSESpecification
    t.sse = sse.Enabled === false ? undefined : { kmsKeyArn: ctx.kmsKeyArn(sse.KMSMasterKeyId) }
  }
  if (input.TableClass && input.TableClass !== (t.tableClass?.value ?? 'STANDARD')) {
    t.tableClass = { value: input.TableClass, updatedAt: now }
    goesUpdating = true
  }
  if (input.DeletionProtectionEnabled !== undefined) t.deletionProtection = input.DeletionProtectionEnabled
  for (const c of creates) {
    const keys = c.KeySchema!.map((k) => k.AttributeName!)
    const added: AttributeDefinition[] = (input.AttributeDefinitions ?? []).filter(
      (d) => keys.includes(d.AttributeName!) && !t.attributes.some((a) => a.AttributeName === d.AttributeName),
    )
    t.attributes.push(...added)
    t.gsis.push({
      name: c.IndexName!,
      keySchema: c.KeySchema!,
      projection: c.Projection ?? {},
      ...(c.ProvisionedThroughput && { throughput: toThroughput(c.ProvisionedThroughput) }),
      status: 'CREATING',
      // The table is ACTIVE again while the index still backfills, as on AWS.
      describesLeft: n + ctx.indexBackfillDescribes,
      backfilling: true,
    })
    goesUpdating = true
  }
  for (const d of deletes) {
    const index = t.gsis.find((i) => i.name === d.IndexName)!
    Object.assign(index, { status: 'DELETING', describesLeft: n, backfilling: false })
    goesUpdating = true
  }
  for (const u of updates) {
    const index = t.gsis.find((i) => i.name === u.IndexName)!
    if (u.ProvisionedThroughput) index.throughput = toThroughput(u.ProvisionedThroughput)
    if (index.status === 'ACTIVE') Object.assign(index, { status: 'UPDATING', describesLeft: n })
  }
  if (goesUpdating) Object.assign(t, { status: 'UPDATING', describesLeft: n })
  const out = describe(ctx.env, t)
  // A BillingMode re-sent unchanged answers UPDATING although nothing happens (DescribeTable stays ACTIVE).
  if (ops.billing && !switching && !ops.pt) out.TableStatus = 'UPDATING'
  return out
}
