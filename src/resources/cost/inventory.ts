// What the cost report needs to know of the recorded resources beyond their metrics: each table's billing mode,
// capacity, indexes and size; each log group's retention and stored bytes; what each alarm watches. Reads only.
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { AwsClients } from '../../aws/clients.js'
import { awsFailure } from '../../aws/errors.js'
import { findTable } from '../dynamodb/table.js'

export interface TableFacts {
  name: string
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED'
  /** Provisioned read and write capacity of the table (0 on demand). */
  capacity: { read: number; write: number }
  indexes: string[]
  sizeBytes: number
}

export interface LogGroupFacts {
  name: string
  /** Undefined: kept forever. */
  retentionDays?: number
  storedBytes: number
}

export interface AlarmFacts {
  name: string
  namespace: string
  metric: string
  dimensions: Record<string, string>
}

const ALARMS_PER_CALL = 100

const failed = (kind: string, name: string) => (e: unknown) => {
  throw awsFailure(e, { code: 'CostInventoryFailed', doing: 'reading', kind, name })
}

/** Tables that no longer exist are left out. */
export async function readTables(aws: AwsClients, names: string[]): Promise<TableFacts[]> {
  const ddb = aws.get(DynamoDBClient)
  const tables = await Promise.all(names.map((name) => findTable(ddb, name).catch(failed('DynamoDB table', name))))
  return tables.flatMap((t) =>
    t
      ? [
          {
            name: t.TableName!,
            billingMode: t.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED',
            capacity: {
              read: t.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
              write: t.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
            },
            indexes: (t.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!),
            sizeBytes: t.TableSizeBytes ?? 0,
          },
        ]
      : [],
  )
}

/** Log groups that no longer exist are left out. */
export async function readLogGroups(aws: AwsClients, names: string[]): Promise<LogGroupFacts[]> {
  const logs = aws.get(CloudWatchLogsClient)
  const groups = await Promise.all(
    names.map(async (name) => {
      // Sorted by name, a group is the first of its own prefix: one small page finds it.
      const page = await logs
        .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }))
        .catch(failed('log group', name))
      const group = page.logGroups?.find((g) => g.logGroupName === name)
      return group
        ? [
            {
              name,
              storedBytes: group.storedBytes ?? 0,
              ...(group.retentionInDays ? { retentionDays: group.retentionInDays } : {}),
            },
          ]
        : []
    }),
  )
  return groups.flat()
}

/** Alarms that no longer exist are left out. */
export async function readAlarms(aws: AwsClients, names: string[]): Promise<AlarmFacts[]> {
  const cw = aws.get(CloudWatchClient)
  const found: AlarmFacts[] = []
  for (let i = 0; i < names.length; i += ALARMS_PER_CALL) {
    const page = await cw
      .send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + ALARMS_PER_CALL), MaxRecords: ALARMS_PER_CALL }))
      .catch(failed('CloudWatch alarms', names.slice(i, i + 3).join(', ')))
    for (const a of page.MetricAlarms ?? [])
      found.push({
        name: a.AlarmName!,
        namespace: a.Namespace ?? '',
        metric: a.MetricName ?? '',
        dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name!, d.Value!])),
      })
  }
  return found
}
