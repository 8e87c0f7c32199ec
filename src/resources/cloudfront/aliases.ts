// A distribution's custom domain: its aliases and the us-east-1 ACM certificate it presents for them (SNI,
// TLSv1.2_2021). Step 09 owns this part of the distribution, as step 07 owns the bucket policy of step 06's bucket:
// it can only be set once the certificate is issued, and step 07's distribution exists before that (the alias records
// need its domain). Ours because the distribution is; removing it puts the CloudFront domain and certificate back.
// With a www redirect it also associates the redirect's CloudFront Function with the default cache behaviour (viewer
// request); associations of other functions are kept.
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  type DistributionConfig,
  type FunctionAssociation,
} from '@aws-sdk/client-cloudfront'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change, ResourceContext } from '../types.js'
import { distributionObject, updateConfig } from './distribution.js'

export const ALIASES_KIND = 'cloudfront-aliases'
// The oldest TLS CloudFront lets a custom domain with SNI negotiate that modern browsers all speak.
const MINIMUM_PROTOCOL = 'TLSv1.2_2021'
/** CloudFront's own hosted zone: every alias record to a distribution names it. */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2'

export interface AliasesSpec {
  logicalId: string
  /** The distribution's id. */
  name: string
  aliases: string[]
  certificateArn: string
  /** The www redirect's function (by its name): associated when its ARN is given, its association removed if not. */
  redirectFunction?: { name: string; arn?: string }
}

export interface ObservedAliases {
  aliases: string[]
  certificateArn: string
  minimumProtocolVersion: string
  sslSupportMethod: string
  /** ARNs of the viewer-request functions of the default cache behaviour. */
  viewerRequestFunctions: string[]
}

const VIEWER_REQUEST = 'viewer-request'

function observeAliases(config: DistributionConfig): ObservedAliases {
  const cert = config.ViewerCertificate
  return {
    aliases: [...(config.Aliases?.Items ?? [])].sort(),
    certificateArn: cert?.ACMCertificateArn ?? '',
    minimumProtocolVersion: cert?.MinimumProtocolVersion ?? '',
    sslSupportMethod: cert?.SSLSupportMethod ?? '',
    viewerRequestFunctions: (config.DefaultCacheBehavior?.FunctionAssociations?.Items ?? [])
      .filter((a) => a.EventType === VIEWER_REQUEST)
      .map((a) => a.FunctionARN ?? ''),
  }
}

/** A function ARN ends with `:function/<name>`. */
const isNamed = (arn: string, name?: string) => name !== undefined && arn.endsWith(`:function/${name}`)

/** Our redirect's ARN as associated (empty when it is not), the one thing compared of the associations. */
const redirectOf = (arns: string[], spec: AliasesSpec) =>
  arns.find((a) => isNamed(a, spec.redirectFunction?.name)) ?? ''

export function diffAliases(have: ObservedAliases, spec: AliasesSpec): Change[] {
  const want = {
    aliases: [...spec.aliases].sort(),
    certificateArn: spec.certificateArn,
    minimumProtocolVersion: MINIMUM_PROTOCOL,
    sslSupportMethod: 'sni-only',
  }
  const changes = (Object.keys(want) as Array<keyof typeof want>)
    .filter((f) => JSON.stringify(have[f]) !== JSON.stringify(want[f]))
    .map((field): Change => ({ field, from: have[field], to: want[field] }))
  const redirect = { from: redirectOf(have.viewerRequestFunctions, spec), to: spec.redirectFunction?.arn ?? '' }
  if (redirect.from !== redirect.to) changes.push({ field: 'RedirectFunction', ...redirect })
  return changes
}

/** The default behaviour's function associations with the redirect's (by name) replaced, or only removed. */
export function withRedirect(
  config: DistributionConfig,
  name: string | undefined,
  arn: string | undefined,
): DistributionConfig {
  const behaviour = config.DefaultCacheBehavior!
  const others = (behaviour.FunctionAssociations?.Items ?? []).filter((a) => !isNamed(a.FunctionARN ?? '', name))
  const Items: FunctionAssociation[] = arn ? [...others, { EventType: VIEWER_REQUEST, FunctionARN: arn }] : others
  return { ...config, DefaultCacheBehavior: { ...behaviour, FunctionAssociations: { Quantity: Items.length, Items } } }
}

/** The config with this custom domain, or (spec undefined) with none: CloudFront's domain and certificate. */
function withDomain(config: DistributionConfig, spec?: AliasesSpec): DistributionConfig {
  if (!spec) {
    return {
      ...config,
      Aliases: { Quantity: 0, Items: [] },
      ViewerCertificate: {
        CloudFrontDefaultCertificate: true,
        MinimumProtocolVersion: 'TLSv1',
        CertificateSource: 'cloudfront',
      },
    }
  }
  return {
    ...config,
    Aliases: { Quantity: spec.aliases.length, Items: spec.aliases },
    ViewerCertificate: {
      ACMCertificateArn: spec.certificateArn,
      SSLSupportMethod: 'sni-only',
      MinimumProtocolVersion: MINIMUM_PROTOCOL,
      CertificateSource: 'acm',
      CloudFrontDefaultCertificate: false,
    },
  }
}

async function setDomain(
  ctx: ResourceContext,
  distributionId: string,
  spec?: AliasesSpec,
  redirectName = spec?.redirectFunction?.name,
): Promise<ObservedAliases> {
  const updated = await updateConfig(ctx.aws.get(CloudFrontClient), distributionId, (c) =>
    withRedirect(withDomain(c, spec), redirectName, spec?.redirectFunction?.arn),
  )
  return observeAliases(updated.DistributionConfig!)
}

export const aliasesKind: ResourceKind<AliasesSpec, ObservedAliases> = {
  kind: ALIASES_KIND,
  label: 'CloudFront custom domain',
  codePrefix: 'Aliases',
  identity: 'name',
  ownership: 'parent',
  // Its name is the distribution's id, and step 07 may update that distribution earlier in the run: such a write makes
  // the early read stale (its apply reads the config again anyway, for the ETag it sends).
  ...foundByName(
    'cloudfront',
    async (ctx, name) => {
      try {
        const out = await ctx.aws.get(CloudFrontClient).send(new GetDistributionConfigCommand({ Id: name }))
        const observed = observeAliases(out.DistributionConfig!)
        // None set yet: nothing to find, so the engine "creates" it (one update of the distribution).
        return observed.aliases.length === 0 ? [] : [{ observed, id: name }]
      } catch (e) {
        if (isNotFound(e)) return []
        throw e
      }
    },
    (recorded) => [distributionObject(recorded.name)],
  ),
  diff: diffAliases,
  async create(ctx, spec) {
    return { observed: await setDomain(ctx, spec.name, spec), id: spec.name }
  },
  async apply(ctx, _observed, spec) {
    return { observed: await setDomain(ctx, spec.name, spec) }
  },
  async delete(ctx, record) {
    // The redirect's name as recorded: its association goes with the domain.
    const name = record.attributes?.redirectFunction as string | undefined
    await setDomain(ctx, record.name, undefined, name)
  },
  attributes: (_observed, spec) => (spec.redirectFunction ? { redirectFunction: spec.redirectFunction.name } : {}),
  describe: (spec) =>
    `${spec.aliases.join(', ')} with ACM certificate ${spec.certificateArn}, SNI, ${MINIMUM_PROTOCOL}`,
}
