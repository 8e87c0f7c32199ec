import { describe, expect, test } from 'vitest'
import type { TableDescription } from '@aws-sdk/client-dynamodb'
import type { TableConfig } from '../../src/config/types.js'
import {
  diffTable,
  refusedTableChanges,
  toCreateTableInput,
  type ObservedTable,
} from '../../src/resources/dynamodb/table-diff.js'

const spec: TableConfig = {
  logicalId: 'conversations',
  name: 'svc-conversations',
  partitionKey: { name: 'conversation_id', type: 'S' },
  sortKey: { name: 'timestamp', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  globalIndexes: [{ name: 'user-index', partitionKey: { name: 'user_id', type: 'S' }, projection: 'ALL' }],
  stream: 'NEW_AND_OLD_IMAGES',
  ttlAttribute: 'ttl',
  pointInTimeRecovery: true,
  deletionProtection: true,
  encryption: 'AWS_OWNED',
  tableClass: 'STANDARD',
  tags: { 'managed-by': 'infra' },
}

/** What DynamoDB describes for a table created from `spec`. */
function observed(
  overrides: Partial<TableDescription> = {},
  settings: Partial<Omit<ObservedTable, 'table'>> = {},
): ObservedTable {
  const input = toCreateTableInput(spec)
  return {
    table: {
      TableName: spec.name,
      TableStatus: 'ACTIVE',
      KeySchema: input.KeySchema,
      AttributeDefinitions: input.AttributeDefinitions,
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.map((i) => ({ ...i, IndexStatus: 'ACTIVE' })),
      StreamSpecification: input.StreamSpecification,
      DeletionProtectionEnabled: true,
      ...overrides,
    },
    ttl: { enabled: true, attribute: 'ttl' },
    pointInTimeRecovery: true,
    tags: { 'managed-by': 'infra' },
    ...settings,
  }
}

describe('diffTable', () => {
  test('a table that matches its spec needs no change', () => {
    expect(diffTable(observed(), spec)).toEqual([])
  })

  test('the create input declares each key attribute once, with the index’s too', () => {
    expect(toCreateTableInput(spec).AttributeDefinitions).toEqual([
      { AttributeName: 'conversation_id', AttributeType: 'S' },
      { AttributeName: 'timestamp', AttributeType: 'S' },
      { AttributeName: 'user_id', AttributeType: 'S' },
    ])
  })

  test('a changed stream view type is disabled first, then enabled with the new type', () => {
    const have = observed({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })
    expect(diffTable(have, spec)).toEqual([
      { field: 'StreamSpecification', from: 'KEYS_ONLY', to: undefined },
      { field: 'StreamSpecification', from: 'KEYS_ONLY', to: 'NEW_AND_OLD_IMAGES' },
    ])
  })

  test('an index whose projection changed is dropped and rebuilt: two changes, delete first', () => {
    const want = { ...spec, globalIndexes: [{ ...spec.globalIndexes[0]!, projection: 'KEYS_ONLY' as const }] }
    expect(diffTable(observed(), want).map((c) => [c.field, 'op' in c ? c.op : ''])).toEqual([
      ['GlobalSecondaryIndexes[user-index]', 'delete'],
      ['GlobalSecondaryIndexes[user-index]', 'create'],
    ])
  })

  test('TTL, point-in-time recovery, deletion protection and tags each make their own change', () => {
    const have = observed(
      { DeletionProtectionEnabled: false },
      { ttl: { enabled: false }, pointInTimeRecovery: false, tags: {} },
    )
    expect(diffTable(have, spec).map((c) => c.field)).toEqual([
      'DeletionProtectionEnabled',
      'TimeToLive',
      'PointInTimeRecovery',
      'Tags[managed-by]',
    ])
  })

  test('billing: provisioned capacity change vs a mode switch', () => {
    const provisioned = {
      ...spec,
      billingMode: 'PROVISIONED' as const,
      capacity: { read: 5, write: 5 },
      globalIndexes: [],
    }
    const have = observed({
      BillingModeSummary: { BillingMode: 'PROVISIONED' },
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      GlobalSecondaryIndexes: [],
    })
    expect(diffTable(have, provisioned)).toEqual([{ field: 'ProvisionedThroughput', from: '1/1', to: '5/5' }])
    expect(diffTable(observed({ GlobalSecondaryIndexes: [] }), provisioned)[0]).toEqual({
      field: 'BillingMode',
      from: 'PAY_PER_REQUEST',
      to: 'PROVISIONED',
      keptIndexes: [],
    })
  })

  test('key schema and key type changes are refused, never diffed', () => {
    expect(refusedTableChanges(observed().table, { ...spec, sortKey: undefined })).toEqual([
      { field: 'KeySchema', from: 'conversation_id(partition), timestamp(sort)', to: 'conversation_id(partition)' },
    ])
    expect(refusedTableChanges(observed().table, { ...spec, sortKey: { name: 'timestamp', type: 'N' } })).toEqual([
      { field: 'AttributeType[timestamp]', from: 'S', to: 'N' },
    ])
  })
})
