// Pure: the lifecycle rules and CORS rules infra puts on a bucket, compared by meaning with what S3 reports (S3 gives
// rules back with fields filled in and in its own shape). Rules are ours by their ID's prefix: others' are kept.
import type { CORSRule, LifecycleRule, TransitionStorageClass } from '@aws-sdk/client-s3'
import type { CorsRuleConfig, LifecycleRuleConfig } from '../../config/events-types.js'

/** Every lifecycle rule infra puts on a bucket has an ID starting with it. */
export const OUR_RULE_PREFIX = 'infra-'

export const isOurRule = (rule: LifecycleRule) => rule.ID?.startsWith(OUR_RULE_PREFIX) ?? false

export function lifecycleRule(config: LifecycleRuleConfig): LifecycleRule {
  const storageClass = (t: { storageClass: string }) => t.storageClass as TransitionStorageClass
  return {
    ID: `${OUR_RULE_PREFIX}${config.id}`,
    Status: 'Enabled',
    Filter: { Prefix: config.prefix },
    ...(config.expireDays !== undefined && { Expiration: { Days: config.expireDays } }),
    ...(config.transitions.length > 0 && {
      Transitions: config.transitions.map((t) => ({ Days: t.days, StorageClass: storageClass(t) })),
    }),
    ...(config.noncurrentExpireDays !== undefined && {
      NoncurrentVersionExpiration: { NoncurrentDays: config.noncurrentExpireDays },
    }),
    ...(config.noncurrentTransitions.length > 0 && {
      NoncurrentVersionTransitions: config.noncurrentTransitions.map((t) => ({
        NoncurrentDays: t.days,
        StorageClass: storageClass(t),
      })),
    }),
    ...(config.abortIncompleteUploadsDays !== undefined && {
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: config.abortIncompleteUploadsDays },
    }),
  }
}

/** A rule's meaning, whatever shape S3 answered with (Filter.Prefix, Filter.And.Prefix, the legacy Prefix). */
export function ruleMeaning(rule: LifecycleRule): string {
  return JSON.stringify({
    status: rule.Status,
    prefix: rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '',
    expire: rule.Expiration?.Days,
    transitions: (rule.Transitions ?? []).map((t) => [t.Days, t.StorageClass]),
    noncurrentExpire: rule.NoncurrentVersionExpiration?.NoncurrentDays,
    noncurrentTransitions: (rule.NoncurrentVersionTransitions ?? []).map((t) => [t.NoncurrentDays, t.StorageClass]),
    abort: rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
  })
}

export function corsRule(config: CorsRuleConfig): CORSRule {
  return {
    AllowedOrigins: config.allowedOrigins,
    AllowedMethods: config.allowedMethods,
    ...(config.allowedHeaders.length > 0 && { AllowedHeaders: config.allowedHeaders }),
    ...(config.exposeHeaders.length > 0 && { ExposeHeaders: config.exposeHeaders }),
    ...(config.maxAgeS !== undefined && { MaxAgeSeconds: config.maxAgeS }),
  }
}

export function sameCors(have: CORSRule[], want: CORSRule[]): boolean {
  const meaning = (rules: CORSRule[]) =>
    JSON.stringify(
      rules.map((r) => [
        r.AllowedOrigins ?? [],
        r.AllowedMethods ?? [],
        r.AllowedHeaders ?? [],
        r.ExposeHeaders ?? [],
        r.MaxAgeSeconds,
      ]),
    )
  return meaning(have) === meaning(want)
}
