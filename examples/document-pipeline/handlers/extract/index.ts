// Queue consumer: reads each PDF and stores its text. A message that fails is reported alone (partial batch
// response), so the others are not retried; after three receives SQS moves it to the dead-letter queue.
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'

const db = new DynamoDBClient({})
const s3 = new S3Client({})
const table = process.env.DOCUMENTS_TABLE

interface SqsEvent {
  Records: Array<{ messageId: string; body: string }>
}

async function extract(body: string): Promise<void> {
  const { bucket, key } = JSON.parse(body) as { bucket: string; key: string }
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  const bytes = await object.Body!.transformToByteArray()
  // A real extractor would parse the PDF; the example keeps its printable text.
  const text = Buffer.from(bytes)
    .toString('latin1')
    .replace(/[^\x20-\x7e\n]/g, '')
    .slice(0, 10_000)
  await db.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { document_id: { S: key } },
      UpdateExpression: 'SET #s = :done, #t = :text',
      ExpressionAttributeNames: { '#s': 'status', '#t': 'text' },
      ExpressionAttributeValues: { ':done': { S: 'extracted' }, ':text': { S: text } },
    }),
  )
}

export const handler = async (event: SqsEvent) => {
  const failures: Array<{ itemIdentifier: string }> = []
  for (const record of event.Records) {
    try {
      await extract(record.body)
    } catch (e) {
      console.error(`message ${record.messageId} failed`, e)
      failures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures: failures }
}
