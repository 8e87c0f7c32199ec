// Pure: usage over the period × the price table, one line per billed item, each with its usage, unit price and cost so
// that a person can check the arithmetic. What cannot be measured or has no price is a line without a cost that says
// why: never a zero.
import type { Deployed } from './deployed.js'
import {
  bedrockPrices,
  costOf,
  GLOBAL_PRICES,
  PRICES_READ,
  REGION_PRICES,
  type Price,
  type RegionPrices,
} from './prices.js'
import { keys, type Facts, type Usage } from './usage.js'

export interface EstimateLine {
  service: string
  resource: string
  item: string
  usage: number | null
  unit: string
  price: Price | null
  /** USD over the period; null when not priced (see note). */
  cost: number | null
  note?: string
}

export const GB = 1024 ** 3
// AWS prices a month as 730 hours.
export const MONTH_HOURS = 730

/** Months (of 730 hours) in a period of `days` days. */
export const monthsIn = (days: number) => (days * 24) / MONTH_HOURS

function line(service: string, resource: string, item: string, usage: number, price: Price): EstimateLine {
  return { service, resource, item, usage, unit: price.unit, price, cost: costOf(usage, price) }
}

function unpriced(service: string, resource: string, item: string, usage: number | null, unit: string, note: string) {
  return { service, resource, item, usage, unit, price: null, cost: null, note }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

const noRegionPrices = (region: string) =>
  `no ${region} prices in src/cost/prices.ts (read ${PRICES_READ}): add them to price this line`

function lambdaLines(d: Deployed, usage: Usage, prices: RegionPrices | undefined): EstimateLine[] {
  const service = 'AWS Lambda'
  return d.functions.flatMap((fn) => {
    const requests = usage.sum(keys.invocations(fn.name))
    if (!prices) return [unpriced(service, fn.name, 'requests', requests, 'requests', noRegionPrices(d.region))]
    const out = [line(service, fn.name, 'requests', requests, prices.lambda.requests)]
    if (!fn.memoryMb || !fn.architecture)
      return [
        ...out,
        unpriced(service, fn.name, 'duration', null, 'GB-seconds', 'not in config.json: its memory size is unknown'),
      ]
    const gbSeconds = (usage.sum(keys.durationMs(fn.name)) / 1000) * (fn.memoryMb / 1024)
    out.push(
      line(service, fn.name, `duration (${fn.architecture})`, gbSeconds, prices.lambda.duration[fn.architecture]),
    )
    if (fn.provisionedConcurrency) {
      const kept = fn.provisionedConcurrency * (fn.memoryMb / 1024) * usage.days * 86_400
      const price = prices.lambda.provisionedConcurrency[fn.architecture]
      out.push(line(service, fn.name, `provisioned concurrency ${fn.provisionedConcurrency}`, kept, price))
    }
    return out
  })
}

function apiLines(d: Deployed, usage: Usage, prices: RegionPrices | undefined): EstimateLine[] {
  const rest = d.restApis.map((api) => {
    const requests = usage.sum(keys.restRequests(api.name, api.stage))
    const resource = `${api.name} (${api.stage})`
    return prices
      ? line('API Gateway REST', resource, 'requests', requests, prices.restApi.requests)
      : unpriced('API Gateway REST', resource, 'requests', requests, 'requests', noRegionPrices(d.region))
  })
  const ws = d.websocketApis.flatMap((api) => {
    const messages = usage.sum(keys.wsMessages(api.id, api.stage))
    const resource = `${api.name} (${api.stage})`
    const minutes = unpriced(
      'API Gateway WebSocket',
      resource,
      'connection minutes',
      null,
      'connection minutes',
      'API Gateway publishes no metric of connection minutes: Cost Explorer’s actual cost includes them',
    )
    return prices
      ? [line('API Gateway WebSocket', resource, 'messages', messages, prices.websocket.messages), minutes]
      : [
          unpriced('API Gateway WebSocket', resource, 'messages', messages, 'messages', noRegionPrices(d.region)),
          minutes,
        ]
  })
  return [...rest, ...ws]
}

function tableLines(facts: Facts, usage: Usage, region: string, prices: RegionPrices | undefined): EstimateLine[] {
  const service = 'Amazon DynamoDB'
  return facts.tables.flatMap((t) => {
    const consumed = (op: 'read' | 'write') =>
      [undefined, ...t.indexes].reduce((s, index) => s + usage.sum(keys.consumed(t.name, op, index)), 0)
    const storage = (t.sizeBytes / GB) * monthsIn(usage.days)
    if (!prices)
      return [
        unpriced(
          service,
          t.name,
          'reads and writes',
          consumed('read') + consumed('write'),
          'units',
          noRegionPrices(region),
        ),
      ]
    const p = prices.dynamodb
    const throughput =
      t.billingMode === 'PAY_PER_REQUEST'
        ? [
            line(service, t.name, 'on-demand reads', consumed('read'), p.readRequestUnits),
            line(service, t.name, 'on-demand writes', consumed('write'), p.writeRequestUnits),
          ]
        : [
            line(
              service,
              t.name,
              `provisioned reads (${t.capacity.read} RCU)`,
              t.capacity.read * usage.days * 24,
              p.rcuHours,
            ),
            line(
              service,
              t.name,
              `provisioned writes (${t.capacity.write} WCU)`,
              t.capacity.write * usage.days * 24,
              p.wcuHours,
            ),
          ]
    return [...throughput, line(service, t.name, 'storage', storage, p.storage)]
  })
}

function storageLines(d: Deployed, usage: Usage, prices: RegionPrices | undefined): EstimateLine[] {
  const s3 = d.buckets.flatMap((bucket) => {
    const gbMonths = (usage.average(keys.bucketBytes(bucket)) / GB) * monthsIn(usage.days)
    const requests = unpriced(
      'Amazon S3',
      bucket,
      'requests',
      null,
      'requests',
      'S3 request metrics are not enabled on the bucket (CloudFront’s requests below reach it only on a cache miss)',
    )
    return prices
      ? [line('Amazon S3', bucket, 'storage (Standard)', gbMonths, prices.s3.storage), requests]
      : [unpriced('Amazon S3', bucket, 'storage (Standard)', gbMonths, 'GB-months', noRegionPrices(d.region)), requests]
  })
  const cf = d.distributions.flatMap((dist) => [
    line(
      'Amazon CloudFront',
      dist.id,
      'data transfer out',
      usage.sum(keys.cfBytes(dist.id)) / GB,
      GLOBAL_PRICES.cloudfront.transfer,
    ),
    line(
      'Amazon CloudFront',
      dist.id,
      'requests',
      usage.sum(keys.cfRequests(dist.id)),
      GLOBAL_PRICES.cloudfront.httpsRequests,
    ),
  ])
  return [...s3, ...cf]
}

function identityAndDnsLines(d: Deployed, usage: Usage): EstimateLine[] {
  const pools = d.userPools.map((pool) =>
    unpriced(
      'Amazon Cognito',
      pool,
      `monthly active users ($${GLOBAL_PRICES.cognito.monthlyActiveUsers.usd} each beyond the free 10,000)`,
      null,
      'monthly active users',
      'Cognito publishes no metric of monthly active users: Cost Explorer’s actual cost includes them',
    ),
  )
  const zones = d.hostedZones.flatMap((zone) => [
    line('Amazon Route 53', zone.name, 'hosted zone', monthsIn(usage.days), GLOBAL_PRICES.route53.hostedZones),
    line('Amazon Route 53', zone.name, 'queries', usage.sum(keys.dnsQueries(zone.id)), GLOBAL_PRICES.route53.queries),
  ])
  return [...pools, ...zones]
}

function monitoringLines(d: Deployed, facts: Facts, usage: Usage, prices: RegionPrices | undefined): EstimateLine[] {
  const service = 'Amazon CloudWatch'
  const months = monthsIn(usage.days)
  if (!prices)
    return d.alarms.length + d.dashboards.length + facts.logGroups.length > 0
      ? [unpriced(service, d.region, 'alarms, dashboards and logs', null, '', noRegionPrices(d.region))]
      : []
  const p = prices.cloudwatch
  const counted = [
    ...(d.alarms.length
      ? [line(service, count(d.alarms.length, 'alarm'), 'standard alarms', d.alarms.length * months, p.alarms)]
      : []),
    ...(d.dashboards.length
      ? [
          line(
            service,
            count(d.dashboards.length, 'dashboard'),
            'dashboards',
            d.dashboards.length * months,
            p.dashboards,
          ),
        ]
      : []),
  ]
  const logs = facts.logGroups.flatMap((g) => [
    line(service, g.name, 'logs ingested', usage.sum(keys.logBytes(g.name)) / GB, p.logsIngestion),
    line(service, g.name, 'logs stored', (g.storedBytes / GB) * months, p.logsStorage),
  ])
  return [...counted, ...logs]
}

function bedrockLines(d: Deployed, usage: Usage, prices: RegionPrices | undefined): EstimateLine[] {
  return d.models.flatMap((model) => {
    const tokens = (direction: 'input' | 'output') => usage.sum(keys.tokens(model, direction))
    const model$ = prices && bedrockPrices(prices, model)
    if (!model$) {
      const why = prices
        ? `no price for model ${model} in src/cost/prices.ts (read ${PRICES_READ}): add it to price this line`
        : noRegionPrices(d.region)
      return (['input', 'output'] as const).map((dir) =>
        unpriced('Amazon Bedrock', model, `${dir} tokens`, tokens(dir), `${dir} tokens`, why),
      )
    }
    return [
      line('Amazon Bedrock', model, 'input tokens', tokens('input'), model$.input),
      line('Amazon Bedrock', model, 'output tokens', tokens('output'), model$.output),
    ]
  })
}

export interface Estimate {
  lines: EstimateLine[]
  /** USD over the period, of the priced lines. */
  total: number
  /** The same, scaled to a month of 730 hours. */
  monthly: number
  /** Lines without a cost, as "service resource item: why". */
  unpriced: string[]
}

export function estimateCost(d: Deployed, facts: Facts, usage: Usage): Estimate {
  const prices = REGION_PRICES[d.region]
  const lines = [
    ...lambdaLines(d, usage, prices),
    ...apiLines(d, usage, prices),
    ...tableLines(facts, usage, d.region, prices),
    ...storageLines(d, usage, prices),
    ...identityAndDnsLines(d, usage),
    ...monitoringLines(d, facts, usage, prices),
    ...bedrockLines(d, usage, prices),
  ]
  const total = lines.reduce((s, l) => s + (l.cost ?? 0), 0)
  return {
    lines,
    total,
    monthly: total / monthsIn(usage.days),
    unpriced: lines.filter((l) => l.cost === null).map((l) => `${l.service} ${l.resource} ${l.item}: ${l.note}`),
  }
}
