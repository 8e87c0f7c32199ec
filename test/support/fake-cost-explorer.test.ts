// FakeCostExplorer and FakeCloudWatch's GetMetricData against the real SDK clients: what cost-explorer.md and
// cloudwatch.md promise.
import { CloudWatchClient, GetMetricDataCommand, InvalidParameterValueException } from '@aws-sdk/client-cloudwatch'
import {
  CostExplorerClient,
  DataUnavailableException,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
} from '@aws-sdk/client-cost-explorer'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFakeAws, type AllFakes } from './fake-aws/index.js'

const NOW = Date.UTC(2026, 5, 15)
const HOUR = 3_600_000
let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
  fake.clock = { now: () => NOW }
})
afterEach(() => fake.restore())

const ce = new CostExplorerClient({ region: 'us-east-1' })
const cw = new CloudWatchClient({ region: 'us-east-1' })
const tagged = { Tags: { Key: 'team', Values: ['a'], MatchOptions: ['EQUALS' as const] } }

describe('FakeCostExplorer', () => {
  test('month to date by service, filtered by tag; untagged costs never match', async () => {
    fake.costExplorer.state.costs = [
      { date: '2026-06-02', service: 'AWS Lambda', amount: 2, tags: { team: 'a' } },
      { date: '2026-06-03', service: 'AWS Lambda', amount: 1, tags: { team: 'a' } },
      { date: '2026-06-03', service: 'Amazon S3', amount: 5, tags: {} },
    ]
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2026-06-01', End: '2026-06-15' },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        Filter: { And: [tagged] },
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
      }),
    )
    expect(out.ResultsByTime?.[0]?.Groups).toEqual([
      { Keys: ['AWS Lambda'], Metrics: { UnblendedCost: { Amount: '3.0000000000', Unit: 'USD' } } },
    ])
  })

  test('errors: AccessDenied when denied, a period ending before it starts, a forecast without history', async () => {
    const period = { Start: '2026-06-15', End: '2026-07-01' }
    await expect(
      ce.send(new GetCostForecastCommand({ TimePeriod: period, Granularity: 'MONTHLY', Metric: 'UNBLENDED_COST' })),
    ).rejects.toBeInstanceOf(DataUnavailableException)
    await expect(
      ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: '2026-06-10', End: '2026-06-01' },
          Granularity: 'MONTHLY',
          Metrics: ['UnblendedCost'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' })
    fake.costExplorer.state.denied = true
    await expect(
      ce.send(new GetCostForecastCommand({ TimePeriod: period, Granularity: 'MONTHLY', Metric: 'UNBLENDED_COST' })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' })
  })
})

describe('FakeCloudWatch GetMetricData', () => {
  const query = (Id: string, Stat: string, Period = 3600, MetricName = 'Invocations') => ({
    Id,
    MetricStat: {
      Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: 'f' }] },
      Period,
      Stat,
    },
  })

  test('raw values aggregated per period from StartTime, by statistic; a metric without data answers empty', async () => {
    const start = NOW - 2 * HOUR
    fake.cloudwatch.metrics.put('AWS/Lambda', 'Invocations', { FunctionName: 'f' }, [
      { at: start + 10, value: 3 },
      { at: start + 20, value: 5 },
      { at: start + HOUR + 1, value: 7 },
      { at: NOW, value: 100 }, // EndTime is exclusive
    ])
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query('sum', 'Sum'), query('max', 'Maximum'), query('other', 'Sum', 3600, 'Errors')],
        StartTime: new Date(start),
        EndTime: new Date(NOW),
        ScanBy: 'TimestampAscending',
      }),
    )
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r.Values]))
    expect(byId).toEqual({ sum: [8, 7], max: [5, 7], other: [] })
    expect(out.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(start), new Date(start + HOUR)])
  })

  test('MaxDatapoints pages the results; a bad Id or Period is refused', async () => {
    const start = NOW - 3 * HOUR
    fake.cloudwatch.metrics.put(
      'AWS/Lambda',
      'Invocations',
      { FunctionName: 'f' },
      [0, 1, 2].map((h) => ({ at: start + h * HOUR, value: h })),
    )
    const input = {
      StartTime: new Date(start),
      EndTime: new Date(NOW),
      ScanBy: 'TimestampAscending' as const,
      MaxDatapoints: 2,
    }
    const first = await cw.send(new GetMetricDataCommand({ ...input, MetricDataQueries: [query('q0', 'Sum')] }))
    expect(first.MetricDataResults?.[0]?.Values).toEqual([0, 1])
    const second = await cw.send(
      new GetMetricDataCommand({ ...input, MetricDataQueries: [query('q0', 'Sum')], NextToken: first.NextToken }),
    )
    expect(second.MetricDataResults?.[0]?.Values).toEqual([2])
    expect(second.NextToken).toBeUndefined()
    await expect(
      cw.send(new GetMetricDataCommand({ ...input, MetricDataQueries: [query('Bad-Id', 'Sum')] })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException)
    await expect(
      cw.send(new GetMetricDataCommand({ ...input, MetricDataQueries: [query('q0', 'Sum', 90)] })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException)
  })
})
