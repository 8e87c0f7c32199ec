// Step 09 (the manual's Route 53 and ACM): the domain's public hosted zone, the certificates (us-east-1 for CloudFront,
// the API's region when it differs) validated by DNS, and the custom domains: https://<domain> → CloudFront,
// https://api.<domain> → the REST API, wss://ws.<domain> → the WebSocket API, with A and AAAA alias records.
//
// It runs after steps 04, 05 and 07: the alias records need the distribution's and the API domains' targets, and the
// distribution's custom domain needs an issued certificate. So the distribution, the APIs and the site are up before
// any wait on DNS, and this step owns everything that carries the domain (the distribution's aliases are its own
// kind, as step 07's bucket policy is beside step 06's bucket): one owner per resource and no cycle. Waiting for ISSUED
// has a deadline (--cert-timeout); past it the step finishes, says what to do, and the next run picks it up.
import { certificateKind, type CertificateSpec, type ObservedCertificate } from '../resources/acm/certificate.js'
import type { Ensured } from '../resources/types.js'
import {
  basePathMappingKind,
  domainNameKind,
  type DomainNameSpec,
  type ObservedDomainName,
} from '../resources/apigateway/domain-name.js'
import { apiMappingKind, webSocketDomainKind } from '../resources/apigateway/websocket-domain.js'
import { aliasesKind, CLOUDFRONT_HOSTED_ZONE_ID } from '../resources/cloudfront/aliases.js'
import { cloudFrontFunctionKind } from '../resources/cloudfront/function.js'
import { offlineOutcome } from '../resources/common.js'
import { converge } from '../resources/engine/converge.js'
import type { AnyKind, ResourceKind, SpecBase } from '../resources/engine/kind.js'
import { fqdn, hostedZoneKind } from '../resources/route53/hosted-zone.js'
import { recordSetKind, type AliasTarget } from '../resources/route53/record-set.js'
import { settleAll } from '../aws/concurrency.js'
import { validateCertificates } from './dns-certificates.js'
import { zoneRecords, type ZoneRecords } from './dns-records.js'
import { adoptOrUseZone } from './dns-zone.js'
import {
  CLOUDFRONT_REGION,
  DEFAULT_CERT_TIMEOUT_MINUTES,
  dnsSettings,
  WAITING_FOR_VALIDATION,
  type DnsOutputs,
  type DnsSettings,
} from './dns-specs.js'
import type { Step, StepContext } from './types.js'

// What carries the domain and so waits for an issued certificate: kept as they are while one is pending.
const NEEDS_CERTIFICATE: AnyKind[] = [
  aliasesKind,
  cloudFrontFunctionKind,
  domainNameKind,
  basePathMappingKind,
  webSocketDomainKind,
  apiMappingKind,
] as unknown as AnyKind[]

export const dnsStep: Step<'dns'> = {
  id: 'dns',
  number: 9,
  title: 'Route 53 and ACM',
  needs: ['api', 'websocket', 'cloudfront'],
  inputs: (config) => dnsSettings(config) ?? null,
  preflight(config) {
    dnsSettings(config)
  },
  async run(ctx) {
    const settings = dnsSettings(ctx.config)
    if (!settings) return {}
    if (ctx.offline) return planOffline(ctx, settings)
    // A certificate is requested without the zone: both start at once; its validation records wait for the zone.
    const [zone, found] = await settleAll([adoptOrUseZone(ctx, settings.zone), requestCertificates(ctx, settings)])
    const records = zone && zoneRecords(ctx, zone)
    const outputs: DnsOutputs = zone ? { hostedZoneId: zone.observed.id, nameServers: zone.observed.nameServers } : {}
    const issued = await certificates(ctx, found, records, outputs)
    if (!records || !issued) {
      keepRecorded(ctx)
      return outputs
    }
    await customDomains(ctx, settings, records, issued, outputs)
    return outputs
  },
}

/** Offline: the zone and certificates from config, the rest as the manifest recorded it (unverified, never removed). */
async function planOffline(ctx: StepContext, settings: DnsSettings): Promise<DnsOutputs> {
  ctx.report((await converge(ctx, hostedZoneKind, settings.zone)).result)
  for (const spec of settings.certificates) ctx.report((await converge(ctx, certificateKind, spec)).result)
  for (const [key, rec] of Object.entries(ctx.record.manifest.resources)) {
    if (rec.step !== ctx.stepId || ctx.converged?.has(key)) continue
    ctx.converged?.add(key)
    ctx.report(offlineOutcome(ctx, rec.kind, key, rec.name))
  }
  return {}
}

/** While a certificate is pending, the custom domains recorded earlier stay as they are (not pruned as dropped). */
function keepRecorded(ctx: StepContext): void {
  const waiting = new Set(NEEDS_CERTIFICATE.map((k) => k.kind))
  for (const [key, rec] of Object.entries(ctx.record.manifest.resources)) {
    if (rec.step === ctx.stepId && (waiting.has(rec.kind) || rec.kind === recordSetKind.kind)) ctx.converged?.add(key)
  }
}

type FoundCertificate = { spec: CertificateSpec; result: Ensured; observed?: ObservedCertificate }

/** Each region's certificate, side by side (requested when missing). */
function requestCertificates(ctx: StepContext, settings: DnsSettings): Promise<FoundCertificate[]> {
  return settleAll(
    settings.certificates.map(async (spec) => ({ spec, ...(await converge(ctx, certificateKind, spec)) })),
  )
}

/**
 * The certificates' validation records in the zone, and the wait for ISSUED (with the deadline). Returns the ARN of
 * each region's certificate when every one is issued; undefined while one waits (or in a plan that would make one).
 */
async function certificates(
  ctx: StepContext,
  found: FoundCertificate[],
  records: ZoneRecords | undefined,
  outputs: DnsOutputs,
): Promise<Record<string, string> | undefined> {
  const ready = found.flatMap((c) => (c.observed ? [{ ...c, observed: c.observed }] : []))
  const certs =
    records && ready.length === found.length
      ? await validateCertificates(
          ctx,
          ready,
          records,
          (ctx.certTimeoutMinutes ?? DEFAULT_CERT_TIMEOUT_MINUTES) * 60_000,
        )
      : []
  // Reported after the wait: a certificate still pending carries what to do.
  for (const c of found) ctx.report(c.result)
  if (certs.length === 0) return undefined
  outputs.certificateArns = Object.fromEntries(certs.map((c, i) => [found[i]!.spec.region, c.arn]))
  const issued = certs.every((c) => c.status === 'ISSUED')
  outputs.certificateStatus = issued ? 'ISSUED' : WAITING_FOR_VALIDATION
  return issued ? outputs.certificateArns : undefined
}

/**
 * The three custom domains side by side (each needs only the certificate and its own target): the distribution's
 * aliases, the REST API's and the WebSocket API's domains, each followed by its records.
 */
async function customDomains(
  ctx: StepContext,
  settings: DnsSettings,
  records: ZoneRecords,
  arns: Record<string, string>,
  outputs: DnsOutputs,
): Promise<void> {
  const regional = arns[ctx.config.region] ?? arns[CLOUDFRONT_REGION]!
  const [app, api, websocket] = await settleAll([
    frontendDomain(ctx, settings, records, arns[CLOUDFRONT_REGION]!),
    restApiDomain(ctx, settings, records, regional),
    webSocketDomain(ctx, settings, records, regional),
  ])
  // A fixed order, whichever domain was done first.
  const endpoints: Record<string, string> = {}
  if (app) outputs.appUrl = endpoints['Frontend (custom domain)'] = app
  if (api) outputs.apiUrl = endpoints['REST API (custom domain)'] = api
  if (websocket) outputs.websocketUrl = endpoints['WebSocket API (custom domain)'] = websocket
  if (Object.keys(endpoints).length > 0) outputs.endpoints = endpoints
}

/** The distribution's aliases and viewer certificate (and the www redirect), then their records: its URL. */
async function frontendDomain(
  ctx: StepContext,
  settings: DnsSettings,
  records: ZoneRecords,
  certificateArn: string,
): Promise<string | undefined> {
  const { hosts } = settings
  const distribution = ctx.upstream.cloudfront
  if (!distribution?.distributionId || !distribution.domainName) return undefined
  const www = settings.wwwRedirect
  // The function first: the distribution can only name one that exists (and is published).
  const redirect =
    www &&
    (await converge(ctx, cloudFrontFunctionKind, { ...www.function, distributionId: distribution.distributionId }))
  if (redirect) ctx.report(redirect.result)
  await step(ctx, aliasesKind, {
    logicalId: 'frontend',
    name: distribution.distributionId,
    aliases: www ? [hosts.app, www.host] : [hosts.app],
    certificateArn,
    redirectFunction: { name: settings.redirectFunctionName, ...(redirect && { arn: redirect.result.arn }) },
  })
  const target = { dnsName: distribution.domainName, hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID }
  await settleAll([
    aliasRecords(records, 'app', hosts.app, target),
    www ? aliasRecords(records, 'www', www.host, target) : undefined,
  ])
  return `https://${hosts.app}`
}

async function restApiDomain(
  ctx: StepContext,
  settings: DnsSettings,
  records: ZoneRecords,
  certificateArn: string,
): Promise<string | undefined> {
  const rest = ctx.upstream.api
  if (!rest?.restApiId || !rest.stage) return undefined
  const host = settings.hosts.api
  const mapping = { logicalId: 'api', name: host, restApiId: rest.restApiId, stage: rest.stage }
  const made = await apiDomain(ctx, records, domainNameKind, basePathMappingKind, mapping, certificateArn)
  return made ? `https://${host}` : undefined
}

async function webSocketDomain(
  ctx: StepContext,
  settings: DnsSettings,
  records: ZoneRecords,
  certificateArn: string,
): Promise<string | undefined> {
  const ws = ctx.upstream.websocket
  if (!ws?.websocketApiId || !ws.stage) return undefined
  const host = settings.hosts.websocket
  const mapping = { logicalId: 'websocket', name: host, apiId: ws.websocketApiId, stage: ws.stage }
  const made = await apiDomain(ctx, records, webSocketDomainKind, apiMappingKind, mapping, certificateArn)
  return made ? `wss://${host}` : undefined
}

const targetOf = (d: ObservedDomainName): AliasTarget => ({
  dnsName: d.targetDomainName,
  hostedZoneId: d.targetHostedZoneId,
})

/**
 * An API's regional custom domain, then its mapping to the API's stage and its alias records side by side. A domain
 * that is not ours (or, in a plan, not made yet) gets no mapping and no records: false.
 */
async function apiDomain<M extends SpecBase>(
  ctx: StepContext,
  records: ZoneRecords,
  domainKind: ResourceKind<DomainNameSpec, ObservedDomainName>,
  mappingKind: ResourceKind<M, unknown>,
  mapping: M,
  certificateArn: string,
): Promise<boolean> {
  const domain = await step(ctx, domainKind, {
    logicalId: mapping.logicalId,
    name: mapping.name,
    certificateArn,
    tags: ctx.config.tags,
  })
  if (!domain) return false
  await settleAll([
    step(ctx, mappingKind, mapping),
    aliasRecords(records, mapping.logicalId, mapping.name, targetOf(domain)),
  ])
  return true
}

/** Converges and reports one resource; its observed state when it is ours (undefined in a plan that would create). */
async function step<S extends SpecBase, O>(ctx: StepContext, kind: ResourceKind<S, O>, spec: S) {
  const out = await converge(ctx, kind, spec)
  ctx.report(out.result)
  return out.observed
}

/** A and AAAA aliases (CloudFront and regional API domains answer both) for one host name, side by side. */
async function aliasRecords(records: ZoneRecords, logicalId: string, host: string, alias: AliasTarget) {
  await settleAll(
    (['A', 'AAAA'] as const).map((type) =>
      records.converge({ logicalId: `${logicalId}-${type}`, name: fqdn(host), type, alias }),
    ),
  )
}
