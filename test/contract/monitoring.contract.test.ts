import { alarmKind, type AlarmSpec } from '../../src/resources/cloudwatch/alarm.js'
import { dashboardKind } from '../../src/resources/cloudwatch/dashboard.js'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { converge, keyOf } from '../../src/resources/engine/converge.js'
import type { AnyKind } from '../../src/resources/engine/kind.js'
import { remove } from '../../src/resources/engine/remove.js'
import {
  SUBSCRIPTION_KIND,
  pendingNote,
  subscriptionKind,
  type SubscriptionSpec,
} from '../../src/resources/sns/subscription.js'
import { topicArnOf, topicKind } from '../../src/resources/sns/topic.js'
import { contractSuite, harness, OUR_TAGS, type Harness } from './harness.js'

const alarm: AlarmSpec = {
  logicalId: 'fn-errors',
  name: 'contract-svc-fn-errors',
  alarm: {
    description: 'errors of contract-svc-fn',
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: { FunctionName: 'contract-svc-fn' },
    statistic: 'Sum',
    periodS: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    actions: ['arn:aws:sns:us-east-1:887078546492:contract-svc-alarms'],
  },
  tags: OUR_TAGS,
}

contractSuite({
  kind: alarmKind,
  spec: () => alarm,
  changed: (spec) => ({ ...spec, alarm: { ...spec.alarm, threshold: 5 } }),
  updateCalls: ['PutMetricAlarm'],
  createCommand: 'PutMetricAlarm',
  alreadyExists: false, // an upsert: AWS never answers "already exists"
  count: (aws, spec) => (aws.cloudwatch.alarm(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => void delete aws.cloudwatch.alarms[spec.name],
})

contractSuite({
  kind: dashboardKind,
  spec: () => ({
    logicalId: 'overview',
    name: 'contract-svc-overview',
    body: { widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'hi' } }] },
  }),
  changed: (spec) => ({ ...spec, body: { widgets: [] } }),
  updateCalls: ['PutDashboard'],
  createCommand: 'PutDashboard',
  alreadyExists: false,
  count: (aws, spec) => (aws.cloudwatch.dashboard(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => void delete aws.cloudwatch.dashboards[spec.name],
})

contractSuite({
  kind: topicKind,
  spec: () => ({ logicalId: 'alarms', name: 'contract-svc-alarms', tags: OUR_TAGS }),
  changed: (spec) => ({ ...spec, tags: { ...spec.tags, team: 'ops' } }),
  updateCalls: ['TagResource'],
  createCommand: 'CreateTopic',
  alreadyExists: false, // CreateTopic of an existing name returns its ARN
  count: (aws, spec) => (aws.sns.topic(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => aws.sns.deleteTopicOutOfBand(spec.name),
})

// A subscription has no setting to change in place (it is its endpoint), so the harness's "one changed setting"
// scenario does not apply; the other scenarios run here through the same engine calls.
const TOPIC = 'contract-svc-alarms'
describe('sns-subscription through the engine', () => {
  let h: Harness
  let spec: SubscriptionSpec
  beforeEach(async () => {
    h = await harness()
    h.aws.sns.load({ topics: { [TOPIC]: { name: TOPIC, tags: OUR_TAGS, subscriptions: [] } } })
    const endpoint = 'ops@example.com'
    const topicArn = topicArnOf(h.ctx(), TOPIC)
    spec = { logicalId: 'alarm-email-ops', name: endpoint, topicArn, protocol: 'email', endpoint }
    h.aws.resetCalls()
  })
  afterEach(async () => {
    h.aws.restore()
    await h.manifest.unlock()
  })
  const count = () => h.aws.sns.topic(TOPIC)?.subscriptions.length ?? 0
  const key = () => keyOf(subscriptionKind, spec.logicalId)

  test('created pending confirmation, a rerun sends no write, and the note says it is pending', async () => {
    const first = await converge(h.ctx(), subscriptionKind, spec)
    expect(first.result.action).toBe('created')
    expect(pendingNote(spec, first.observed)).toMatch(/has not confirmed yet/)
    h.aws.resetCalls()
    const again = await converge(h.ctx(), subscriptionKind, spec)
    expect(again.result.action).toBe('unchanged')
    expect(h.aws.writes()).toEqual([])
    expect(count()).toBe(1)
    h.aws.sns.confirm(TOPIC, spec.endpoint)
    expect(pendingNote(spec, (await converge(h.ctx(), subscriptionKind, spec)).observed)).toBeUndefined()
  })

  test('killed after Subscribe, before the record: the rerun finds it and makes no second one', async () => {
    await h.manifest.journal(key(), {
      operation: 'create',
      kind: SUBSCRIPTION_KIND,
      name: spec.name,
      startedAt: new Date().toISOString(),
    })
    await subscriptionKind.create(h.ctx(), spec)
    const { result } = await converge(h.ctx(), subscriptionKind, spec)
    expect(result.note).toMatch(/interrupted create/)
    expect(count()).toBe(1)
  })

  test('a lost Subscribe response: found and adopted', async () => {
    h.aws.loseNextResponse('Subscribe')
    const { result } = await converge(h.ctx(), subscriptionKind, spec)
    expect(result.note).toMatch(/response was lost/)
    expect(count()).toBe(1)
  })

  test('deleted out of band: subscribed again; a dry run sends no write', async () => {
    await converge(h.ctx(), subscriptionKind, spec)
    h.aws.sns.topic(TOPIC)!.subscriptions.length = 0
    h.aws.resetCalls()
    expect((await converge(h.ctx({ dryRun: true }), subscriptionKind, spec)).result.action).toBe('would-create')
    expect(h.aws.writes()).toEqual([])
    expect((await converge(h.ctx(), subscriptionKind, spec)).result.action).toBe('created')
    expect(count()).toBe(1)
  })

  test('dropped from config and destroyed: unsubscribed, and a second destroy is a no-op', async () => {
    await converge(h.ctx(), subscriptionKind, spec)
    const record = h.manifest.manifest.resources[key()]!
    expect((await remove(h.ctx(), subscriptionKind as unknown as AnyKind, key(), record)).action).toBe('deleted')
    expect(count()).toBe(0)
    const destroy = h.ctx({ removal: { mode: 'destroy' } })
    expect((await remove(destroy, subscriptionKind as unknown as AnyKind, key(), record)).action).toBe('deleted')
  })
})
