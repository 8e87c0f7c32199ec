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
import { fqdn, hostedZoneKind, type ObservedHostedZone } from '../resources/route53/hosted-zone.js'
import { recordSetKind, type AliasTarget } from '../resources/route53/record-set.js'
import { validateCertificates } from './dns-certificates.js'
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
    const zone = await adoptOrUseZone(ctx, settings.zone)
    const outputs: DnsOutputs = zone ? { hostedZoneId: zone.id, nameServers: zone.nameServers } : {}
    const issued = await certificates(ctx, settings, zone, outputs)
    if (!zone || !issued) {
      keepRecorded(ctx)
      return outputs
    }
    await customDomains(ctx, settings, zone, issued, outputs)
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

/**
 * Each certificate, its validation records in the zone, and the wait for ISSUED (with the deadline). Returns the ARN
 * of each region's certificate when every one is issued; undefined while one waits (or in a plan that would make one).
 */
async function certificates(
  ctx: StepContext,
  settings: DnsSettings,
  zone: ObservedHostedZone | undefined,
  outputs: DnsOutputs,
): Promise<Record<string, string> | undefined> {
  const found: Array<{ spec: CertificateSpec; result: Ensured; observed?: ObservedCertificate }> = []
  for (const spec of settings.certificates) {
    const { result, observed } = await converge(ctx, certificateKind, spec)
    found.push({ spec, result, observed })
  }
  const ready = found.flatMap((c) => (c.observed ? [{ ...c, observed: c.observed }] : []))
  const certs =
    zone && ready.length === found.length
      ? await validateCertificates(ctx, ready, zone, (ctx.certTimeoutMinutes ?? DEFAULT_CERT_TIMEOUT_MINUTES) * 60_000)
      : []
  // Reported after the wait: a certificate still pending carries what to do.
  for (const c of found) ctx.report(c.result)
  if (certs.length === 0) return undefined
  outputs.certificateArns = Object.fromEntries(certs.map((c, i) => [found[i]!.spec.region, c.arn]))
  const issued = certs.every((c) => c.status === 'ISSUED')
  outputs.certificateStatus = issued ? 'ISSUED' : WAITING_FOR_VALIDATION
  return issued ? outputs.certificateArns : undefined
}

async function customDomains(
  ctx: StepContext,
  settings: DnsSettings,
  zone: ObservedHostedZone,
  arns: Record<string, string>,
  outputs: DnsOutputs,
): Promise<void> {
  const { hosts } = settings
  const endpoints: Record<string, string> = {}
  const distribution = ctx.upstream.cloudfront
  if (distribution?.distributionId && distribution.domainName) {
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
      certificateArn: arns[CLOUDFRONT_REGION]!,
      redirectFunction: { name: settings.redirectFunctionName, ...(redirect && { arn: redirect.result.arn }) },
    })
    const target = { dnsName: distribution.domainName, hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID }
    await aliasRecords(ctx, zone, 'app', hosts.app, target)
    if (www) await aliasRecords(ctx, zone, 'www', www.host, target)
    outputs.appUrl = endpoints['Frontend (custom domain)'] = `https://${hosts.app}`
  }
  const regional = arns[ctx.config.region] ?? arns[CLOUDFRONT_REGION]!
  const rest = ctx.upstream.api
  if (rest?.restApiId && rest.stage) {
    const mapping = { logicalId: 'api', name: hosts.api, restApiId: rest.restApiId, stage: rest.stage }
    if (await apiDomain(ctx, zone, domainNameKind, basePathMappingKind, mapping, regional))
      outputs.apiUrl = endpoints['REST API (custom domain)'] = `https://${hosts.api}`
  }
  const ws = ctx.upstream.websocket
  if (ws?.websocketApiId && ws.stage) {
    const mapping = { logicalId: 'websocket', name: hosts.websocket, apiId: ws.websocketApiId, stage: ws.stage }
    if (await apiDomain(ctx, zone, webSocketDomainKind, apiMappingKind, mapping, regional))
      outputs.websocketUrl = endpoints['WebSocket API (custom domain)'] = `wss://${hosts.websocket}`
  }
  if (Object.keys(endpoints).length > 0) outputs.endpoints = endpoints
}

const targetOf = (d: ObservedDomainName): AliasTarget => ({
  dnsName: d.targetDomainName,
  hostedZoneId: d.targetHostedZoneId,
})

/** Converges and reports one resource; its observed state when it is ours (undefined in a plan that would create). */
/**
 * An API's regional custom domain, its mapping to the API's stage and its alias records. A domain that is not ours
 * (or, in a plan, not made yet) gets no mapping and no records: false.
 */
async function apiDomain<M extends SpecBase>(
  ctx: StepContext,
  zone: ObservedHostedZone,
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
  await step(ctx, mappingKind, mapping)
  await aliasRecords(ctx, zone, mapping.logicalId, mapping.name, targetOf(domain))
  return true
}

async function step<S extends SpecBase, O>(ctx: StepContext, kind: ResourceKind<S, O>, spec: S) {
  const out = await converge(ctx, kind, spec)
  ctx.report(out.result)
  return out.observed
}

/** A and AAAA aliases (CloudFront and regional API domains answer both) for one host name. */
async function aliasRecords(
  ctx: StepContext,
  zone: ObservedHostedZone,
  logicalId: string,
  host: string,
  alias: AliasTarget,
): Promise<void> {
  for (const type of ['A', 'AAAA'] as const) {
    await step(ctx, recordSetKind, {
      logicalId: `${logicalId}-${type}`,
      name: fqdn(host),
      zoneId: zone.id,
      type,
      alias,
    })
  }
}
