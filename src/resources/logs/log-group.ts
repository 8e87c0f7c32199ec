// CloudWatch Logs log group: created by us, with retention and tags, before the Lambda function that writes to it;
// otherwise Lambda creates `/aws/lambda/<name>` itself on the first invocation, untagged and never expiring.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs'
import type { Tags } from '../../config/types.js'
import { isAlreadyExists } from '../../aws/errors.js'
import { arn as awsArn, changedTags, diffTags } from '../common.js'
import { converge } from '../engine/converge.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change, Ensured, ResourceContext } from '../types.js'

export const LOG_GROUP_KIND = 'log-group'
const NEVER_EXPIRES = 'never expire'

export interface LogGroupSpec {
  /** Manifest key `log-group:<logicalId>`. */
  logicalId: string
  name: string
  /** Absent: events never expire (chosen in config; PutRetentionPolicy has no such value, DeleteRetentionPolicy is it). */
  retentionDays?: number
  tags: Tags
}

export interface ObservedLogGroup {
  group: LogGroup
  tags: Tags
}

export async function findLogGroup(logs: CloudWatchLogsClient, name: string): Promise<ObservedLogGroup | undefined> {
  // Groups come back sorted by name, and a name sorts before every other name it prefixes: if the group exists, it is
  // the first one of a prefix search, so one small page is enough.
  const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }))
  const group = page.logGroups?.find((g) => g.logGroupName === name)
  if (!group) return undefined
  const { tags } = await logs.send(new ListTagsForResourceCommand({ resourceArn: taggingArn(group) }))
  return { group, tags: tags ?? {} }
}

/** The tagging APIs take the group's ARN without the `:*` that DescribeLogGroups' `arn` carries. */
function taggingArn(group: LogGroup): string {
  return group.logGroupArn ?? (group.arn ?? '').replace(/:\*$/, '')
}

async function observeLogGroup(ctx: ResourceContext, name: string): Promise<Array<Observation<ObservedLogGroup>>> {
  const found = await findLogGroup(ctx.aws.get(CloudWatchLogsClient), name)
  return found ? [{ observed: found, arn: taggingArn(found.group), tags: found.tags }] : []
}

/** Pure: what must change for the observed group to match the spec. */
export function diffLogGroup(have: ObservedLogGroup, want: LogGroupSpec): Change[] {
  const changes: Change[] = []
  if (have.group.retentionInDays !== want.retentionDays) {
    changes.push({
      field: 'RetentionInDays',
      from: have.group.retentionInDays ?? NEVER_EXPIRES,
      to: want.retentionDays ?? NEVER_EXPIRES,
    })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}

export const logGroupKind: ResourceKind<LogGroupSpec, ObservedLogGroup> = {
  kind: LOG_GROUP_KIND,
  label: 'log group',
  codePrefix: 'LogGroup',
  identity: 'name',
  keptWhenDropped: true,
  find: (ctx, spec) => observeLogGroup(ctx, spec.name),
  early: { service: 'logs', read: (ctx, recorded) => observeLogGroup(ctx, recorded.name) },
  diff: diffLogGroup,
  async create(ctx, spec) {
    // Lambda may create the group between our read and our create (the function already logged once): that group
    // is the function's own, so it is taken as created, untagged, and the engine then tags it.
    const raced = await ctx.aws
      .get(CloudWatchLogsClient)
      .send(new CreateLogGroupCommand({ logGroupName: spec.name, tags: spec.tags }))
      .then(() => false)
      .catch((e: unknown) => {
        if (isAlreadyExists(e)) return true
        throw e
      })
    // Retention is set by name at once (the engine applies the diff), without waiting for the group to be listed.
    const arn = awsArn(ctx, 'logs', `log-group:${spec.name}`)
    return { observed: { group: { logGroupName: spec.name, arn }, tags: raced ? {} : spec.tags }, arn, tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const logs = ctx.aws.get(CloudWatchLogsClient)
    if (changes.some((c) => c.field === 'RetentionInDays')) {
      if (spec.retentionDays === undefined)
        await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: spec.name }))
      else
        await logs.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays }))
    }
    const tags = changedTags(changes)
    if (Object.keys(tags).length > 0)
      await logs.send(new TagResourceCommand({ resourceArn: taggingArn(observed.group), tags }))
  },
  async delete(ctx, record) {
    await ctx.aws.get(CloudWatchLogsClient).send(new DeleteLogGroupCommand({ logGroupName: record.name }))
  },
  describe: (spec) =>
    spec.retentionDays === undefined ? 'events never expire' : `retention ${spec.retentionDays} days`,
}

export async function ensureLogGroup(ctx: ResourceContext, spec: LogGroupSpec): Promise<Ensured> {
  return (await converge(ctx, logGroupKind, spec)).result
}
