// Every resource kind the engine knows, by its manifest kind: what `remove` and `infra destroy` look up to delete a
// recorded resource. A kind joins here when its module is written.
import type { AnyKind } from './engine/kind.js'
import { logGroupKind } from './logs/log-group.js'
import { aliasKind } from './lambda/alias.js'
import { provisionedConcurrencyKind, reservedConcurrencyKind } from './lambda/concurrency.js'
import { functionKind } from './lambda/function.js'
import { functionUrlKind } from './lambda/function-url.js'
import { layerKind } from './lambda/layer.js'
import { permissionKind } from './lambda/permission.js'
import { tableKind } from './dynamodb/table.js'
import { roleKind } from './iam/role.js'
import { rolePolicyKind } from './iam/role-policy.js'
import { userPoolClientKind } from './cognito/client.js'
import { userPoolDomainKind } from './cognito/domain.js'
import { userPoolKind } from './cognito/user-pool.js'
import { identityPoolKind } from './cognito/identity-pool.js'
import { identityPoolRolesKind } from './cognito/identity-pool-roles.js'
import { apiGatewayAccountKind } from './apigateway/account.js'
import { restApiKind } from './apigateway/rest-api.js'
import { restApiDefinitionKind } from './apigateway/rest-api-definition.js'
import { restApiStageKind } from './apigateway/rest-api-stage.js'
import { apiKeyKind, usagePlanKind } from './apigateway/rest-api-usage-plan.js'
import { websocketApiKind } from './apigateway/websocket-api.js'
import { websocketDeploymentKind } from './apigateway/websocket-deployment.js'
import { websocketRoutesKind } from './apigateway/websocket-routes.js'
import { bucketKind } from './s3/bucket.js'
import { bucketPolicyKind } from './s3/bucket-policy.js'
import { notificationsKind } from './s3/bucket-notifications.js'
import { siteFilesKind } from './s3/site-files.js'
import { websocketStageKind } from './apigateway/websocket-stage.js'
import { guardrailKind } from './bedrock/guardrail.js'
import { guardrailVersionKind } from './bedrock/guardrail-version.js'
import { invocationLoggingKind } from './bedrock/invocation-logging.js'
import { distributionKind } from './cloudfront/distribution.js'
import { invalidationKind } from './cloudfront/invalidation.js'
import { originAccessControlKind } from './cloudfront/origin-access-control.js'
import { alarmKind } from './cloudwatch/alarm.js'
import { dashboardKind } from './cloudwatch/dashboard.js'
import { subscriptionKind } from './sns/subscription.js'
import { topicKind } from './sns/topic.js'
import { parameterKind } from './ssm/parameter.js'
import { queueKind } from './sqs/queue.js'
import { scheduleKind } from './scheduler/schedule.js'
import { eventSourceMappingKind } from './lambda/event-source-mapping.js'
import { certificateKind } from './acm/certificate.js'
import { hostedZoneKind } from './route53/hosted-zone.js'
import { recordSetKind } from './route53/record-set.js'
import { aliasesKind } from './cloudfront/aliases.js'
import { cloudFrontFunctionKind } from './cloudfront/function.js'
import { basePathMappingKind, domainNameKind } from './apigateway/domain-name.js'
import { apiMappingKind, webSocketDomainKind } from './apigateway/websocket-domain.js'

// Each service's kinds on their own line(s).
const ALL = [
  // logs
  logGroupKind,
  // iam
  roleKind,
  rolePolicyKind,
  // dynamodb
  tableKind,
  // lambda
  functionKind,
  aliasKind,
  permissionKind,
  eventSourceMappingKind,
  reservedConcurrencyKind,
  provisionedConcurrencyKind,
  layerKind,
  functionUrlKind,
  // apigateway
  apiGatewayAccountKind,
  restApiKind,
  restApiDefinitionKind,
  restApiStageKind,
  usagePlanKind,
  apiKeyKind,
  websocketApiKind,
  websocketRoutesKind,
  websocketDeploymentKind,
  websocketStageKind,
  // cognito
  userPoolKind,
  userPoolClientKind,
  userPoolDomainKind,
  identityPoolKind,
  identityPoolRolesKind,
  // sqs
  queueKind,
  // scheduler
  scheduleKind,
  // s3
  bucketKind,
  bucketPolicyKind,
  notificationsKind,
  siteFilesKind,
  // cloudfront
  originAccessControlKind,
  distributionKind,
  invalidationKind,
  // monitoring
  topicKind,
  subscriptionKind,
  alarmKind,
  dashboardKind,
  // bedrock
  guardrailKind,
  guardrailVersionKind,
  invocationLoggingKind,
  // ssm
  parameterKind,
  // dns: the zone, its records, the certificates and the custom domains that use them
  hostedZoneKind,
  recordSetKind,
  certificateKind,
  aliasesKind,
  cloudFrontFunctionKind,
  domainNameKind,
  basePathMappingKind,
  webSocketDomainKind,
  apiMappingKind,
]

export const KINDS: ReadonlyMap<string, AnyKind> = new Map(ALL.map((k) => [k.kind, k as unknown as AnyKind]))

export function kindNamed(name: string): AnyKind | undefined {
  return KINDS.get(name)
}
