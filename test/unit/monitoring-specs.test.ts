// Step 11's pure parts: the alarm and dashboard diffs (compare before putting), and the plan from config and what was
// deployed: only deployed resources are watched, config's alarms need dimensions, names never collide.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { diffAlarm, toPutMetricAlarmInput, type AlarmSpec } from '../../src/resources/cloudwatch/alarm.js'
import { canonicalJson, diffDashboard } from '../../src/resources/cloudwatch/dashboard.js'
import { monitoringPlan, watchedResources } from '../../src/steps/monitoring-specs.js'
import { makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

const SERVICE = 'new-service-staging'
const topicArn = (name: string) => `arn:aws:sns:us-east-1:887078546492:${name}`

async function config(mutate?: (c: any) => void): Promise<ResolvedConfig> {
  const { root } = await makeProject({ mutate })
  return loadConfig({ root, env: 'staging' })
}

const spec: AlarmSpec = {
  logicalId: 'x',
  name: 'svc-fn-errors',
  alarm: {
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: 'svc-fn' },
    statistic: 'Sum',
    periodS: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    actions: ['arn:aws:sns:us-east-1:1:b', 'arn:aws:sns:us-east-1:1:a'],
  },
  tags: { team: 'a' },
}

describe('alarm diff', () => {
  test('the alarm as DescribeAlarms returns it (defaults filled in, lists in its order) is no change', () => {
    const have = {
      ...toPutMetricAlarmInput(spec),
      AlarmActions: ['arn:aws:sns:us-east-1:1:b', 'arn:aws:sns:us-east-1:1:a'],
    }
    delete (have as { DatapointsToAlarm?: number }).DatapointsToAlarm
    expect(diffAlarm({ alarm: { ...have, StateValue: 'OK' }, tags: { team: 'a', other: 'kept' } }, spec)).toEqual([])
  })

  test('one field per changed setting, tags apart', () => {
    const have = { alarm: toPutMetricAlarmInput(spec), tags: {} }
    const changed = { ...spec, alarm: { ...spec.alarm, threshold: 2, treatMissingData: 'breaching' as const } }
    expect(diffAlarm(have, changed).map((c) => c.field)).toEqual(['Threshold', 'TreatMissingData', 'Tags[team]'])
  })
})

describe('dashboard diff', () => {
  test('key order does not count; a different body is one change', () => {
    const body = { widgets: [{ type: 'metric', properties: { a: 1, b: [1, 2] } }] }
    expect(canonicalJson({ widgets: [{ properties: { b: [1, 2], a: 1 }, type: 'metric' }] })).toBe(canonicalJson(body))
    expect(diffDashboard({ body }, { logicalId: 'o', name: 'd', body })).toEqual([])
    expect(diffDashboard({ body: { widgets: [] } }, { logicalId: 'o', name: 'd', body })).toEqual([
      { field: 'DashboardBody', from: '0 widgets', to: '1 widgets' },
    ])
  })
})

describe('monitoring plan', () => {
  test('only what upstream outputs name is watched', async () => {
    const c = await config()
    const w = watchedResources(
      c,
      {
        lambda: { functions: { 'conversation-api': { name: `${SERVICE}-conversation-api` } } },
        dynamodb: { tables: {} },
      },
      false,
    )
    expect(w).toEqual({
      functions: [{ logicalId: 'conversation-api', name: `${SERVICE}-conversation-api`, timeoutS: 30 }],
      tables: [],
    })
    const plan = monitoringPlan(c, c.sections.monitoring!, w, topicArn)
    expect(plan.alarms.map((a) => a.name).sort()).toEqual(
      [
        `${SERVICE}-api-5xx`,
        ...['errors', 'throttles', 'p95-duration'].map((s) => `${SERVICE}-conversation-api-${s}`),
      ].sort(),
    )
    for (const a of plan.alarms) {
      expect(Object.keys(a.alarm.dimensions).length).toBeGreaterThan(0)
      expect(a.alarm.actions).toEqual([topicArn(`${SERVICE}-alarms`)])
    }
  })

  test("config's alarm outside API Gateway without dimensions is a config error naming the field", async () => {
    const c = await config((raw) => (raw.monitoring.alarms[0].namespace = 'AWS/Lambda'))
    expect(() => monitoringPlan(c, c.sections.monitoring!, watchedResources(c, {}, true), topicArn)).toThrow(
      /monitoring\.alarms\[0\]\.dimensions: alarm new-service-staging-api-5xx has no dimensions/,
    )
  })

  test("config's dimensions are expanded; a name an alarm already has is a config error", async () => {
    const c = await config((raw) => {
      raw.monitoring.alarms[0].dimensions = { FunctionName: '${SERVICE_NAME}-usage-handler' }
      raw.monitoring.alarms[0].namespace = 'AWS/Lambda'
    })
    const plan = monitoringPlan(c, c.sections.monitoring!, watchedResources(c, {}, true), topicArn)
    expect(plan.alarms.find((a) => a.name === `${SERVICE}-api-5xx`)?.alarm.dimensions).toEqual({
      FunctionName: `${SERVICE}-usage-handler`,
    })
    const clash = await config((raw) => (raw.monitoring.alarms[0].name = '${SERVICE_NAME}-usage-handler-errors'))
    expect(() =>
      monitoringPlan(clash, clash.sections.monitoring!, watchedResources(clash, {}, true), topicArn),
    ).toThrow(/two alarms are named new-service-staging-usage-handler-errors/)
  })

  test('alarm_emails with alarm_topic_arn is refused when config.json is loaded', async () => {
    await expect(
      config((raw) => {
        raw.monitoring.alarm_topic_arn = topicArn('pager')
        raw.monitoring.alarm_emails = ['ops@example.com']
      }),
    ).rejects.toThrow(/monitoring\.alarm_emails/)
  })
})
