// CloudWatch Logs log group: created by us, with retention and tags, before the Lambda function that writes to it;
// otherwise Lambda creates `/aws/lambda/<name>` itself on the first invocation, untagged and never expiring.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs'
import type { Tags } from '../../config/types.js'
import { isAlreadyExists } from '../../aws/errors.js'
import {
  arn as awsArn,
  changedTags,
  diffTags,
  isOurs,
  offlineOutcome,
  recordIfChanged,
  unmanagedOutcome,
  failureFor,
} from '../common.js'
import { KNOWN_AFTER_APPLY, type Change, type Ensured, type ResourceContext } from '../types.js'

export const LOG_GROUP_KIND = 'log-group'

export interface LogGroupSpec {
  /** Manifest key `log-group:<logicalId>`. */
  logicalId: string
  name: string
  retentionDays: number
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

/** Pure: what must change for the observed group to match the spec. */
export function diffLogGroup(have: ObservedLogGroup, want: LogGroupSpec): Change[] {
  const changes: Change[] = []
  if (have.group.retentionInDays !== want.retentionDays) {
    changes.push({
      field: 'RetentionInDays',
      from: have.group.retentionInDays ?? 'never expire',
      to: want.retentionDays,
    })
  }
  return [...changes, ...diffTags(have.tags, want.tags)]
}

export async function ensureLogGroup(ctx: ResourceContext, spec: LogGroupSpec): Promise<Ensured> {
  const key = `${LOG_GROUP_KIND}:${spec.logicalId}`
  const base = { kind: LOG_GROUP_KIND, key, name: spec.name }
  if (ctx.offline) return offlineOutcome(ctx, LOG_GROUP_KIND, key, spec.name, `retention ${spec.retentionDays} days`)
  const logs = ctx.aws.get(CloudWatchLogsClient)
  const fail = failureFor(
    ctx,
    'log group',
    spec.name,
    `Check that your credentials may manage CloudWatch Logs, then rerun \`infra step ${ctx.stepId} --env ${ctx.identity.env}\`.`,
  )
  const have = await findLogGroup(logs, spec.name).catch(fail('reading', 'LogGroupReadFailed'))

  if (!have) {
    if (ctx.dryRun)
      return {
        ...base,
        action: 'would-create',
        changes: [],
        arn: KNOWN_AFTER_APPLY,
        detail: `retention ${spec.retentionDays} days`,
      }
    const raced = await logs
      .send(new CreateLogGroupCommand({ logGroupName: spec.name, tags: spec.tags }))
      .then(() => false)
      .catch((e: unknown) => {
        // Lambda may have created it between our read and our create (the function already logged once).
        if (isAlreadyExists(e)) return true
        throw e
      })
      .catch(fail('creating', 'LogGroupCreateFailed'))
    const arn = awsArn(ctx, 'logs', `log-group:${spec.name}`)
    await recordIfChanged(ctx, key, { kind: LOG_GROUP_KIND, name: spec.name, arn })
    // Created with its tags; retention is set by name at once, without waiting for the group to be listed.
    const rest: Change[] = raced
      ? [...diffTags({}, spec.tags), { field: 'RetentionInDays', to: spec.retentionDays }]
      : [{ field: 'RetentionInDays', to: spec.retentionDays }]
    await applyLogGroupChanges(logs, spec, arn, rest).catch(fail('configuring', 'LogGroupUpdateFailed'))
    return { ...base, action: 'created', changes: [], arn }
  }

  const arn = taggingArn(have.group)
  if (!isOurs(have.tags, ctx.identity) && !ctx.adopt) return unmanagedOutcome('log group', key, spec.name, arn)
  const changes = diffLogGroup(have, spec)
  if (changes.length > 0 && ctx.dryRun) return { ...base, action: 'would-update', changes, arn }
  if (changes.length > 0)
    await applyLogGroupChanges(logs, spec, arn, changes).catch(fail('updating', 'LogGroupUpdateFailed'))
  await recordIfChanged(ctx, key, { kind: LOG_GROUP_KIND, name: spec.name, arn })
  return { ...base, action: changes.length > 0 ? 'updated' : 'unchanged', changes, arn }
}

async function applyLogGroupChanges(
  logs: CloudWatchLogsClient,
  spec: LogGroupSpec,
  arn: string | undefined,
  changes: Change[],
) {
  if (changes.some((c) => c.field === 'RetentionInDays')) {
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays }))
  }
  const tags = changedTags(changes)
  if (Object.keys(tags).length > 0) await logs.send(new TagResourceCommand({ resourceArn: arn, tags }))
}
