// A table's settings with APIs of their own: time to live and point-in-time recovery.
import {
  ContinuousBackupsUnavailableException,
  type DescribeContinuousBackupsCommandOutput,
  type DescribeTimeToLiveCommandOutput,
  type UpdateContinuousBackupsCommandInput,
  type UpdateTimeToLiveCommandInput,
  type UpdateTimeToLiveCommandOutput,
} from '@aws-sdk/client-dynamodb'
import { awsError, type FakeEnv, type Out } from './core.js'
import { statusInUse, validation, type TableRecord } from './dynamodb-model.js'

const PITR_DEFAULT_RECOVERY_DAYS = 35

export function describeTimeToLive(t: TableRecord): Out<DescribeTimeToLiveCommandOutput> {
  const { ttl } = t
  return {
    TimeToLiveDescription: ttl.enabled
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: ttl.attributeName }
      : { TimeToLiveStatus: 'DISABLED' },
  }
}

/** TTL turns ENABLED at once (ENABLING is not observed on AWS either); each change starts a cooldown. */
export function updateTimeToLive(
  ctx: { env: FakeEnv; ttlCooldownMs: number },
  t: TableRecord,
  input: UpdateTimeToLiveCommandInput,
): Out<UpdateTimeToLiveCommandOutput> {
  const spec = input.TimeToLiveSpecification
  if (spec?.Enabled === undefined || !spec.AttributeName) {
    throw validation(
      "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null",
    )
  }
  if (t.status === 'CREATING' || t.status === 'DELETING') throw statusInUse(t)
  // What the request says is checked before the cooldown, as on AWS.
  const { ttl } = t
  if (ttl.enabled && ttl.attributeName !== spec.AttributeName) {
    throw validation(`TimeToLive is active on a different AttributeName: current AttributeName is ${ttl.attributeName}`)
  }
  if (ttl.enabled && spec.Enabled) throw validation('TimeToLive is already enabled')
  if (!ttl.enabled && !spec.Enabled) throw validation('TimeToLive is already disabled')
  const now = ctx.env.clock.now()
  if (ttl.changedAt !== undefined && now - ttl.changedAt < ctx.ttlCooldownMs) {
    throw validation('Time to live has been modified multiple times within a fixed interval')
  }
  t.ttl = spec.Enabled
    ? { enabled: true, attributeName: spec.AttributeName, changedAt: now }
    : { enabled: false, changedAt: now }
  return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } }
}

export function describeContinuousBackups(env: FakeEnv, t: TableRecord): Out<DescribeContinuousBackupsCommandOutput> {
  const { pitr } = t
  const now = env.clock.now()
  return {
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: pitr.enabled
        ? {
            PointInTimeRecoveryStatus: 'ENABLED',
            RecoveryPeriodInDays: pitr.recoveryPeriodInDays,
            EarliestRestorableDateTime: new Date(pitr.enabledAt ?? now),
            LatestRestorableDateTime: new Date(now),
          }
        : { PointInTimeRecoveryStatus: 'DISABLED' },
    },
  }
}

export function updateContinuousBackups(
  env: FakeEnv,
  t: TableRecord,
  input: UpdateContinuousBackupsCommandInput,
): Out<DescribeContinuousBackupsCommandOutput> {
  if (t.status === 'CREATING') {
    throw awsError(
      ContinuousBackupsUnavailableException,
      `Backups are being enabled for the table: ${t.name}. Please retry later`,
    )
  }
  const spec = input.PointInTimeRecoverySpecification
  const days = spec?.RecoveryPeriodInDays
  if (days !== undefined && (days < 1 || days > 35 || !spec?.PointInTimeRecoveryEnabled)) {
    throw validation(`1 validation error detected: RecoveryPeriodInDays ${days} is invalid`)
  }
  if (spec?.PointInTimeRecoveryEnabled) {
    const enabledAt = t.pitr.enabled ? t.pitr.enabledAt : env.clock.now()
    t.pitr = { enabled: true, recoveryPeriodInDays: days ?? PITR_DEFAULT_RECOVERY_DAYS, enabledAt }
  } else {
    t.pitr = { enabled: false }
  }
  return describeContinuousBackups(env, t)
}
