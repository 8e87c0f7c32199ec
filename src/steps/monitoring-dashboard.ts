// The overview dashboard's body, built from what was deployed (never from fixed names): one widget per metric family,
// each with one line per function, table, API, distribution or Bedrock model.
import type { Watched } from './monitoring-specs.js'

type MetricLine = [namespace: string, metric: string, ...dimensions: string[]]

interface Widget {
  title: string
  stat: string
  metrics: MetricLine[]
  /** Where the metrics live when not in the stack's region. */
  region?: string
}

const PERIOD_S = 300
// CloudFront publishes its metrics in us-east-1 only.
const CLOUDFRONT_METRICS_REGION = 'us-east-1'
const WIDTH = 12
const HEIGHT = 6

function lambdaWidgets(w: Watched): Widget[] {
  if (w.functions.length === 0) return []
  const per = (metric: string): MetricLine[] => w.functions.map((f) => ['AWS/Lambda', metric, 'FunctionName', f.name])
  return [
    { title: 'Lambda invocations', stat: 'Sum', metrics: per('Invocations') },
    { title: 'Lambda errors', stat: 'Sum', metrics: per('Errors') },
    { title: 'Lambda duration (p95, ms)', stat: 'p95', metrics: per('Duration') },
    { title: 'Lambda throttles', stat: 'Sum', metrics: per('Throttles') },
    { title: 'Lambda concurrent executions', stat: 'Maximum', metrics: per('ConcurrentExecutions') },
  ]
}

function restWidgets(w: Watched): Widget[] {
  if (!w.rest) return []
  const dims = ['ApiName', w.rest.apiName, 'Stage', w.rest.stage]
  const line = (metric: string): MetricLine => ['AWS/ApiGateway', metric, ...dims]
  return [
    { title: 'REST API requests', stat: 'Sum', metrics: [line('Count')] },
    { title: 'REST API 4XX and 5XX', stat: 'Sum', metrics: [line('4XXError'), line('5XXError')] },
    { title: 'REST API latency (p95, ms)', stat: 'p95', metrics: [line('Latency')] },
  ]
}

function websocketWidgets(w: Watched): Widget[] {
  if (!w.websocket) return []
  const dims = ['ApiId', w.websocket.apiId, 'Stage', w.websocket.stage]
  const line = (metric: string): MetricLine => ['AWS/ApiGateway', metric, ...dims]
  return [
    { title: 'WebSocket connects and messages', stat: 'Sum', metrics: [line('ConnectCount'), line('MessageCount')] },
    { title: 'WebSocket integration errors', stat: 'Sum', metrics: [line('IntegrationError')] },
  ]
}

function tableWidgets(w: Watched): Widget[] {
  if (w.tables.length === 0) return []
  const per = (...metrics: string[]): MetricLine[] =>
    w.tables.flatMap((t) => metrics.map((m): MetricLine => ['AWS/DynamoDB', m, 'TableName', t.name]))
  return [
    {
      title: 'DynamoDB consumed capacity',
      stat: 'Sum',
      metrics: per('ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits'),
    },
    { title: 'DynamoDB throttled requests', stat: 'Sum', metrics: per('ReadThrottleEvents', 'WriteThrottleEvents') },
  ]
}

function cloudfrontWidgets(w: Watched): Widget[] {
  if (!w.distribution) return []
  const line = (metric: string): MetricLine => [
    'AWS/CloudFront',
    metric,
    'DistributionId',
    w.distribution!.id,
    'Region',
    'Global',
  ]
  return [
    { title: 'CloudFront requests', stat: 'Sum', metrics: [line('Requests')], region: CLOUDFRONT_METRICS_REGION },
    {
      title: 'CloudFront error rate (%)',
      stat: 'Average',
      metrics: [line('4xxErrorRate'), line('5xxErrorRate')],
      region: CLOUDFRONT_METRICS_REGION,
    },
  ]
}

function bedrockWidgets(w: Watched): Widget[] {
  if (!w.models?.length) return []
  const per = (...metrics: string[]): MetricLine[] =>
    metrics.flatMap((m) => w.models!.map((model): MetricLine => ['AWS/Bedrock', m, 'ModelId', model]))
  return [
    { title: 'Bedrock invocations', stat: 'Sum', metrics: per('Invocations') },
    { title: 'Bedrock latency (p95, ms)', stat: 'p95', metrics: per('InvocationLatency') },
    { title: 'Bedrock tokens', stat: 'Sum', metrics: per('InputTokenCount', 'OutputTokenCount') },
  ]
}

/** The dashboard body: two widgets a row. */
export function dashboardBody(w: Watched, region: string): { widgets: unknown[] } {
  const widgets = [
    ...lambdaWidgets(w),
    ...restWidgets(w),
    ...websocketWidgets(w),
    ...tableWidgets(w),
    ...cloudfrontWidgets(w),
    ...bedrockWidgets(w),
  ]
  return {
    widgets: widgets.map((widget, i) => ({
      type: 'metric',
      x: (i % 2) * WIDTH,
      y: Math.floor(i / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: widget.title,
        region: widget.region ?? region,
        view: 'timeSeries',
        stacked: false,
        period: PERIOD_S,
        stat: widget.stat,
        metrics: widget.metrics,
      },
    })),
  }
}
