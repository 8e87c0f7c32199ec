// FakeCloudWatch: metric alarms (put, describe, delete, tags) and dashboards (put, get, delete). What it models:
// cloudwatch.md.
import * as sdk from '@aws-sdk/client-cloudwatch'
import {
  CloudWatchClient,
  DashboardInvalidInputError,
  DashboardNotFoundError,
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListTagsForResourceCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  ResourceNotFoundException,
  TagResourceCommand,
  type DescribeAlarmsInput,
  type MetricAlarm,
  type PutMetricAlarmInput,
  type Tag,
} from '@aws-sdk/client-cloudwatch'
import { MetricStore } from './cloudwatch-metrics.js'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface AlarmState {
  alarm: MetricAlarm
  tags: Record<string, string>
}

const MAX_ALARM_PAGE = 100
const MAX_TAGS = 50

const tagsOf = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value!]))

export class FakeCloudWatch implements ServiceFake {
  readonly service = 'cloudwatch'
  readonly sdk = sdk
  readonly client = CloudWatchClient
  alarms: Record<string, AlarmState> = {}
  dashboards: Record<string, string> = {}
  /** Datapoints for GetMetricData: `metrics.put(namespace, metric, dimensions, points)`. */
  readonly metrics = new MetricStore()
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(PutMetricAlarmCommand, (i) => this.putMetricAlarm(i)),
      on(DescribeAlarmsCommand, (i) => this.describeAlarms(i)),
      on(DeleteAlarmsCommand, (i) => this.deleteAlarms(i.AlarmNames ?? [])),
      on(ListTagsForResourceCommand, (i) => ({
        Tags: this.tagged(i.ResourceARN).map(([Key, Value]) => ({ Key, Value })),
      })),
      on(TagResourceCommand, (i) => this.tagResource(i.ResourceARN, i.Tags)),
      on(PutDashboardCommand, (i) => this.putDashboard(i.DashboardName ?? '', i.DashboardBody ?? '')),
      on(GetDashboardCommand, (i) => this.getDashboard(i.DashboardName ?? '')),
      on(DeleteDashboardsCommand, (i) => this.deleteDashboards(i.DashboardNames ?? [])),
      on(GetMetricDataCommand, (i) => this.metrics.getMetricData(i)),
    ]
  }

  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.env.region}:${this.env.account}:alarm:${name}`
  }

  alarm(name: string): AlarmState | undefined {
    return this.alarms[name]
  }

  /** The dashboard's body as JSON, or undefined. */
  dashboard(name: string): any {
    const body = this.dashboards[name]
    return body === undefined ? undefined : JSON.parse(body)
  }

  toJSON(): unknown {
    return structuredClone({ alarms: this.alarms, dashboards: this.dashboards, metrics: this.metrics.metrics })
  }

  load(state: any): void {
    this.alarms = structuredClone(state?.alarms ?? {})
    this.dashboards = structuredClone(state?.dashboards ?? {})
    this.metrics.metrics = structuredClone(state?.metrics ?? [])
  }

  private putMetricAlarm(i: PutMetricAlarmInput) {
    const name = i.AlarmName ?? ''
    if (!name || name.length > 255) throw awsError(InvalidParameterValueException, 'AlarmName must be 1-255 characters')
    if (i.Statistic && i.ExtendedStatistic) {
      throw awsError(
        InvalidParameterCombinationException,
        'Exactly one element of the statistics and extendedStatistic parameters must be specified.',
      )
    }
    if (!i.Metrics && !i.Statistic && !i.ExtendedStatistic) {
      throw awsError(InvalidParameterCombinationException, 'One of Statistic or ExtendedStatistic must be specified.')
    }
    if (i.ExtendedStatistic && !/^p\d{1,2}(\.\d+)?$/.test(i.ExtendedStatistic)) {
      throw awsError(
        InvalidParameterValueException,
        `The value ${i.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`,
      )
    }
    const previous = this.alarms[name]
    const { Tags, ...fields } = i
    const alarm: MetricAlarm = {
      ...fields,
      Dimensions: fields.Dimensions ?? [],
      AlarmActions: fields.AlarmActions ?? [],
      OKActions: fields.OKActions ?? [],
      InsufficientDataActions: fields.InsufficientDataActions ?? [],
      ActionsEnabled: fields.ActionsEnabled ?? true,
      AlarmArn: this.alarmArn(name),
      AlarmConfigurationUpdatedTimestamp: new Date(this.env.clock.now()),
      StateValue: previous?.alarm.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: previous?.alarm.StateReason ?? 'Unchecked: Initial alarm creation',
    }
    // Tags are set when the alarm is created; on an update AWS ignores them (TagResource changes them).
    this.alarms[name] = { alarm, tags: previous?.tags ?? tagsOf(Tags) }
    return {}
  }

  private describeAlarms(i: DescribeAlarmsInput) {
    if (i.AlarmNames && i.AlarmNamePrefix) {
      throw awsError(InvalidParameterCombinationException, 'AlarmNames and AlarmNamePrefix cannot be given together.')
    }
    const limit = i.MaxRecords ?? 50
    if (limit < 1 || limit > MAX_ALARM_PAGE) throw awsError(InvalidParameterValueException, 'MaxRecords must be 1-100')
    const after = i.NextToken ? Buffer.from(i.NextToken, 'base64url').toString('utf8') : ''
    const names = Object.keys(this.alarms)
      .filter((n) => !i.AlarmNames || i.AlarmNames.includes(n))
      .filter((n) => !i.AlarmNamePrefix || n.startsWith(i.AlarmNamePrefix))
      .filter((n) => n > after)
      .sort()
    const page = names.slice(0, limit)
    return {
      MetricAlarms: page.map((n) => this.alarms[n]!.alarm),
      CompositeAlarms: [],
      ...(names.length > limit && { NextToken: Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url') }),
    }
  }

  private deleteAlarms(names: string[]) {
    const missing = names.filter((n) => !this.alarms[n])
    if (missing.length > 0) throw awsError(ResourceNotFound, `${missing.join(', ')} not found`)
    for (const n of names) delete this.alarms[n]
    return {}
  }

  private alarmNamed(arn: string | undefined): AlarmState {
    const state = Object.values(this.alarms).find((a) => a.alarm.AlarmArn === arn)
    if (!state) throw awsError(ResourceNotFoundException, `Resource ${arn} not found.`)
    return state
  }

  private tagged(arn: string | undefined): Array<[string, string]> {
    return Object.entries(this.alarmNamed(arn).tags)
  }

  private tagResource(arn: string | undefined, tags: Tag[] | undefined) {
    const state = this.alarmNamed(arn)
    const merged = { ...state.tags, ...tagsOf(tags) }
    if (Object.keys(merged).length > MAX_TAGS) throw awsError(InvalidParameterValueException, 'Too many tags')
    state.tags = merged
    return {}
  }

  private putDashboard(name: string, body: string) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
      throw awsError(DashboardInvalidInputError, 'The value for field DashboardName contains invalid characters.')
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      throw awsError(DashboardInvalidInputError, 'The field DashboardBody must be a valid JSON object')
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { widgets?: unknown }).widgets)) {
      throw awsError(DashboardInvalidInputError, 'The dashboard body is invalid, there are 1 validation errors')
    }
    this.dashboards[name] = body
    return { DashboardValidationMessages: [] }
  }

  private getDashboard(name: string) {
    const body = this.dashboards[name]
    if (body === undefined) throw awsError(DashboardNotFoundError, `Dashboard ${name} does not exist`)
    return {
      DashboardName: name,
      DashboardBody: body,
      DashboardArn: `arn:aws:cloudwatch::${this.env.account}:dashboard/${name}`,
    }
  }

  private deleteDashboards(names: string[]) {
    const missing = names.filter((n) => this.dashboards[n] === undefined)
    if (missing.length > 0) throw awsError(DashboardNotFoundError, `Dashboard ${missing[0]} does not exist`)
    for (const n of names) delete this.dashboards[n]
    return {}
  }
}
