// Step 11 against the fake AWS, in process, after the real steps it watches: every alarm has the dimensions of a
// deployed resource and notifies the topic, the dashboard names only what was deployed, a no-op rerun puts nothing,
// an alarm dropped from config is deleted, and e-mail subscriptions pending confirmation are reported, not errors.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { deploy, editConfig, plan, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { monitoringStep } from '../../src/steps/11-monitoring.js'
import { STEPS, withDependencies } from '../../src/steps/index.js'
import type { RunOutcome } from '../../src/runner/run-steps.js'
import { FUNCTIONS, fastWorkspace, fnName, SERVICE } from './lambda-helpers.js'

const WITH_UPSTREAM = withDependencies([monitoringStep], STEPS)
const UPSTREAM = WITH_UPSTREAM.filter((s) => s.id !== 'monitoring')
const TOPIC = `${SERVICE}-alarms`
const DASHBOARD = `${SERVICE}-overview`
// The model config.json's websocket-message function calls.
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
const MONITORING_SERVICES = new Set(['cloudwatch', 'sns'])

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = fastWorkspace()
})
afterEach(() => fake.restore())

const monitoringOutcome = (outcome: RunOutcome) => outcome.steps.find((s) => s.id === 'monitoring')!
const alarms = () => Object.values(fake.cloudwatch.alarms).map((a) => a.alarm)
const monitoringWrites = () =>
  fake
    .writes()
    .filter((c) => MONITORING_SERVICES.has(c.service))
    .map((c) => c.command.replace(/Command$/, ''))

/** Every [dimension name, value] the dashboard's metric lines name. */
function dashboardDimensions(): Array<[string, string]> {
  const body = fake.cloudwatch.dashboard(DASHBOARD)
  return body.widgets.flatMap((w: any) =>
    w.properties.metrics.flatMap((line: string[]) => {
      const dims = line.slice(2)
      return dims.flatMap((d, i) => (i % 2 === 0 ? [[d, dims[i + 1]] as [string, string]] : []))
    }),
  )
}

/** Whether a dimension names a resource the fake holds. */
function deployed(name: string, value: string): boolean {
  switch (name) {
    case 'FunctionName':
      return fake.lambda.fn(value) !== undefined
    case 'TableName':
      return fake.dynamodb.table(value) !== undefined
    case 'ApiName':
      return fake.apigateway.apisNamed(value).length === 1
    case 'ApiId':
      return fake.apigatewayv2.api(value) !== undefined
    case 'Stage':
      return value === 'staging'
    case 'ModelId':
      return value === MODEL
    default:
      return false
  }
}

describe('monitoring step: from empty', () => {
  let outcome: RunOutcome
  beforeEach(async () => {
    expect((await deploy(root, { steps: UPSTREAM })).ok).toBe(true)
    fake.resetCalls()
    outcome = await deploy(root, { steps: WITH_UPSTREAM })
  })

  test('every alarm has the dimensions of a deployed resource and notifies the topic the step made', () => {
    expect(monitoringOutcome(outcome)).toMatchObject({ status: 'done' })
    const topicArn = fake.sns.topicArn(TOPIC)
    expect(fake.sns.topic(TOPIC)?.tags).toMatchObject({ 'infra:service': SERVICE, 'managed-by': 'infra' })
    expect(alarms().length).toBeGreaterThan(10)
    for (const a of alarms()) {
      expect(a.Dimensions!.length, a.AlarmName).toBeGreaterThan(0)
      for (const d of a.Dimensions!)
        expect(deployed(d.Name!, d.Value!), `${a.AlarmName} ${d.Name}=${d.Value}`).toBe(true)
      expect(a.AlarmActions).toEqual([topicArn])
      expect(fake.cloudwatch.alarm(a.AlarmName!)!.tags).toMatchObject({ 'infra:env': 'staging' })
    }
    // config.json's alarm has no dimensions: it watches the REST API (the manual's one could never fire).
    expect(fake.cloudwatch.alarm(`${SERVICE}-api-5xx`)!.alarm.Dimensions).toEqual([
      { Name: 'ApiName', Value: `${SERVICE}-rest-api` },
      { Name: 'Stage', Value: 'staging' },
    ])
  })

  test('p95 duration alarms at 80 % of each function timeout; treat_missing_data per alarm', () => {
    const fn = alarms().find((a) => a.AlarmName === `${SERVICE}-conversation-api-p95-duration`)
    expect(fn).toMatchObject({ ExtendedStatistic: 'p95', Threshold: 24_000, TreatMissingData: 'ignore' })
    expect(fake.cloudwatch.alarm(`${SERVICE}-conversation-api-errors`)!.alarm).toMatchObject({
      TreatMissingData: 'notBreaching',
      Statistic: 'Sum',
    })
  })

  test('the dashboard names only deployed resources, and every deployed function and table', () => {
    const dims = dashboardDimensions()
    expect(dims.length).toBeGreaterThan(0)
    for (const [name, value] of dims) expect(deployed(name, value), `${name}=${value}`).toBe(true)
    const functions = new Set(dims.filter(([n]) => n === 'FunctionName').map(([, v]) => v))
    const tables = new Set(dims.filter(([n]) => n === 'TableName').map(([, v]) => v))
    expect([...tables].sort()).toEqual(fake.dynamodb.tableNames())
    expect([...functions].sort()).toEqual(FUNCTIONS.map(fnName).sort())
  })

  test('a second run sends no PutMetricAlarm, PutDashboard or any other monitoring write', async () => {
    fake.resetCalls()
    const again = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(again)).toMatchObject({ status: 'done' })
    expect(monitoringWrites()).toEqual([])
    // Every alarm read in one DescribeAlarms (up to 100 names a call), not one each.
    expect(fake.calls.filter((c) => c.command === 'DescribeAlarmsCommand')).toHaveLength(1)
  })

  test('an alarm edited behind the tool’s back is found by the shared read and put back', async () => {
    const name = `${SERVICE}-conversation-api-p95-duration`
    const threshold = fake.cloudwatch.alarm(name)!.alarm.Threshold
    fake.cloudwatch.alarm(name)!.alarm.Threshold = 1
    fake.resetCalls()
    await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringWrites()).toEqual(['PutMetricAlarm'])
    expect(fake.cloudwatch.alarm(name)!.alarm.Threshold).toBe(threshold)
  })

  test('an alarm dropped from config is deleted; a changed threshold is one PutMetricAlarm', async () => {
    editConfig(root, (c) => {
      c.monitoring.alarms = []
      c.functions['conversation-api'].timeout_s = 60
    })
    fake.resetCalls()
    const again = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(again)).toMatchObject({ status: 'done' })
    expect(fake.cloudwatch.alarm(`${SERVICE}-api-5xx`)).toBeUndefined()
    expect(fake.cloudwatch.alarm(`${SERVICE}-conversation-api-p95-duration`)!.alarm.Threshold).toBe(48_000)
    expect(monitoringWrites()).toEqual(['PutMetricAlarm', 'DeleteAlarms'])
  })
})

describe('monitoring step: topics and subscriptions', () => {
  test('configured e-mails are subscribed; pending confirmation is a note, not an error', async () => {
    editConfig(root, (c) => (c.monitoring.alarm_emails = ['ops@example.com']))
    const outcome = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(outcome)).toMatchObject({ status: 'done' })
    const sub = resultsOf(outcome).find((r) => r.kind === 'sns-subscription')!
    expect(sub).toMatchObject({
      action: 'created',
      note: expect.stringMatching(/ops@example.com has not confirmed yet/),
    })
    expect(fake.sns.topic(TOPIC)!.subscriptions).toMatchObject([{ protocol: 'email', endpoint: 'ops@example.com' }])
  })

  test('a same-named topic infra did not make gets no subscription and no alarm; the step names --adopt', async () => {
    fake.sns.load({ topics: { [TOPIC]: { name: TOPIC, tags: {}, subscriptions: [] } } })
    editConfig(root, (c) => (c.monitoring.alarm_emails = ['ops@example.com']))
    const outcome = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(outcome)).toMatchObject({ status: 'failed' })
    expect(JSON.stringify(monitoringOutcome(outcome))).toMatch(/--adopt/)
    expect(fake.sns.topic(TOPIC)!.subscriptions).toEqual([])
    expect(alarms()).toEqual([])
  })

  test('with alarm_topic_arn the alarms notify that topic and the step creates none', async () => {
    const external = `arn:aws:sns:us-east-1:887078546492:ops-pager`
    editConfig(root, (c) => (c.monitoring.alarm_topic_arn = external))
    const outcome = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(outcome)).toMatchObject({ status: 'done' })
    expect(fake.sns.topic(TOPIC)).toBeUndefined()
    for (const a of alarms()) expect(a.AlarmActions).toEqual([external])
  })
})

describe('monitoring step: what config does not deploy is not watched', () => {
  let outcome: RunOutcome
  test('without a WebSocket API there is no WebSocket widget or alarm', async () => {
    editConfig(root, (c) => {
      delete c.websocket_api
    })
    outcome = await deploy(root, { steps: WITH_UPSTREAM })
    expect(monitoringOutcome(outcome)).toMatchObject({ status: 'done' })
    expect(dashboardDimensions().some(([n]) => n === 'ApiId')).toBe(false)
    expect(alarms().some((a) => a.Dimensions!.some((d) => d.Name === 'ApiId'))).toBe(false)
  })

  test('a dry run of a new environment sends no write and plans the dashboard and alarms', async () => {
    outcome = await plan(root, { steps: WITH_UPSTREAM })
    const planned = monitoringOutcome(outcome).results
    expect(planned.find((r) => r.kind === 'cloudwatch-dashboard')).toMatchObject({ action: 'would-create' })
    expect(planned.filter((r) => r.kind === 'cloudwatch-alarm').length).toBeGreaterThan(10)
    expect(fake.writes()).toEqual([])
  })
})
