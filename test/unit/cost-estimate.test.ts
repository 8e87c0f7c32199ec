// The cost arithmetic against cases computed by hand, and the on-demand vs provisioned advice on known traffic.
import { describe, expect, test } from 'vitest'
import type { Deployed } from '../../src/cost/deployed.js'
import { estimateCost, GB } from '../../src/cost/estimate.js'
import { capacityAdvice } from '../../src/cost/recommendations.js'
import { REGION_PRICES } from '../../src/cost/prices.js'
import { DAY_S, HOUR_S, keys, Usage, type Facts } from '../../src/cost/usage.js'
import type { MetricPoint } from '../../src/resources/cost/metric-data.js'
import type { TableFacts } from '../../src/resources/cost/inventory.js'

const END = Date.UTC(2026, 5, 30)
const DAYS = 30
// 30 days are 720 of the 730 hours AWS prices a month as.
const MONTHS = 720 / 730

/** Usage from datapoints by key; a single value is put at the start of the last day. */
function usageOf(values: Record<string, number | MetricPoint[]>, days = DAYS): Usage {
  const entries = Object.entries(values)
  const series = entries.map(([, v]) => (typeof v === 'number' ? [{ at: END - DAY_S * 1000, value: v }] : v))
  const queries = entries.map(([key]) => ({
    key,
    query: { region: 'us-east-1', namespace: '', metric: '', dimensions: {}, stat: 'Sum' as const, periodS: DAY_S },
  }))
  return new Usage(queries, series, END, days)
}

const nothing: Deployed = {
  region: 'us-east-1',
  functions: [],
  restApis: [],
  websocketApis: [],
  tables: [],
  buckets: [],
  distributions: [],
  userPools: [],
  hostedZones: [],
  alarms: [],
  dashboards: [],
  logGroups: [],
  models: [],
}
const noFacts: Facts = { tables: [], logGroups: [], alarms: [] }
const table = (t: Partial<TableFacts> = {}): TableFacts => ({
  name: 'svc-usage',
  billingMode: 'PAY_PER_REQUEST',
  capacity: { read: 0, write: 0 },
  indexes: [],
  sizeBytes: 0,
  ...t,
})

const costs = (lines: ReturnType<typeof estimateCost>['lines']) =>
  Object.fromEntries(lines.map((l) => [`${l.resource} ${l.item}`, l.cost === null ? null : Number(l.cost.toFixed(6))]))

describe('estimate arithmetic', () => {
  test('Lambda, REST, DynamoDB, Bedrock and alarms: usage × list price, by hand', () => {
    const d: Deployed = {
      ...nothing,
      functions: [{ name: 'fn', memoryMb: 512, architecture: 'arm64' }],
      restApis: [{ name: 'api', stage: 'prod' }],
      tables: ['svc-usage'],
      alarms: Array.from({ length: 10 }, (_, i) => `alarm-${i}`),
      models: ['anthropic.claude-3-5-sonnet-20240620-v1:0'],
    }
    const facts: Facts = { ...noFacts, tables: [table({ indexes: ['by-user'], sizeBytes: 2 * GB })] }
    const usage = usageOf({
      [keys.invocations('fn')]: 1_000_000,
      // 100 ms each: 100,000 s × 0.5 GB = 50,000 GB-s.
      [keys.durationMs('fn')]: 100_000_000,
      [keys.restRequests('api', 'prod')]: 2_000_000,
      [keys.consumed('svc-usage', 'read')]: 3_000_000,
      [keys.consumed('svc-usage', 'read', 'by-user')]: 1_000_000,
      [keys.consumed('svc-usage', 'write')]: 1_000_000,
      [keys.tokens('anthropic.claude-3-5-sonnet-20240620-v1:0', 'input')]: 1_000_000,
      [keys.tokens('anthropic.claude-3-5-sonnet-20240620-v1:0', 'output')]: 200_000,
    })
    const estimate = estimateCost(d, facts, usage)
    expect(costs(estimate.lines)).toEqual({
      'fn requests': 0.2, // 1M × $0.20 / 1M
      'fn duration (arm64)': 0.66667, // 50,000 × $0.0000133334
      'api (prod) requests': 7, // 2M × $3.50 / 1M
      'svc-usage on-demand reads': 0.5, // (3M table + 1M index) × $0.125 / 1M
      'svc-usage on-demand writes': 0.625, // 1M × $0.625 / 1M
      'svc-usage storage': 0.493151, // 2 GB × 720/730 months × $0.25
      '10 alarms standard alarms': 0.986301, // 10 × 720/730 × $0.10
      'anthropic.claude-3-5-sonnet-20240620-v1:0 input tokens': 3, // 1,000 × $0.003 per 1K
      'anthropic.claude-3-5-sonnet-20240620-v1:0 output tokens': 3, // 200 × $0.015 per 1K
    })
    const line = estimate.lines.find((l) => l.item === 'duration (arm64)')!
    expect(line).toMatchObject({ usage: 50_000, unit: 'GB-seconds', price: { usd: 0.0000133334, per: 1 } })
    expect(estimate.total).toBeCloseTo(0.2 + 0.66667 + 7 + 0.5 + 0.625 + 0.493151 + 0.986301 + 6, 4)
    expect(estimate.monthly).toBeCloseTo(estimate.total / MONTHS, 6)
    expect(estimate.unpriced).toEqual([])
  })

  test('provisioned concurrency and an x86 function: kept GB-seconds at their own prices', () => {
    const d: Deployed = {
      ...nothing,
      functions: [{ name: 'fn', memoryMb: 1024, architecture: 'x86_64', provisionedConcurrency: 2, alias: 'prod' }],
    }
    const estimate = estimateCost(d, noFacts, usageOf({ [keys.durationMs('fn')]: 1_000_000 }, 10))
    expect(costs(estimate.lines)).toEqual({
      'fn requests': 0,
      'fn duration (x86_64)': 0.016667, // 1,000 s × 1 GB × $0.0000166667
      'fn provisioned concurrency 2': 7.200058, // 2 × 1 GB × 864,000 s = 1,728,000 GB-s × $0.0000041667
    })
  })

  test('a model or a region missing from the price table is named, never priced as zero', () => {
    const model = 'meta.llama3-70b-instruct-v1:0'
    const inFrankfurt: Deployed = {
      ...nothing,
      region: 'eu-central-1',
      functions: [{ name: 'fn', memoryMb: 128, architecture: 'arm64' }],
      distributions: [{ id: 'E1', name: 'site' }],
    }
    const frankfurt = estimateCost(inFrankfurt, noFacts, usageOf({ [keys.cfRequests('E1')]: 1_000_000 }))
    expect(frankfurt.lines.find((l) => l.resource === 'fn')).toMatchObject({ cost: null, usage: 0 })
    expect(frankfurt.unpriced.join('\n')).toContain('no eu-central-1 prices in src/cost/prices.ts')
    // CloudFront's prices are global: still priced. 1M HTTPS requests × $0.01 / 10,000.
    expect(frankfurt.lines.find((l) => l.resource === 'E1' && l.item === 'requests')?.cost).toBeCloseTo(1, 6)

    const withLlama = estimateCost(
      { ...nothing, models: [model] },
      noFacts,
      usageOf({ [keys.tokens(model, 'input')]: 5 }),
    )
    expect(withLlama.lines.map((l) => l.cost)).toEqual([null, null])
    expect(withLlama.lines[0]).toMatchObject({ usage: 5, note: expect.stringContaining(`no price for model ${model}`) })
    expect(withLlama.total).toBe(0)
  })

  test('a cross-region inference profile is priced as its model', () => {
    const profile = 'us.anthropic.claude-3-haiku-20240307-v1:0'
    const estimate = estimateCost(
      { ...nothing, models: [profile] },
      noFacts,
      usageOf({ [keys.tokens(profile, 'output')]: 4_000 }),
    )
    expect(estimate.lines.find((l) => l.item === 'output tokens')?.cost).toBeCloseTo(0.005, 9) // 4 × $0.00125
  })
})

describe('on-demand vs provisioned, from 7 days of consumed capacity', () => {
  const prices = REGION_PRICES['us-east-1']!
  const hourly = (perHour: (h: number) => number): MetricPoint[] =>
    Array.from({ length: 7 * 24 }, (_, h) => ({ at: END - (7 * 24 - h) * HOUR_S * 1000, value: perHour(h) }))

  test('steady traffic: provisioned at 70 % of the busiest hour is cheaper, and the saving is the difference', () => {
    // 10 reads and 5 writes a second, every hour of the week.
    const usage = usageOf({
      [keys.consumed('svc-usage', 'read')]: hourly(() => 36_000),
      [keys.consumed('svc-usage', 'write')]: hourly(() => 18_000),
    })
    const advice = capacityAdvice(table(), usage, prices)
    // On demand: (6,048,000 × $0.125 + 3,024,000 × $0.625) / 1M = $2.646 a week, × 730/168 = $11.4975 a month.
    // Provisioned: ceil(10 / 0.7) = 15 RCU, ceil(5 / 0.7) = 8 WCU: (15 × $0.00013 + 8 × $0.00065) × 730 = $5.2195.
    expect(advice.figures).toMatchObject({
      readUnits7d: 6_048_000,
      writeUnits7d: 3_024_000,
      onDemandMonthly: 11.4975,
      provisionedRcu: 15,
      provisionedWcu: 8,
      provisionedMonthly: 5.2195,
      readUtilisation: 0.6667,
      writeUtilisation: 0.625,
      // ($0.00013 / 3600) / ($0.125 / 1M) = 28.9 %: above it, provisioned wins.
      breakEvenUtilisation: 0.2889,
    })
    expect(advice.monthlySaving).toBe(6.278)
    expect(advice.advice).toMatch(/^switch to provisioned capacity \(15 RCU, 8 WCU/)
  })

  test('one busy hour a week: provisioned for the peak would idle, so on-demand stays', () => {
    // 100 reads a second for one hour, nothing else.
    const usage = usageOf({ [keys.consumed('svc-usage', 'read')]: hourly((h) => (h === 50 ? 360_000 : 0)) })
    const advice = capacityAdvice(table(), usage, prices)
    // On demand: 360,000 × $0.125 / 1M × 730/168 = $0.1955; provisioned: (143 × $0.00013 + 1 × $0.00065) × 730 = $14.0452.
    expect(advice.figures).toMatchObject({ onDemandMonthly: 0.1955, provisionedRcu: 143, provisionedMonthly: 14.0452 })
    expect(advice.monthlySaving).toBe(0)
    expect(advice.advice).toMatch(/^keep on-demand/)
  })

  test('a provisioned table used far below its capacity: on-demand saves the difference', () => {
    const usage = usageOf({ [keys.consumed('svc-usage', 'write')]: hourly(() => 3_600) })
    const advice = capacityAdvice(
      table({ billingMode: 'PROVISIONED', capacity: { read: 50, write: 50 } }),
      usage,
      prices,
    )
    // Now: (50 × $0.00013 + 50 × $0.00065) × 730 = $28.47. On demand: 604,800 × $0.625 / 1M × 730/168 = $1.6425.
    // Provisioned at 1 RCU / 2 WCU: (0.00013 + 2 × 0.00065) × 730 = $1.0439: the cheapest, so a resize.
    expect(advice.figures).toMatchObject({ onDemandMonthly: 1.6425, provisionedMonthly: 1.0439 })
    expect(advice.monthlySaving).toBeCloseTo(28.47 - 1.0439, 4)
    expect(advice.advice).toMatch(/^resize provisioned capacity to 1 RCU \/ 2 WCU/)
  })
})
