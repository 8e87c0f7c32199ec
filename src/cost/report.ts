// `infra cost-report`: what the environment actually cost (Cost Explorer, by its tags), what its usage should cost
// (CloudWatch metrics × the price table), and what to change, with numbers. Reads only; Cost Explorer being
// unavailable leaves the estimate, never fails the report.
import type { AwsClients } from '../aws/clients.js'
import type { ResolvedConfig } from '../config/types.js'
import type { Manifest } from '../manifest/types.js'
import { readActualCost, type ActualCost } from '../resources/cost/cost-explorer.js'
import { readAlarms, readLogGroups, readTables } from '../resources/cost/inventory.js'
import { readMetrics } from '../resources/cost/metric-data.js'
import { deployedResources } from './deployed.js'
import { estimateCost, type Estimate } from './estimate.js'
import { PRICE_SOURCES, PRICES_READ, REGION_PRICES } from './prices.js'
import { CAPACITY_DAYS, recommend, type Recommendation } from './recommendations.js'
import { DAY_S, HOUR_S, Usage, usageQueries } from './usage.js'

/** Each Cost Explorer API request is billed. */
export const COST_EXPLORER_REQUEST_USD = 0.01
const COST_TAGS = ['infra:service', 'infra:env'] as const

export type ActualReport =
  | (ActualCost & {
      available: true
      /** Month to date plus the forecast of the rest of the month. */
      monthForecast?: number
      /** Set when Cost Explorer found nothing with the tags. */
      note?: string
    })
  | { available: false; reason: string }

export interface CostReport {
  env: string
  service: string
  region: string
  days: number
  /** The metrics' period: [start, end). */
  period: { start: string; end: string }
  actual: ActualReport
  costExplorer: { requests: number; costUsd: number }
  metricRequests: number
  estimate: Estimate
  recommendations: Recommendation[]
  prices: { read: string; regionPriced: boolean; sources: string[] }
}

export interface CostReportRequest {
  aws: AwsClients
  config: ResolvedConfig
  manifest: Manifest
  days: number
  now: Date
}

const ACTIVATE_TAGS =
  'Billing and Cost Management → Cost allocation tags → User-defined, or `aws ce update-cost-allocation-tags-status`'

/** Cost Explorer knows a tag only once it is activated as a cost allocation tag, and only from then on. */
function tagsNotActiveNote(tags: Record<string, string>): string {
  const tagged = Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  return `Cost Explorer has no cost tagged ${tagged}. Activate ${COST_TAGS.join(' and ')} as cost allocation tags (${ACTIVATE_TAGS}); they appear up to 24 hours later and apply from then on, not to earlier costs.`
}

function actualReport(cost: ActualCost, tags: Record<string, string>): ActualReport {
  const mtd = cost.monthToDate
  const empty = !!mtd && mtd.byService.every((s) => s.amount === 0)
  return {
    available: true,
    ...cost,
    ...(mtd && cost.forecast ? { monthForecast: mtd.total + cost.forecast.amount } : {}),
    ...(empty ? { note: tagsNotActiveNote(tags) } : {}),
  }
}

export async function buildCostReport(req: CostReportRequest): Promise<CostReport> {
  const { aws, config, days } = req
  const deployed = deployedResources(req.manifest, config)
  const [tables, logGroups, alarms] = await Promise.all([
    readTables(aws, deployed.tables),
    readLogGroups(aws, deployed.logGroups),
    readAlarms(aws, deployed.alarms),
  ])
  const facts = { tables, logGroups, alarms }

  // Whole hours, so that hourly and daily datapoints line up with the period; at least the capacity advice's 7 days.
  const endMs = Math.floor(req.now.getTime() / (HOUR_S * 1000)) * HOUR_S * 1000
  const startMs = endMs - Math.max(days, CAPACITY_DAYS) * DAY_S * 1000
  const queries = usageQueries(deployed, facts)
  const { series, calls } = queries.length
    ? await readMetrics(
        aws,
        queries.map((q) => q.query),
        { start: new Date(startMs), end: new Date(endMs) },
      )
    : { series: [], calls: 0 }
  const usage = new Usage(queries, series, endMs, days)

  const tags = Object.fromEntries(COST_TAGS.map((k) => [k, config.tags[k]!]))
  const ce = await readActualCost(aws, { tags, today: req.now.toISOString().slice(0, 10) })
  return {
    env: config.env,
    service: config.serviceName,
    region: config.region,
    days,
    period: { start: new Date(endMs - days * DAY_S * 1000).toISOString(), end: new Date(endMs).toISOString() },
    actual: ce.available ? actualReport(ce.cost, tags) : { available: false, reason: ce.reason },
    costExplorer: { requests: ce.requests, costUsd: ce.requests * COST_EXPLORER_REQUEST_USD },
    metricRequests: calls,
    estimate: estimateCost(deployed, facts, usage),
    recommendations: recommend(deployed, facts, usage),
    prices: { read: PRICES_READ, regionPriced: !!REGION_PRICES[config.region], sources: Object.values(PRICE_SOURCES) },
  }
}
