// Step 09's certificate validation: ACM publishes each certificate's validation CNAME a few seconds after the request;
// it is UPSERTed into the zone as soon as it appears (and kept: ACM renews against it), then the run waits for ISSUED
// until --cert-timeout, for the certificates of both regions at once. Past the deadline the certificate is reported
// as waiting for DNS validation, with what to do.
import {
  describeCertificate,
  observeCertificate,
  type CertificateSpec,
  type ObservedCertificate,
} from '../resources/acm/certificate.js'
import { pollUntil } from '../aws/poll.js'
import { StepError } from '../errors/index.js'
import { settleAll } from '../aws/concurrency.js'
import { keyOf } from '../resources/engine/converge.js'
import { checkDelegation, delegationNote } from '../resources/route53/delegation.js'
import { recordSetKind } from '../resources/route53/record-set.js'
import type { Ensured } from '../resources/types.js'
import type { ZoneRecords } from './dns-records.js'
import { WAITING_FOR_VALIDATION } from './dns-specs.js'
import type { StepContext } from './types.js'

// ACM publishes the records within seconds; terraform gives it 5 minutes (reliability rules, rule 17).
const RECORDS_TIMEOUT_MS = 5 * 60_000

/** Every name of the certificate has its record: ACM lists one option per name, each with its CNAME once published. */
async function withValidationRecords(
  ctx: StepContext,
  spec: CertificateSpec,
  cert: ObservedCertificate,
): Promise<ObservedCertificate> {
  const names = 1 + spec.alternativeNames.length
  if (cert.recordsPublished && cert.validationRecords.length > 0) return cert
  const detail = await pollUntil({
    read: () => describeCertificate(ctx, spec.region, cert.arn),
    judge: (d) => {
      if (!d) return { failed: 'the certificate no longer exists' }
      const options = d.DomainValidationOptions ?? []
      return options.length >= names && options.every((o) => o.ResourceRecord) ? 'done' : 'waiting'
    },
    describe: (d) => `${d?.Status ?? 'gone'}, validation records not published yet`,
    label: `ACM certificate ${cert.arn}: waiting for ACM to publish its validation records`,
    timeoutMs: RECORDS_TIMEOUT_MS * ctx.timing.deadlineScale,
    backoff: ctx.timing.poll,
    report: { to: ctx, resource: `certificate ${spec.name} (${spec.region})`, state: 'validation records' },
  })
  return observeCertificate(detail!, cert.tags)
}

/** The validation CNAMEs in the zone, side by side; a record two certificates share (same names in two regions) once. */
async function upsertValidationRecords(ctx: StepContext, certs: ObservedCertificate[], records: ZoneRecords) {
  const unique = new Map(
    certs
      .flatMap((c) => c.validationRecords)
      .map((record) => [`validation-${record.name.replace(/\.$/, '')}`, record] as const)
      .filter(([logicalId]) => !ctx.converged?.has(keyOf(recordSetKind, logicalId))),
  )
  await settleAll(
    [...unique].map(([logicalId, record]) =>
      records.converge({ logicalId, name: record.name, type: 'CNAME', values: [record.value] }),
    ),
  )
}

/** Waits for ISSUED until the deadline; past it, the certificate as it is (still pending). */
async function waitIssued(
  ctx: StepContext,
  spec: CertificateSpec,
  cert: ObservedCertificate,
  timeoutMs: number,
): Promise<ObservedCertificate> {
  try {
    const detail = await pollUntil({
      read: () => describeCertificate(ctx, spec.region, cert.arn),
      judge: (d) => {
        if (d?.Status === 'ISSUED') return 'done'
        if (d?.Status === 'PENDING_VALIDATION') return 'waiting'
        return { failed: `${d?.Status ?? 'gone'}${d?.FailureReason ? ` (${d.FailureReason})` : ''}` }
      },
      describe: (d) => d?.Status ?? 'gone',
      label: `ACM certificate ${cert.arn} (${spec.region})`,
      timeoutMs: timeoutMs * ctx.timing.deadlineScale,
      backoff: ctx.timing.poll,
      report: { to: ctx, resource: `certificate ${spec.name} (${spec.region})`, state: 'ISSUED' },
    })
    return observeCertificate(detail!, cert.tags)
  } catch (e) {
    if (e instanceof StepError && e.code === 'WaitTimedOut') return cert
    if (e instanceof StepError && e.code === 'WaitFailed') {
      throw new StepError('CertificateValidationFailed', `validating ${e.message}`, {
        hint: 'ACM gave up on this certificate: delete it in the ACM console (or `infra destroy --only dns`), check that the zone is the one the registrar points at, then rerun.',
        cause: e,
      })
    }
    throw e
  }
}

/**
 * Publishes every certificate's validation records, checks the delegation once when one still needs validating, and
 * waits for each to be issued (all within the one deadline each, the certificates side by side). Dry runs only plan
 * the records.
 */
export async function validateCertificates(
  ctx: StepContext,
  found: Array<{ spec: CertificateSpec; observed: ObservedCertificate; result: Ensured }>,
  records: ZoneRecords,
  timeoutMs: number,
): Promise<ObservedCertificate[]> {
  const certs = await settleAll(
    found.map((c) => (ctx.dryRun ? Promise.resolve(c.observed) : withValidationRecords(ctx, c.spec, c.observed))),
  )
  await upsertValidationRecords(ctx, certs, records)
  if (ctx.dryRun || certs.every((c) => c.status === 'ISSUED')) return certs
  const { zone } = records
  const delegation = await checkDelegation(zone.name, zone.nameServers)
  const warning = delegationNote(zone.name, zone.nameServers, delegation)
  if (warning) ctx.log(warning)
  return settleAll(
    found.map(async (c, i) => {
      const cert = certs[i]!.status === 'ISSUED' ? certs[i]! : await waitIssued(ctx, c.spec, certs[i]!, timeoutMs)
      if (cert.status !== 'ISSUED') {
        const rerun = `infra step dns --env ${ctx.identity.env}`
        c.result.note = [
          c.result.note,
          `${WAITING_FOR_VALIDATION}: ${warning ?? `ACM has not seen the validation record of ${zone.name} yet`}; everything else is deployed, and \`${rerun}\` (or the next deploy) finishes the custom domains once it is issued`,
        ]
          .filter(Boolean)
          .join('; ')
      }
      return cert
    }),
  )
}
