// CreateTable inputs built from config.json's `tables`, so the handler tests run against exactly the
// keys and indexes the deploy step creates, plus the indexes the handlers need that config.json does
// not declare yet (PENDING_INDEXES; remove an entry once config.json has it).
import { readFileSync } from 'node:fs'
import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb'

type RawKey = string | { name: string; type: 'S' | 'N' | 'B' }
interface RawIndex {
  name: string
  partition_key: RawKey
  sort_key?: RawKey
  projection?: 'ALL' | 'KEYS_ONLY' | { include: string[] }
}
interface RawTable {
  partition_key: RawKey
  sort_key?: RawKey
  global_indexes?: RawIndex[]
}

export const PENDING_INDEXES: Record<string, RawIndex[]> = {
  prompts: [{ name: 'prompts-by-user', partition_key: 'user_id', projection: 'ALL' }],
}

export function configTables(): Record<string, RawTable> {
  const config = JSON.parse(readFileSync(new URL('../../../config.json', import.meta.url), 'utf8'))
  return config.tables as Record<string, RawTable>
}

const keyOf = (key: RawKey) => (typeof key === 'string' ? { name: key, type: 'S' as const } : key)

function keySchema(partition: RawKey, sort?: RawKey): KeySchemaElement[] {
  return [
    { AttributeName: keyOf(partition).name, KeyType: 'HASH' },
    ...(sort ? [{ AttributeName: keyOf(sort).name, KeyType: 'RANGE' as const }] : []),
  ]
}

function projection(p: RawIndex['projection']) {
  if (p === undefined || p === 'ALL') return { ProjectionType: 'ALL' as const }
  if (p === 'KEYS_ONLY') return { ProjectionType: 'KEYS_ONLY' as const }
  return { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: p.include }
}

export function createTableInput(logicalId: string, table: RawTable, tableName: string): CreateTableCommandInput {
  const declared = table.global_indexes ?? []
  const pending = (PENDING_INDEXES[logicalId] ?? []).filter((p) => !declared.some((d) => d.name === p.name))
  const indexes = [...declared, ...pending]
  const keys = [table.partition_key, table.sort_key, ...indexes.flatMap((i) => [i.partition_key, i.sort_key])]
  const attributes = new Map<string, 'S' | 'N' | 'B'>()
  for (const key of keys) if (key !== undefined) attributes.set(keyOf(key).name, keyOf(key).type)
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(table.partition_key, table.sort_key),
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partition_key, index.sort_key),
            Projection: projection(index.projection),
          })),
        }
      : {}),
  }
}
