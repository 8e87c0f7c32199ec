// FakeScheduler: EventBridge Scheduler schedules in their groups (the `default` group exists). What it models:
// scheduler.md.
import * as sdk from '@aws-sdk/client-scheduler'
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  type CreateScheduleInput,
  type GetScheduleOutput,
} from '@aws-sdk/client-scheduler'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'

export type ScheduleState = Omit<GetScheduleOutput, '$metadata'>

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/
const EXPRESSION =
  /^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/
const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])

export class FakeScheduler implements ServiceFake {
  readonly service = 'scheduler'
  readonly sdk = sdk
  readonly client = SchedulerClient
  /** `<group>/<name>` → schedule. */
  schedules: Record<string, ScheduleState> = {}
  /** How many creates or updates fail as if the role were not assumable yet (IAM propagation). */
  roleFailures = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateScheduleCommand, (i) => {
        const key = this.key(i.GroupName, i.Name)
        if (this.schedules[key]) throw awsError(ConflictException, `Schedule ${i.Name} already exists.`)
        this.validate(i)
        const arn = `arn:aws:scheduler:${this.env.region}:${this.env.account}:schedule/${i.GroupName ?? 'default'}/${i.Name}`
        const now = new Date(this.env.clock.now())
        this.schedules[key] = { ...this.stored(i), Arn: arn, CreationDate: now, LastModificationDate: now }
        return { ScheduleArn: arn }
      }),
      on(GetScheduleCommand, (i) => this.get(i.GroupName, i.Name)),
      on(UpdateScheduleCommand, (i) => {
        const current = this.get(i.GroupName, i.Name)
        this.validate(i)
        // UpdateSchedule replaces the schedule: what the request leaves out is reset.
        this.schedules[this.key(i.GroupName, i.Name)] = {
          ...this.stored(i),
          Arn: current.Arn,
          CreationDate: current.CreationDate,
          LastModificationDate: new Date(this.env.clock.now()),
        }
        return { ScheduleArn: current.Arn }
      }),
      on(DeleteScheduleCommand, (i) => {
        this.get(i.GroupName, i.Name)
        delete this.schedules[this.key(i.GroupName, i.Name)]
        return {}
      }),
    ]
  }

  /** Test helper. */
  schedule(name: string, group = 'default'): ScheduleState | undefined {
    return this.schedules[this.key(group, name)]
  }

  toJSON(): unknown {
    return structuredClone({ schedules: this.schedules, roleFailures: this.roleFailures })
  }

  load(state: any): void {
    this.schedules = structuredClone(state?.schedules ?? {})
    this.roleFailures = state?.roleFailures ?? 0
  }

  private key(group: string | undefined, name: string | undefined): string {
    return `${group ?? 'default'}/${name}`
  }

  private get(group: string | undefined, name: string | undefined): ScheduleState {
    const found = this.schedules[this.key(group, name)]
    if (!found) throw awsError(ResourceNotFoundException, `Schedule ${name} does not exist.`)
    return found
  }

  private validate(i: CreateScheduleInput): void {
    if (!i.Name || !NAME.test(i.Name))
      throw awsError(
        ValidationException,
        `1 validation error detected: Value '${i.Name}' at 'name' failed to satisfy constraint`,
      )
    if ((i.GroupName ?? 'default') !== 'default')
      throw awsError(ResourceNotFoundException, `Schedule group ${i.GroupName} does not exist.`)
    if (!EXPRESSION.test(i.ScheduleExpression ?? ''))
      throw awsError(ValidationException, `Invalid Schedule Expression ${i.ScheduleExpression}.`)
    if (i.ScheduleExpressionTimezone && !TIME_ZONES.has(i.ScheduleExpressionTimezone))
      throw awsError(ValidationException, `Invalid ScheduleExpressionTimezone ${i.ScheduleExpressionTimezone}.`)
    if (!i.FlexibleTimeWindow?.Mode) throw awsError(ValidationException, 'FlexibleTimeWindow is required.')
    if (!i.Target?.Arn || !i.Target.RoleArn) throw awsError(ValidationException, 'Target Arn and RoleArn are required.')
    if (this.roleFailures > 0) {
      this.roleFailures--
      throw awsError(
        ValidationException,
        'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.',
      )
    }
  }

  private stored(i: CreateScheduleInput): ScheduleState {
    return {
      Name: i.Name,
      GroupName: i.GroupName ?? 'default',
      ScheduleExpression: i.ScheduleExpression,
      ScheduleExpressionTimezone: i.ScheduleExpressionTimezone ?? 'UTC',
      FlexibleTimeWindow: i.FlexibleTimeWindow,
      Target: i.Target,
      State: i.State ?? 'ENABLED',
      ...(i.Description !== undefined && { Description: i.Description }),
    }
  }
}
