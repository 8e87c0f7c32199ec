// CloudFront origin access control: how the distribution signs its requests to the private bucket (SigV4, always),
// so that the bucket policy can name the distribution instead of opening the bucket to everyone. OAC names are unique
// in the account and OACs carry no tags: one with our name (which holds the service and environment) is ours.
import {
  CloudFrontClient,
  CreateOriginAccessControlCommand,
  DeleteOriginAccessControlCommand,
  GetOriginAccessControlCommand,
  ListOriginAccessControlsCommand,
  UpdateOriginAccessControlCommand,
  type OriginAccessControlConfig,
} from '@aws-sdk/client-cloudfront'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change } from '../types.js'

export const ORIGIN_ACCESS_CONTROL_KIND = 'cloudfront-origin-access-control'

export interface OriginAccessControlSpec {
  logicalId: string
  /** At most 64 characters. */
  name: string
  description: string
}

export type ObservedOriginAccessControl = OriginAccessControlConfig & { Id: string }

/** The settings every OAC of ours has: S3 origins, every request signed with SigV4. */
export function toOriginAccessControlConfig(spec: OriginAccessControlSpec): OriginAccessControlConfig {
  return {
    Name: spec.name,
    Description: spec.description,
    SigningProtocol: 'sigv4',
    SigningBehavior: 'always',
    OriginAccessControlOriginType: 's3',
  }
}

const FIELDS = ['Description', 'SigningProtocol', 'SigningBehavior', 'OriginAccessControlOriginType'] as const

export function diffOriginAccessControl(have: ObservedOriginAccessControl, spec: OriginAccessControlSpec): Change[] {
  const want = toOriginAccessControlConfig(spec)
  return FIELDS.filter((f) => (have[f] ?? '') !== want[f]).map((f) => ({ field: f, from: have[f], to: want[f] }))
}

async function oacsNamed(cf: CloudFrontClient, name: string): Promise<ObservedOriginAccessControl[]> {
  const found: ObservedOriginAccessControl[] = []
  let Marker: string | undefined
  do {
    const { OriginAccessControlList: page } = await cf.send(new ListOriginAccessControlsCommand({ Marker }))
    for (const o of page?.Items ?? []) if (o.Name === name && o.Id) found.push({ ...o, Id: o.Id })
    Marker = page?.IsTruncated ? page.NextMarker : undefined
  } while (Marker)
  return found
}

export const originAccessControlKind: ResourceKind<OriginAccessControlSpec, ObservedOriginAccessControl> = {
  kind: ORIGIN_ACCESS_CONTROL_KIND,
  label: 'CloudFront origin access control',
  codePrefix: 'OriginAccessControl',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('cloudfront', async (ctx, name) => {
    const found = await oacsNamed(ctx.aws.get(CloudFrontClient), name)
    return found.map((o) => ({ observed: o, id: o.Id }))
  }),
  diff: diffOriginAccessControl,
  async create(ctx, spec) {
    const out = await ctx.aws
      .get(CloudFrontClient)
      .send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: toOriginAccessControlConfig(spec) }))
    const id = out.OriginAccessControl!.Id!
    return { observed: { ...out.OriginAccessControl!.OriginAccessControlConfig!, Id: id }, id }
  },
  async apply(ctx, observed, spec) {
    const cf = ctx.aws.get(CloudFrontClient)
    // The update replaces the whole config and needs the current ETag, which only a Get returns.
    const { ETag } = await cf.send(new GetOriginAccessControlCommand({ Id: observed.Id }))
    const config = toOriginAccessControlConfig(spec)
    await cf.send(
      new UpdateOriginAccessControlCommand({ Id: observed.Id, IfMatch: ETag, OriginAccessControlConfig: config }),
    )
    return { observed: { ...config, Id: observed.Id } }
  },
  async delete(ctx, record) {
    const cf = ctx.aws.get(CloudFrontClient)
    const { ETag } = await cf.send(new GetOriginAccessControlCommand({ Id: record.id }))
    await cf.send(new DeleteOriginAccessControlCommand({ Id: record.id, IfMatch: ETag }))
  },
  describe: () => 'SigV4, always signs, S3 origins',
}
