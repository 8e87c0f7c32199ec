// DynamoDB's control plane as a deployer uses it: tables, indexes, streams, TTL, PITR, tags. No items.
// Transitional states (CREATING, UPDATING, DELETING) last a number of DescribeTable calls, not a time.
import { randomUUID } from 'node:crypto'
import * as sdk from '@aws-sdk/client-dynamodb'
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  TableNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type CreateTableCommandOutput,
  type DeleteTableCommandInput,
  type DeleteTableCommandOutput,
  type DescribeContinuousBackupsCommandInput,
  type DescribeContinuousBackupsCommandOutput,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  type DescribeTimeToLiveCommandInput,
  type DescribeTimeToLiveCommandOutput,
  type ListTablesCommandInput,
  type ListTablesCommandOutput,
  type ListTagsOfResourceCommandInput,
  type ListTagsOfResourceCommandOutput,
  type TagResourceCommandInput,
  type UntagResourceCommandInput,
  type UpdateContinuousBackupsCommandInput,
  type UpdateContinuousBackupsCommandOutput,
  type UpdateTableCommandInput,
  type UpdateTableCommandOutput,
  type UpdateTimeToLiveCommandInput,
  type UpdateTimeToLiveCommandOutput,
} from '@aws-sdk/client-dynamodb'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type Out, type ServiceFake } from './core.js'
import {
  checkBilling,
  checkKeyAttributes,
  describe,
  inUse,
  statusInUse,
  streamLabel,
  tableArn,
  tableNotFound,
  toThroughput,
  validation,
  type TableRecord,
} from './dynamodb-model.js'
import {
  describeContinuousBackups,
  describeTimeToLive,
  updateContinuousBackups,
  updateTimeToLive,
} from './dynamodb-settings.js'
import { updateTable } from './dynamodb-update.js'

const TTL_COOLDOWN_MS = 60 * 60 * 1000

export class FakeDynamoDB implements ServiceFake {
  readonly service = 'dynamodb'
  readonly client = DynamoDBClient
  readonly sdk = sdk
  /**
   * How many DescribeTable calls a table shows CREATING/UPDATING/DELETING after the call that started it: with 1
   * (the default) the first describe shows the transitional status and the second ACTIVE (or not found, after a
   * delete); with 0 the first describe already shows the settled state. CreateTable's and UpdateTable's own
   * responses always show the transitional status.
   */
  describesUntilActive = 1
  /** A GSI added by UpdateTable stays CREATING (Backfilling) this many describes after its table is ACTIVE again. */
  indexBackfillDescribes = 1
  /** AWS documents one TTL change per table per hour (observed: about 31 min). Uses the FakeAws clock. */
  ttlCooldownMs = TTL_COOLDOWN_MS
  /** Account, region and clock: FakeAws's once attached. */
  env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }
  private tables = new Map<string, TableRecord>()
  /** The key of the AWS managed key `alias/aws/dynamodb`, made on first use. */
  private awsManagedKeyId?: string

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateTableCommand, (i) => this.createTable(i)),
      on(DescribeTableCommand, (i) => this.describeTable(i)),
      on(UpdateTableCommand, (i) => this.updateTable(i)),
      on(DeleteTableCommand, (i) => this.deleteTable(i)),
      on(ListTablesCommand, (i) => this.listTables(i)),
      on(DescribeTimeToLiveCommand, (i) => this.describeTimeToLive(i)),
      on(UpdateTimeToLiveCommand, (i) => this.updateTimeToLive(i)),
      on(DescribeContinuousBackupsCommand, (i) => this.describeContinuousBackups(i)),
      on(UpdateContinuousBackupsCommand, (i) => this.updateContinuousBackups(i)),
      on(TagResourceCommand, (i) => this.tagResource(i)),
      on(UntagResourceCommand, (i) => this.untagResource(i)),
      on(ListTagsOfResourceCommand, (i) => this.listTagsOfResource(i)),
    ]
  }

  /** The live record of a table (mutate it to simulate a change made outside `infra`), or undefined. */
  table(name: string): TableRecord | undefined {
    return this.tables.get(name)
  }

  tableNames(): string[] {
    return [...this.tables.keys()].sort()
  }

  /** Someone deleted the table in the console: gone at once, whatever its state or deletion protection. */
  deleteTableOutOfBand(name: string): void {
    if (!this.tables.delete(name)) throw new Error(`FakeDynamoDB: no table ${name} to delete out of band`)
  }

  /** Ends every transitional state now, as if enough time had passed. */
  settle(): void {
    for (const t of this.tables.values()) {
      for (const i of t.gsis) i.describesLeft = 0
      t.describesLeft = 0
      while (t.status !== 'ACTIVE' || t.gsis.some((i) => i.status !== 'ACTIVE')) {
        this.advance(t)
        if (!this.tables.has(t.name)) break
      }
    }
  }

  kmsKeyArn(keyId: string | undefined): string {
    if (keyId?.startsWith('arn:')) return keyId
    const id = keyId ?? (this.awsManagedKeyId ??= randomUUID())
    return `arn:aws:kms:${this.env.region}:${this.env.account}:key/${id}`
  }

  createTable(input: CreateTableCommandInput): Out<CreateTableCommandOutput> {
    const name = input.TableName ?? ''
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
      throw validation(
        `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
      )
    }
    const keySchema = input.KeySchema ?? []
    if (keySchema[0]?.KeyType !== 'HASH' || keySchema.length > 2 || keySchema[1]?.KeyType === 'HASH') {
      throw validation(
        '1 validation error detected: Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
      )
    }
    const gsis = input.GlobalSecondaryIndexes
    const lsis = input.LocalSecondaryIndexes
    if (gsis?.length === 0)
      throw validation('One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty')
    if (lsis?.length === 0)
      throw validation('One or more parameter values were invalid: List of LocalSecondaryIndexes is empty')
    checkKeyAttributes(keySchema, input.AttributeDefinitions ?? [], [...(gsis ?? []), ...(lsis ?? [])])
    const mode = input.BillingMode ?? 'PROVISIONED'
    checkBilling(mode, input.ProvisionedThroughput)
    for (const g of gsis ?? []) checkBilling(mode, g.ProvisionedThroughput)
    const stream = input.StreamSpecification
    if (stream?.StreamEnabled && !stream.StreamViewType) {
      throw validation(
        'One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true',
      )
    }
    if (this.tables.has(name)) throw awsError(ResourceInUseException, `Table already exists: ${name}`)

    const now = this.env.clock.now()
    const n = this.describesUntilActive
    const sse = input.SSESpecification
    const record: TableRecord = {
      name,
      id: randomUUID(),
      createdAt: now,
      status: 'CREATING',
      describesLeft: n,
      keySchema,
      attributes: input.AttributeDefinitions ?? [],
      billingMode: mode,
      ...(mode === 'PAY_PER_REQUEST' && { payPerRequestSince: now }),
      ...(mode === 'PROVISIONED' && { throughput: toThroughput(input.ProvisionedThroughput) }),
      // Indexes created with the table turn ACTIVE with it.
      gsis: (gsis ?? []).map((g) => ({
        name: g.IndexName!,
        keySchema: g.KeySchema!,
        projection: g.Projection ?? {},
        ...(g.ProvisionedThroughput && { throughput: toThroughput(g.ProvisionedThroughput) }),
        status: 'CREATING' as const,
        describesLeft: n,
        backfilling: false,
      })),
      lsis: lsis ?? [],
      ...(stream?.StreamEnabled && {
        stream: { viewType: stream.StreamViewType! },
        latestStreamLabel: streamLabel(now),
      }),
      ...((sse?.Enabled || sse?.SSEType === 'KMS') && { sse: { kmsKeyArn: this.kmsKeyArn(sse.KMSMasterKeyId) } }),
      ...(input.TableClass && { tableClass: { value: input.TableClass, updatedAt: now } }),
      deletionProtection: input.DeletionProtectionEnabled ?? false,
      ttl: { enabled: false },
      pitr: { enabled: false },
      tags: input.Tags ?? [],
    }
    this.tables.set(name, record)
    return { TableDescription: describe(this.env, record) }
  }

  describeTable(input: DescribeTableCommandInput): Out<DescribeTableCommandOutput> {
    const t = this.get(input.TableName)
    this.advance(t)
    if (!this.tables.has(t.name)) throw tableNotFound(t.name)
    return { Table: describe(this.env, t) }
  }

  updateTable(input: UpdateTableCommandInput): Out<UpdateTableCommandOutput> {
    return { TableDescription: updateTable(this, this.get(input.TableName), input) }
  }

  deleteTable(input: DeleteTableCommandInput): Out<DeleteTableCommandOutput> {
    const t = this.get(input.TableName)
    if (t.deletionProtection) {
      throw validation(
        'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
      )
    }
    if (t.status !== 'ACTIVE') throw statusInUse(t)
    if (t.gsis.some((i) => i.status !== 'ACTIVE')) {
      throw inUse('Cannot delete table while indexes are being created, updated, or deleted.')
    }
    Object.assign(t, { status: 'DELETING', describesLeft: this.describesUntilActive })
    return { TableDescription: describe(this.env, t) }
  }

  listTables(input: ListTablesCommandInput): Out<ListTablesCommandOutput> {
    const all = this.tableNames()
    const start = input.ExclusiveStartTableName ? all.filter((n) => n > input.ExclusiveStartTableName!) : all
    const limit = input.Limit ?? 100
    const page = start.slice(0, limit)
    return { TableNames: page, ...(start.length > limit && { LastEvaluatedTableName: page.at(-1) }) }
  }

  describeTimeToLive(input: DescribeTimeToLiveCommandInput): Out<DescribeTimeToLiveCommandOutput> {
    return describeTimeToLive(this.get(input.TableName))
  }

  updateTimeToLive(input: UpdateTimeToLiveCommandInput): Out<UpdateTimeToLiveCommandOutput> {
    return updateTimeToLive(this, this.get(input.TableName), input)
  }

  describeContinuousBackups(input: DescribeContinuousBackupsCommandInput): Out<DescribeContinuousBackupsCommandOutput> {
    return describeContinuousBackups(this.env, this.backupTable(input.TableName))
  }

  updateContinuousBackups(input: UpdateContinuousBackupsCommandInput): Out<UpdateContinuousBackupsCommandOutput> {
    return updateContinuousBackups(this.env, this.backupTable(input.TableName), input)
  }

  tagResource(input: TagResourceCommandInput): object {
    const t = this.byArn(input.ResourceArn)
    if (t.status === 'CREATING') throw statusInUse(t)
    const merged = new Map(t.tags.map((tag) => [tag.Key, tag]))
    for (const tag of input.Tags ?? []) merged.set(tag.Key, tag)
    t.tags = [...merged.values()]
    return {}
  }

  untagResource(input: UntagResourceCommandInput): object {
    const t = this.byArn(input.ResourceArn)
    if (t.status === 'CREATING') throw statusInUse(t)
    const drop = new Set(input.TagKeys ?? [])
    t.tags = t.tags.filter((tag) => !drop.has(tag.Key!))
    return {}
  }

  listTagsOfResource(input: ListTagsOfResourceCommandInput): Out<ListTagsOfResourceCommandOutput> {
    return { Tags: this.byArn(input.ResourceArn).tags }
  }

  toJSON(): unknown {
    return { tables: [...this.tables.values()], awsManagedKeyId: this.awsManagedKeyId }
  }

  load(state: { tables?: TableRecord[]; awsManagedKeyId?: string }): void {
    this.tables = new Map((state.tables ?? []).map((t) => [t.name, t]))
    this.awsManagedKeyId = state.awsManagedKeyId
  }

  private get(name: string | undefined): TableRecord {
    const t = this.tables.get(name ?? '')
    if (!t) throw tableNotFound(name ?? '')
    return t
  }

  /** The backup APIs have their own not-found error. */
  private backupTable(name: string | undefined): TableRecord {
    const t = this.tables.get(name ?? '')
    if (!t) throw awsError(TableNotFoundException, `Table not found: ${name}`)
    return t
  }

  private byArn(arn: string | undefined): TableRecord {
    const t = [...this.tables.values()].find((x) => tableArn(this.env, x.name) === arn)
    // "ResourcArn" is AWS's own spelling.
    if (!t) throw awsError(ResourceNotFoundException, `Requested resource not found: ResourcArn: ${arn} not found`)
    return t
  }

  /** One DescribeTable's worth of time: transitional states count down, then settle. */
  private advance(t: TableRecord): void {
    for (const index of [...t.gsis]) {
      if (index.status === 'ACTIVE') continue
      if (index.describesLeft > 0) index.describesLeft--
      else if (index.status === 'DELETING') this.dropIndex(t, index.name)
      else Object.assign(index, { status: 'ACTIVE', backfilling: false })
    }
    if (t.status === 'ACTIVE') return
    if (t.describesLeft > 0) t.describesLeft--
    else if (t.status === 'DELETING') this.tables.delete(t.name)
    else t.status = 'ACTIVE'
  }

  /** A deleted index takes with it the AttributeDefinitions no other key uses, as on AWS. */
  private dropIndex(t: TableRecord, name: string): void {
    t.gsis = t.gsis.filter((i) => i.name !== name)
    const used = new Set(
      [t.keySchema, ...t.gsis.map((i) => i.keySchema), ...t.lsis.map((l) => l.KeySchema ?? [])]
        .flat()
        .map((k) => k.AttributeName),
    )
    t.attributes = t.attributes.filter((a) => used.has(a.AttributeName))
  }
}
