// Pure: config + upstream outputs → the desired WebSocket API, its routes, stage, access log group, the Lambda
// permissions and the role policy that lets the functions answer on the connections. Unit-tested without AWS.
import { checkName, expandTemplate, templateVars } from '../config/names.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError, StepError } from '../errors/index.js'
import { partitionOf } from '../resources/common.js'
import type { LogGroupSpec } from '../resources/logs/log-group.js'
import type { PolicyDocument } from '../resources/policy-document.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import {
  definitionHash,
  integrationDescription,
  type StageSpec,
  type WebSocketApiSpec,
} from '../resources/apigateway/websocket-diff.js'
import type { RouteTarget } from '../resources/apigateway/websocket-routes.js'
import { executeApiArn, lambdaIntegrationUri } from '../resources/apigateway/call.js'
import type { Upstream } from './types.js'

export const WEBSOCKET_LOGICAL_ID = 'websocket'
/** One statement id per function and API kind: step 04's REST API adds its own beside it. */
export const WEBSOCKET_STATEMENT_ID = 'infra-websocket-api'
export const MANAGE_CONNECTIONS_POLICY = 'websocket-manage-connections'
const API_NAME_MAX = 128

// JSON, one object per event; $context.requestId is required by API Gateway in every access log format.
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  status: '$context.status',
  connectionId: '$context.connectionId',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
})

type WebSocketSection = NonNullable<ResolvedConfig['sections']['websocket_api']>

/** What step 05 reads from the steps before it: each routed function's environment alias, and the Lambda role. */
export interface WebSocketUpstream {
  functions: Record<string, { name: string; aliasArn: string }>
  roleName: string
}

export interface WebSocketPlan {
  api: WebSocketApiSpec
  routes: RouteTarget[]
  /** The routed functions, once each: each gets one permission for this API on its alias. */
  functions: Array<{ logicalId: string; name: string }>
  alias: string
  stage: StageSpec
  logGroup: LogGroupSpec
  definitionHash: string
  roleName: string
}

/**
 * The alias ARNs of step 03 (in a plan, what is not known yet prints as "(known after apply)") and the role name of
 * step 01 (config's name when step 01 has not recorded one).
 */
export function websocketUpstream(
  config: ResolvedConfig,
  section: WebSocketSection,
  upstream: Upstream,
  planning: boolean,
): WebSocketUpstream {
  const functions: WebSocketUpstream['functions'] = {}
  for (const logicalId of new Set(Object.values(section.routes))) {
    const aliasArn = upstream.lambda?.functions[logicalId]?.aliasArn
    const name = config.functions.find((f) => f.logicalId === logicalId)?.name ?? logicalId
    if (aliasArn && aliasArn !== KNOWN_AFTER_APPLY) functions[logicalId] = { name, aliasArn }
    else if (planning) functions[logicalId] = { name, aliasArn: KNOWN_AFTER_APPLY }
    else
      throw new StepError(
        'UpstreamOutputMissing',
        `reading the outputs of step lambda: the alias ARN of ${logicalId} (functions.${logicalId}.aliasArn) is not there`,
        {
          hint: `Run \`infra step lambda --env ${config.env}\` (or \`infra deploy-all --env ${config.env}\`), then rerun the websocket step.`,
        },
      )
  }
  return { functions, roleName: upstream.iam?.roles.lambda?.name || config.iam.lambdaRole.name }
}

/** A name template of the section, expanded; a problem is a config error naming the field, before any AWS call. */
function expanded(config: ResolvedConfig, field: string, template: string, kind?: 'logGroup'): string {
  const { value, problems } = expandTemplate(template, templateVars(config))
  const tooLong =
    value.length > API_NAME_MAX ? `"${value}" is ${value.length} characters (at most ${API_NAME_MAX})` : undefined
  const problem = problems[0] ?? (kind ? checkName(kind, value, template) : tooLong)
  if (problem)
    throw new ConfigError('InvalidConfig', `config.json ${field}: ${problem}`, {
      hint: `Fix ${field} in config.json, then rerun.`,
    })
  return value
}

/**
 * The SourceArn of the Lambda permissions. A WebSocket invocation's ARN is `<api-id>/<stage>/<route key>` (e.g.
 * `…/production/$connect`, no HTTP method), so `/*` after the API id admits every stage and route of this API and
 * nothing of any other API in the account.
 */
export const websocketSourceArn = (config: ResolvedConfig, apiId: string) => executeApiArn(config, apiId, '*')

/**
 * What the functions may do on the connections of this API's stage. POST sends a frame (PostToConnection); DELETE
 * closes a connection (DeleteConnection): websocket-message closes a connection it does not know (handlers/
 * websocket-message/index.ts), so POST alone would make that path fail. GET (connection info) is not used.
 */
export function manageConnectionsPolicy(config: ResolvedConfig, apiId: string, stage: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AnswerOnWebSocketConnections',
        Effect: 'Allow',
        Action: 'execute-api:ManageConnections',
        Resource: ['POST', 'DELETE'].map((method) => executeApiArn(config, apiId, `${stage}/${method}/@connections/*`)),
      },
    ],
  }
}

export function websocketPlan(config: ResolvedConfig, section: WebSocketSection, up: WebSocketUpstream): WebSocketPlan {
  const name = expanded(config, 'websocket_api.name', section.name)
  const logGroupName = expanded(
    config,
    'websocket_api.access_logs.log_group',
    section.access_logs.log_group,
    'logGroup',
  )
  const stageName = config.environment
  const routes: RouteTarget[] = Object.entries(section.routes).map(([routeKey, logicalId]) => {
    const fn = up.functions[logicalId]!
    return {
      routeKey,
      label: `${fn.name}:${stageName}`,
      integration: {
        type: 'AWS_PROXY',
        method: 'POST',
        uri: lambdaIntegrationUri(config.region, fn.aliasArn),
        description: integrationDescription(routeKey),
      },
    }
  })
  return {
    api: {
      logicalId: WEBSOCKET_LOGICAL_ID,
      name,
      routeSelectionExpression: section.route_selection_expression,
      description: `WebSocket API of ${config.serviceName} (managed by infra)`,
      tags: config.tags,
    },
    routes,
    functions: [...new Set(Object.values(section.routes))].map((logicalId) => ({
      logicalId,
      name: up.functions[logicalId]!.name,
    })),
    alias: stageName,
    stage: {
      name: stageName,
      ...(section.throttling && {
        throttling: { rateLimit: section.throttling.rate_limit, burstLimit: section.throttling.burst_limit },
      }),
      accessLog: {
        destinationArn: `arn:${partitionOf(config.region)}:logs:${config.region}:${config.accountId}:log-group:${logGroupName}`,
        format: ACCESS_LOG_FORMAT,
      },
      tags: config.tags,
    },
    logGroup: {
      logicalId: 'websocket-access',
      name: logGroupName,
      retentionDays: section.access_logs.retention_days,
      tags: config.tags,
    },
    definitionHash: definitionHash(section.route_selection_expression, routes),
    roleName: up.roleName,
  }
}
