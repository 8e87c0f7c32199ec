// REST: GET /usage?from=YYYY-MM-DD&to=YYYY-MM-DD, the caller's token usage per UTC day.
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { addDays, daysInclusive, parseDate, utcDate } from '../lib/dates.js'
import { once, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import type { Item } from '../lib/ddb.js'
import { badRequest, json, restHandler } from '../lib/http.js'
import type { RouteTable } from '../lib/http.js'

export interface UsageDeps {
  ddb: DynamoDBDocumentClient
  /** Physical name of the usage table (keys user_id + date). */
  table: string
  now?: () => Date
}

export const DEFAULT_RANGE_DAYS = 30
export const MAX_RANGE_DAYS = 366

interface UsageItem {
  date: string
  input_tokens?: number
  output_tokens?: number
  requests?: number
}

export interface UsageDay {
  date: string
  inputTokens: number
  outputTokens: number
  requests: number
}

function dateParam(raw: string | undefined, field: string): Date | undefined {
  if (raw === undefined || raw === '') return undefined
  const at = parseDate(raw)
  if (!at) throw badRequest(`${field} must be a calendar date in the form YYYY-MM-DD`)
  return at
}

/** Defaults: `to` = today (UTC), `from` = the 30 days ending at `to`. */
export function usageRange(query: Record<string, string | undefined>, now: Date): { from: Date; to: Date } {
  const to = dateParam(query.to, 'to') ?? (parseDate(utcDate(now)) as Date)
  const from = dateParam(query.from, 'from') ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1))
  if (from > to) throw badRequest('from must not be after to')
  if (daysInclusive(from, to) > MAX_RANGE_DAYS) throw badRequest(`the range must span at most ${MAX_RANGE_DAYS} days`)
  return { from, to }
}

async function queryUsage(deps: UsageDeps, userId: string, from: string, to: string): Promise<UsageItem[]> {
  const items: UsageItem[] = []
  let startKey: Item | undefined
  do {
    const out = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.table,
        KeyConditionExpression: 'user_id = :uid AND #date BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#date': 'date' },
        ExpressionAttributeValues: { ':uid': userId, ':from': from, ':to': to },
        ExclusiveStartKey: startKey,
      }),
    )
    items.push(...((out.Items ?? []) as UsageItem[]))
    startKey = out.LastEvaluatedKey
  } while (startKey)
  return items
}

async function getUsage(deps: UsageDeps, event: APIGatewayProxyEvent, userId: string) {
  const { from, to } = usageRange(event.queryStringParameters ?? {}, (deps.now ?? (() => new Date()))())
  const byDate = new Map((await queryUsage(deps, userId, utcDate(from), utcDate(to))).map((i) => [i.date, i]))
  // Every day of the range, zeros included, so a client can chart it as it is.
  const days: UsageDay[] = []
  for (let at = from; at <= to; at = addDays(at, 1)) {
    const item = byDate.get(utcDate(at))
    days.push({
      date: utcDate(at),
      inputTokens: item?.input_tokens ?? 0,
      outputTokens: item?.output_tokens ?? 0,
      requests: item?.requests ?? 0,
    })
  }
  const totals = days.reduce(
    (sum, day) => ({
      inputTokens: sum.inputTokens + day.inputTokens,
      outputTokens: sum.outputTokens + day.outputTokens,
      requests: sum.requests + day.requests,
    }),
    { inputTokens: 0, outputTokens: 0, requests: 0 },
  )
  return json(200, { from: utcDate(from), to: utcDate(to), days, totals })
}

export function createHandler(loadDeps: () => UsageDeps) {
  const routes = once((): RouteTable => {
    const deps = loadDeps()
    return { 'GET /usage': (event, userId) => getUsage(deps, event, userId) }
  })
  return restHandler(routes)
}

export const defaultDeps = once((): UsageDeps => ({ ddb: createDocumentClient(), table: tableName('usage') }))

export const handler = createHandler(defaultDeps)
