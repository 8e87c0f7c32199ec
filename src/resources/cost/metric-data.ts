// CloudWatch metrics for the cost report, read with as few GetMetricData calls as the API allows: up to 500 queries a
// call, one call per region (CloudFront's and Route 53's metrics live in us-east-1), pages followed.
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import type { AwsClients } from '../../aws/clients.js'
import { awsFailure } from '../../aws/errors.js'

export type MetricStat = 'Sum' | 'Average' | 'Maximum' | 'SampleCount'

export interface MetricQuery {
  region: string
  namespace: string
  metric: string
  dimensions: Record<string, string>
  stat: MetricStat
  periodS: number
}

export interface MetricPoint {
  /** Epoch milliseconds of the period's start. */
  at: number
  value: number
}

export interface MetricWindow {
  start: Date
  end: Date
}

const QUERIES_PER_CALL = 500

function toQuery(q: MetricQuery, id: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: q.namespace,
        MetricName: q.metric,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.periodS,
      Stat: q.stat,
    },
    ReturnData: true,
  }
}

/** Each query's datapoints (oldest first), in the order of `queries`; `calls` is how many requests were sent. */
export async function readMetrics(
  aws: AwsClients,
  queries: MetricQuery[],
  window: MetricWindow,
): Promise<{ series: MetricPoint[][]; calls: number }> {
  const series: MetricPoint[][] = queries.map(() => [])
  let calls = 0
  const byRegion = new Map<string, number[]>()
  queries.forEach((q, i) => byRegion.set(q.region, [...(byRegion.get(q.region) ?? []), i]))
  for (const [region, indexes] of byRegion) {
    const cw = aws.get(CloudWatchClient, region)
    for (let from = 0; from < indexes.length; from += QUERIES_PER_CALL) {
      const batch = indexes.slice(from, from + QUERIES_PER_CALL)
      let token: string | undefined
      do {
        calls += 1
        const page = await cw
          .send(
            new GetMetricDataCommand({
              MetricDataQueries: batch.map((i) => toQuery(queries[i]!, `q${i}`)),
              StartTime: window.start,
              EndTime: window.end,
              ScanBy: 'TimestampAscending',
              ...(token ? { NextToken: token } : {}),
            }),
          )
          .catch((e: unknown) => {
            throw awsFailure(e, {
              code: 'MetricDataFailed',
              doing: 'reading',
              kind: 'CloudWatch metrics',
              name: region,
            })
          })
        for (const result of page.MetricDataResults ?? []) {
          const points = series[Number(result.Id?.slice(1))]
          result.Timestamps?.forEach((t, k) =>
            points?.push({ at: new Date(t).getTime(), value: result.Values?.[k] ?? 0 }),
          )
        }
        token = page.NextToken
      } while (token)
    }
  }
  for (const points of series) points.sort((a, b) => a.at - b.at)
  return { series, calls }
}
