// Applying a table's changes: one call per change, waiting for ACTIVE between table updates (one GSI change at a
// time, as DynamoDB requires).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb'
import type { TableConfig } from '../../config/types.js'
import { awsReason, isTableBusy, isTtlChangeDeferred } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { changedTags } from '../common.js'
import type { Applied } from '../engine/kind.js'
import {
  attributeDefinitions,
  sseSpecification,
  toGlobalIndex,
  type ObservedTable,
  type TableChange,
} from './table-diff.js'
import { TABLE_UPDATE_MS, waitForTableActive } from './table.js'
import type { ResourceContext } from '../types.js'

function toUpdateTableInput(spec: TableConfig, change: TableChange): UpdateTableCommandInput {
  const TableName = spec.name
  switch (change.field) {
    case 'BillingMode':
    case 'ProvisionedThroughput':
      return spec.billingMode === 'PROVISIONED' && spec.capacity
        ? {
            TableName,
            BillingMode: 'PROVISIONED',
            ProvisionedThroughput: { ReadCapacityUnits: spec.capacity.read, WriteCapacityUnits: spec.capacity.write },
            // Switching to provisioned needs a capacity for every index the table keeps.
            GlobalSecondaryIndexUpdates:
              change.field === 'BillingMode'
                ? spec.globalIndexes
                    .filter((i) => i.capacity && change.keptIndexes.includes(i.name))
                    .map((i) => ({
                      Update: {
                        IndexName: i.name,
                        ProvisionedThroughput: toGlobalIndex(spec, i).ProvisionedThroughput,
                      },
                    }))
                : undefined,
          }
        : { TableName, BillingMode: 'PAY_PER_REQUEST' }
    case 'StreamSpecification':
      return {
        TableName,
        StreamSpecification: change.to
          ? { StreamEnabled: true, StreamViewType: change.to as 'NEW_IMAGE' }
          : { StreamEnabled: false },
      }
    case 'DeletionProtectionEnabled':
      return { TableName, DeletionProtectionEnabled: change.to }
    case 'SSESpecification':
      return { TableName, SSESpecification: sseSpecification(spec) }
    case 'TableClass':
      return { TableName, TableClass: spec.tableClass }
    default:
      throw new Error(`no UpdateTable input for ${change.field}`)
  }
}

function toIndexUpdate(spec: TableConfig, change: Extract<TableChange, { op: string }>): UpdateTableCommandInput {
  const index = spec.globalIndexes.find((i) => i.name === change.index)
  if (change.op === 'delete' || !index)
    return { TableName: spec.name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: change.index } }] }
  const gsi = toGlobalIndex(spec, index)
  if (change.op === 'capacity') {
    return {
      TableName: spec.name,
      GlobalSecondaryIndexUpdates: [
        { Update: { IndexName: index.name, ProvisionedThroughput: gsi.ProvisionedThroughput } },
      ],
    }
  }
  return {
    TableName: spec.name,
    AttributeDefinitions: attributeDefinitions(spec, [index]),
    GlobalSecondaryIndexUpdates: [
      {
        Create: {
          IndexName: gsi.IndexName,
          KeySchema: gsi.KeySchema,
          Projection: gsi.Projection,
          ProvisionedThroughput: gsi.ProvisionedThroughput,
        },
      },
    ],
  }
}

/**
 * One call per change, waiting for ACTIVE between table updates (one GSI change at a time, as DynamoDB requires).
 * Returns the table as DynamoDB last described it (a new stream's ARN), and a note for a TTL change it deferred.
 */
export async function applyTableChanges(
  ctx: ResourceContext,
  ddb: DynamoDBClient,
  observed: ObservedTable,
  spec: TableConfig,
  changes: TableChange[],
): Promise<Applied<ObservedTable>> {
  const notes: string[] = []
  let table = observed.table
  const TableName = spec.name
  const busyRetry = {
    timeoutMs: TABLE_UPDATE_MS * ctx.timing.deadlineScale,
    label: `updating DynamoDB table (${TableName})`,
    backoff: ctx.timing.retry,
    report: { to: ctx, resource: `table ${TableName}`, state: 'not busy' },
  }
  // TTL last: DynamoDB may refuse it for up to an hour after the previous TTL change, and that must not hold
  // back the other changes.
  const ordered = [
    ...changes.filter((c) => c.field !== 'TimeToLive'),
    ...changes.filter((c) => c.field === 'TimeToLive'),
  ]
  for (const change of ordered) {
    if (change.field.startsWith('Tags[')) continue
    if (change.field === 'TimeToLive') {
      const attribute = (change.to ?? change.from) as string
      await ddb
        .send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { Enabled: change.to !== undefined, AttributeName: attribute },
          }),
        )
        .catch((e: unknown) => {
          if (!isTtlChangeDeferred(e)) throw e
          notes.push(
            `TTL change deferred: ${awsReason(e)}; DynamoDB allows one TTL change per hour, rerun \`infra step dynamodb --env ${ctx.identity.env}\` later`,
          )
        })
    } else if (change.field === 'PointInTimeRecovery') {
      await ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: change.to },
        }),
      )
    } else {
      const input = 'op' in change ? toIndexUpdate(spec, change) : toUpdateTableInput(spec, change)
      ctx.log(`${TableName}: ${change.field} ${String(change.from ?? '-')} → ${String(change.to ?? '-')}`)
      await retryWhile(() => ddb.send(new UpdateTableCommand(input)), isTableBusy, busyRetry)
      table = await waitForTableActive(ctx, ddb, TableName, TABLE_UPDATE_MS)
    }
  }
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) {
    await ddb.send(
      new TagResourceCommand({
        ResourceArn: table.TableArn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    )
  }
  return { observed: { ...observed, table }, notes }
}
