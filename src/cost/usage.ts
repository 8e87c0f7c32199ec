// Pure: the CloudWatch metrics that measure each deployed resource's billed usage, and reading them back by key once
// GetMetricData has answered. Sums use one datapoint a day; DynamoDB's consumed capacity one an hour, because the
// provisioned-capacity advice needs the busiest hour.
import type { AlarmFacts, LogGroupFacts, TableFacts } from '../resources/cost/inventory.js'
import type { MetricPoint, MetricQuery, MetricStat } from '../resources/cost/metric-data.js'
import type { Deployed } from './deployed.js'

export const HOUR_S = 3_600
export const DAY_S = 86_400
// CloudFront and Route 53 publish their metrics in us-east-1 only.
const GLOBAL_METRICS_REGION = 'us-east-1'

export interface Facts {
  tables: TableFacts[]
  logGroups: LogGroupFacts[]
  alarms: AlarmFacts[]
}

export interface KeyedQuery {
  key: string
  query: MetricQuery
}

export const keys = {
  invocations: (fn: string) => `lambda/${fn}/invocations`,
  durationMs: (fn: string) => `lambda/${fn}/duration-ms`,
  pcUtilisation: (fn: string) => `lambda/${fn}/pc-utilisation`,
  pcSpillover: (fn: string) => `lambda/${fn}/pc-spillover`,
  restRequests: (api: string, stage: string) => `rest/${api}/${stage}/requests`,
  wsMessages: (id: string, stage: string) => `websocket/${id}/${stage}/messages`,
  consumed: (table: string, op: 'read' | 'write', index?: string) => `dynamodb/${table}/${index ?? ''}/${op}`,
  bucketBytes: (bucket: string) => `s3/${bucket}/bytes`,
  cfRequests: (id: string) => `cloudfront/${id}/requests`,
  cfBytes: (id: string) => `cloudfront/${id}/bytes`,
  dnsQueries: (zone: string) => `route53/${zone}/queries`,
  logBytes: (group: string) => `logs/${group}/incoming-bytes`,
  tokens: (model: string, direction: 'input' | 'output') => `bedrock/${model}/${direction}-tokens`,
}

export function usageQueries(d: Deployed, facts: Facts): KeyedQuery[] {
  const out: KeyedQuery[] = []
  const add = (
    key: string,
    namespace: string,
    metric: string,
    dimensions: Record<string, string>,
    stat: MetricStat = 'Sum',
    periodS = DAY_S,
    region = d.region,
  ) => out.push({ key, query: { region, namespace, metric, dimensions, stat, periodS } })

  for (const fn of d.functions) {
    const dims = { FunctionName: fn.name }
    add(keys.invocations(fn.name), 'AWS/Lambda', 'Invocations', dims)
    add(keys.durationMs(fn.name), 'AWS/Lambda', 'Duration', dims)
    if (fn.provisionedConcurrency && fn.alias) {
      const onAlias = { FunctionName: fn.name, Resource: `${fn.name}:${fn.alias}` }
      add(keys.pcUtilisation(fn.name), 'AWS/Lambda', 'ProvisionedConcurrencyUtilization', onAlias, 'Maximum')
      add(keys.pcSpillover(fn.name), 'AWS/Lambda', 'ProvisionedConcurrencySpilloverInvocations', onAlias)
    }
  }
  for (const api of d.restApis)
    add(keys.restRequests(api.name, api.stage), 'AWS/ApiGateway', 'Count', { ApiName: api.name, Stage: api.stage })
  for (const api of d.websocketApis)
    add(keys.wsMessages(api.id, api.stage), 'AWS/ApiGateway', 'MessageCount', { ApiId: api.id, Stage: api.stage })
  for (const t of facts.tables)
    for (const index of [undefined, ...t.indexes])
      for (const op of ['read', 'write'] as const) {
        const metric = op === 'read' ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits'
        const dims = { TableName: t.name, ...(index ? { GlobalSecondaryIndexName: index } : {}) }
        add(keys.consumed(t.name, op, index), 'AWS/DynamoDB', metric, dims, 'Sum', HOUR_S)
      }
  for (const bucket of d.buckets)
    add(
      keys.bucketBytes(bucket),
      'AWS/S3',
      'BucketSizeBytes',
      { BucketName: bucket, StorageType: 'StandardStorage' },
      'Average',
    )
  for (const dist of d.distributions) {
    const dims = { DistributionId: dist.id, Region: 'Global' }
    add(keys.cfRequests(dist.id), 'AWS/CloudFront', 'Requests', dims, 'Sum', DAY_S, GLOBAL_METRICS_REGION)
    add(keys.cfBytes(dist.id), 'AWS/CloudFront', 'BytesDownloaded', dims, 'Sum', DAY_S, GLOBAL_METRICS_REGION)
  }
  for (const zone of d.hostedZones)
    add(
      keys.dnsQueries(zone.id),
      'AWS/Route53',
      'DNSQueries',
      { HostedZoneId: zone.id },
      'Sum',
      DAY_S,
      GLOBAL_METRICS_REGION,
    )
  for (const group of facts.logGroups)
    add(keys.logBytes(group.name), 'AWS/Logs', 'IncomingBytes', { LogGroupName: group.name })
  for (const model of d.models) {
    add(keys.tokens(model, 'input'), 'AWS/Bedrock', 'InputTokenCount', { ModelId: model })
    add(keys.tokens(model, 'output'), 'AWS/Bedrock', 'OutputTokenCount', { ModelId: model })
  }
  return out
}

/** The datapoints GetMetricData returned, by key, read over the last `days` days before `endMs`. */
export class Usage {
  private readonly byKey: Map<string, MetricPoint[]>
  constructor(
    queries: KeyedQuery[],
    series: MetricPoint[][],
    readonly endMs: number,
    readonly days: number,
  ) {
    this.byKey = new Map(queries.map((q, i) => [q.key, series[i] ?? []]))
  }

  private points(key: string, days = this.days): MetricPoint[] {
    const from = this.endMs - days * DAY_S * 1000
    return (this.byKey.get(key) ?? []).filter((p) => p.at >= from && p.at < this.endMs)
  }

  sum(key: string, days = this.days): number {
    return this.points(key, days).reduce((s, p) => s + p.value, 0)
  }

  max(key: string, days = this.days): number | undefined {
    const points = this.points(key, days)
    return points.length ? Math.max(...points.map((p) => p.value)) : undefined
  }

  average(key: string, days = this.days): number {
    const points = this.points(key, days)
    return points.length ? points.reduce((s, p) => s + p.value, 0) / points.length : 0
  }

  /** Hourly sums over the last `days` days, oldest first, 0 for an hour without a datapoint. */
  hourly(key: string, days: number): number[] {
    const hours = days * 24
    const from = this.endMs - hours * HOUR_S * 1000
    const out = new Array<number>(hours).fill(0)
    for (const p of this.points(key, days)) out[Math.floor((p.at - from) / (HOUR_S * 1000))]! += p.value
    return out
  }
}
