// DynamoDB table: find → diff → create/update → wait. Name-unique, so found by name.
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb'
import type { TableConfig } from '../../config/types.js'
import { StepError } from '../../errors/index.js'
import { isNotFound } from '../../aws/errors.js'
import { pollUntil, type PollVerdict } from '../../aws/poll.js'
import { isOurs, offlineOutcome, recordIfChanged, unmanagedOutcome, failureFor } from '../common.js'
import { asChanges, diffTable, refusedTableChanges, toCreateTableInput, type ObservedTable } from './table-diff.js'
import { applyTableChanges } from './table-update.js'
import { KNOWN_AFTER_APPLY, type Ensured, type ResourceContext } from '../types.js'

export const TABLE_KIND = 'dynamodb-table'
// terraform-provider-aws budgets: create 30 min, each update 20 min (reliability rules, rule 13).
const TABLE_CREATE_MS = 30 * 60_000
export const TABLE_UPDATE_MS = 20 * 60_000

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
  }) as Promise<TableDescription>
}

export async function ensureTable(ctx: ResourceContext, spec: TableConfig): Promise<Ensured> {
  const key = `${TABLE_KIND}:${spec.logicalId}`
  const base = { kind: TABLE_KIND, key, name: spec.name }
  if (ctx.offline) return offlineOutcome(ctx, TABLE_KIND, key, spec.name, describeTableSpec(spec))
  const ddb = ctx.aws.get(DynamoDBClient)
  const failure = failureFor(ctx, 'DynamoDB table', spec.name)
  let table = await findTable(ddb, spec.name).catch(failure('reading', 'TableReadFailed'))

  if (!table) {
    if (ctx.dryRun)
      return { ...base, action: 'would-create', changes: [], arn: KNOWN_AFTER_APPLY, detail: describeTableSpec(spec) }
    const created = await ddb
      .send(new CreateTableCommand(toCreateTableInput(spec)))
      .catch(failure('creating', 'TableCreateFailed'))
    const arn = created.TableDescription?.TableArn
    await recordIfChanged(ctx, key, {
      kind: TABLE_KIND,
      name: spec.name,
      arn,
      attributes: streamAttributes(created.TableDescription),
    })
    ctx.log(`created ${spec.name}; waiting for ACTIVE`)
    table = await waitForTableActive(ctx, ddb, spec.name, TABLE_CREATE_MS)
    // TTL and point-in-time recovery have their own APIs and can only be set once the table is ACTIVE.
    const fresh: ObservedTable = { table, ttl: { enabled: false }, pointInTimeRecovery: false, tags: spec.tags }
    const notes = await applyTableChanges(ctx, ddb, spec, arn, diffTable(fresh, spec)).catch(
      failure('configuring', 'TableUpdateFailed'),
    )
    await recordIfChanged(ctx, key, { kind: TABLE_KIND, name: spec.name, arn, attributes: streamAttributes(table) })
    return { ...base, action: 'created', changes: [], arn, ...(notes.length ? { note: notes.join('; ') } : {}) }
  }

  const observed = await observeSettings(ddb, table).catch(failure('reading', 'TableReadFailed'))
  if (!isOurs(observed.tags, ctx.identity) && !ctx.adopt)
    return unmanagedOutcome('DynamoDB table', key, spec.name, table.TableArn)
  refuseImpossible(spec, observed)
  const changes = diffTable(observed, spec)
  const result = { ...base, changes: asChanges(changes), arn: table.TableArn }
  if (changes.length === 0) {
    await recordIfChanged(ctx, key, {
      kind: TABLE_KIND,
      name: spec.name,
      arn: table.TableArn,
      attributes: streamAttributes(table),
    })
    return { ...result, action: 'unchanged' }
  }
  if (ctx.dryRun) return { ...result, action: 'would-update' }
  // A table left mid-change by an interrupted run is waited for before anything new is asked of it.
  if (tableVerdict(table) !== 'done') await waitForTableActive(ctx, ddb, spec.name, TABLE_UPDATE_MS)
  const notes = await applyTableChanges(ctx, ddb, spec, table.TableArn, changes).catch(
    failure('updating', 'TableUpdateFailed'),
  )
  const updated = await findTable(ddb, spec.name)
  await recordIfChanged(ctx, key, {
    kind: TABLE_KIND,
    name: spec.name,
    arn: table.TableArn,
    attributes: streamAttributes(updated),
  })
  return { ...result, action: 'updated', ...(notes.length ? { note: notes.join('; ') } : {}) }
}

function refuseImpossible(spec: TableConfig, observed: ObservedTable): void {
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

const streamAttributes = (t: TableDescription | undefined) =>
  t?.LatestStreamArn ? { streamArn: t.LatestStreamArn } : {}
