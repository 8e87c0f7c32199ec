// Pure: the CloudFront Function that answers `www.<domain>` with a permanent redirect to `https://<domain><uri>`
// (viewer request, so nothing is fetched from the bucket for it). Unit-tested.
import type { ResolvedConfig } from '../config/types.js'
import type { CloudFrontFunctionSpec } from '../resources/cloudfront/function.js'
import { accountUniqueName, fit } from './cloudfront-specs.js'

// CloudFront's limit on a function's name.
const FUNCTION_NAME_MAX = 64

export interface WwwRedirect {
  /** The host that redirects (`www.<app>`). */
  from: string
  /** The host it redirects to (the app's). */
  to: string
}

/** The function as config alone decides it; step 09 adds the distribution it serves. */
export type RedirectFunctionSpec = Omit<CloudFrontFunctionSpec, 'distributionId'>

export function redirectFunctionSpec(config: ResolvedConfig, redirect: WwwRedirect): RedirectFunctionSpec {
  // JSON.stringify quotes the host names as JavaScript strings.
  const code = [
    'function handler(event) {',
    '  var request = event.request',
    '  var host = request.headers.host ? request.headers.host.value : ""',
    `  if (host.toLowerCase() !== ${JSON.stringify(redirect.from)}) return request`,
    '  return {',
    '    statusCode: 301,',
    '    statusDescription: "Moved Permanently",',
    `    headers: { location: { value: ${JSON.stringify(`https://${redirect.to}`)} + request.uri } },`,
    '  }',
    '}',
    '',
  ].join('\n')
  return {
    logicalId: 'www-redirect',
    name: fit(`${accountUniqueName(config)}-www-redirect`, FUNCTION_NAME_MAX),
    comment: `${redirect.from} -> https://${redirect.to}`.slice(0, 128),
    code,
  }
}
