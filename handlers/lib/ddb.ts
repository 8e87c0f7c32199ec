// DynamoDB access shared by the handlers: one DocumentClient per cold start, the conditional-check
// matcher, and a batched delete that retries what DynamoDB left unprocessed.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb'

export type Item = Record<string, NativeAttributeValue>

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  })
}

/** A write whose ConditionExpression was false: the item is missing or belongs to someone else. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException'
}

const BATCH_WRITE_MAX_ITEMS = 25
const UNPROCESSED_RETRIES = 5
const UNPROCESSED_BASE_DELAY_MS = 50

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Deletes keys 25 at a time; UnprocessedItems (throttling) are retried with backoff, then it throws. */
export async function batchDelete(ddb: DynamoDBDocumentClient, table: string, keys: Item[]): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH_WRITE_MAX_ITEMS) {
    let requests = keys.slice(start, start + BATCH_WRITE_MAX_ITEMS).map((Key) => ({ DeleteRequest: { Key } }))
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) {
        throw new Error(`deleting items (${table}): ${requests.length} left unprocessed after retries`)
      }
      if (attempt > 0) await sleep(UNPROCESSED_BASE_DELAY_MS * 2 ** attempt)
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }))
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests
    }
  }
}
