// Pure: advice with its numbers, from the manual's cost section: per table on-demand vs provisioned from 7 days of
// consumed capacity; provisioned concurrency's cost against how much of it is used; arm64 vs x86; log retention;
// functions nobody calls and alarms that watch no data.
import type { Deployed } from './deployed.js'
import { GB, MONTH_HOURS, monthsIn } from './estimate.js'
import { costOf, REGION_PRICES, type RegionPrices } from './prices.js'
import { keys, type Facts, type Usage } from './usage.js'
import type { AlarmFacts, TableFacts } from '../resources/cost/inventory.js'

export type RecommendationKind =
  | 'dynamodb-capacity'
  | 'provisioned-concurrency'
  | 'architecture'
  | 'log-retention'
  | 'unused-function'
  | 'unused-alarm'

export interface Recommendation {
  kind: RecommendationKind
  resource: string
  advice: string
  /** USD a month saved by following the advice (0 when it is to keep things as they are). */
  monthlySaving: number
  /** The numbers behind the advice. */
  figures: Record<string, number | string>
}

export const CAPACITY_DAYS = 7
/** Auto scaling's usual target: provisioned capacity sized so the busiest hour uses 70 % of it. */
export const TARGET_UTILISATION = 0.7
const LOW_PC_UTILISATION = 0.5
const SUGGESTED_RETENTION_DAYS = 30
const LONG_RETENTION_DAYS = 90

const usd = (n: number) => `$${n.toFixed(2)}`
const percent = (n: number) => `${(n * 100).toFixed(1)} %`
const round = (n: number, digits = 4) => Number(n.toFixed(digits))

/** The consumed capacity of a table and its indexes, summed per hour over the last 7 days. */
function hourlyConsumed(t: TableFacts, usage: Usage, op: 'read' | 'write'): number[] {
  const series = [undefined, ...t.indexes].map((index) => usage.hourly(keys.consumed(t.name, op, index), CAPACITY_DAYS))
  return series[0]!.map((_, h) => series.reduce((s, hours) => s + hours[h]!, 0))
}

/**
 * On demand costs per request unit; provisioned costs per unit-hour, used or not. Provisioned is cheaper when its
 * capacity is used on average above the break-even utilisation: (unit-hour price / 3600) / request-unit price.
 */
export function capacityAdvice(t: TableFacts, usage: Usage, prices: RegionPrices): Recommendation {
  const p = prices.dynamodb
  const hours = CAPACITY_DAYS * 24
  const perMonth = MONTH_HOURS / hours
  const reads = hourlyConsumed(t, usage, 'read')
  const writes = hourlyConsumed(t, usage, 'write')
  const total = (xs: number[]) => xs.reduce((s, x) => s + x, 0)
  const onDemandMonthly =
    (costOf(total(reads), p.readRequestUnits) + costOf(total(writes), p.writeRequestUnits)) * perMonth
  // Units per second in the busiest hour, and the capacity that runs it at the target utilisation.
  const peakRead = Math.max(...reads) / 3600
  const peakWrite = Math.max(...writes) / 3600
  const rcu = Math.max(1, Math.ceil(peakRead / TARGET_UTILISATION))
  const wcu = Math.max(1, Math.ceil(peakWrite / TARGET_UTILISATION))
  const provisionedMonthly = (rcu * p.rcuHours.usd + wcu * p.wcuHours.usd) * MONTH_HOURS
  const breakEven = p.rcuHours.usd / 3600 / (p.readRequestUnits.usd / p.readRequestUnits.per)
  const utilisation = {
    read: total(reads) / (hours * 3600) / rcu,
    write: total(writes) / (hours * 3600) / wcu,
  }
  const currentMonthly =
    t.billingMode === 'PAY_PER_REQUEST'
      ? onDemandMonthly
      : (t.capacity.read * p.rcuHours.usd + t.capacity.write * p.wcuHours.usd) * MONTH_HOURS
  const figures = {
    mode: t.billingMode,
    readUnits7d: round(total(reads), 0),
    writeUnits7d: round(total(writes), 0),
    peakReadPerSecond: round(peakRead, 2),
    peakWritePerSecond: round(peakWrite, 2),
    onDemandMonthly: round(onDemandMonthly),
    provisionedRcu: rcu,
    provisionedWcu: wcu,
    provisionedMonthly: round(provisionedMonthly),
    readUtilisation: round(utilisation.read),
    writeUtilisation: round(utilisation.write),
    breakEvenUtilisation: round(breakEven),
  }
  const cheaper = provisionedMonthly < onDemandMonthly ? 'PROVISIONED' : 'PAY_PER_REQUEST'
  const bestMonthly = Math.min(provisionedMonthly, onDemandMonthly)
  const saving = Math.max(0, currentMonthly - bestMonthly)
  const comparison = `on demand ${usd(onDemandMonthly)}/month vs provisioned ${rcu} RCU / ${wcu} WCU ${usd(provisionedMonthly)}/month (used ${percent(utilisation.read)} / ${percent(utilisation.write)} on average; break-even ${percent(breakEven)})`
  const advice =
    cheaper === 'PROVISIONED' && t.billingMode === 'PAY_PER_REQUEST'
      ? `switch to provisioned capacity (${rcu} RCU, ${wcu} WCU with auto scaling at ${TARGET_UTILISATION * 100} %): ${comparison}`
      : cheaper === 'PAY_PER_REQUEST' && t.billingMode === 'PROVISIONED'
        ? `switch to on-demand: ${comparison}; provisioned now costs ${usd(currentMonthly)}/month`
        : saving > 0
          ? `resize provisioned capacity to ${rcu} RCU / ${wcu} WCU: ${comparison}; now ${usd(currentMonthly)}/month`
          : `keep ${t.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : 'provisioned'}: ${comparison}`
  return { kind: 'dynamodb-capacity', resource: t.name, advice, monthlySaving: round(saving), figures }
}

function concurrencyAdvice(d: Deployed, usage: Usage, prices: RegionPrices): Recommendation[] {
  return d.functions.flatMap((fn) => {
    if (!fn.provisionedConcurrency || !fn.memoryMb || !fn.architecture) return []
    const perInstance = costOf(
      (fn.memoryMb / 1024) * MONTH_HOURS * 3600,
      prices.lambda.provisionedConcurrency[fn.architecture],
    )
    const monthly = perInstance * fn.provisionedConcurrency
    const peak = usage.max(keys.pcUtilisation(fn.name)) ?? 0
    const spillover = usage.sum(keys.pcSpillover(fn.name))
    const needed = Math.max(1, Math.ceil(fn.provisionedConcurrency * peak))
    const reduce = peak < LOW_PC_UTILISATION && needed < fn.provisionedConcurrency
    const figures = {
      provisionedConcurrency: fn.provisionedConcurrency,
      monthly: round(monthly),
      peakUtilisation: round(peak),
      spilloverInvocations: spillover,
    }
    const advice = reduce
      ? `lower provisioned concurrency to ${needed}: at most ${percent(peak)} of ${fn.provisionedConcurrency} was used in ${usage.days} days; it costs ${usd(monthly)}/month`
      : spillover > 0
        ? `keep it (${usd(monthly)}/month): ${spillover} invocations spilled over it and may have started cold`
        : `keep it (${usd(monthly)}/month): peak use ${percent(peak)}, no invocation spilled over it`
    return [
      {
        kind: 'provisioned-concurrency' as const,
        resource: fn.name,
        advice,
        monthlySaving: reduce ? round(perInstance * (fn.provisionedConcurrency - needed)) : 0,
        figures,
      },
    ]
  })
}

function architectureAdvice(d: Deployed, usage: Usage, prices: RegionPrices): Recommendation[] {
  return d.functions.flatMap((fn) => {
    if (fn.architecture !== 'x86_64' || !fn.memoryMb) return []
    const gbSecondsMonthly =
      ((usage.sum(keys.durationMs(fn.name)) / 1000) * (fn.memoryMb / 1024)) / monthsIn(usage.days)
    const d$ = prices.lambda.duration
    const saving = costOf(gbSecondsMonthly, d$.x86_64) - costOf(gbSecondsMonthly, d$.arm64)
    return [
      {
        kind: 'architecture' as const,
        resource: fn.name,
        advice: `set architecture to arm64 (if its dependencies have arm64 builds): ${round(gbSecondsMonthly, 0)} GB-seconds a month at $${d$.arm64.usd} instead of $${d$.x86_64.usd}`,
        monthlySaving: round(saving),
        figures: { gbSecondsMonthly: round(gbSecondsMonthly, 0) },
      },
    ]
  })
}

function retentionAdvice(facts: Facts, usage: Usage, prices: RegionPrices): Recommendation[] {
  return facts.logGroups.flatMap((g) => {
    if (g.retentionDays !== undefined && g.retentionDays <= LONG_RETENTION_DAYS) return []
    const storedGb = g.storedBytes / GB
    const dailyGb = usage.sum(keys.logBytes(g.name)) / GB / usage.days
    const keptGb = Math.min(storedGb, dailyGb * SUGGESTED_RETENTION_DAYS)
    const saving = costOf(storedGb - keptGb, prices.cloudwatch.logsStorage)
    const now = g.retentionDays === undefined ? 'kept forever' : `kept ${g.retentionDays} days`
    return [
      {
        kind: 'log-retention' as const,
        resource: g.name,
        advice: `set retention to ${SUGGESTED_RETENTION_DAYS} days (now ${now}): ${storedGb.toFixed(2)} GB stored, about ${keptGb.toFixed(2)} GB at ${SUGGESTED_RETENTION_DAYS} days`,
        monthlySaving: round(saving),
        figures: {
          storedGb: round(storedGb),
          ingestedGbPerDay: round(dailyGb),
          retentionDays: g.retentionDays ?? 'never expires',
        },
      },
    ]
  })
}

/** Whether the table, API or WebSocket API an alarm watches had no traffic; undefined when it watches something else. */
function watchesIdle(a: AlarmFacts, d: Deployed, facts: Facts, usage: Usage): boolean | undefined {
  const { TableName, ApiName, ApiId, Stage } = a.dimensions
  const table = facts.tables.find((t) => t.name === TableName)
  if (table)
    return [undefined, ...table.indexes].every(
      (index) =>
        usage.sum(keys.consumed(table.name, 'read', index)) + usage.sum(keys.consumed(table.name, 'write', index)) ===
        0,
    )
  if (ApiName && Stage && d.restApis.some((api) => api.name === ApiName && api.stage === Stage))
    return usage.sum(keys.restRequests(ApiName, Stage)) === 0
  if (ApiId && Stage && d.websocketApis.some((api) => api.id === ApiId && api.stage === Stage))
    return usage.sum(keys.wsMessages(ApiId, Stage)) === 0
  return undefined
}

function unusedAdvice(d: Deployed, facts: Facts, usage: Usage, prices: RegionPrices): Recommendation[] {
  const alarmMonthly = prices.cloudwatch.alarms.usd
  const unusedFunctions = d.functions.filter((fn) => usage.sum(keys.invocations(fn.name)) === 0)
  const watching = (fn: string) => facts.alarms.filter((a) => a.dimensions.FunctionName === fn)
  const functions = unusedFunctions.map((fn) => {
    const alarms = watching(fn.name)
    return {
      kind: 'unused-function' as const,
      resource: fn.name,
      advice: `not invoked in ${usage.days} days: remove it from config.json if nothing needs it (its ${alarms.length} alarms cost ${usd(alarms.length * alarmMonthly)}/month)`,
      monthlySaving: round(alarms.length * alarmMonthly),
      figures: { invocations: 0, alarms: alarms.length },
    }
  })
  // An alarm on a resource without traffic cannot fire (throttles and errors are published only when requests come).
  const alarms = facts.alarms
    .filter((a) => watchesIdle(a, d, facts, usage) === true)
    .map((a) => ({
      kind: 'unused-alarm' as const,
      resource: a.name,
      advice: `watches ${a.namespace} ${a.metric} of ${Object.values(a.dimensions).join(' ')}, which had no traffic in ${usage.days} days: remove the resource, or keep the alarm for when traffic comes (${usd(alarmMonthly)}/month)`,
      monthlySaving: alarmMonthly,
      figures: { requests: 0 },
    }))
  return [...functions, ...alarms]
}

export function recommend(d: Deployed, facts: Facts, usage: Usage): Recommendation[] {
  const prices = REGION_PRICES[d.region]
  if (!prices) return []
  return [
    ...facts.tables.map((t) => capacityAdvice(t, usage, prices)),
    ...concurrencyAdvice(d, usage, prices),
    ...architectureAdvice(d, usage, prices),
    ...retentionAdvice(facts, usage, prices),
    ...unusedAdvice(d, facts, usage, prices),
  ]
}
