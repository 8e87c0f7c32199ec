// A distribution's custom domain: its aliases and the us-east-1 ACM certificate it presents for them (SNI,
// TLSv1.2_2021). Step 09 owns this part of the distribution, as step 07 owns the bucket policy of step 06's bucket:
// it can only be set once the certificate is issued, and step 07's distribution exists before that (the alias records
// need its domain). Ours because the distribution is; removing it puts the CloudFront domain and certificate back.
import { CloudFrontClient, GetDistributionConfigCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceKind } from '../engine/kind.js'
import type { Change, ResourceContext } from '../types.js'
import { updateConfig } from './distribution.js'

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
}

export interface ObservedAliases {
  aliases: string[]
  certificateArn: string
  minimumProtocolVersion: string
  sslSupportMethod: string
}

function observeAliases(config: DistributionConfig): ObservedAliases {
  const cert = config.ViewerCertificate
  return {
    aliases: [...(config.Aliases?.Items ?? [])].sort(),
    certificateArn: cert?.ACMCertificateArn ?? '',
    minimumProtocolVersion: cert?.MinimumProtocolVersion ?? '',
    sslSupportMethod: cert?.SSLSupportMethod ?? '',
  }
}

const wanted = (spec: AliasesSpec): ObservedAliases => ({
  aliases: [...spec.aliases].sort(),
  certificateArn: spec.certificateArn,
  minimumProtocolVersion: MINIMUM_PROTOCOL,
  sslSupportMethod: 'sni-only',
})

export function diffAliases(have: ObservedAliases, spec: AliasesSpec): Change[] {
  const want = wanted(spec)
  return (Object.keys(want) as Array<keyof ObservedAliases>)
    .filter((f) => JSON.stringify(have[f]) !== JSON.stringify(want[f]))
    .map((field) => ({ field, from: have[field], to: want[field] }))
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

async function setDomain(ctx: ResourceContext, distributionId: string, spec?: AliasesSpec): Promise<ObservedAliases> {
  const updated = await updateConfig(ctx.aws.get(CloudFrontClient), distributionId, (c) => withDomain(c, spec))
  return observeAliases(updated.DistributionConfig!)
}

export const aliasesKind: ResourceKind<AliasesSpec, ObservedAliases> = {
  kind: ALIASES_KIND,
  label: 'CloudFront custom domain',
  codePrefix: 'Aliases',
  identity: 'name',
  ownership: 'parent',
  async find(ctx, spec) {
    try {
      const out = await ctx.aws.get(CloudFrontClient).send(new GetDistributionConfigCommand({ Id: spec.name }))
      const observed = observeAliases(out.DistributionConfig!)
      // None set yet: nothing to find, so the engine "creates" it (one update of the distribution).
      return observed.aliases.length === 0 ? [] : [{ observed, id: spec.name }]
    } catch (e) {
      if (isNotFound(e)) return []
      throw e
    }
  },
  diff: diffAliases,
  async create(ctx, spec) {
    return { observed: await setDomain(ctx, spec.name, spec), id: spec.name }
  },
  async apply(ctx, _observed, spec) {
    return { observed: await setDomain(ctx, spec.name, spec) }
  },
  async delete(ctx, record) {
    await setDomain(ctx, record.name)
  },
  describe: (spec) =>
    `${spec.aliases.join(', ')} with ACM certificate ${spec.certificateArn}, SNI, ${MINIMUM_PROTOCOL}`,
}
