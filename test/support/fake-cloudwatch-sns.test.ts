// FakeCloudWatch and FakeSns against the real SDK clients: the behaviours cloudwatch.md and sns.md promise.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  CloudWatchClient,
  DashboardInvalidInputError,
  DashboardNotFoundError,
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  InvalidParameterCombinationException,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch'
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns'
import { FakeAws } from './fake-aws/core.js'
import { FakeCloudWatch } from './fake-aws/cloudwatch.js'
import { FakeSns } from './fake-aws/sns.js'

let aws: FakeAws
const cw = new CloudWatchClient({ region: 'us-east-1' })
const sns = new SNSClient({ region: 'us-east-1' })
beforeEach(() => {
  aws = new FakeAws([new FakeCloudWatch(), new FakeSns()]).install()
})
afterEach(() => aws.restore())

const alarm: PutMetricAlarmInput = {
  AlarmName: 'svc-fn-errors',
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'FunctionName', Value: 'svc-fn' }],
  Statistic: 'Sum',
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
}

describe('FakeCloudWatch', () => {
  test('PutMetricAlarm is an upsert; tags only on create; a new alarm has INSUFFICIENT_DATA', async () => {
    await cw.send(new PutMetricAlarmCommand({ ...alarm, Tags: [{ Key: 'team', Value: 'a' }] }))
    await cw.send(new PutMetricAlarmCommand({ ...alarm, Threshold: 3, Tags: [{ Key: 'team', Value: 'b' }] }))
    const { MetricAlarms } = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.AlarmName!] }))
    expect(MetricAlarms).toMatchObject([{ Threshold: 3, StateValue: 'INSUFFICIENT_DATA', AlarmActions: [] }])
    const { Tags } = await cw.send(new ListTagsForResourceCommand({ ResourceARN: MetricAlarms![0]!.AlarmArn }))
    expect(Tags).toEqual([{ Key: 'team', Value: 'a' }])
  })

  test('Statistic and ExtendedStatistic together are refused; DeleteAlarms of a missing one is ResourceNotFound', async () => {
    await expect(cw.send(new PutMetricAlarmCommand({ ...alarm, ExtendedStatistic: 'p95' }))).rejects.toBeInstanceOf(
      InvalidParameterCombinationException,
    )
    await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] }))).rejects.toBeInstanceOf(ResourceNotFound)
  })

  test('dashboards: the body as put; invalid bodies refused; missing ones are DashboardNotFoundError', async () => {
    const body = JSON.stringify({ widgets: [] })
    await cw.send(new PutDashboardCommand({ DashboardName: 'svc-overview', DashboardBody: body }))
    expect((await cw.send(new GetDashboardCommand({ DashboardName: 'svc-overview' }))).DashboardBody).toBe(body)
    await expect(
      cw.send(new PutDashboardCommand({ DashboardName: 'svc-overview', DashboardBody: '{' })),
    ).rejects.toBeInstanceOf(DashboardInvalidInputError)
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ['svc-overview'] }))
    await expect(cw.send(new GetDashboardCommand({ DashboardName: 'svc-overview' }))).rejects.toBeInstanceOf(
      DashboardNotFoundError,
    )
    await expect(cw.send(new DeleteDashboardsCommand({ DashboardNames: ['svc-overview'] }))).rejects.toBeInstanceOf(
      DashboardNotFoundError,
    )
  })
})

describe('FakeSns', () => {
  test('CreateTopic is idempotent by name, refused with different tags; DeleteTopic of a missing topic is fine', async () => {
    const tags = [{ Key: 'team', Value: 'a' }]
    const first = await sns.send(new CreateTopicCommand({ Name: 'svc-alarms', Tags: tags }))
    const again = await sns.send(new CreateTopicCommand({ Name: 'svc-alarms', Tags: tags }))
    expect(again.TopicArn).toBe(first.TopicArn)
    await expect(
      sns.send(new CreateTopicCommand({ Name: 'svc-alarms', Tags: [{ Key: 'team', Value: 'b' }] })),
    ).rejects.toBeInstanceOf(InvalidParameterException)
    await sns.send(new DeleteTopicCommand({ TopicArn: first.TopicArn }))
    await sns.send(new DeleteTopicCommand({ TopicArn: first.TopicArn }))
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: first.TopicArn }))).rejects.toBeInstanceOf(
      NotFoundException,
    )
  })

  test('an e-mail subscription is pending until confirmed; subscribing again makes no second one', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'svc-alarms' }))
    const sub = { TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }
    expect((await sns.send(new SubscribeCommand(sub))).SubscriptionArn).toBe('pending confirmation')
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ ...sub, ReturnSubscriptionArn: true }))
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))
    expect(listed.Subscriptions).toMatchObject([
      { SubscriptionArn: 'PendingConfirmation', Endpoint: 'ops@example.com' },
    ])
    aws.service<FakeSns>('sns').confirm('svc-alarms', 'ops@example.com')
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toMatchObject([
      { SubscriptionArn },
    ])
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }))
    await expect(sns.send(new UnsubscribeCommand({ SubscriptionArn }))).rejects.toBeInstanceOf(NotFoundException)
  })
})
