// Pure: the distribution spec → CloudFront's DistributionConfig, and what differs from an observed one. Only the fields
// infra decides are compared and written; everything else in an observed config (AWS's defaults, settings added by
// hand elsewhere) is carried over unchanged by an update.
import { createHash } from 'node:crypto'
import type {
  CustomErrorResponses,
  DistributionConfig,
  Origin,
  PriceClass,
  ViewerCertificate,
} from '@aws-sdk/client-cloudfront'
import type { Tags } from '../../config/types.js'
import { diffTags } from '../common.js'
import type { Change } from '../types.js'

// AWS's managed "CachingOptimized" cache policy: long TTLs, gzip and brotli, no cookies or query strings in the key.
export const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6'
// How long CloudFront caches the fallback answer for a missing path before asking the bucket again.
const ERROR_CACHING_MIN_TTL_S = 10

export interface DistributionSpec {
  logicalId: string
  /** Stable: the CallerReference and the `infra:id` tag derive from it. */
  name: string
  /** The bucket's REST endpoint (`<bucket>.s3.<region>.amazonaws.com`), or its website endpoint when `websiteOrigin`. */
  originDomain: string
  originAccessControlId: string
  /** The manual's public website (opt-in): the website endpoint as a custom origin over HTTP, without the OAC. */
  websiteOrigin?: boolean
  defaultRootObject: string
  /** Missing paths (S3 answers 403 for them without ListBucket) → this page; 200 for a single-page app. */
  errorPage?: { path: string; responseCode: 200 | 404 }
  priceClass: PriceClass
  /** At most 128 characters. */
  comment: string
  tags: Tags
}

const ORIGIN_ID = 's3-bucket'

function errorResponses(spec: DistributionSpec): CustomErrorResponses {
  const page = spec.errorPage
  if (!page) return { Quantity: 0, Items: [] }
  const Items = [403, 404].map((ErrorCode) => ({
    ErrorCode,
    ResponsePagePath: page.path,
    ResponseCode: String(page.responseCode),
    ErrorCachingMinTTL: ERROR_CACHING_MIN_TTL_S,
  }))
  return { Quantity: Items.length, Items }
}

/**
 * The CloudFront domain with its default certificate, as a distribution is created. The aliases and the viewer
 * certificate of a custom domain belong to step 09 (`cloudfront-aliases`, which needs the distribution's domain for its
 * records): an update here carries them over as they are and the diff does not compare them.
 */
function viewerCertificate(): ViewerCertificate {
  return { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' }
}

/** The bucket as CloudFront's one origin: its REST endpoint signed for by the OAC, or its public website endpoint. */
function origin(spec: DistributionSpec): Origin {
  const common = {
    Id: ORIGIN_ID,
    DomainName: spec.originDomain,
    OriginPath: '',
    CustomHeaders: { Quantity: 0, Items: [] },
  }
  if (spec.websiteOrigin) {
    return {
      ...common,
      // S3 website endpoints speak HTTP only.
      CustomOriginConfig: {
        HTTPPort: 80,
        HTTPSPort: 443,
        OriginProtocolPolicy: 'http-only',
        OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
      },
      OriginAccessControlId: '',
    }
  }
  // With an origin access control, S3OriginConfig stays and names no legacy origin access identity.
  return { ...common, S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: spec.originAccessControlId }
}

/** The fields infra decides, as they appear in a DistributionConfig. */
function managedFields(spec: DistributionSpec): Partial<DistributionConfig> {
  return {
    Comment: spec.comment,
    Enabled: true,
    DefaultRootObject: spec.defaultRootObject,
    PriceClass: spec.priceClass,
    HttpVersion: 'http2and3',
    IsIPV6Enabled: true,
    Origins: { Quantity: 1, Items: [origin(spec)] },
    DefaultCacheBehavior: {
      TargetOriginId: ORIGIN_ID,
      ViewerProtocolPolicy: 'redirect-to-https',
      Compress: true,
      CachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
      AllowedMethods: {
        Quantity: 2,
        Items: ['GET', 'HEAD'],
        CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] },
      },
    },
    CustomErrorResponses: errorResponses(spec),
    ViewerCertificate: viewerCertificate(),
  }
}

/** What CreateDistributionWithTags sends (the tags go beside it). */
export function toDistributionConfig(spec: DistributionSpec, callerReference: string): DistributionConfig {
  return { CallerReference: callerReference, ...managedFields(spec) } as DistributionConfig
}

/**
 * The observed config with infra's fields replaced: what UpdateDistribution sends. The custom domain's certificate
 * and function associations (the www redirect) are step 09's: carried over.
 */
export function toUpdatedConfig(observed: DistributionConfig, spec: DistributionSpec): DistributionConfig {
  const managed = managedFields(spec)
  const FunctionAssociations = observed.DefaultCacheBehavior?.FunctionAssociations
  return {
    ...observed,
    ...managed,
    DefaultCacheBehavior: { ...managed.DefaultCacheBehavior!, ...(FunctionAssociations && { FunctionAssociations }) },
    ViewerCertificate: observed.ViewerCertificate,
  }
}

/** A CallerReference from the stable name and the config asked for: the same create sent again makes nothing new. */
export function callerReferenceFor(spec: DistributionSpec): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(managedFields(spec)))
    .digest('hex')
    .slice(0, 16)
  return `${spec.name}-${digest}`.slice(-128)
}

/** Compares the parts of a config that matter for each field (AWS adds defaults inside some of them). */
const comparable: Record<string, (c: Partial<DistributionConfig>) => unknown> = {
  Comment: (c) => c.Comment,
  Enabled: (c) => c.Enabled,
  DefaultRootObject: (c) => c.DefaultRootObject ?? '',
  PriceClass: (c) => c.PriceClass,
  HttpVersion: (c) => c.HttpVersion,
  IsIPV6Enabled: (c) => c.IsIPV6Enabled ?? false,
  'Origin.DomainName': (c) => c.Origins?.Items?.map((o) => o.DomainName),
  'Origin.OriginAccessControlId': (c) => c.Origins?.Items?.map((o) => o.OriginAccessControlId ?? ''),
  'Origin.Protocol': (c) => c.Origins?.Items?.map((o) => o.CustomOriginConfig?.OriginProtocolPolicy ?? 's3'),
  ViewerProtocolPolicy: (c) => c.DefaultCacheBehavior?.ViewerProtocolPolicy,
  Compress: (c) => c.DefaultCacheBehavior?.Compress ?? false,
  CachePolicyId: (c) => c.DefaultCacheBehavior?.CachePolicyId,
  AllowedMethods: (c) => c.DefaultCacheBehavior?.AllowedMethods?.Items,
  CustomErrorResponses: (c) =>
    (c.CustomErrorResponses?.Items ?? []).map((r) => `${r.ErrorCode}→${r.ResponsePagePath} ${r.ResponseCode}`),
}

export function diffDistributionConfig(have: DistributionConfig, spec: DistributionSpec): Change[] {
  const want = managedFields(spec)
  const changes: Change[] = []
  for (const [field, pick] of Object.entries(comparable)) {
    const from = pick(have)
    const to = pick(want)
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to })
  }
  return changes
}

export interface ObservedDistribution {
  id: string
  arn: string
  domainName: string
  status: string
  config: DistributionConfig
  tags: Tags
}

export function diffDistribution(have: ObservedDistribution, spec: DistributionSpec): Change[] {
  return [...diffDistributionConfig(have.config, spec), ...diffTags(have.tags, spec.tags)]
}

export function describeDistribution(spec: DistributionSpec): string {
  const fallback = spec.errorPage ? `, 403/404 → ${spec.errorPage.path} (${spec.errorPage.responseCode})` : ''
  const via = spec.websiteOrigin ? 'PUBLIC website over HTTP' : 'via OAC'
  return `origin ${spec.originDomain} ${via}, HTTPS only, HTTP/2 and 3, ${spec.priceClass}${fallback}`
}
