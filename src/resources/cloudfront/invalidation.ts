// CloudFront invalidation of the files an upload changed. The manifest records the latest one (its id and
// CallerReference in the attributes: each new batch replaces it); a batch with a new reference is a new invalidation,
// the same reference is the same one (CloudFront returns it again for the same CallerReference and paths).
// Invalidations cannot be deleted: CloudFront keeps them with the distribution, so removing the record deletes nothing.
import { createHash } from 'node:crypto'
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  type Invalidation,
} from '@aws-sdk/client-cloudfront'
import { isNotFound } from '../../aws/errors.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { Change } from '../types.js'

export const INVALIDATION_KIND = 'cloudfront-invalidation'
/** Past this many changed paths, one `/*` (it counts as one path for billing) replaces them. */
export const INVALIDATION_PATH_THRESHOLD = 25
// A resumed create looks for its CallerReference among the distribution's newest invalidations.
const RECENT_INVALIDATIONS = 10

export interface InvalidationSpec {
  logicalId: string
  /** The distribution's id, for messages. */
  name: string
  distributionId: string
  /** CloudFront paths: `/index.html`, or `/*`. */
  paths: string[]
  /** The batch's CallerReference: new for every upload that changed files. */
  reference: string
}

export interface ObservedInvalidation {
  id: string
  distributionId: string
  status: string
  paths: string[]
  reference: string
}

/** The changed URL paths (`/index.html`), each once and sorted, or `/*` past the threshold. */
export function invalidationPaths(changed: string[]): string[] {
  const paths = [...new Set(changed.map((p) => (p.startsWith('/') ? p : `/${p}`)))].sort()
  return paths.length > INVALIDATION_PATH_THRESHOLD ? ['/*'] : paths
}

/** A CallerReference for one upload's batch: its paths and when it was made (the same paths may change again later). */
export function invalidationReference(distributionId: string, paths: string[], at: Date): string {
  const digest = createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 12)
  return `${distributionId}-${at.toISOString()}-${digest}`
}

function observe(distributionId: string, i: Invalidation): Observation<ObservedInvalidation> {
  return {
    observed: {
      id: i.Id!,
      distributionId,
      status: i.Status!,
      paths: i.InvalidationBatch?.Paths?.Items ?? [],
      reference: i.InvalidationBatch?.CallerReference ?? '',
    },
  }
}

async function getInvalidation(cf: CloudFrontClient, distributionId: string, id: string) {
  try {
    return (await cf.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }))).Invalidation
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function create(cf: CloudFrontClient, spec: InvalidationSpec, reference: string) {
  const out = await cf.send(
    new CreateInvalidationCommand({
      DistributionId: spec.distributionId,
      InvalidationBatch: { CallerReference: reference, Paths: { Quantity: spec.paths.length, Items: spec.paths } },
    }),
  )
  return observe(spec.distributionId, out.Invalidation!)
}

export const invalidationKind: ResourceKind<InvalidationSpec, ObservedInvalidation> = {
  kind: INVALIDATION_KIND,
  label: 'CloudFront invalidation',
  codePrefix: 'Invalidation',
  identity: 'token',
  ownership: 'parent',
  async find(ctx, spec, recorded) {
    const cf = ctx.aws.get(CloudFrontClient)
    const known = recorded?.attributes
    if (known?.distributionId === spec.distributionId && typeof known.invalidationId === 'string') {
      const latest = await getInvalidation(cf, spec.distributionId, known.invalidationId)
      if (latest) return [observe(spec.distributionId, latest)]
    }
    // Nothing recorded (a run that died after the create): look for the batch by its CallerReference.
    const reference = ctx.record.manifest.pending[`${INVALIDATION_KIND}:${spec.logicalId}`]?.token ?? spec.reference
    const { InvalidationList: list } = await cf.send(
      new ListInvalidationsCommand({ DistributionId: spec.distributionId, MaxItems: RECENT_INVALIDATIONS }),
    )
    for (const summary of list?.Items ?? []) {
      const i = await getInvalidation(cf, spec.distributionId, summary.Id!)
      if (i?.InvalidationBatch?.CallerReference === reference) return [observe(spec.distributionId, i)]
    }
    return []
  },
  diff(observed, spec): Change[] {
    return observed.reference === spec.reference ? [] : [{ field: 'Paths', from: observed.paths, to: spec.paths }]
  },
  token: (spec) => spec.reference,
  create: async (ctx, spec, token) => create(ctx.aws.get(CloudFrontClient), spec, token ?? spec.reference),
  async apply(ctx, _observed, spec) {
    return { observed: (await create(ctx.aws.get(CloudFrontClient), spec, spec.reference)).observed }
  },
  async delete() {
    // Nothing to delete: an invalidation is history CloudFront keeps with the distribution.
  },
  attributes: (observed) => ({
    distributionId: observed.distributionId,
    invalidationId: observed.id,
    reference: observed.reference,
  }),
  describe: (spec) => `invalidate ${spec.paths.join(', ')}`,
}
