// Pure: config → step 06's general buckets, the S3 notifications that trigger functions, and the Lambda permissions
// those need (S3 tests a destination when the notification is put, so the permission comes first). Unit-tested.
import type { BucketConfig, S3TriggerConfig } from '../config/events-types.js'
import type { FunctionConfig, ResolvedConfig } from '../config/types.js'
import { partitionOf } from '../resources/common.js'
import type { PermissionSpec } from '../resources/lambda/permission.js'
import type { BucketSpec } from '../resources/s3/bucket-diff.js'
import { OUR_RULE_PREFIX, corsRule, lifecycleRule } from '../resources/s3/bucket-lifecycle.js'
import type { NotificationsSpec } from '../resources/s3/bucket-notifications.js'

export interface BucketOutput {
  name: string
  arn: string
}

export const bucketArn = (config: ResolvedConfig, name: string) => `arn:${partitionOf(config.region)}:s3:::${name}`

/** The alias of the environment: what S3, queues, streams and schedules invoke (as API Gateway does). */
export function aliasArn(config: ResolvedConfig, fn: Pick<FunctionConfig, 'name'>): string {
  const { region, accountId, environment } = config
  return `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:${fn.name}:${environment}`
}

export function generalBucketSpec(config: ResolvedConfig, bucket: BucketConfig): BucketSpec {
  return {
    // Apart from the frontend's `frontend`, whatever the bucket's key.
    logicalId: `bucket-${bucket.logicalId}`,
    name: bucket.name,
    region: config.region,
    ...(bucket.kmsKeyId && { kmsKeyId: bucket.kmsKeyId }),
    versioning: bucket.versioning,
    lifecycleRules: bucket.lifecycle.map(lifecycleRule),
    cors: bucket.cors.map(corsRule),
    configField: `buckets.${bucket.logicalId}.name`,
    tags: bucket.tags,
  }
}

interface S3Trigger {
  fn: FunctionConfig
  trigger: S3TriggerConfig
}

function s3Triggers(config: ResolvedConfig): S3Trigger[] {
  return config.functions.flatMap((fn) =>
    fn.triggers.flatMap((trigger) => (trigger.type === 's3' ? [{ fn, trigger }] : [])),
  )
}

const configurationId = ({ fn, trigger }: S3Trigger) => `${OUR_RULE_PREFIX}${fn.logicalId}-${trigger.logicalId}`

/** One Lambda permission per S3 trigger, on the environment's alias, scoped to the bucket and this account. */
export function s3PermissionSpecs(config: ResolvedConfig): PermissionSpec[] {
  return s3Triggers(config).map(({ fn, trigger }) => {
    const bucket = config.buckets.find((b) => b.logicalId === trigger.bucket)!
    return {
      logicalId: `s3-${fn.logicalId}-${trigger.logicalId}`,
      functionName: fn.name,
      qualifier: config.environment,
      statementId: `infra-s3-${trigger.logicalId}`,
      principal: 's3.amazonaws.com',
      sourceArn: bucketArn(config, bucket.name),
      sourceAccount: config.accountId,
    }
  })
}

/** Per bucket with triggers: the notification entries of ours. */
export function notificationsSpecs(config: ResolvedConfig): NotificationsSpec[] {
  const byBucket = new Map<string, S3Trigger[]>()
  for (const t of s3Triggers(config)) byBucket.set(t.trigger.bucket, [...(byBucket.get(t.trigger.bucket) ?? []), t])
  return [...byBucket].map(([key, triggers]) => ({
    logicalId: key,
    name: config.buckets.find((b) => b.logicalId === key)!.name,
    configurations: triggers.map((t) => {
      const rules = [
        ...(t.trigger.prefix === undefined ? [] : [{ Name: 'prefix' as const, Value: t.trigger.prefix }]),
        ...(t.trigger.suffix === undefined ? [] : [{ Name: 'suffix' as const, Value: t.trigger.suffix }]),
      ]
      return {
        Id: configurationId(t),
        LambdaFunctionArn: aliasArn(config, t.fn),
        Events: t.trigger.events as NonNullable<NotificationsSpec['configurations'][number]['Events']>,
        ...(rules.length > 0 && { Filter: { Key: { FilterRules: rules } } }),
      }
    }),
  }))
}

export function bucketOutputs(config: ResolvedConfig): Record<string, BucketOutput> {
  return Object.fromEntries(config.buckets.map((b) => [b.logicalId, { name: b.name, arn: bucketArn(config, b.name) }]))
}
