// GET /notes and POST /notes for the signed-in caller. The layer "common" holds shared code at /opt/nodejs.
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'

const db = new DynamoDBClient({})
const table = process.env.NOTES_TABLE

interface ApiEvent {
  httpMethod: string
  body?: string | null
  requestContext?: { authorizer?: { claims?: { sub?: string } } }
}

export const handler = async (event: ApiEvent) => {
  const userId = event.requestContext?.authorizer?.claims?.sub
  if (!userId) return { statusCode: 401, body: JSON.stringify({ error: 'sign in first' }) }
  if (event.httpMethod === 'POST') {
    const noteId = `${Date.now()}`
    const text = JSON.parse(event.body ?? '{}').text ?? ''
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: { user_id: { S: userId }, note_id: { S: noteId }, text: { S: String(text) } },
      }),
    )
    return { statusCode: 201, body: JSON.stringify({ noteId }) }
  }
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'user_id = :u',
      ExpressionAttributeValues: { ':u': { S: userId } },
    }),
  )
  return { statusCode: 200, body: JSON.stringify(Items.map((i) => ({ id: i.note_id?.S, text: i.text?.S }))) }
}
