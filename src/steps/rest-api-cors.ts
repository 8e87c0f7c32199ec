// CORS for the REST API (step 04), pure. OPTIONS is answered by a MOCK integration: 200 with the allowed origin,
// methods and headers.
//
// Several allowed origins: a MOCK integration cannot look the origin up in a list by itself, so the OPTIONS answer
// carries the first origin as a static header and a mapping template overrides it with the request's Origin when that
// origin is in the list. Gateway responses (4XX/5XX errors made by API Gateway itself) cannot do that and carry the
// first origin. Responses of the Lambda functions (AWS_PROXY) carry whatever headers the functions set.
import type { MethodSpec } from '../resources/apigateway/rest-api-diff.js'

const MOCK_OK = { 'application/json': '{"statusCode": 200}' }

const quoted = (value: string) => `'${value}'`

/** The three CORS headers as static values, prefixed as the mapping wants them. */
export function corsHeaders(prefix: string, origins: string[], methods: string[], headers: string[]) {
  return {
    [`${prefix}Access-Control-Allow-Origin`]: quoted(origins[0]!),
    [`${prefix}Access-Control-Allow-Methods`]: quoted(methods.join(',')),
    [`${prefix}Access-Control-Allow-Headers`]: quoted(headers.join(',')),
  }
}

/** VTL that replaces the static origin with the request's Origin when it is one of the allowed ones. */
export function originOverrideTemplate(origins: string[]): string {
  const test = origins.map((o) => `$origin == "${o}"`).join(' || ')
  return [
    `#set($origin = $input.params("Origin"))`,
    `#if($origin == "")#set($origin = $input.params("origin"))#end`,
    `#if(${test})`,
    `#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)`,
    `#end`,
  ].join('\n')
}

export function corsMethod(origins: string[], methods: string[], headers: string[]): MethodSpec {
  const parameters = corsHeaders('method.response.header.', origins, methods, headers)
  return {
    httpMethod: 'OPTIONS',
    authorizationType: 'NONE',
    apiKeyRequired: false,
    integration: {
      type: 'MOCK',
      requestTemplates: MOCK_OK,
      responses: {
        '200': {
          responseParameters: parameters,
          ...(origins.length > 1 ? { responseTemplates: { 'application/json': originOverrideTemplate(origins) } } : {}),
        },
      },
    },
    responses: { '200': Object.fromEntries(Object.keys(parameters).map((k) => [k, true])) },
  }
}
