// DynamoDB table: find → diff → create/update → wait. Name-unique, so found by name.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb'
import type { TableConfig } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { isNotFound, isTableBusy } from '../../aws/errors.js'
import { pollUntil, type PollVerdict } from '../../aws/poll.js'
import { retryWhile } from '../../aws/retry.js'
import type { ResourceRecord } from '../../manifest/types.js'
import { converge, type Converged } from '../engine/converge.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import { onCreated } from '../engine/on-created.js'
import {
  diffTable,
  refusedTableChanges,
  toCreateTableInput,
  type ObservedTable,
  type TableChange,
} from './table-diff.js'
import { applyTableChanges } from './table-update.js'
import type { ResourceContext } from '../types.js'

export const TABLE_KIND = 'dynamodb-table'
// terraform-provider-aws budgets: create 30 min, each update 20 min (reliability rules, rule 13).
const TABLE_CREATE_MS = 30 * 60_000
export const TABLE_UPDATE_MS = 20 * 60_000
const TABLE_DELETE_MS = 10 * 60_000

export async function findTable(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** The table's settings that live behind their own APIs, read in parallel. */
async function observeSettings(ddb: DynamoDBClient, table: TableDescription): Promise<ObservedTable> {
  const [ttl, backups, tags] = await Promise.all([
    ddb.send(new DescribeTimeToLiveCommand({ TableName: table.TableName })),
    ddb.send(new DescribeContinuousBackupsCommand({ TableName: table.TableName })),
    ddb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn })),
  ])
  const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus
  return {
    table,
    ttl: {
      enabled: ttlStatus === 'ENABLED' || ttlStatus === 'ENABLING',
      attribute: ttl.TimeToLiveDescription?.AttributeName,
    },
    pointInTimeRecovery:
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
    tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  }
}

async function observeTable(ctx: ResourceContext, name: string): Promise<Array<Observation<ObservedTable>>> {
  const ddb = ctx.aws.get(DynamoDBClient)
  const table = await findTable(ddb, name)
  if (!table) return []
  const observed = await observeSettings(ddb, table)
  return [{ observed, arn: table.TableArn, tags: observed.tags }]
}

function tableVerdict(t: TableDescription | undefined): PollVerdict {
  if (!t) return 'waiting'
  if (t.TableStatus === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS') return { failed: 'the table’s KMS key is inaccessible' }
  const indexesReady = (t.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')
  return t.TableStatus === 'ACTIVE' && indexesReady ? 'done' : 'waiting'
}

const describeState = (t: TableDescription | undefined) =>
  t
    ? [
        `table ${t.TableStatus}`,
        ...(t.GlobalSecondaryIndexes ?? []).map(
          (i) => `index ${i.IndexName} ${i.IndexStatus}${i.Backfilling ? ' (backfilling)' : ''}`,
        ),
      ].join(', ')
    : 'not visible yet'

/** Table ACTIVE and every GSI ACTIVE, twice in a row (a table returns to ACTIVE while a new index still backfills). */
export async function waitForTableActive(ctx: ResourceContext, ddb: DynamoDBClient, name: string, timeoutMs: number) {
  return pollUntil({
    read: () => findTable(ddb, name),
    judge: tableVerdict,
    describe: describeState,
    label: `waiting for DynamoDB table (${name}) to become ACTIVE`,
    timeoutMs: timeoutMs * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    consecutive: 2,
    report: { to: ctx, resource: `table ${name}`, state: 'ACTIVE' },
  }) as Promise<TableDescription>
}

/**
 * Deletion protection is lifted only when the user asked for it by name (`--disable-deletion-protection`); the
 * delete then waits until the table is gone, so a table of the same name can be made again at once.
 */
async function deleteTable(ctx: ResourceContext, record: ResourceRecord): Promise<void> {
  const ddb = ctx.aws.get(DynamoDBClient)
  const TableName = record.name
  const table = await findTable(ddb, TableName)
  if (!table) return
  const busyRetry = {
    timeoutMs: TABLE_UPDATE_MS * ctx.timing.deadlineScale,
    label: `deleting DynamoDB table (${TableName})`,
    backoff: ctx.timing.retry,
  }
  if (table.DeletionProtectionEnabled) {
    if (!ctx.removal?.disableDeletionProtection) {
      throw new StepError(
        'DeletionProtectionOn',
        `deleting DynamoDB table (${TableName}): its deletion protection is on; infra never switches it off unasked, and the table was left as it is`,
        {
          hint: `To delete it and its data, rerun \`infra destroy --env ${ctx.identity.env} --delete-data --disable-deletion-protection\`.`,
        },
      )
    }
    ctx.log(`${TableName}: switching deletion protection off, as --disable-deletion-protection asks`)
    await retryWhile(
      () => ddb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false })),
      isTableBusy,
      busyRetry,
    )
    await waitForTableActive(ctx, ddb, TableName, TABLE_UPDATE_MS)
  }
  await retryWhile(() => ddb.send(new DeleteTableCommand({ TableName })), isTableBusy, busyRetry)
  await pollUntil({
    read: () => findTable(ddb, TableName),
    judge: (t) => (t ? 'waiting' : 'done'),
    describe: (t) => `table ${t?.TableStatus ?? 'gone'}`,
    label: `waiting for DynamoDB table (${TableName}) to be deleted`,
    timeoutMs: TABLE_DELETE_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `table ${TableName}`, state: 'deleted' },
  })
}

export const tableKind: ResourceKind<TableConfig, ObservedTable> = {
  kind: TABLE_KIND,
  label: 'DynamoDB table',
  codePrefix: 'Table',
  identity: 'name',
  dataBearing: true,
  find: (ctx, spec) => observeTable(ctx, spec.name),
  early: { service: 'dynamodb', read: (ctx, recorded) => observeTable(ctx, recorded.name) },
  // The engine hands these back to apply as they are: apply reads the index and billing details they carry.
  diff: diffTable,
  refuse: refuseImpossible,
  busy: (observed) => tableVerdict(observed.table) !== 'done',
  async waitFor(ctx, observed, spec) {
    const table = await waitForTableActive(ctx, ctx.aws.get(DynamoDBClient), spec.name, TABLE_CREATE_MS)
    return { ...observed, table }
  },
  async create(ctx, spec) {
    const created = await ctx.aws.get(DynamoDBClient).send(new CreateTableCommand(toCreateTableInput(spec)))
    const table = created.TableDescription ?? { TableName: spec.name }
    // TTL and point-in-time recovery have their own APIs and can only be set once the table is ACTIVE: the engine
    // waits, then applies them from this diff.
    return {
      observed: { table, ttl: { enabled: false }, pointInTimeRecovery: false, tags: spec.tags },
      arn: table.TableArn,
      tags: spec.tags,
    }
  },
  apply: (ctx, observed, spec, changes) =>
    applyTableChanges(ctx, ctx.aws.get(DynamoDBClient), observed, spec, changes as TableChange[]),
  delete: deleteTable,
  attributes: (observed) => (observed.table.LatestStreamArn ? { streamArn: observed.table.LatestStreamArn } : {}),
  describe: describeTableSpec,
}

/**
 * `created`: told the table as CreateTable described it (its ARN and stream ARN are final then), before converge waits
 * for ACTIVE and applies what needs ACTIVE (TTL, point-in-time recovery): what only needs its name and ARNs can go on.
 */
export async function ensureTable(
  ctx: ResourceContext,
  spec: TableConfig,
  created?: (table: TableDescription) => void,
): Promise<Converged<ObservedTable>> {
  return converge(ctx, onCreated(tableKind, created && ((made) => created(made.observed.table))), spec)
}

function refuseImpossible(observed: ObservedTable, spec: TableConfig): void {
  const refusals = refusedTableChanges(observed.table, spec)
  if (refusals.length > 0) {
    const what = refusals.map((r) => `${r.field} is ${r.from}, config says ${r.to}`).join('; ')
    throw new StepError(
      'TableReplacementRefused',
      `updating DynamoDB table (${spec.name}): ${what}. DynamoDB cannot change this in place and infra never replaces a table (its data would be lost); nothing was changed`,
      {
        hint: `Revert tables.${spec.logicalId} in config.json, or declare a new table under another name and migrate the data yourself.`,
      },
    )
  }
  if (
    observed.ttl.enabled &&
    observed.ttl.attribute &&
    spec.ttlAttribute &&
    observed.ttl.attribute !== spec.ttlAttribute
  ) {
    throw new StepError(
      'TtlAttributeChangeRefused',
      `updating DynamoDB table (${spec.name}): TTL is enabled on "${observed.ttl.attribute}", config says "${spec.ttlAttribute}"; nothing was changed`,
      {
        hint: `DynamoDB allows one TTL change per hour: remove ttl_attribute, deploy, and set the new attribute an hour later.`,
      },
    )
  }
}

export function describeTableSpec(spec: TableConfig): string {
  const key = (k: { name: string; type: string }) => `${k.name}:${k.type}`
  return [
    `key ${key(spec.partitionKey)}${spec.sortKey ? ` + ${key(spec.sortKey)}` : ''}`,
    spec.billingMode === 'PROVISIONED' && spec.capacity
      ? `provisioned ${spec.capacity.read}/${spec.capacity.write}`
      : 'on-demand',
    ...spec.globalIndexes.map((i) => `GSI ${i.name}`),
    ...(spec.stream ? [`stream ${spec.stream}`] : []),
    ...(spec.ttlAttribute ? [`TTL ${spec.ttlAttribute}`] : []),
    ...(spec.pointInTimeRecovery ? ['PITR'] : []),
    ...(spec.deletionProtection ? ['deletion protection'] : []),
  ].join(', ')
}
