// Pure: config → what step 09 converges (the hosted zone, one certificate per region that needs it, the host names of
// the custom domains) and the step's outputs. Unit-tested.
import { expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError } from '../errors/index.js'
import type { CertificateSpec } from '../resources/acm/certificate.js'
import type { HostedZoneSpec } from '../resources/route53/hosted-zone.js'
import type { Outputs } from './outputs.js'
import { redirectFunctionSpec, type RedirectFunctionSpec } from './www-redirect-specs.js'

/** CloudFront only uses certificates of this region. */
export const CLOUDFRONT_REGION = 'us-east-1'
/** `--cert-timeout` when not given: how long a run waits for ACM to issue a certificate before moving on. */
export const DEFAULT_CERT_TIMEOUT_MINUTES = 5
/** What a certificate still waiting for its DNS validation is reported as, in outputs and in the summary. */
export const WAITING_FOR_VALIDATION = 'waiting for DNS validation'

export interface DnsHosts {
  /** `https://<app>` → CloudFront. */
  app: string
  /** `https://<api>` → the REST API. */
  api: string
  /** `wss://<websocket>` → the WebSocket API. */
  websocket: string
}

export interface DnsSettings {
  zone: HostedZoneSpec
  /** One per region that needs it: us-east-1 for CloudFront, and the API's region when it differs. */
  certificates: CertificateSpec[]
  hosts: DnsHosts
  /** `dns.www_redirect`: the www host and the function that redirects it; absent, any association of one is removed. */
  wwwRedirect?: { host: string; function: RedirectFunctionSpec }
  /** The redirect function's name, on or off: what the distribution's association is recognised by. */
  redirectFunctionName: string
}

export interface DnsOutputs extends Outputs {
  hostedZoneId?: string
  /** The name servers to set at the registrar. */
  nameServers?: string[]
  /** `ISSUED`, or `waiting for DNS validation` until ACM has validated every certificate. */
  certificateStatus?: string
  /** By region. */
  certificateArns?: Record<string, string>
  /** The custom URLs, once their certificate is issued and their target exists. */
  appUrl?: string
  apiUrl?: string
  websocketUrl?: string
}

// The host names config.json may leave out: the site on the domain itself, the APIs on two sub-domains.
const DEFAULT_HOSTS: Record<keyof DnsHosts, string> = {
  app: '${DOMAIN}',
  api: 'api.${DOMAIN}',
  websocket: 'ws.${DOMAIN}',
}

function invalid(field: string, problem: string): ConfigError {
  return new ConfigError('InvalidConfig', `${field}: ${problem}`, { hint: `Fix ${field} in config.json, then rerun.` })
}

/** Whether a certificate for these names serves `host` (a wildcard covers one label). */
export function covers(names: string[], host: string): boolean {
  return names.some((n) => n === host || (n.startsWith('*.') && host.split('.').slice(1).join('.') === n.slice(2)))
}

/**
 * The dns section resolved for step 09, or undefined when there is nothing to do: no dns section, or no domain
 * (config.json's `domain` or DOMAIN in the env file), which every default name of the section is made of.
 */
export function dnsSettings(config: ResolvedConfig): DnsSettings | undefined {
  const dns = config.sections.dns
  if (!dns || !config.domain) return undefined
  const vars = templateVars(config)
  const expand = (field: string, template: string) => {
    const { value, problems } = expandTemplate(template, vars)
    if (problems.length > 0) throw invalid(field, problems.join('; '))
    return value.toLowerCase()
  }
  const zoneName = expand('dns.hosted_zone', dns.hosted_zone)
  const certificate = dns.certificate ?? { domain: '${DOMAIN}', subject_alternative_names: ['*.${DOMAIN}'] }
  const domain = expand('dns.certificate.domain', certificate.domain)
  const alternativeNames = certificate.subject_alternative_names.map((n, i) =>
    expand(`dns.certificate.subject_alternative_names[${i}]`, n),
  )
  const hosts = Object.fromEntries(
    (Object.keys(DEFAULT_HOSTS) as Array<keyof DnsHosts>).map((k) => [
      k,
      expand(`dns.records.${k}`, dns.records[k] ?? DEFAULT_HOSTS[k]),
    ]),
  ) as unknown as DnsHosts
  const www = `www.${hosts.app}`
  const checked = Object.entries(hosts).map(([k, host]) => [`dns.records.${k}`, host])
  if (dns.www_redirect) checked.push(['dns.www_redirect', www])
  for (const [field, host] of checked as Array<[string, string]>) {
    if (host !== zoneName && !host.endsWith(`.${zoneName}`))
      throw invalid(field, `"${host}" is not in the hosted zone ${zoneName}`)
    if (!covers([domain, ...alternativeNames], host))
      throw invalid(
        field,
        `"${host}" is not covered by the certificate (${[domain, ...alternativeNames].join(', ')}); add it (or a wildcard) to dns.certificate.subject_alternative_names`,
      )
  }
  const redirect = redirectFunctionSpec(config, { from: www, to: hosts.app })
  const usesApis = !!(config.sections.rest_api || config.sections.websocket_api)
  const regions = [CLOUDFRONT_REGION, ...(usesApis && config.region !== CLOUDFRONT_REGION ? [config.region] : [])]
  return {
    zone: {
      logicalId: 'zone',
      name: zoneName,
      comment: `${config.serviceName} ${config.environment}: managed by infra`,
      tags: config.tags,
    },
    certificates: regions.map((region) => ({
      logicalId: region,
      name: domain,
      alternativeNames,
      region,
      tags: config.tags,
    })),
    hosts,
    ...(dns.www_redirect && { wwwRedirect: { host: www, function: redirect } }),
    redirectFunctionName: redirect.name,
  }
}
