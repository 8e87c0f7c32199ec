// Pure: config + step 06's bucket → the origin access control, the distribution, the bucket policy that lets only this
// distribution read the bucket, and the step's outputs. Unit-tested.
import { createHash } from 'node:crypto'
import { expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import { DISTRIBUTION_ID_TAG } from '../resources/cloudfront/distribution.js'
import type { DistributionSpec } from '../resources/cloudfront/distribution-config.js'
import type { OriginAccessControlSpec } from '../resources/cloudfront/origin-access-control.js'
import type { PolicyDocument, PolicyStatement } from '../resources/policy-document.js'
import type { BucketPolicySpec } from '../resources/s3/bucket-policy.js'
import type { CloudFrontOutputs } from './outputs.js'

// CloudFront's limits: an OAC name is at most 64 characters, a distribution comment at most 128.
const OAC_NAME_MAX = 64
const COMMENT_MAX = 128
const LOGICAL_ID = 'frontend'

export interface CloudFrontSettings {
  /** Stable for the environment: the OAC's name, the distribution's CallerReference and `infra:id` tag. */
  name: string
  comment: string
  defaultRootObject: string
  errorPage?: DistributionSpec['errorPage']
  priceClass: DistributionSpec['priceClass']
  tags: Record<string, string>
}

/** At most `max` characters: a longer name keeps its start and ends with a short digest, so it stays unique. */
export function fit(name: string, max: number): string {
  if (name.length <= max) return name
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, max - 9)}-${digest}`
}

/** Unique per service and environment in the account (a service name often carries its environment already). */
export function accountUniqueName(config: ResolvedConfig): string {
  return config.serviceName.endsWith(`-${config.env}`) ? config.serviceName : `${config.serviceName}-${config.env}`
}

/** The frontend section resolved for step 07, or undefined when config has no frontend. Throws ConfigError. */
export function cloudFrontSettings(config: ResolvedConfig): CloudFrontSettings | undefined {
  const frontend = config.sections.frontend
  if (!frontend) return undefined
  const name = fit(`${accountUniqueName(config)}-frontend`, OAC_NAME_MAX)
  const template = frontend.cloudfront?.comment ?? '${SERVICE_NAME} ${ENVIRONMENT} frontend'
  const { value: comment, problems } = expandTemplate(template, templateVars(config))
  if (comment.length > COMMENT_MAX) problems.push(`"${comment}" is longer than CloudFront's ${COMMENT_MAX} characters`)
  if (problems.length > 0) {
    throw new ConfigError('InvalidConfig', `frontend.cloudfront.comment: ${problems.join('; ')}`, {
      hint: 'Fix frontend.cloudfront.comment in config.json, then rerun.',
    })
  }
  const error = frontend.error_document
  return {
    name,
    comment,
    defaultRootObject: frontend.index_document,
    // S3 answers 403 for a missing key when the reader may not list the bucket: both codes lead to the page. The
    // index document as the error page is a single-page app's fallback, served with 200 for its client-side routes.
    ...(error ? { errorPage: { path: `/${error}`, responseCode: error === frontend.index_document ? 200 : 404 } } : {}),
    priceClass: frontend.price_class,
    tags: { ...config.tags, [DISTRIBUTION_ID_TAG]: name },
  }
}

export function originAccessControlSpec(s: CloudFrontSettings): OriginAccessControlSpec {
  return { logicalId: LOGICAL_ID, name: s.name, description: `${s.comment}: signs requests to its S3 bucket` }
}

export function distributionSpec(
  s: CloudFrontSettings,
  bucket: { regionalDomainName: string; websiteDomainName?: string },
  originAccessControlId: string,
): DistributionSpec {
  return {
    logicalId: LOGICAL_ID,
    name: s.name,
    // The REST endpoint: private objects signed for by the OAC. The website endpoint (a public bucket) only when config
    // opted in to the manual's public website (step 06 then names it).
    ...(bucket.websiteDomainName
      ? { originDomain: bucket.websiteDomainName, websiteOrigin: true }
      : { originDomain: bucket.regionalDomainName }),
    originAccessControlId,
    defaultRootObject: s.defaultRootObject,
    ...(s.errorPage ? { errorPage: s.errorPage } : {}),
    priceClass: s.priceClass,
    comment: s.comment,
    tags: s.tags,
  }
}

/**
 * s3:GetObject for CloudFront, only on behalf of this distribution (the confused-deputy guard AWS documents); for
 * everyone when the bucket is the manual's public website.
 */
export function bucketPolicySpec(
  bucket: { name: string; arn: string; websiteDomainName?: string },
  distributionArn: string,
): BucketPolicySpec {
  const statement: PolicyStatement = bucket.websiteDomainName
    ? {
        Sid: 'PublicReadForWebsite',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${bucket.arn}/*`,
      }
    : {
        Sid: 'AllowCloudFrontReadOnlyForThisDistribution',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `${bucket.arn}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
      }
  const document: PolicyDocument = { Version: '2012-10-17', Statement: [statement] }
  return { logicalId: LOGICAL_ID, name: bucket.name, document }
}

export function cloudFrontOutputs(d: { id?: string; domainName?: string; status?: string }): CloudFrontOutputs {
  if (!d.id || !d.domainName) return {}
  const url = `https://${d.domainName}`
  return {
    distributionId: d.id,
    domainName: d.domainName,
    url,
    ...(d.status ? { status: d.status } : {}),
    endpoints: { Frontend: url },
  }
}
