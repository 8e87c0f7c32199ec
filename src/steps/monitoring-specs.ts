// Pure: config + what the upstream steps deployed → step 11's topic, subscriptions, alarms and dashboard. Every alarm
// has the dimensions of one deployed resource (an alarm without them watches a metric API Gateway never publishes and
// can never fire). Unit-tested without AWS.
import type { ResolvedConfig } from '../config/types.js'
import { configFieldError, expandField } from './config-fields.js'
import type { AlarmDefinition, AlarmSpec } from '../resources/cloudwatch/alarm.js'
import type { DashboardSpec } from '../resources/cloudwatch/dashboard.js'
import type { SubscriptionSpec } from '../resources/sns/subscription.js'
import type { TopicSpec } from '../resources/sns/topic.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { dashboardBody } from './monitoring-dashboard.js'
import type { Upstream } from './types.js'

type MonitoringSection = NonNullable<ResolvedConfig['sections']['monitoring']>

/** What the upstream steps deployed, with what the alarms and the dashboard need to name it. */
export interface Watched {
  functions: Array<{ logicalId: string; name: string; timeoutS: number }>
  rest?: { apiName: string; stage: string }
  websocket?: { apiId: string; stage: string }
  tables: Array<{ logicalId: string; name: string }>
  /** The frontend's distribution, when step 07 deployed one. */
  distribution?: { id: string }
  /** The Bedrock models the deployed functions call. */
  models?: string[]
}

export interface MonitoringPlan {
  /** The topic the step creates; undefined when config names one (alarm_topic_arn). */
  topic?: TopicSpec
  topicArn: string
  subscriptions: SubscriptionSpec[]
  alarms: AlarmSpec[]
  dashboard: DashboardSpec
}

/** A generated alarm's own settings; the rest (actions, description) is shared. */
type AlarmShape = Omit<AlarmDefinition, 'actions' | 'description'>

// Thresholds: a 5XX rate above 5 % for 10 minutes, a 4XX rate above 25 % for 15 (clients misbehaving), any Lambda
// error or throttle, p95 duration above 80 % of the timeout for 15 minutes (timeouts are next), any table throttle.
const REST_5XX_RATE = 0.05
const REST_4XX_RATE = 0.25
const DURATION_SHARE_OF_TIMEOUT = 0.8
const PERIOD_S = 300

const anyInPeriod = (namespace: string, metricName: string, dimensions: Record<string, string>): AlarmShape => ({
  namespace,
  metricName,
  dimensions,
  statistic: 'Sum',
  periodS: PERIOD_S,
  evaluationPeriods: 1,
  threshold: 0,
  comparison: 'GreaterThanThreshold',
  // No data means no traffic, and so no errors: not a reason to alarm.
  treatMissingData: 'notBreaching',
})

/**
 * What was deployed: the functions, tables and APIs upstream outputs name. In a plan (`planning`), what config
 * describes counts as deployed, with ids not known yet shown as such.
 */
export function watchedResources(config: ResolvedConfig, upstream: Upstream, planning: boolean): Watched {
  const functions = config.functions
    .filter((f) => planning || upstream.lambda?.functions[f.logicalId])
    .map((f) => ({
      logicalId: f.logicalId,
      name: upstream.lambda?.functions[f.logicalId]?.name ?? f.name,
      timeoutS: f.timeoutS,
    }))
  const tables = config.tables
    .filter((t) => planning || upstream.dynamodb?.tables[t.logicalId])
    .map((t) => ({ logicalId: t.logicalId, name: upstream.dynamodb?.tables[t.logicalId]?.name ?? t.name }))
  const rest = config.sections.rest_api
  const ws = config.sections.websocket_api
  const wsApiId = upstream.websocket?.websocketApiId ?? (planning ? KNOWN_AFTER_APPLY : undefined)
  const distributionId =
    upstream.cloudfront?.distributionId ?? (planning && config.sections.frontend ? KNOWN_AFTER_APPLY : undefined)
  const callsBedrock = functions.some((f) => config.functions.find((c) => c.logicalId === f.logicalId)?.bedrock)
  return {
    functions,
    tables,
    ...(distributionId ? { distribution: { id: distributionId } } : {}),
    ...(callsBedrock && config.bedrockModels.length > 0 ? { models: config.bedrockModels } : {}),
    ...(rest && (planning || upstream.api?.restApiId)
      ? {
          rest: {
            apiName: expandField(config, ['rest_api', 'name'], rest.name),
            stage: upstream.api?.stage ?? config.environment,
          },
        }
      : {}),
    ...(ws && wsApiId ? { websocket: { apiId: wsApiId, stage: upstream.websocket?.stage ?? config.environment } } : {}),
  }
}

/** The alarms generated for what was deployed, by logical id. */
function generatedAlarms(
  config: ResolvedConfig,
  w: Watched,
): Array<{ logicalId: string; name: string; shape: AlarmShape; description: string }> {
  const out: Array<{ logicalId: string; name: string; shape: AlarmShape; description: string }> = []
  for (const f of w.functions) {
    const dims = { FunctionName: f.name }
    out.push(
      {
        logicalId: `function-${f.logicalId}-errors`,
        name: `${f.name}-errors`,
        description: `${f.name} returned errors`,
        shape: anyInPeriod('AWS/Lambda', 'Errors', dims),
      },
      {
        logicalId: `function-${f.logicalId}-throttles`,
        name: `${f.name}-throttles`,
        description: `${f.name} was throttled`,
        shape: anyInPeriod('AWS/Lambda', 'Throttles', dims),
      },
      {
        logicalId: `function-${f.logicalId}-duration`,
        name: `${f.name}-p95-duration`,
        description: `${f.name}: p95 duration above ${DURATION_SHARE_OF_TIMEOUT * 100} % of its ${f.timeoutS} s timeout`,
        shape: {
          namespace: 'AWS/Lambda',
          metricName: 'Duration',
          dimensions: dims,
          extendedStatistic: 'p95',
          periodS: PERIOD_S,
          evaluationPeriods: 3,
          threshold: Math.round(f.timeoutS * 1000 * DURATION_SHARE_OF_TIMEOUT),
          comparison: 'GreaterThanThreshold',
          // No invocations says nothing about how slow the function is: keep the alarm's state.
          treatMissingData: 'ignore',
        },
      },
    )
  }
  if (w.rest) {
    const dims = { ApiName: w.rest.apiName, Stage: w.rest.stage }
    const rate = (metricName: string, threshold: number, evaluationPeriods: number): AlarmShape => ({
      // The metric is 0 or 1 per request, so its average is the error rate.
      ...anyInPeriod('AWS/ApiGateway', metricName, dims),
      statistic: 'Average',
      threshold,
      evaluationPeriods,
    })
    out.push(
      {
        logicalId: 'rest-api-5xx-rate',
        name: `${config.serviceName}-rest-api-5xx-rate`,
        description: `REST API ${w.rest.apiName} (${w.rest.stage}): 5XX rate above ${REST_5XX_RATE * 100} %`,
        shape: rate('5XXError', REST_5XX_RATE, 2),
      },
      {
        logicalId: 'rest-api-4xx-rate',
        name: `${config.serviceName}-rest-api-4xx-rate`,
        description: `REST API ${w.rest.apiName} (${w.rest.stage}): 4XX rate above ${REST_4XX_RATE * 100} %`,
        shape: rate('4XXError', REST_4XX_RATE, 3),
      },
    )
  }
  if (w.websocket) {
    const dims = { ApiId: w.websocket.apiId, Stage: w.websocket.stage }
    out.push({
      logicalId: 'websocket-integration-errors',
      name: `${config.serviceName}-websocket-integration-errors`,
      description: 'WebSocket API: integration errors',
      shape: anyInPeriod('AWS/ApiGateway', 'IntegrationError', dims),
    })
  }
  for (const t of w.tables) {
    const dims = { TableName: t.name }
    for (const op of ['Read', 'Write'])
      out.push({
        logicalId: `table-${t.logicalId}-${op.toLowerCase()}-throttles`,
        name: `${t.name}-${op.toLowerCase()}-throttles`,
        description: `${t.name}: ${op.toLowerCase()}s throttled`,
        shape: anyInPeriod('AWS/DynamoDB', `${op}ThrottleEvents`, dims),
      })
  }
  return out
}

/** The alarms config.json lists; one without dimensions gets the REST API's when it watches API Gateway. */
function configuredAlarms(config: ResolvedConfig, section: MonitoringSection, w: Watched) {
  return section.alarms.map((a, i) => {
    const at = (...field: string[]) => ['monitoring', 'alarms', i, ...field]
    const name = expandField(config, at('name'), a.name)
    let dimensions = Object.fromEntries(
      Object.entries(a.dimensions ?? {}).map(([k, v]) => [k, expandField(config, at('dimensions', k), v)]),
    )
    if (Object.keys(dimensions).length === 0) {
      if (a.namespace !== 'AWS/ApiGateway' || !config.sections.rest_api)
        throw configFieldError(
          config,
          at('dimensions'),
          `alarm ${name} has no dimensions: it would watch no resource and never fire; name the ${a.namespace} resource it watches`,
        )
      dimensions = w.rest
        ? { ApiName: w.rest.apiName, Stage: w.rest.stage }
        : {
            ApiName: expandField(config, ['rest_api', 'name'], config.sections.rest_api.name),
            Stage: config.environment,
          }
    }
    const shape: AlarmShape = {
      namespace: a.namespace,
      metricName: a.metric,
      dimensions,
      statistic: a.statistic,
      periodS: a.period_s,
      evaluationPeriods: a.evaluation_periods,
      threshold: a.threshold,
      comparison: a.comparison,
      treatMissingData: a.treat_missing_data,
    }
    return {
      logicalId: `config-${name}`,
      name,
      shape,
      description: a.description ?? `${a.namespace} ${a.metric} (from config.json)`,
    }
  })
}

/** Everything step 11 converges; `topicArnOf` gives the ARN of the topic it would create. */
export function monitoringPlan(
  config: ResolvedConfig,
  section: MonitoringSection,
  w: Watched,
  topicArnOf: (name: string) => string,
): MonitoringPlan {
  const topic: TopicSpec | undefined = section.alarm_topic_arn
    ? undefined
    : {
        logicalId: 'alarms',
        name: expandField(config, ['monitoring', 'alarm_topic'], section.alarm_topic),
        tags: config.tags,
      }
  const topicArn = section.alarm_topic_arn ?? topicArnOf(topic!.name)
  const all = [...generatedAlarms(config, w), ...configuredAlarms(config, section, w)]
  const seen = new Set<string>()
  for (const a of all) {
    if (seen.has(a.name))
      throw configFieldError(
        config,
        ['monitoring', 'alarms'],
        `two alarms are named ${a.name}; rename the one in config.json (infra generates ${all.filter((x) => !x.logicalId.startsWith('config-')).length} alarms of its own)`,
      )
    seen.add(a.name)
  }
  return {
    ...(topic ? { topic } : {}),
    topicArn,
    subscriptions: section.alarm_emails.map((email) => ({
      logicalId: `alarm-email-${email}`,
      name: email,
      topicArn,
      protocol: 'email' as const,
      endpoint: email,
    })),
    alarms: all.map((a) => ({
      logicalId: a.logicalId,
      name: a.name,
      alarm: { ...a.shape, description: a.description, actions: [topicArn] },
      tags: config.tags,
    })),
    dashboard: {
      logicalId: 'overview',
      name: expandField(config, ['monitoring', 'dashboard'], section.dashboard),
      body: dashboardBody(w, config.region),
    },
  }
}
