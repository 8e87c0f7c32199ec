// An EventBridge Scheduler schedule that invokes a function's alias (rate, cron or at, in a time zone) with the role
// step 01 made for it. Names are unique per group, so it is found by name; schedules carry no tags of their own and
// are ours because the function they invoke is (their names start with its name).
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
  type GetScheduleOutput,
} from '@aws-sdk/client-scheduler'
import { isNotFound, isSchedulerRolePropagating } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change, ResourceContext } from '../types.js'

export const SCHEDULE_KIND = 'scheduler-schedule'
export const SCHEDULE_GROUP = 'default'
const IAM_PROPAGATION_MS = 2 * 60_000

export interface ScheduleSpec {
  /** Manifest key `scheduler-schedule:<function key>-<trigger key>`. */
  logicalId: string
  name: string
  expression: string
  timezone: string
  /** The function's alias ARN. */
  targetArn: string
  roleArn: string
  /** The event as JSON text. */
  input?: string
  enabled: boolean
}

type Schedule = Omit<GetScheduleOutput, '$metadata'>

/** Pure: one entry per setting that differs. */
export function diffSchedule(have: Schedule, want: ScheduleSpec): Change[] {
  const changes: Change[] = []
  const field = (name: string, from: unknown, to: unknown) => {
    if (from !== to) changes.push({ field: name, from: from ?? 'none', to: to ?? 'none' })
  }
  field('ScheduleExpression', have.ScheduleExpression, want.expression)
  field('ScheduleExpressionTimezone', have.ScheduleExpressionTimezone ?? 'UTC', want.timezone)
  field('Target.Arn', have.Target?.Arn, want.targetArn)
  field('Target.RoleArn', have.Target?.RoleArn, want.roleArn)
  field('Target.Input', have.Target?.Input, want.input)
  field('State', have.State, want.enabled ? 'ENABLED' : 'DISABLED')
  return changes
}

/** Create and update take the whole schedule. */
function request(spec: ScheduleSpec) {
  return {
    Name: spec.name,
    GroupName: SCHEDULE_GROUP,
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    Target: { Arn: spec.targetArn, RoleArn: spec.roleArn, ...(spec.input !== undefined && { Input: spec.input }) },
    State: spec.enabled ? ('ENABLED' as const) : ('DISABLED' as const),
    Description: 'Managed by infra',
  }
}

/** Scheduler checks that it may assume the role: one just made is retried through IAM propagation. */
function sendWithRole<T>(ctx: ResourceContext, spec: ScheduleSpec, send: () => Promise<T>): Promise<T> {
  return retryWhile(send, isSchedulerRolePropagating, {
    timeoutMs: IAM_PROPAGATION_MS * ctx.timing.deadlineScale,
    label: `putting EventBridge schedule (${spec.name})`,
    backoff: ctx.timing.retry,
    report: { to: ctx, resource: `schedule ${spec.name}`, state: 'role assumable' },
  })
}

const asSchedule = (spec: ScheduleSpec): Schedule => {
  const { FlexibleTimeWindow, Target, ...rest } = request(spec)
  return { ...rest, FlexibleTimeWindow, Target }
}

export const scheduleKind: ResourceKind<ScheduleSpec, Schedule> = {
  kind: SCHEDULE_KIND,
  label: 'EventBridge schedule',
  codePrefix: 'Schedule',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('scheduler', async (ctx, name) => {
    try {
      const { $metadata: _, ...schedule } = await ctx.aws
        .get(SchedulerClient)
        .send(new GetScheduleCommand({ Name: name, GroupName: SCHEDULE_GROUP }))
      return [{ observed: schedule, id: name, ...(schedule.Arn && { arn: schedule.Arn }) }]
    } catch (e) {
      if (isNotFound(e)) return []
      throw e
    }
  }),
  diff: diffSchedule,
  async create(ctx, spec) {
    const out = await sendWithRole(ctx, spec, () =>
      ctx.aws.get(SchedulerClient).send(new CreateScheduleCommand(request(spec))),
    )
    return {
      observed: { ...asSchedule(spec), Arn: out.ScheduleArn },
      id: spec.name,
      ...(out.ScheduleArn && { arn: out.ScheduleArn }),
    }
  },
  async apply(ctx, _observed, spec) {
    await sendWithRole(ctx, spec, () => ctx.aws.get(SchedulerClient).send(new UpdateScheduleCommand(request(spec))))
    return { observed: asSchedule(spec) }
  },
  async delete(ctx, record) {
    await ctx.aws.get(SchedulerClient).send(new DeleteScheduleCommand({ Name: record.name, GroupName: SCHEDULE_GROUP }))
  },
  describe: (spec) => `${spec.expression} (${spec.timezone})${spec.enabled ? '' : ', disabled'}`,
}
