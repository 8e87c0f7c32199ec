// ACM certificate validated by DNS. Certificates have no unique name (any number can be requested for one domain), so
// one is ours only when it carries this service's and environment's tags, which RequestCertificate sets atomically;
// the IdempotencyToken (derived from stable names, written to the manifest first) makes a request sent again after a
// crash return the same certificate. The validation records and the wait for ISSUED are the step's (they need the zone).
import {
  ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
  type CertificateDetail,
} from '@aws-sdk/client-acm'
import { createHash } from 'node:crypto'
import type { Tags } from '../../config/types.js'
import { isCertificateInUse, isNotFound } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { StepError } from '../../errors/index.js'
import { changedTags, diffTags, isOurs } from '../common.js'
import type { Observation, ResourceKind } from '../engine/kind.js'
import type { ResourceRecord } from '../../manifest/types.js'
import type { ResourceContext } from '../types.js'

export const CERTIFICATE_KIND = 'acm-certificate'
// ACM: an IdempotencyToken is at most 32 word characters.
const TOKEN_MAX = 32
// API Gateway and CloudFront release a certificate some minutes after the domain or alias that used it is gone
// (reliability rules, rule 17: more than 15 min at times).
const RELEASE_TIMEOUT_MS = 20 * 60_000
// Every state a live certificate of ours can be in; expired, revoked and failed ones are not reused.
const LIVE_STATUSES = ['PENDING_VALIDATION', 'ISSUED'] as const

export interface CertificateSpec {
  /** The region: one certificate per region that uses it (CloudFront only reads us-east-1). */
  logicalId: string
  /** The certificate's domain. */
  name: string
  alternativeNames: string[]
  region: string
  tags: Tags
}

export interface ValidationRecord {
  name: string
  type: string
  value: string
}

export interface ObservedCertificate {
  arn: string
  domain: string
  alternativeNames: string[]
  status: string
  /** The CNAMEs ACM asks for; empty until ACM has published them (a few seconds after the request). */
  validationRecords: ValidationRecord[]
  /** Every name has its record (ACM may publish them one at a time). */
  recordsPublished: boolean
  tags: Tags
}

const client = (ctx: ResourceContext, spec: { region: string }) => ctx.aws.get(ACMClient, spec.region)

export function observeCertificate(c: CertificateDetail, tags: Tags): ObservedCertificate {
  const records = new Map<string, ValidationRecord>()
  for (const option of c.DomainValidationOptions ?? []) {
    const r = option.ResourceRecord
    // `example.com` and `*.example.com` share one record.
    if (r?.Name && r.Type && r.Value) records.set(r.Name, { name: r.Name, type: r.Type, value: r.Value })
  }
  return {
    arn: c.CertificateArn!,
    domain: c.DomainName!,
    // ACM lists the domain itself among the alternative names.
    alternativeNames: (c.SubjectAlternativeNames ?? []).filter((n) => n !== c.DomainName),
    status: c.Status!,
    validationRecords: [...records.values()],
    recordsPublished: (c.DomainValidationOptions ?? []).every((o) => o.ResourceRecord),
    tags,
  }
}

export async function describeCertificate(
  ctx: ResourceContext,
  region: string,
  arn: string,
): Promise<CertificateDetail | undefined> {
  try {
    return (await ctx.aws.get(ACMClient, region).send(new DescribeCertificateCommand({ CertificateArn: arn })))
      .Certificate
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

async function tagsOf(acm: ACMClient, arn: string): Promise<Tags> {
  const { Tags: list } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))
  return Object.fromEntries((list ?? []).map((t) => [t.Key!, t.Value ?? '']))
}

async function observe(ctx: ResourceContext, region: string, arn: string) {
  const detail = await describeCertificate(ctx, region, arn)
  if (!detail) return undefined
  const tags = await tagsOf(ctx.aws.get(ACMClient, region), arn)
  const observed = observeCertificate(detail, tags)
  return { observed, arn, tags } satisfies Observation<ObservedCertificate>
}

/** Live certificates for the domain that carry this service's and environment's tags: a stranger's is never used. */
async function ourCertificates(ctx: ResourceContext, spec: Pick<CertificateSpec, 'name' | 'region'>) {
  const acm = client(ctx, spec)
  const arns: string[] = []
  let NextToken: string | undefined
  do {
    const page = await acm.send(new ListCertificatesCommand({ CertificateStatuses: [...LIVE_STATUSES], NextToken }))
    for (const c of page.CertificateSummaryList ?? []) if (c.DomainName === spec.name) arns.push(c.CertificateArn!)
    NextToken = page.NextToken
  } while (NextToken)
  const found = await Promise.all(arns.map((arn) => observe(ctx, spec.region, arn)))
  return found.filter((o) => o !== undefined && isOurs(o.tags, ctx.identity)) as Array<Observation<ObservedCertificate>>
}

/** The recorded certificate while it is live, else ours for the domain. */
async function findCertificate(
  ctx: ResourceContext,
  spec: Pick<CertificateSpec, 'name' | 'region'>,
  recorded: ResourceRecord | undefined,
): Promise<Array<Observation<ObservedCertificate>>> {
  const byArn = recorded?.arn ? await observe(ctx, spec.region, recorded.arn) : undefined
  if (byArn && LIVE_STATUSES.some((s) => s === byArn.observed.status)) return [byArn]
  return ourCertificates(ctx, spec)
}

/** Stable for the environment, region and names asked for: a request sent again returns the same certificate. */
export function certificateToken(spec: CertificateSpec, ctx: ResourceContext): string {
  const names = [spec.name, ...spec.alternativeNames].join(',')
  return createHash('sha256')
    .update(`${ctx.identity.service}/${ctx.identity.env}/${spec.region}/${names}`)
    .digest('hex')
    .slice(0, TOKEN_MAX)
}

const sameNames = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())

export const certificateKind: ResourceKind<CertificateSpec, ObservedCertificate> = {
  kind: CERTIFICATE_KIND,
  label: 'ACM certificate',
  codePrefix: 'Certificate',
  identity: 'token',
  find: (ctx, spec, recorded) => findCertificate(ctx, spec, recorded),
  early: {
    service: 'acm',
    read: (ctx, recorded) =>
      findCertificate(ctx, { name: recorded.name, region: String(recorded.attributes?.region) }, recorded),
    covers: (recorded, spec) => recorded.attributes?.region === spec.region,
  },
  diff: (observed, spec) => diffTags(observed.tags, spec.tags),
  refuse(observed, spec) {
    if (sameNames(observed.alternativeNames, spec.alternativeNames)) return
    throw new StepError(
      'CertificateNamesChanged',
      `ACM certificate ${observed.arn} covers ${[observed.domain, ...observed.alternativeNames].join(', ')}; config asks for ${[spec.name, ...spec.alternativeNames].join(', ')}, and ACM cannot change a certificate's names`,
      {
        hint: 'Put dns.certificate back as it was, or remove the dns section, deploy (which removes the certificate and what uses it), then add it again.',
      },
    )
  },
  token: certificateToken,
  async create(ctx, spec, token) {
    const out = await client(ctx, spec).send(
      new RequestCertificateCommand({
        DomainName: spec.name,
        ...(spec.alternativeNames.length > 0 ? { SubjectAlternativeNames: spec.alternativeNames } : {}),
        ValidationMethod: 'DNS',
        IdempotencyToken: token ?? certificateToken(spec, ctx),
        Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    )
    const arn = out.CertificateArn!
    const observed = {
      arn,
      domain: spec.name,
      alternativeNames: spec.alternativeNames,
      status: 'PENDING_VALIDATION',
      validationRecords: [],
      recordsPublished: false,
      tags: spec.tags,
    }
    return { observed, arn, tags: spec.tags }
  },
  async apply(ctx, observed, spec, changes) {
    const tags = changedTags(changes)
    await client(ctx, spec).send(
      new AddTagsToCertificateCommand({
        CertificateArn: observed.arn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    )
    return { observed: { ...observed, tags: { ...observed.tags, ...tags } } }
  },
  async delete(ctx, record) {
    const region = String(record.attributes?.region ?? ctx.identity.region)
    const acm = ctx.aws.get(ACMClient, region)
    await retryWhile(() => acm.send(new DeleteCertificateCommand({ CertificateArn: record.arn })), isCertificateInUse, {
      timeoutMs: RELEASE_TIMEOUT_MS * ctx.timing.deadlineScale,
      label: `deleting ACM certificate ${record.arn} (still in use by a distribution or an API domain being released)`,
      backoff: ctx.timing.poll,
      report: { to: ctx, resource: `certificate ${record.name}`, state: 'released' },
    })
  },
  attributes: (_observed, spec) => ({ region: spec.region }),
  describe: (spec) => `${[spec.name, ...spec.alternativeNames].join(', ')} in ${spec.region}, validated by DNS`,
}
