// Pure: config + upstream outputs → the REST API (step 04) as wanted: the API, its definition (paths, methods, Lambda
// proxy integrations on each function's environment alias, the Cognito authorizer, CORS) and the OpenAPI document that
// carries it, the stage, its log group, the usage plan and the Lambda permissions. Unit-tested without AWS.
import { corsOriginsFor } from '../config/cors.js'
import type { ResolvedConfig } from '../config/types.js'
import { configFieldError, expandField } from './config-fields.js'
import { StepError } from '../errors/index.js'
import { lambdaIntegrationUri } from '../resources/apigateway/call.js'
import { partitionOf } from '../resources/common.js'
import type { LogGroupSpec } from '../resources/logs/log-group.js'
import type { RestApiSpec } from '../resources/apigateway/rest-api.js'
import type {
  ApiDefinition,
  AuthorizerSpec,
  GatewayResponseSpec,
  MethodSpec,
  ResourceSpec,
} from '../resources/apigateway/rest-api-diff.js'
import { openApiDocument, type OpenApiDocument } from '../resources/apigateway/rest-api-openapi.js'
import type { StageSpec } from '../resources/apigateway/rest-api-stage.js'
import type { UsagePlanSpec } from '../resources/apigateway/rest-api-usage-plan.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import { corsHeaders, corsMethod } from './rest-api-cors.js'
import type { StepId, Upstream } from './types.js'

type RestApiSection = NonNullable<ResolvedConfig['sections']['rest_api']>

export const REST_API_LOGICAL_ID = 'rest-api'
export const AUTHORIZER_NAME = 'cognito-user-pool'
export const INVOKE_STATEMENT_ID = 'infra-rest-api-invoke'
const ERROR_BODY = { 'application/json': '{"message":$context.error.messageString}' }
// One JSON object per request: what an operator needs to find a request and what went wrong; no tokens, no bodies.
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  xrayTraceId: '$context.xrayTraceId',
})

/** What step 04 reads from the steps before it. */
export interface RestApiUpstream {
  /** Function logical id → its environment alias's ARN (step 03). */
  aliasArns: Record<string, string>
  /** The Cognito user pool (step 08), when the config has a cognito section. */
  userPoolArn?: string
}

export interface PermissionTarget {
  logicalId: string
  functionName: string
  alias: string
}

export interface RestApiPlan {
  api: RestApiSpec
  definition: ApiDefinition
  /** The definition as sent (PutRestApi) and exported (`infra export --openapi`); its hash names deployments. */
  document: OpenApiDocument
  stage: StageSpec
  logGroup: LogGroupSpec
  usagePlan?: UsagePlanSpec
  /** The functions the API invokes: each gets one permission for this API on its alias. */
  targets: PermissionTarget[]
}

function missing(what: string, step: StepId, env: string): StepError {
  return new StepError('UpstreamOutputMissing', `reading the outputs of step ${step}: ${what} is not there`, {
    hint: `Run \`infra step ${step} --env ${env}\` (or \`infra deploy-all --env ${env}\`), then rerun the api step.`,
  })
}

/** An alias's ARN, as Lambda forms it (what a plan shows before step 03 has run). */
const aliasArnOf = (config: ResolvedConfig, functionName: string) =>
  `arn:${partitionOf(config.region)}:lambda:${config.region}:${config.accountId}:function:${functionName}:${config.environment}`

/** The alias ARNs (step 03) and the user pool (step 08); in a plan what is missing is computed or "(known after apply)". */
export function restApiUpstream(config: ResolvedConfig, upstream: Upstream, planning: boolean): RestApiUpstream {
  const rest = config.sections.rest_api
  const aliasArns: Record<string, string> = {}
  for (const logicalId of new Set((rest?.endpoints ?? []).flatMap((e) => (e.function ? [e.function] : [])))) {
    const arn = upstream.lambda?.functions[logicalId]?.aliasArn
    if (arn !== undefined && arn !== KNOWN_AFTER_APPLY) aliasArns[logicalId] = arn
    else if (planning) {
      const fn = config.functions.find((f) => f.logicalId === logicalId)
      aliasArns[logicalId] = fn ? aliasArnOf(config, fn.name) : KNOWN_AFTER_APPLY
    } else throw missing(`the alias of function ${logicalId} (functions.${logicalId}.aliasArn)`, 'lambda', config.env)
  }
  if (!config.sections.cognito) return { aliasArns }
  const pool = upstream.cognito?.userPoolArn
  if (pool) return { aliasArns, userPoolArn: pool }
  if (planning) return { aliasArns, userPoolArn: KNOWN_AFTER_APPLY }
  throw missing('the user pool (userPoolArn)', 'cognito', config.env)
}

/** The origins this environment allows (validated when config.json was loaded). */
export function corsOrigins(config: ResolvedConfig, rest: RestApiSection): string[] | undefined {
  if (!rest.cors) return undefined
  const choice = corsOriginsFor(rest.cors.allowed_origins, config.environment, config.production)
  if ('problem' in choice) throw configFieldError(config, [...choice.problem.field], choice.problem.message)
  return choice.origins
}

/** Every path with its methods, intermediate paths (and `/`) included, sorted. */
function resourceSpecs(
  config: ResolvedConfig,
  rest: RestApiSection,
  up: RestApiUpstream,
  origins: string[] | undefined,
): ResourceSpec[] {
  const paths = new Map<string, MethodSpec[]>([['/', []]])
  const headers = rest.cors?.allowed_headers ?? []
  const methodsOf = new Map<string, string[]>()
  for (const e of rest.endpoints) methodsOf.set(e.path, [...(methodsOf.get(e.path) ?? []), ...e.methods])
  for (const endpoint of rest.endpoints) {
    const segments = endpoint.path.split('/').filter(Boolean)
    segments.forEach((_, i) => {
      const p = `/${segments.slice(0, i + 1).join('/')}`
      if (!paths.has(p)) paths.set(p, [])
    })
    const methods = paths.get(endpoint.path)!
    for (const httpMethod of endpoint.methods) {
      if (httpMethod === 'OPTIONS') {
        methods.push(corsMethod(origins ?? [], [...new Set(methodsOf.get(endpoint.path))].sort(), headers))
        continue
      }
      const cognito = up.userPoolArn !== undefined && !endpoint.public
      methods.push({
        httpMethod,
        authorizationType: cognito ? 'COGNITO_USER_POOLS' : 'NONE',
        ...(cognito ? { authorizer: AUTHORIZER_NAME } : {}),
        apiKeyRequired: rest.usage_plan?.require_api_key ?? false,
        integration: {
          type: 'AWS_PROXY',
          httpMethod: 'POST',
          uri: lambdaIntegrationUri(config.region, up.aliasArns[endpoint.function!] ?? KNOWN_AFTER_APPLY),
          timeoutInMillis: rest.integration_timeout_ms,
          responses: {},
        },
        // OpenAPI wants each operation to declare a response; the proxy passes the function's own through.
        responses: { '200': {} },
      })
    }
  }
  return [...paths]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([p, methods]) => ({ path: p, methods: methods.sort((a, b) => (a.httpMethod < b.httpMethod ? -1 : 1)) }))
}

export function restApiDefinition(config: ResolvedConfig, up: RestApiUpstream): ApiDefinition {
  const rest = config.sections.rest_api
  if (!rest) return { resources: [], authorizers: [], gatewayResponses: [] }
  const origins = corsOrigins(config, rest)
  const authorizers: AuthorizerSpec[] = up.userPoolArn
    ? [
        {
          name: AUTHORIZER_NAME,
          type: 'COGNITO_USER_POOLS',
          providerArns: [up.userPoolArn],
          identitySource: 'method.request.header.Authorization',
        },
      ]
    : []
  const allMethods = [...new Set(rest.endpoints.flatMap((e) => e.methods))].sort()
  const gatewayResponses: GatewayResponseSpec[] = origins
    ? (['DEFAULT_4XX', 'DEFAULT_5XX'] as const).map((responseType) => ({
        responseType,
        responseParameters: corsHeaders('gatewayresponse.header.', origins, allMethods, rest.cors!.allowed_headers),
        responseTemplates: ERROR_BODY,
      }))
    : []
  return { resources: resourceSpecs(config, rest, up, origins), authorizers, gatewayResponses }
}

export function restApiPlan(config: ResolvedConfig, up: RestApiUpstream): RestApiPlan | undefined {
  const rest = config.sections.rest_api
  if (!rest) return undefined
  const at = (...field: string[]) => ['rest_api', ...field]
  const name = expandField(config, at('name'), rest.name)
  const logGroupName = expandField(config, at('access_logs', 'log_group'), rest.access_logs.log_group)
  const usage = rest.usage_plan
  const targets = new Map<string, PermissionTarget>()
  for (const e of rest.endpoints) {
    const fn = config.functions.find((f) => f.logicalId === e.function)
    if (fn && e.methods.some((m) => m !== 'OPTIONS'))
      targets.set(fn.logicalId, { logicalId: fn.logicalId, functionName: fn.name, alias: config.environment })
  }
  const description = rest.description ?? ''
  const definition = restApiDefinition(config, up)
  return {
    api: { logicalId: REST_API_LOGICAL_ID, name, description, endpointType: rest.endpoint_type, tags: config.tags },
    definition,
    document: openApiDocument(definition, { title: name, description }),
    stage: {
      name: config.environment,
      tracing: rest.tracing,
      ...(rest.throttling
        ? { throttling: { rateLimit: rest.throttling.rate_limit, burstLimit: rest.throttling.burst_limit } }
        : {}),
      accessLog: {
        destinationArn: `arn:${partitionOf(config.region)}:logs:${config.region}:${config.accountId}:log-group:${logGroupName}`,
        format: ACCESS_LOG_FORMAT,
      },
      tags: config.tags,
    },
    logGroup: {
      logicalId: 'rest-api-access',
      name: logGroupName,
      retentionDays: rest.access_logs.retention_days,
      tags: config.tags,
    },
    ...(usage
      ? {
          usagePlan: {
            logicalId: REST_API_LOGICAL_ID,
            name: expandField(config, at('usage_plan', 'name'), usage.name),
            ...(usage.throttle
              ? { throttle: { rateLimit: usage.throttle.rate_limit, burstLimit: usage.throttle.burst_limit } }
              : {}),
            ...(usage.quota ? { quota: usage.quota } : {}),
            apiKeys: usage.api_keys.map((k, i) => expandField(config, ['rest_api', 'usage_plan', 'api_keys', i], k)),
            tags: config.tags,
          },
        }
      : {}),
    targets: [...targets.values()].sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1)),
  }
}
