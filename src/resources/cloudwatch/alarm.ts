// CloudWatch metric alarm: a name-keyed upsert (PutMetricAlarm creates or replaces the whole alarm), so the alarm is
// read and compared first and put only when a setting differs: a no-op run sends no PutMetricAlarm. Tags are set by
// the create only (AWS ignores them on an update); later tag changes go through TagResource.
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  type ComparisonOperator,
  type MetricAlarm,
  type PutMetricAlarmInput,
  type Statistic,
} from '@aws-sdk/client-cloudwatch'
import type { Tags } from '../../config/types.js'
import { limitConcurrency } from '../../aws/concurrency.js'
import { isCloudWatchNotFound } from '../../aws/errors.js'
import { arn as awsArn, changedTags, diffTags } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'

export const ALARM_KIND = 'cloudwatch-alarm'

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing'

/** What the alarm watches and when it fires; exactly one of statistic and extendedStatistic (`p95`). */
export interface AlarmDefinition {
  description?: string
  namespace: string
  metricName: string
  dimensions: Record<string, string>
  statistic?: Statistic
  extendedStatistic?: string
  periodS: number
  evaluationPeriods: number
  datapointsToAlarm?: number
  threshold: number
  comparison: ComparisonOperator
  treatMissingData: TreatMissingData
  /** SNS topic ARNs told when the alarm fires and when it is OK again. */
  actions: string[]
}

export interface AlarmSpec {
  logicalId: string
  name: string
  alarm: AlarmDefinition
  tags: Tags
}

export interface ObservedAlarm {
  alarm: MetricAlarm
  tags: Tags
}

/** The request that makes the alarm what the spec says (without tags: PutMetricAlarm applies them on create only). */
export function toPutMetricAlarmInput(spec: AlarmSpec): PutMetricAlarmInput {
  const a = spec.alarm
  return {
    AlarmName: spec.name,
    AlarmDescription: a.description ?? '',
    Namespace: a.namespace,
    MetricName: a.metricName,
    Dimensions: Object.entries(a.dimensions)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([Name, Value]) => ({ Name, Value })),
    ...(a.extendedStatistic ? { ExtendedStatistic: a.extendedStatistic } : { Statistic: a.statistic }),
    Period: a.periodS,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
    ActionsEnabled: true,
    AlarmActions: [...a.actions].sort(),
    OKActions: [...a.actions].sort(),
  }
}

/** What DescribeAlarms returns, in the same terms: AWS's defaults filled in, lists in a stable order. */
function normalise(have: MetricAlarm): PutMetricAlarmInput {
  return {
    AlarmName: have.AlarmName,
    AlarmDescription: have.AlarmDescription ?? '',
    Namespace: have.Namespace,
    MetricName: have.MetricName,
    Dimensions: [...(have.Dimensions ?? [])].sort((x, y) => (x.Name ?? '').localeCompare(y.Name ?? '')),
    ...(have.ExtendedStatistic ? { ExtendedStatistic: have.ExtendedStatistic } : { Statistic: have.Statistic }),
    Period: have.Period,
    EvaluationPeriods: have.EvaluationPeriods,
    DatapointsToAlarm: have.DatapointsToAlarm ?? have.EvaluationPeriods,
    Threshold: have.Threshold,
    ComparisonOperator: have.ComparisonOperator,
    TreatMissingData: have.TreatMissingData ?? 'missing',
    ActionsEnabled: have.ActionsEnabled ?? true,
    AlarmActions: [...(have.AlarmActions ?? [])].sort(),
    OKActions: [...(have.OKActions ?? [])].sort(),
  }
}

/** Pure: one change per alarm setting that differs, then the tags. */
export function diffAlarm(have: ObservedAlarm, want: AlarmSpec): Change[] {
  const from: Record<string, unknown> = { ...normalise(have.alarm) }
  const to: Record<string, unknown> = { ...toPutMetricAlarmInput(want) }
  const fields = [...new Set([...Object.keys(from), ...Object.keys(to)])]
  const changes = fields
    .filter((f) => JSON.stringify(from[f]) !== JSON.stringify(to[f]))
    .map((field) => ({ field, from: from[field], to: to[field] }))
  return [...changes, ...diffTags(have.tags, want.tags)]
}

/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_DESCRIBE = 100
// CloudWatch's read quotas are about ten calls a second per account and region (DescribeAlarms: 9).
const TAG_READS_AT_ONCE = 9
/** Alarms read ahead by prefetchAlarms, per client (one per run and region), each taken once by its find. */
const prefetched = new WeakMap<CloudWatchClient, Map<string, Promise<ObservedAlarm | undefined>>>()

async function describeAlarms(cw: CloudWatchClient, names: string[]): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = []
  let NextToken: string | undefined
  do {
    const page = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken }),
    )
    alarms.push(...(page.MetricAlarms ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  return alarms
}

async function withTags(cw: CloudWatchClient, alarm: MetricAlarm): Promise<ObservedAlarm> {
  const { Tags } = await cw.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))
  return { alarm, tags: Object.fromEntries((Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) }
}

/**
 * Reads a step's alarms up front: one DescribeAlarms per 100 names rather than one each, then their tags a few at a
 * time. The converge of each alarm takes its own from here, once (a later look, e.g. after a lost create, reads
 * again), so converging them a few at a time for the write quota costs no round trip on a no-op run.
 */
export function prefetchAlarms(ctx: ResourceContext, names: string[]): void {
  if (ctx.offline) return
  const cw = ctx.aws.get(CloudWatchClient)
  const ahead = prefetched.get(cw) ?? new Map<string, Promise<ObservedAlarm | undefined>>()
  prefetched.set(cw, ahead)
  // Those the run read before the steps (alarmKind.early) are not read twice.
  const early = new Set(
    Object.entries(ctx.record.manifest.resources)
      .filter(([key, r]) => r.kind === ALARM_KIND && ctx.early?.has(key))
      .map(([, r]) => r.name),
  )
  const unread = names.filter((n) => !early.has(n))
  readAlarms(cw, unread).forEach((observed, i) => ahead.set(unread[i]!, observed))
}

/** One DescribeAlarms per 100 names, then each one's tags a few at a time: one read per name, in order. */
function readAlarms(cw: CloudWatchClient, names: string[]): Array<Promise<ObservedAlarm | undefined>> {
  const tagRead = limitConcurrency(TAG_READS_AT_ONCE)
  const reads: Array<Promise<ObservedAlarm | undefined>> = []
  for (let i = 0; i < names.length; i += NAMES_PER_DESCRIBE) {
    const chunk = names.slice(i, i + NAMES_PER_DESCRIBE)
    const alarms = describeAlarms(cw, chunk)
    for (const name of chunk) {
      const observed = alarms.then((all) => {
        const alarm = all.find((a) => a.AlarmName === name)
        return alarm && tagRead(() => withTags(cw, alarm))
      })
      // A failed read surfaces in the find that takes it; one that no find takes must not end the process.
      observed.catch(() => undefined)
      reads.push(observed)
    }
  }
  return reads
}

const observation = (found: ObservedAlarm | undefined): Array<Observation<ObservedAlarm>> =>
  found ? [{ observed: found, arn: found.alarm.AlarmArn, tags: found.tags }] : []

async function findAlarm(cw: CloudWatchClient, name: string): Promise<ObservedAlarm | undefined> {
  const ahead = prefetched.get(cw)?.get(name)
  if (ahead) {
    prefetched.get(cw)?.delete(name)
    return ahead
  }
  const alarm = (await describeAlarms(cw, [name])).find((a) => a.AlarmName === name)
  return alarm && withTags(cw, alarm)
}

const toTagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))

export const alarmKind: ResourceKind<AlarmSpec, ObservedAlarm> = {
  kind: ALARM_KIND,
  label: 'CloudWatch alarm',
  codePrefix: 'Alarm',
  identity: 'name',
  find: async (ctx, spec) => observation(await findAlarm(ctx.aws.get(CloudWatchClient), spec.name)),
  // Every recorded alarm read before the steps in bulk, as the step's prefetch would.
  early: {
    service: 'cloudwatch',
    read: async (ctx, recorded) => observation(await findAlarm(ctx.aws.get(CloudWatchClient), recorded.name)),
    readAll: (ctx, recorded) =>
      readAlarms(
        ctx.aws.get(CloudWatchClient),
        recorded.map((r) => r.name),
      ).map((read) => read.then(observation)),
  },
  diff: diffAlarm,
  async create(ctx, spec) {
    const input = toPutMetricAlarmInput(spec)
    await ctx.aws.get(CloudWatchClient).send(new PutMetricAlarmCommand({ ...input, Tags: toTagList(spec.tags) }))
    const arn = awsArn(ctx, 'cloudwatch', `alarm:${spec.name}`)
    return { observed: { alarm: { ...input, AlarmArn: arn } as MetricAlarm, tags: spec.tags }, arn, tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const cw = ctx.aws.get(CloudWatchClient)
    if (changes.some((c) => !c.field.startsWith('Tags[')))
      await cw.send(new PutMetricAlarmCommand(toPutMetricAlarmInput(spec)))
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await cw.send(new TagResourceCommand({ ResourceARN: observed.alarm.AlarmArn, Tags: toTagList(tags) }))
  },
  async delete(ctx, record) {
    await ctx.aws
      .get(CloudWatchClient)
      .send(new DeleteAlarmsCommand({ AlarmNames: [record.name] }))
      .catch((e: unknown) => {
        if (!isCloudWatchNotFound(e)) throw e
      })
  },
  describe: (spec) => {
    const a = spec.alarm
    const dims = Object.entries(a.dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')
    return `${a.namespace} ${a.metricName} (${dims}) ${a.extendedStatistic ?? a.statistic} ${a.comparison} ${a.threshold}`
  },
}
