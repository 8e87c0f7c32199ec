// The engine's contract for API Gateway's kinds: the REST API with its definition, stage, usage plan and API key, and
// the WebSocket API with its routes and stage. setup() makes the parents through the engine (the API, its definition,
// routes and deployment), so each suite starts from what the step would have made before the kind under test.
import { converge } from '../../src/resources/engine/converge.js'
import { restApiKind, type RestApiSpec } from '../../src/resources/apigateway/rest-api.js'
import { restApiDefinitionKind, type DefinitionSpec } from '../../src/resources/apigateway/rest-api-definition.js'
import type { ApiDefinition } from '../../src/resources/apigateway/rest-api-diff.js'
import { documentHash, openApiDocument } from '../../src/resources/apigateway/rest-api-openapi.js'
import { restApiStageKind } from '../../src/resources/apigateway/rest-api-stage.js'
import { apiKeyKind, usagePlanKind } from '../../src/resources/apigateway/rest-api-usage-plan.js'
import { lambdaIntegrationUri } from '../../src/resources/apigateway/call.js'
import { websocketApiKind } from '../../src/resources/apigateway/websocket-api.js'
import { websocketDeploymentKind } from '../../src/resources/apigateway/websocket-deployment.js'
import { websocketRoutesKind, type RouteTarget } from '../../src/resources/apigateway/websocket-routes.js'
import { websocketStageKind } from '../../src/resources/apigateway/websocket-stage.js'
import { deploymentDescription } from '../../src/resources/apigateway/websocket-diff.js'
import {
  definitionHash as routesHash,
  integrationDescription,
  type WebSocketApiSpec,
} from '../../src/resources/apigateway/websocket-diff.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite, ENV, OUR_TAGS } from './harness.js'

const REST_API: RestApiSpec = {
  logicalId: 'api',
  name: 'contract-api',
  description: 'contract test',
  endpointType: 'REGIONAL',
  tags: OUR_TAGS,
}
const DEFINITION: ApiDefinition = {
  resources: [
    { path: '/', methods: [] },
    {
      path: '/ping',
      methods: [
        {
          httpMethod: 'GET',
          authorizationType: 'NONE',
          apiKeyRequired: false,
          integration: {
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { '200': {} },
          },
          responses: { '200': {} },
        },
      ],
    },
  ],
  authorizers: [],
  gatewayResponses: [],
}
/** The definition kind's spec: the definition and the document that carries it. */
const definitionSpec = (restApiId: string | undefined, definition = DEFINITION): DefinitionSpec => ({
  logicalId: 'api',
  name: REST_API.name,
  restApiId,
  definition,
  document: openApiDocument(definition, { title: REST_API.name, description: REST_API.description }),
})
/** Access logs need the account's CloudWatch role; returns where they go. */
function allowAccessLogs(aws: AllFakes): Record<string, string> {
  aws.apigateway.state.account.cloudwatchRoleArn = `arn:aws:iam::${aws.account}:role/contract-apigateway-logs`
  return { logGroupArn: `arn:aws:logs:${aws.region}:${aws.account}:log-group:/aws/apigateway/contract` }
}
const accessLog = (parents: Record<string, string>) => ({
  destinationArn: parents.logGroupArn!,
  format: '{"requestId":"$context.requestId"}',
})
const WEBSOCKET_API: WebSocketApiSpec = {
  logicalId: 'ws',
  name: 'contract-ws',
  routeSelectionExpression: '$request.body.action',
  description: 'contract test',
  tags: OUR_TAGS,
}
/** The route to a function's alias; the function's ARN comes from setup(). */
const route = (parents: Record<string, string>, alias: string): RouteTarget => ({
  routeKey: '$default',
  label: `contract-fn:${alias}`,
  integration: {
    type: 'AWS_PROXY',
    method: 'POST',
    uri: lambdaIntegrationUri(parents.region!, `${parents.functionArn}:${alias}`),
    description: integrationDescription('$default'),
  },
})

/** The REST API, and its definition when a stage needs something to deploy. */
async function restApi(ctx: ResourceContext, withDefinition: boolean): Promise<Record<string, string>> {
  const restApiId = (await converge(ctx, restApiKind, REST_API)).observed!.id!
  if (withDefinition) await converge(ctx, restApiDefinitionKind, definitionSpec(restApiId))
  return { restApiId }
}

const restStageSpec = (parents: Record<string, string>) => ({
  logicalId: `api/${ENV}`,
  name: `${REST_API.name}/${ENV}`,
  restApiId: parents.restApiId,
  stage: {
    name: ENV,
    tracing: false,
    throttling: { rateLimit: 10, burstLimit: 20 },
    accessLog: accessLog(parents),
    tags: OUR_TAGS,
  },
  definitionHash: documentHash(definitionSpec(parents.restApiId).document),
})

/** The WebSocket API, with its route and that route's deployment when a stage needs them. */
async function websocketApi(ctx: ResourceContext, aws: AllFakes, deployed: boolean): Promise<Record<string, string>> {
  const apiId = (await converge(ctx, websocketApiKind, WEBSOCKET_API)).observed!.ApiId!
  const parents = {
    apiId,
    region: aws.region,
    functionArn: `arn:aws:lambda:${aws.region}:${aws.account}:function:contract-fn`,
  }
  if (!deployed) return parents
  const routes = [route(parents, 'live')]
  await converge(ctx, websocketRoutesKind, { logicalId: 'ws', name: WEBSOCKET_API.name, apiId, routes })
  const deployment = await converge(ctx, websocketDeploymentKind, {
    logicalId: 'ws',
    name: WEBSOCKET_API.name,
    apiId,
    definitionHash: routesHash(WEBSOCKET_API.routeSelectionExpression, routes),
  })
  return { ...parents, deploymentId: deployment.observed!.deployment.DeploymentId!, ...allowAccessLogs(aws) }
}

contractSuite({
  kind: restApiKind,
  spec: () => REST_API,
  changed: (spec) => ({ ...spec, description: 'changed' }),
  updateCalls: ['UpdateRestApi'],
  createCommand: 'CreateRestApi',
  // Names are not unique: a second create makes a second API, never "already exists".
  alreadyExists: false,
  count: (aws, spec) => aws.apigateway.apisNamed(spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    for (const a of aws.apigateway.apisNamed(spec.name)) delete aws.apigateway.state.apis[a.id]
  },
})

contractSuite({
  kind: restApiDefinitionKind,
  setup: (ctx) => restApi(ctx, false),
  spec: (parents) => definitionSpec(parents.restApiId),
  changed: (spec) =>
    definitionSpec(spec.restApiId, {
      ...spec.definition,
      resources: spec.definition.resources.map((r) => ({
        ...r,
        methods: r.methods.map((m) => ({ ...m, apiKeyRequired: true })),
      })),
    }),
  updateCalls: ['PutRestApi'],
  createCommand: 'PutRestApi',
  // An overwrite replaces whatever is there: sending it again is harmless and never "already exists".
  alreadyExists: false,
  count: (aws, spec) => (aws.apigateway.resourceAt(spec.restApiId!, '/ping') ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    const resources = aws.apigateway.api(spec.restApiId!)!.resources
    for (const r of Object.values(resources)) if (r.path !== '/') delete resources[r.id]
  },
})

contractSuite({
  kind: restApiStageKind,
  setup: async (ctx, aws) => ({ ...(await restApi(ctx, true)), ...allowAccessLogs(aws) }),
  spec: restStageSpec,
  changed: (spec) => ({ ...spec, stage: { ...spec.stage, tracing: true } }),
  updateCalls: ['UpdateStage'],
  createCommand: 'CreateStage',
  count: (aws, spec) => (aws.apigateway.stage(spec.restApiId!, spec.stage.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    delete aws.apigateway.api(spec.restApiId!)!.stages[spec.stage.name]
  },
})

contractSuite({
  kind: usagePlanKind,
  setup: async (ctx, aws) => {
    const parents = { ...(await restApi(ctx, true)), ...allowAccessLogs(aws) }
    await converge(ctx, restApiStageKind, restStageSpec(parents))
    return parents
  },
  spec: (parents) => ({
    logicalId: 'api',
    name: 'contract-plan',
    throttle: { rateLimit: 10, burstLimit: 20 },
    quota: { limit: 1000, period: 'MONTH' as const },
    apiStage: `${parents.restApiId}:${ENV}`,
    keyIds: [],
    tags: OUR_TAGS,
  }),
  changed: (spec) => ({ ...spec, throttle: { rateLimit: 20, burstLimit: 20 } }),
  updateCalls: ['UpdateUsagePlan'],
  createCommand: 'CreateUsagePlan',
  // Usage plan names are not unique.
  alreadyExists: false,
  count: (aws, spec) => Object.values(aws.apigateway.state.usagePlans).filter((p) => p.name === spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    const plans = aws.apigateway.state.usagePlans
    for (const p of Object.values(plans)) if (p.name === spec.name) delete plans[p.id]
  },
})

contractSuite({
  kind: apiKeyKind,
  spec: () => ({ logicalId: 'partner', name: 'contract-partner', tags: OUR_TAGS }),
  changed: (spec) => ({ ...spec, tags: { ...spec.tags, team: 'partners' } }),
  updateCalls: ['TagResource'],
  createCommand: 'CreateApiKey',
  // API key names are not unique.
  alreadyExists: false,
  count: (aws, spec) => Object.values(aws.apigateway.state.apiKeys).filter((k) => k.name === spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    const keys = aws.apigateway.state.apiKeys
    for (const k of Object.values(keys)) if (k.name === spec.name) delete keys[k.id]
  },
})

contractSuite({
  kind: websocketApiKind,
  spec: () => WEBSOCKET_API,
  changed: (spec) => ({ ...spec, description: 'changed' }),
  updateCalls: ['UpdateApi'],
  createCommand: 'CreateApi',
  // Names are not unique: a second create makes a second API, never "already exists".
  alreadyExists: false,
  count: (aws, spec) => aws.apigatewayv2.apisNamed(spec.name).length,
  deleteOutOfBand: (aws, spec) => {
    for (const a of aws.apigatewayv2.apisNamed(spec.name)) aws.apigatewayv2.deleteApiOutOfBand(a.ApiId)
  },
})

contractSuite({
  kind: websocketRoutesKind,
  setup: (ctx, aws) => websocketApi(ctx, aws, false),
  spec: (parents) => ({
    logicalId: 'ws',
    name: WEBSOCKET_API.name,
    apiId: parents.apiId,
    routes: [route(parents, 'live')],
  }),
  changed: (spec) => ({
    ...spec,
    routes: spec.routes.map((r) => ({
      ...r,
      integration: { ...r.integration, uri: r.integration.uri.replace(':live/', ':next/') },
    })),
  }),
  updateCalls: ['UpdateIntegration'],
  createCommand: 'CreateRoute',
  count: (aws, spec) =>
    Object.values(aws.apigatewayv2.api(spec.apiId!)?.routes ?? {}).filter((r) => r.RouteKey === '$default').length,
  deleteOutOfBand: (aws, spec) => {
    const api = aws.apigatewayv2.api(spec.apiId!)!
    api.routes = {}
    api.integrations = {}
  },
})

contractSuite({
  kind: websocketStageKind,
  setup: (ctx, aws) => websocketApi(ctx, aws, true),
  spec: (parents) => ({
    logicalId: 'ws',
    name: `${WEBSOCKET_API.name}/${ENV}`,
    apiId: parents.apiId,
    stage: {
      name: ENV,
      throttling: { rateLimit: 10, burstLimit: 20 },
      accessLog: accessLog(parents),
      tags: OUR_TAGS,
    },
    deploymentId: parents.deploymentId!,
  }),
  changed: (spec) => ({ ...spec, stage: { ...spec.stage, throttling: { rateLimit: 20, burstLimit: 40 } } }),
  updateCalls: ['UpdateStage'],
  createCommand: 'CreateStage',
  count: (aws, spec) => (aws.apigatewayv2.stage(spec.apiId!, spec.stage.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => {
    delete aws.apigatewayv2.api(spec.apiId!)!.stages[spec.stage.name]
  },
})

// A deployment never changes in place: another definition is another deployment (no "one changed setting").
contractSuite({
  kind: websocketDeploymentKind,
  setup: async (ctx, aws) => {
    const parents = await websocketApi(ctx, aws, false)
    const routes = [route(parents, 'live')]
    await converge(ctx, websocketRoutesKind, {
      logicalId: 'ws',
      name: WEBSOCKET_API.name,
      apiId: parents.apiId!,
      routes,
    })
    return { ...parents, hash: routesHash(WEBSOCKET_API.routeSelectionExpression, routes) }
  },
  spec: (parents) => ({
    logicalId: 'ws',
    name: WEBSOCKET_API.name,
    apiId: parents.apiId,
    definitionHash: parents.hash!,
  }),
  createCommand: 'CreateDeployment',
  // No token and no unique name: a lost create is found again by the definition hash in its description.
  alreadyExists: false,
  count: (aws, spec) =>
    Object.values(aws.apigatewayv2.api(spec.apiId!)?.deployments ?? {}).filter(
      (d) => d.Description === deploymentDescription(spec.definitionHash),
    ).length,
  deleteOutOfBand: (aws, spec) => {
    aws.apigatewayv2.api(spec.apiId!)!.deployments = {}
  },
})
