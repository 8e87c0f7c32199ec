import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { createHandler } from '../../handlers/websocket-disconnect/index.js'
import { startDynamo } from './support/dynamo.js'
import type { TestDynamo } from './support/dynamo.js'
import { lambdaContext, wsEvent } from './support/events.js'

let dynamo: TestDynamo
let handler: ReturnType<typeof createHandler>

beforeAll(async () => {
  dynamo = await startDynamo()
  handler = createHandler(() => ({ ddb: dynamo.ddb, table: dynamo.tables['websocket-connections']! }))
})
afterAll(() => dynamo.close())

const disconnect = (connectionId: string) =>
  handler(wsEvent({ connectionId, routeKey: '$disconnect' }), lambdaContext())

describe('websocket-disconnect', () => {
  test('deletes the connection, and a second disconnect is still a success', async () => {
    const table = dynamo.tables['websocket-connections']
    await dynamo.ddb.send(new PutCommand({ TableName: table, Item: { connection_id: 'c-1', user_id: 'u-1' } }))
    await dynamo.ddb.send(new PutCommand({ TableName: table, Item: { connection_id: 'c-2', user_id: 'u-1' } }))

    expect(await disconnect('c-1')).toEqual({ statusCode: 200 })
    expect(await disconnect('c-1')).toEqual({ statusCode: 200 })
    expect(await disconnect('never-connected')).toEqual({ statusCode: 200 })

    const gone = await dynamo.ddb.send(new GetCommand({ TableName: table, Key: { connection_id: 'c-1' } }))
    expect(gone.Item).toBeUndefined()
    const other = await dynamo.ddb.send(new GetCommand({ TableName: table, Key: { connection_id: 'c-2' } }))
    expect(other.Item).toBeDefined()
  })

  test('an event without a connection id is a 400', async () => {
    const result = await disconnect('')
    expect(result).toMatchObject({ statusCode: 400 })
  })
})
