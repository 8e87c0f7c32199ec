// What the service actually cost, from Cost Explorer: month to date by AWS service, and the month's forecast, both
// filtered by the service's cost-allocation tags. Each request is billed ($0.01), so the report sends one
// GetCostAndUsage (more only if AWS pages it) and one GetCostForecast, and counts them.
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type Expression,
} from '@aws-sdk/client-cost-explorer'
import { EndpointError } from '../../aws/clients.js'
import { awsFailure, awsReason, isCostExplorerUnavailable } from '../../aws/errors.js'
import type { AwsClients } from '../../aws/clients.js'

// Cost Explorer has one endpoint, in us-east-1, whatever the region of the resources.
const COST_EXPLORER_REGION = 'us-east-1'
const METRIC = 'UnblendedCost'
const FORECAST_METRIC = 'UNBLENDED_COST'

export interface CostQuery {
  /** The tags every resource of this service and environment carries: `infra:service`, `infra:env`. */
  tags: Record<string, string>
  /** The day the report is made (UTC, YYYY-MM-DD): month to date ends before it, the forecast starts on it. */
  today: string
}

export interface ServiceCost {
  service: string
  amount: number
}

export interface ActualCost {
  currency: string
  /** [start, end) in days; undefined on the first day of a month (nothing has been billed yet). */
  monthToDate?: { start: string; end: string; total: number; byService: ServiceCost[]; estimated: boolean }
  forecast?: { start: string; end: string; amount: number }
  /** Why there is no forecast (Cost Explorer needs some history first). */
  forecastUnavailable?: string
}

export type CostExplorerResult =
  { available: true; cost: ActualCost; requests: number } | { available: false; reason: string; requests: number }

/** Pure: the first day of the month of `day`, and of the month after. */
export function monthBounds(day: string): { start: string; next: string } {
  const [y, m] = day.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
  return { start: `${day.slice(0, 7)}-01`, next }
}

/** Pure: both tags must match (values as the resources carry them). */
export function tagFilter(tags: Record<string, string>): Expression {
  return {
    And: Object.entries(tags).map(([Key, value]) => ({ Tags: { Key, Values: [value], MatchOptions: ['EQUALS'] } })),
  }
}

function unavailable(e: unknown): string | undefined {
  if (e instanceof EndpointError) return e.message
  if (isCostExplorerUnavailable(e)) return awsReason(e)
  return undefined
}

export async function readActualCost(aws: AwsClients, query: CostQuery): Promise<CostExplorerResult> {
  const ce = aws.get(CostExplorerClient, COST_EXPLORER_REGION)
  const filter = tagFilter(query.tags)
  const { start, next } = monthBounds(query.today)
  let requests = 0
  const cost: ActualCost = { currency: 'USD' }
  try {
    if (start < query.today) {
      const byService = new Map<string, number>()
      let estimated = false
      let token: string | undefined
      do {
        requests += 1
        const page = await ce.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: start, End: query.today },
            Granularity: 'MONTHLY',
            Metrics: [METRIC],
            Filter: filter,
            GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
            ...(token ? { NextPageToken: token } : {}),
          }),
        )
        for (const period of page.ResultsByTime ?? []) {
          estimated ||= period.Estimated === true
          for (const group of period.Groups ?? []) {
            const amount = group.Metrics?.[METRIC]
            const service = group.Keys?.[0] ?? 'unknown'
            if (amount?.Unit) cost.currency = amount.Unit
            byService.set(service, (byService.get(service) ?? 0) + Number(amount?.Amount ?? 0))
          }
        }
        token = page.NextPageToken
      } while (token)
      const services = [...byService].map(([service, amount]) => ({ service, amount }))
      services.sort((a, b) => b.amount - a.amount)
      const total = services.reduce((sum, s) => sum + s.amount, 0)
      cost.monthToDate = { start, end: query.today, total, byService: services, estimated }
    }
    try {
      requests += 1
      const forecast = await ce.send(
        new GetCostForecastCommand({
          TimePeriod: { Start: query.today, End: next },
          Granularity: 'MONTHLY',
          Metric: FORECAST_METRIC,
          Filter: filter,
        }),
      )
      cost.forecast = { start: query.today, end: next, amount: Number(forecast.Total?.Amount ?? 0) }
    } catch (e) {
      // No forecast yet (too little history) is not a reason to drop the month's actual cost.
      if (!cost.monthToDate || !isCostExplorerUnavailable(e)) throw e
      cost.forecastUnavailable = awsReason(e)
    }
    return { available: true, cost, requests }
  } catch (e) {
    const reason = unavailable(e)
    if (reason) return { available: false, reason, requests }
    throw awsFailure(e, {
      code: 'CostExplorerFailed',
      doing: 'reading',
      kind: 'Cost Explorer costs',
      name: 'month to date',
    })
  }
}
