// FakeCloudWatch's metric store: datapoints a test puts (raw values at times), and GetMetricData aggregating them
// per query's period and statistic the way CloudWatch does. What it models: cloudwatch.md.
import {
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  type GetMetricDataInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch'
import { awsError } from './core.js'

export interface RawMetric {
  namespace: string
  metric: string
  dimensions: Record<string, string>
  /** Raw values, each at an epoch-millisecond time. */
  points: Array<{ at: number; value: number }>
}

const MAX_QUERIES = 500
const DEFAULT_MAX_DATAPOINTS = 100_800
const ID = /^[a-z][a-zA-Z0-9_]*$/

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v)

function aggregate(stat: string, values: number[]): number {
  switch (stat) {
    case 'Sum':
      return values.reduce((s, v) => s + v, 0)
    case 'Average':
      return values.reduce((s, v) => s + v, 0) / values.length
    case 'Maximum':
      return Math.max(...values)
    case 'Minimum':
      return Math.min(...values)
    case 'SampleCount':
      return values.length
    default:
      throw awsError(
        InvalidParameterValueException,
        `The value ${stat} for parameter Stat is not supported by this fake.`,
      )
  }
}

export class MetricStore {
  metrics: RawMetric[] = []

  /** Adds raw datapoints to a metric (created on first use). */
  put(namespace: string, metric: string, dimensions: Record<string, string>, points: RawMetric['points']): void {
    const found = this.metrics.find(
      (m) => m.namespace === namespace && m.metric === metric && sameDimensions(m.dimensions, dimensions),
    )
    if (found) found.points.push(...points)
    else this.metrics.push({ namespace, metric, dimensions, points: [...points] })
  }

  getMetricData(i: GetMetricDataInput) {
    const queries = i.MetricDataQueries ?? []
    if (queries.length === 0 || queries.length > MAX_QUERIES)
      throw awsError(InvalidParameterValueException, `MetricDataQueries must hold 1 to ${MAX_QUERIES} queries`)
    const start = i.StartTime ? new Date(i.StartTime).getTime() : NaN
    const end = i.EndTime ? new Date(i.EndTime).getTime() : NaN
    if (!(start < end))
      throw awsError(InvalidParameterValueException, 'The parameter StartTime must be less than EndTime.')
    const results: MetricDataResult[] = queries.map((q) => {
      if (!q.Id || !ID.test(q.Id))
        throw awsError(
          InvalidParameterValueException,
          `The value ${q.Id} for parameter MetricDataQueries.member.Id is invalid.`,
        )
      const ms = q.MetricStat
      if (!ms || q.Expression)
        throw awsError(InvalidParameterCombinationException, 'This fake models MetricStat queries only.')
      const period = ms.Period ?? 0
      if (period < 60 || period % 60 !== 0)
        throw awsError(InvalidParameterValueException, 'The parameter Period must be a multiple of 60.')
      const dims = Object.fromEntries((ms.Metric?.Dimensions ?? []).map((d) => [d.Name!, d.Value!]))
      const metric = this.metrics.find(
        (m) =>
          m.namespace === ms.Metric?.Namespace &&
          m.metric === ms.Metric?.MetricName &&
          sameDimensions(m.dimensions, dims),
      )
      const buckets = new Map<number, number[]>()
      for (const p of metric?.points ?? []) {
        if (p.at < start || p.at >= end) continue
        const at = start + Math.floor((p.at - start) / (period * 1000)) * period * 1000
        buckets.set(at, [...(buckets.get(at) ?? []), p.value])
      }
      const times = [...buckets.keys()].sort((a, b) => (i.ScanBy === 'TimestampAscending' ? a - b : b - a))
      return {
        Id: q.Id,
        Label: q.Label ?? ms.Metric?.MetricName,
        Timestamps: times.map((t) => new Date(t)),
        Values: times.map((t) => aggregate(ms.Stat ?? '', buckets.get(t)!)),
        StatusCode: 'Complete',
      }
    })
    return this.page(results, i.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS, i.NextToken)
  }

  /** At most `limit` datapoints a page; the token says how many were already returned. */
  private page(results: MetricDataResult[], limit: number, token: string | undefined) {
    let skip = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0
    let room = limit
    const page: MetricDataResult[] = []
    let returned = skip
    for (const r of results) {
      const n = r.Timestamps!.length
      // A query without data is answered (empty) on the first page.
      if (n === 0) {
        if (!token) page.push(r)
        continue
      }
      if (skip >= n) {
        skip -= n
        continue
      }
      const take = Math.min(n - skip, room)
      if (take === 0) break
      page.push({
        ...r,
        Timestamps: r.Timestamps!.slice(skip, skip + take),
        Values: r.Values!.slice(skip, skip + take),
      })
      returned += take
      room -= take
      skip = 0
    }
    const total = results.reduce((s, r) => s + r.Timestamps!.length, 0)
    return {
      MetricDataResults: page,
      Messages: [],
      ...(returned < total ? { NextToken: Buffer.from(String(returned), 'utf8').toString('base64url') } : {}),
    }
  }
}
