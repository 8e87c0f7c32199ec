// `infra cost-report`'s action against the fake AWS after a full deploy: Cost Explorer's actual cost (two requests,
// counted), the note when nothing carries the tags, the estimate alone when Cost Explorer is denied, the CSV and JSON
// shapes, and no write call.
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { showCostReport, type CostReportFormat } from '../../src/cli/cost-report-actions.js'
import { CSV_HEADER } from '../../src/output/cost-report.js'
import { STEPS } from '../../src/steps/index.js'
import { deploy } from '../support/context.js'
import { createFakeAws, type AllFakes, type DailyCost } from '../support/fake-aws/index.js'
import { fastWorkspace, fnName, SERVICE } from './lambda-helpers.js'

const NOW = Date.UTC(2026, 5, 15, 12, 30)
const DAY_MS = 86_400_000
// Every step but DNS (a hosted zone is not needed to price the rest).
const PRICED_STEPS = STEPS.filter((s) => s.id !== 'dns' && !s.needs.includes('dns'))
const TAGS = { 'infra:service': SERVICE, 'infra:env': 'staging' }
const COSTS: DailyCost[] = [
  { date: '2026-06-03', service: 'AWS Lambda', amount: 1.25, tags: TAGS },
  { date: '2026-06-10', service: 'Amazon DynamoDB', amount: 0.5, tags: TAGS },
  { date: '2026-06-05', service: 'Amazon Elastic Compute Cloud - Compute', amount: 100, tags: {} },
  // Before the month: not in month to date.
  { date: '2026-05-30', service: 'AWS Lambda', amount: 9, tags: TAGS },
]

let fake: AllFakes
let root: string
let deployed: Record<string, unknown>
// One deploy for the file: each test starts from a copy of the fake as it left it (the report only reads).
beforeAll(async () => {
  const first = createFakeAws().install()
  first.clock = { now: () => NOW }
  root = fastWorkspace()
  try {
    expect((await deploy(root, { steps: PRICED_STEPS })).ok).toBe(true)
    deployed = first.toJSON()
  } finally {
    first.restore()
  }
})
beforeEach(() => {
  fake = createFakeAws()
  fake.clock = { now: () => NOW }
  fake.load(structuredClone(deployed))
  fake.install()
  const api = fnName('conversation-api')
  fake.cloudwatch.metrics.put('AWS/Lambda', 'Invocations', { FunctionName: api }, [
    { at: NOW - 2 * DAY_MS, value: 1000 },
  ])
  fake.cloudwatch.metrics.put('AWS/Lambda', 'Duration', { FunctionName: api }, [
    { at: NOW - 2 * DAY_MS, value: 50_000 },
  ])
  fake.costExplorer.state = { costs: COSTS, forecastPerDay: 0.1, denied: false }
})
afterEach(() => fake.restore())

const report = (format: CostReportFormat = 'json') =>
  showCostReport({ config: path.join(root, 'config.json'), env: 'staging', days: 30, format, now: new Date(NOW) })

describe('cost-report', () => {
  test('actual cost by service and the month’s forecast, in two Cost Explorer requests, and no write', async () => {
    const { report: r } = await report()
    expect(r.actual).toMatchObject({
      available: true,
      monthToDate: {
        start: '2026-06-01',
        end: '2026-06-15',
        total: 1.75,
        byService: [
          { service: 'AWS Lambda', amount: 1.25 },
          { service: 'Amazon DynamoDB', amount: 0.5 },
        ],
      },
      // 1.75 so far + 16 days × $0.10.
      monthForecast: 3.35,
    })
    expect(r.costExplorer).toEqual({ requests: 2, costUsd: 0.02 })
    const ce = fake.calls.filter((c) => c.service === 'ce')
    expect(ce.map((c) => c.command)).toEqual(['GetCostAndUsageCommand', 'GetCostForecastCommand'])
    expect(ce[0]!.input.Filter.And).toContainEqual({
      Tags: { Key: 'infra:env', Values: ['staging'], MatchOptions: ['EQUALS'] },
    })
    // One GetMetricData call for every function, table, API, bucket, distribution, log group, model and alarm.
    expect(r.metricRequests).toBe(1)
    expect(fake.calls.filter((c) => c.command === 'GetMetricDataCommand')).toHaveLength(1)
    expect(r.estimate.lines).toContainEqual(
      expect.objectContaining({ resource: fnName('conversation-api'), item: 'requests', usage: 1000 }),
    )
    expect(fake.writes()).toEqual([])
  })

  test('nothing carries the tags: the report says how to activate cost allocation tags', async () => {
    fake.costExplorer.state.costs = COSTS.map((c) => ({ ...c, tags: {} }))
    const { report: r, text } = await report('table')
    expect(r.actual).toMatchObject({ available: true, monthToDate: { total: 0, byService: [] } })
    expect(text).toContain('Activate infra:service and infra:env as cost allocation tags')
    expect(text).toContain('up to 24 hours')
    expect(text).toContain('2 Cost Explorer requests made ($0.0200)')
  })

  test('Cost Explorer denied: the report says so and shows the estimate alone', async () => {
    fake.costExplorer.state.denied = true
    const { report: r, text } = await report('table')
    expect(r.actual).toEqual({
      available: false,
      reason: 'AccessDeniedException: User not enabled for cost explorer access',
    })
    expect(r.costExplorer.requests).toBe(1)
    expect(r.estimate.lines.length).toBeGreaterThan(0)
    expect(text).toContain('Cost Explorer is unavailable: AccessDeniedException')
    expect(text).toMatch(/Total: \$\d+\.\d+ over 30 days/)
    // Five functions had no invocation: each is named, with what its alarms cost.
    expect(r.recommendations.filter((rec) => rec.kind === 'unused-function')).toHaveLength(5)
  })

  test('--csv: one header, ten fields a row, for actual costs, estimate lines and recommendations', async () => {
    const { text, report: r } = await report('csv')
    const rows = parseCsv(text)
    expect(rows[0]).toEqual(CSV_HEADER)
    expect(CSV_HEADER).toHaveLength(10)
    expect(rows.every((row) => row.length === 10)).toBe(true)
    const sections = rows.slice(1).map((row) => row[0])
    expect(sections.filter((s) => s === 'estimate')).toHaveLength(r.estimate.lines.length)
    expect(sections.filter((s) => s === 'recommendation')).toHaveLength(r.recommendations.length)
    expect(rows).toContainEqual(['actual', 'AWS Lambda', '', 'month to date', '', '', '', '', '1.25', 'USD'])
    expect(rows).toContainEqual(['actual', 'total', '', 'month forecast', '', '', '', '', '3.35', 'USD'])
  })

  test('--json: the report’s shape', async () => {
    const { report: r, text } = await report('json')
    expect(text).toBe('')
    expect(Object.keys(r).sort()).toEqual(
      [
        'actual',
        'costExplorer',
        'days',
        'env',
        'estimate',
        'metricRequests',
        'period',
        'prices',
        'recommendations',
        'region',
        'service',
      ].sort(),
    )
    expect(Object.keys(r.estimate).sort()).toEqual(['lines', 'monthly', 'total', 'unpriced'])
    expect(r.prices).toMatchObject({ read: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), regionPriced: true })
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (quoted || (c !== ',' && c !== '\n')) field += c
    else {
      row.push(field)
      field = ''
      if (c === '\n') {
        rows.push(row)
        row = []
      }
    }
  }
  return rows
}
