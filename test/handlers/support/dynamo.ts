// A dynalite server on a free local port with every table of config.json, and a DocumentClient on it.
import type { AddressInfo } from 'node:net'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import dynalite from 'dynalite'
import { createDocumentClient } from '../../../handlers/lib/ddb.js'
import { configTables, createTableInput } from './tables.js'

export const TEST_REGION = 'us-east-1'
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }

export interface TestDynamo {
  ddb: DynamoDBDocumentClient
  endpoint: string
  /** Physical table name by config.json logical id. */
  tables: Record<string, string>
  close(): Promise<void>
}

export async function startDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = new DynamoDBClient({ endpoint, region: TEST_REGION, credentials })
  const tables: Record<string, string> = {}
  for (const [logicalId, table] of Object.entries(configTables())) {
    tables[logicalId] = `test-${logicalId}`
    await client.send(new CreateTableCommand(createTableInput(logicalId, table, tables[logicalId])))
  }
  client.destroy()
  const ddb = createDocumentClient({ endpoint, region: TEST_REGION, credentials })
  return {
    ddb,
    endpoint,
    tables,
    async close() {
      ddb.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
