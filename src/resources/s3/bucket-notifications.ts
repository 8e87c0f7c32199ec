// A bucket's event notifications to Lambda functions. S3 keeps one notification configuration per bucket, replaced as
// a whole by each put, and others (another tool, a person) may have entries in it: infra reads it, changes only its
// own entries (Ids starting `infra-`), and puts back everything else as it was. One resource per bucket, ours
// because the bucket is. The function's permission must exist first: S3 tests each destination when it is put.
import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  type LambdaFunctionConfiguration,
  type NotificationConfiguration,
} from '@aws-sdk/client-s3'
import { isNotFound, isS3DestinationNotValidated } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'
import { OUR_RULE_PREFIX } from './bucket-lifecycle.js'

export const NOTIFICATIONS_KIND = 's3-notifications'
// A Lambda permission just added reaches S3's destination test within seconds; IAM-like budget, as for policies.
const DESTINATION_PROPAGATION_MS = 2 * 60_000

export interface NotificationsSpec {
  /** Manifest key `s3-notifications:<bucket's logical id>`. */
  logicalId: string
  /** The bucket's name. */
  name: string
  /** Ours, each with an Id starting `infra-`. */
  configurations: LambdaFunctionConfiguration[]
}

const isOurs = (c: { Id?: string }) => c.Id?.startsWith(OUR_RULE_PREFIX) ?? false

/** A configuration's meaning: S3 answers filter rule names capitalised and may reorder events. */
function meaning(c: LambdaFunctionConfiguration): string {
  const rule = (name: string) => c.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value
  return JSON.stringify([c.LambdaFunctionArn, [...(c.Events ?? [])].sort(), rule('prefix'), rule('suffix')])
}

/** Pure: one change per entry of ours that is missing, differs, or is no longer wanted. */
export function diffNotifications(have: NotificationConfiguration, spec: NotificationsSpec): Change[] {
  const ours = new Map((have.LambdaFunctionConfigurations ?? []).filter(isOurs).map((c) => [c.Id!, c]))
  const changes: Change[] = []
  for (const want of spec.configurations) {
    const current = ours.get(want.Id!)
    ours.delete(want.Id!)
    if (!current || meaning(current) !== meaning(want))
      changes.push({ field: `LambdaFunctionConfigurations[${want.Id}]`, from: current ? 'differs' : 'none', to: want })
  }
  for (const id of ours.keys())
    changes.push({ field: `LambdaFunctionConfigurations[${id}]`, from: 'present', to: 'none' })
  return changes
}

/** Everything the bucket has, with ours replaced by `ours`. */
export function mergedNotifications(
  have: NotificationConfiguration,
  ours: LambdaFunctionConfiguration[],
): NotificationConfiguration {
  const others = (have.LambdaFunctionConfigurations ?? []).filter((c) => !isOurs(c))
  return { ...have, LambdaFunctionConfigurations: [...others, ...ours] }
}

async function readNotifications(ctx: ResourceContext, bucket: string): Promise<NotificationConfiguration | undefined> {
  try {
    const { $metadata: _, ...config } = await ctx.aws
      .get(S3Client)
      .send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }))
    return config
  } catch (e) {
    // A bucket not made yet (a plan of a new environment) has no notifications either.
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function putNotifications(ctx: ResourceContext, bucket: string, config: NotificationConfiguration) {
  await retryWhile(
    () =>
      ctx.aws
        .get(S3Client)
        .send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config })),
    isS3DestinationNotValidated,
    {
      timeoutMs: DESTINATION_PROPAGATION_MS * ctx.timing.deadlineScale,
      label: `putting S3 notifications (${bucket})`,
      backoff: ctx.timing.retry,
      report: { to: ctx, resource: `notifications of bucket ${bucket}`, state: 'destinations validated' },
    },
  )
}

/** The Ids a record names (older records: every entry of ours). */
const recordedIds = (record: ResourceRecord): string[] | undefined => {
  const ids = record.attributes?.ids
  return Array.isArray(ids) ? ids.map(String) : undefined
}

export const notificationsKind: ResourceKind<NotificationsSpec, NotificationConfiguration> = {
  kind: NOTIFICATIONS_KIND,
  label: 'S3 event notifications',
  codePrefix: 'BucketNotifications',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    const config = await readNotifications(ctx, spec.name)
    return config && (config.LambdaFunctionConfigurations ?? []).some(isOurs)
      ? [{ observed: config, id: spec.name }]
      : []
  },
  diff: diffNotifications,
  async create(ctx, spec) {
    // Read again right before the put: what others have there is sent back as it is.
    const merged = mergedNotifications((await readNotifications(ctx, spec.name)) ?? {}, spec.configurations)
    await putNotifications(ctx, spec.name, merged)
    return { observed: merged, id: spec.name }
  },
  async apply(ctx, observed, spec) {
    const merged = mergedNotifications(observed, spec.configurations)
    await putNotifications(ctx, spec.name, merged)
    return { observed: merged }
  },
  async delete(ctx, record) {
    const config = await readNotifications(ctx, record.name)
    if (!config) return
    const ids = recordedIds(record)
    const mine = (c: LambdaFunctionConfiguration) => (ids ? ids.includes(c.Id ?? '') : isOurs(c))
    const kept = (config.LambdaFunctionConfigurations ?? []).filter((c) => !mine(c))
    await putNotifications(ctx, record.name, { ...config, LambdaFunctionConfigurations: kept })
  },
  attributes: (_, spec) => ({ ids: spec.configurations.map((c) => c.Id) }),
  describe: (spec) =>
    spec.configurations
      .map((c) => `${(c.Events ?? []).join(' ')} → ${c.LambdaFunctionArn?.split(':')[6] ?? '?'}`)
      .join('; '),
}
