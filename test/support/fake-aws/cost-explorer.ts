// FakeCostExplorer: GetCostAndUsage and GetCostForecast over daily costs a test sets (by service, with the resource
// tags they were billed under), or AccessDenied as for an account without Cost Explorer. What it models:
// cost-explorer.md.
import * as sdk from '@aws-sdk/client-cost-explorer'
import {
  CostExplorerClient,
  DataUnavailableException,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type Expression,
  type GetCostAndUsageRequest,
  type GetCostForecastRequest,
} from '@aws-sdk/client-cost-explorer'
import { namedError, on, type FakeEnv, type ServiceFake, awsError } from './core.js'

export interface DailyCost {
  /** YYYY-MM-DD */
  date: string
  service: string
  amount: number
  /** The cost allocation tags the cost carries (only activated tags show in Cost Explorer). */
  tags: Record<string, string>
}

export interface CostExplorerState {
  costs: DailyCost[]
  /** What GetCostForecast answers per day of its period; undefined: DataUnavailableException (too little history). */
  forecastPerDay?: number
  /** The caller may not use Cost Explorer (or it was never enabled): every call is AccessDeniedException. */
  denied: boolean
}

const DAY_MS = 86_400_000
const DATE = /^\d{4}-\d{2}-\d{2}$/

function validPeriod(start: string | undefined, end: string | undefined): [string, string] {
  if (!start || !end || !DATE.test(start) || !DATE.test(end))
    throw namedError('ValidationException', 'Start and End must be dates in the form YYYY-MM-DD')
  if (start >= end)
    throw namedError('ValidationException', 'Start date (inclusive) must be before end date (exclusive)')
  return [start, end]
}

/** The expressions the report sends: And, Tags (EQUALS) and the SERVICE dimension. */
function matches(filter: Expression | undefined, cost: DailyCost): boolean {
  if (!filter) return true
  if (filter.And) return filter.And.every((f) => matches(f, cost))
  if (filter.Tags) return (filter.Tags.Values ?? []).includes(cost.tags[filter.Tags.Key ?? ''] ?? '')
  if (filter.Dimensions?.Key === 'SERVICE') return (filter.Dimensions.Values ?? []).includes(cost.service)
  throw namedError('ValidationException', 'FakeCostExplorer: filter not modelled')
}

const monthOf = (date: string) => date.slice(0, 7)

export class FakeCostExplorer implements ServiceFake {
  readonly service = 'ce'
  readonly sdk = sdk
  readonly client = CostExplorerClient
  state: CostExplorerState = { costs: [], denied: false }
  private env?: FakeEnv

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(GetCostAndUsageCommand, (i) => this.costAndUsage(i)),
      on(GetCostForecastCommand, (i) => this.forecast(i)),
    ]
  }

  toJSON(): unknown {
    return structuredClone(this.state)
  }

  load(state: any): void {
    this.state = { costs: [], denied: false, ...structuredClone(state ?? {}) }
  }

  private refuseDenied(): void {
    if (this.state.denied) throw namedError('AccessDeniedException', 'User not enabled for cost explorer access')
  }

  private costAndUsage(i: GetCostAndUsageRequest) {
    this.refuseDenied()
    const [start, end] = validPeriod(i.TimePeriod?.Start, i.TimePeriod?.End)
    if (i.Granularity !== 'MONTHLY') throw namedError('ValidationException', 'FakeCostExplorer models MONTHLY only')
    const metric = i.Metrics?.[0] ?? ''
    const grouped = i.GroupBy?.[0]?.Type === 'DIMENSION' && i.GroupBy[0].Key === 'SERVICE'
    const inPeriod = this.state.costs.filter((c) => c.date >= start && c.date < end && matches(i.Filter, c))
    const months = [...new Set(inPeriod.map((c) => monthOf(c.date)).concat(monthOf(start)))].sort()
    const amount = (value: number) => ({ [metric]: { Amount: value.toFixed(10), Unit: 'USD' } })
    return {
      ResultsByTime: months.map((month) => {
        const costs = inPeriod.filter((c) => monthOf(c.date) === month)
        const services = [...new Set(costs.map((c) => c.service))]
        const sum = (cs: DailyCost[]) => cs.reduce((s, c) => s + c.amount, 0)
        return {
          TimePeriod: { Start: month === monthOf(start) ? start : `${month}-01`, End: end },
          Total: grouped ? {} : amount(sum(costs)),
          Groups: grouped
            ? services.map((s) => ({ Keys: [s], Metrics: amount(sum(costs.filter((c) => c.service === s))) }))
            : [],
          Estimated: true,
        }
      }),
      GroupDefinitions: i.GroupBy ?? [],
      DimensionValueAttributes: [],
    }
  }

  private forecast(i: GetCostForecastRequest) {
    this.refuseDenied()
    const [start, end] = validPeriod(i.TimePeriod?.Start, i.TimePeriod?.End)
    const today = new Date(this.env?.clock.now() ?? Date.now()).toISOString().slice(0, 10)
    if (start < today)
      throw namedError('ValidationException', 'The start date must be equal to or no later than the current date')
    if (this.state.forecastPerDay === undefined)
      throw awsError(DataUnavailableException, 'Insufficient amount of historical data to generate forecast.')
    const days = (Date.parse(end) - Date.parse(start)) / DAY_MS
    const total = (this.state.forecastPerDay * days).toFixed(10)
    return { Total: { Amount: total, Unit: 'USD' }, ForecastResultsByTime: [] }
  }
}
