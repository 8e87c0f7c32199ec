// An uploaded PDF (S3 event) is recorded as pending and queued for extraction; the nightly schedule ({ sweep: true })
// queues again what is still pending.
import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'

const db = new DynamoDBClient({})
const sqs = new SQSClient({})
const table = process.env.DOCUMENTS_TABLE
const queueUrl = process.env.EXTRACT_QUEUE_URL

interface S3Event {
  Records?: Array<{ s3: { bucket: { name: string }; object: { key: string } } }>
  sweep?: boolean
}

const enqueue = (bucket: string, key: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ bucket, key }) }))

export const handler = async (event: S3Event) => {
  if (event.sweep) {
    const pending = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': { S: 'pending' } },
      }),
    )
    for (const item of pending.Items ?? []) await enqueue(item.bucket!.S!, item.key!.S!)
    return { queued: pending.Items?.length ?? 0 }
  }
  for (const record of event.Records ?? []) {
    const { bucket, object } = record.s3
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '))
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: { document_id: { S: key }, bucket: { S: bucket.name }, key: { S: key }, status: { S: 'pending' } },
      }),
    )
    await enqueue(bucket.name, key)
  }
  return { queued: event.Records?.length ?? 0 }
}
