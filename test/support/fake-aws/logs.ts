// FakeLogs: CloudWatch Logs log groups (create, describe, retention, delete, tags). What it models: logs-ssm.md.
import * as sdk from '@aws-sdk/client-cloudwatch-logs'
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
  type CreateLogGroupRequest,
  type DeleteLogGroupRequest,
  type DeleteRetentionPolicyRequest,
  type DescribeLogGroupsRequest,
  type DescribeLogGroupsResponse,
  type ListTagsForResourceRequest,
  type ListTagsForResourceResponse,
  type LogGroup,
  type PutRetentionPolicyRequest,
  type TagResourceRequest,
  type UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type Clock, type FakeEnv, type ServiceFake } from './core.js'

/** The only values PutRetentionPolicy accepts. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/
const MAX_PAGE = 50

export interface LogGroupState {
  logGroupName: string
  creationTime: number
  retentionInDays?: number
  kmsKeyId?: string
  logGroupClass: string
  tags: Record<string, string>
}

/** accountId, region and clock, when given, win over the FakeAws the fake is registered in. */
export interface FakeLogsOptions {
  accountId?: string
  region?: string
  clock?: Clock
}

const invalidParameter = (message: string) => awsError(InvalidParameterException, message)
const groupNotFound = () => awsError(ResourceNotFoundException, 'The specified log group does not exist.')

export class FakeLogs implements ServiceFake {
  readonly service = 'logs'
  readonly sdk = sdk
  readonly client = CloudWatchLogsClient
  /** Internal state; tests read it through `group(name)`. */
  groups: Record<string, LogGroupState> = {}

  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  constructor(private readonly fixed: FakeLogsOptions = {}) {}

  /** FakeAws calls this once: from then on account, region and clock are read from it (unless given to the constructor). */
  attach(env: FakeEnv): void {
    this.env = env
  }

  get accountId(): string {
    return this.fixed.accountId ?? this.env.account
  }

  get region(): string {
    return this.fixed.region ?? this.env.region
  }

  get clock(): Clock {
    return this.fixed.clock ?? this.env.clock
  }

  handlers() {
    return [
      on(CreateLogGroupCommand, (i) => this.createLogGroup(i)),
      on(DescribeLogGroupsCommand, (i) => this.describeLogGroups(i)),
      on(PutRetentionPolicyCommand, (i) => this.putRetentionPolicy(i)),
      on(DeleteRetentionPolicyCommand, (i) => this.deleteRetentionPolicy(i)),
      on(DeleteLogGroupCommand, (i) => this.deleteLogGroup(i)),
      on(TagResourceCommand, (i) => this.tagResource(i)),
      on(UntagResourceCommand, (i) => this.untagResource(i)),
      on(ListTagsForResourceCommand, (i) => this.listTags(i)),
    ]
  }

  group(name: string): LogGroupState | undefined {
    return this.groups[name]
  }

  deleteLogGroupOutOfBand(name: string): void {
    delete this.groups[name]
  }

  /** The ARN the tagging APIs take (DescribeLogGroups' `logGroupArn`); `arn` there adds ':*'. */
  arn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`
  }

  toJSON(): unknown {
    return structuredClone({ groups: this.groups })
  }

  load(state: any): void {
    this.groups = structuredClone(state?.groups ?? {})
  }

  private groupOrThrow(name: string | undefined): LogGroupState {
    const group = name ? this.groups[name] : undefined
    if (!group) throw groupNotFound()
    return group
  }

  private createLogGroup(i: CreateLogGroupRequest) {
    const name = i.logGroupName ?? ''
    if (!GROUP_NAME.test(name)) {
      throw invalidParameter(
        `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      )
    }
    if (this.groups[name]) throw awsError(ResourceAlreadyExistsException, 'The specified log group already exists')
    this.groups[name] = {
      logGroupName: name,
      creationTime: this.clock.now(),
      ...(i.kmsKeyId && { kmsKeyId: i.kmsKeyId }),
      logGroupClass: i.logGroupClass ?? 'STANDARD',
      tags: { ...i.tags },
    }
    return {}
  }

  private describeLogGroups(i: DescribeLogGroupsRequest): DescribeLogGroupsResponse {
    if (i.logGroupNamePrefix && i.logGroupNamePattern) {
      throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.')
    }
    const limit = i.limit ?? MAX_PAGE
    if (limit < 1 || limit > MAX_PAGE) {
      throw invalidParameter(
        `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`,
      )
    }
    // Log groups come back in name order; the token names the last one returned.
    let after = ''
    if (i.nextToken) {
      after = Buffer.from(i.nextToken, 'base64url').toString('utf8')
      if (!after) throw invalidParameter('The specified nextToken is invalid.')
    }
    const pattern = i.logGroupNamePattern?.toLowerCase()
    const names = Object.keys(this.groups)
      .filter((n) => !i.logGroupNamePrefix || n.startsWith(i.logGroupNamePrefix))
      .filter((n) => !pattern || n.toLowerCase().includes(pattern))
      .filter((n) => n > after)
      .sort()
    const page = names.slice(0, limit)
    const more = names.length > limit
    return {
      logGroups: page.map((n) => this.render(this.groups[n]!)),
      ...(more && { nextToken: Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url') }),
    }
  }

  private render(g: LogGroupState): LogGroup {
    return {
      logGroupName: g.logGroupName,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
      metricFilterCount: 0,
      arn: `${this.arn(g.logGroupName)}:*`,
      storedBytes: 0,
      ...(g.kmsKeyId && { kmsKeyId: g.kmsKeyId }),
      logGroupClass: g.logGroupClass as LogGroup['logGroupClass'],
      logGroupArn: this.arn(g.logGroupName),
    }
  }

  private putRetentionPolicy(i: PutRetentionPolicyRequest) {
    const days = i.retentionInDays
    if (!RETENTION_DAYS.includes(days as (typeof RETENTION_DAYS)[number])) {
      throw invalidParameter(
        `1 validation error detected: Value '${days ?? null}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
      )
    }
    this.groupOrThrow(i.logGroupName).retentionInDays = days
    return {}
  }

  private deleteRetentionPolicy(i: DeleteRetentionPolicyRequest) {
    delete this.groupOrThrow(i.logGroupName).retentionInDays
    return {}
  }

  private deleteLogGroup(i: DeleteLogGroupRequest) {
    delete this.groups[this.groupOrThrow(i.logGroupName).logGroupName]
    return {}
  }

  /** The tagging APIs take the log group ARN without ':*'; DescribeLogGroups' `arn` is refused. */
  private taggable(resourceArn: string | undefined): LogGroupState {
    const prefix = `arn:aws:logs:${this.region}:${this.accountId}:log-group:`
    const name = resourceArn?.startsWith(prefix) ? resourceArn.slice(prefix.length) : undefined
    if (!name || !GROUP_NAME.test(name)) throw awsError(ValidationException, 'Invalid resourceArn')
    return this.groupOrThrow(name)
  }

  private tagResource(i: TagResourceRequest) {
    const group = this.taggable(i.resourceArn)
    group.tags = { ...group.tags, ...i.tags }
    return {}
  }

  private untagResource(i: UntagResourceRequest) {
    const group = this.taggable(i.resourceArn)
    for (const key of i.tagKeys ?? []) delete group.tags[key]
    return {}
  }

  private listTags(i: ListTagsForResourceRequest): ListTagsForResourceResponse {
    return { tags: { ...this.taggable(i.resourceArn).tags } }
  }
}
