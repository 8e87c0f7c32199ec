// A CloudFront Function (cloudfront-js-2.0): created and published, found again by its name (unique in the account;
// CloudFront Functions have no tags, so it is ours because the distribution it serves is). Its live code is compared
// before anything is sent: an unchanged function costs two reads. Every write carries the ETag just read.
import {
  CloudFrontClient,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  PublishFunctionCommand,
  UpdateFunctionCommand,
  type FunctionConfig,
} from '@aws-sdk/client-cloudfront'
import { isNotFound } from '../../aws/errors.js'
import type { ResourceKind } from '../engine/kind.js'
import { foundByName } from '../engine/early.js'
import type { Change, ResourceContext } from '../types.js'
import { withRedirect } from './aliases.js'
import { updateConfig } from './distribution.js'

export const FUNCTION_KIND = 'cloudfront-function'
const RUNTIME = 'cloudfront-js-2.0'

export interface CloudFrontFunctionSpec {
  logicalId: string
  /** At most 64 characters of letters, digits, - and _; unique in the account. */
  name: string
  comment: string
  code: string
  /** The distribution that associates it: a delete removes that association first (CloudFront refuses otherwise). */
  distributionId: string
}

export interface ObservedFunction {
  arn: string
  etag: string
  comment: string
  /** The LIVE stage's code; undefined while it was never published. */
  liveCode?: string
}

const config = (spec: CloudFrontFunctionSpec): FunctionConfig => ({ Comment: spec.comment, Runtime: RUNTIME })
const bytes = (code: string) => new TextEncoder().encode(code)

async function describe(cf: CloudFrontClient, name: string): Promise<ObservedFunction | undefined> {
  try {
    const dev = await cf.send(new DescribeFunctionCommand({ Name: name, Stage: 'DEVELOPMENT' }))
    const summary = dev.FunctionSummary!
    const live =
      summary.Status === 'UNPUBLISHED'
        ? undefined
        : await cf.send(new GetFunctionCommand({ Name: name, Stage: 'LIVE' }))
    return {
      arn: summary.FunctionMetadata!.FunctionARN!,
      etag: dev.ETag!,
      comment: summary.FunctionConfig?.Comment ?? '',
      ...(live?.FunctionCode && { liveCode: new TextDecoder().decode(live.FunctionCode) }),
    }
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

export function diffFunction(have: ObservedFunction, spec: CloudFrontFunctionSpec): Change[] {
  const changes: Change[] = []
  if (have.liveCode !== spec.code) changes.push({ field: 'Code', from: have.liveCode ? 'differs' : 'none', to: 'ours' })
  if (have.comment !== spec.comment) changes.push({ field: 'Comment', from: have.comment, to: spec.comment })
  return changes
}

async function publish(cf: CloudFrontClient, name: string, etag: string): Promise<ObservedFunction> {
  const out = await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: etag }))
  return {
    arn: out.FunctionSummary!.FunctionMetadata!.FunctionARN!,
    etag,
    comment: out.FunctionSummary!.FunctionConfig?.Comment ?? '',
  }
}

/** The distribution without its association of this function, when it has one (a destroy may reach it first). */
async function unassociate(ctx: ResourceContext, distributionId: string, name: string): Promise<void> {
  const cf = ctx.aws.get(CloudFrontClient)
  const current = await cf.send(new GetDistributionConfigCommand({ Id: distributionId })).catch((e: unknown) => {
    if (isNotFound(e)) return undefined
    throw e
  })
  const items = current?.DistributionConfig?.DefaultCacheBehavior?.FunctionAssociations?.Items ?? []
  if (!items.some((a) => a.FunctionARN?.endsWith(`:function/${name}`))) return
  await updateConfig(cf, distributionId, (c) => withRedirect(c, name, undefined))
}

export const cloudFrontFunctionKind: ResourceKind<CloudFrontFunctionSpec, ObservedFunction> = {
  kind: FUNCTION_KIND,
  label: 'CloudFront function',
  codePrefix: 'CloudFrontFunction',
  identity: 'name',
  ownership: 'parent',
  ...foundByName('cloudfront', async (ctx, name) => {
    const found = await describe(ctx.aws.get(CloudFrontClient), name)
    return found ? [{ observed: found, id: name, arn: found.arn }] : []
  }),
  diff: diffFunction,
  async create(ctx, spec) {
    const cf = ctx.aws.get(CloudFrontClient)
    const out = await cf.send(
      new CreateFunctionCommand({ Name: spec.name, FunctionConfig: config(spec), FunctionCode: bytes(spec.code) }),
    )
    // Published at once: only the LIVE stage runs for viewers.
    const observed = { ...(await publish(cf, spec.name, out.ETag!)), liveCode: spec.code }
    return { observed, id: spec.name, arn: observed.arn }
  },
  async apply(ctx, observed, spec) {
    const cf = ctx.aws.get(CloudFrontClient)
    const out = await cf.send(
      new UpdateFunctionCommand({
        Name: spec.name,
        IfMatch: observed.etag,
        FunctionConfig: config(spec),
        FunctionCode: bytes(spec.code),
      }),
    )
    return { observed: { ...(await publish(cf, spec.name, out.ETag!)), liveCode: spec.code } }
  },
  async delete(ctx, record) {
    const cf = ctx.aws.get(CloudFrontClient)
    const found = await describe(cf, record.name)
    const distributionId = record.attributes?.distributionId as string | undefined
    if (found && distributionId) await unassociate(ctx, distributionId, record.name)
    if (found) await cf.send(new DeleteFunctionCommand({ Name: record.name, IfMatch: found.etag }))
  },
  attributes: (_observed, spec) => ({ distributionId: spec.distributionId }),
  describe: (spec) => `${spec.name} (${RUNTIME}, viewer request): ${spec.comment}`,
}
