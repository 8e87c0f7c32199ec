// What the API Gateway (v1) resource modules share: one way to call the API (retried through throttling and
// "concurrent modification", never through a hard quota), the ARN and URL forms, and the error wrapping.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway'
import { isApiGatewayTransient } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { failureFor, partitionOf } from '../common.js'
import type { ResourceContext } from '../types.js'

// The client is paced (src/aws/pacing.ts) and its SDK retries a few times; what still fails with
// TooManyRequestsException (another tool in the account) or a ConflictException "concurrent modification" is
// retried here for up to ten minutes, so a full create survives a bad day (reliability rules A1, A6, A7).
// LimitExceededException "Maximum number of …" is a hard quota and is not retried (rule A4).
export const APIGATEWAY_RETRY_MS = 10 * 60_000

/** Sends one API Gateway call, retried while API Gateway says "try again later". */
export function callApi<T>(
  ctx: ResourceContext,
  send: (client: APIGatewayClient) => Promise<T>,
  label: string,
): Promise<T> {
  const client = ctx.aws.get(APIGatewayClient)
  return retryWhile(() => send(client), isApiGatewayTransient, {
    timeoutMs: APIGATEWAY_RETRY_MS * ctx.timing.deadlineScale,
    label,
    backoff: ctx.timing.retry,
    onRetry: (_e, attempt) => {
      if (attempt === 1 || attempt % 5 === 0) ctx.log(`${label}: API Gateway asks to slow down; retrying`)
    },
  })
}

/** The ARN the tagging APIs take: `arn:aws:apigateway:<region>::/restapis/<id>` (and `/stages/<name>` under it). */
export function apiGatewayArn(region: string, path: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::${path}`
}

/** What API Gateway invokes for a Lambda proxy integration: the function's alias ARN wrapped in the Invoke API path. */
export function lambdaIntegrationUri(region: string, functionArn: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`
}

/** The Lambda permission's SourceArn: any stage, method and path of this one API in this account (never `*:*`). */
export function executeApiSourceArn(identity: ResourceContext['identity'], apiId: string): string {
  const { region, accountId } = identity
  return `arn:${partitionOf(region)}:execute-api:${region}:${accountId}:${apiId}/*/*/*`
}

export function restApiUrl(apiId: string, region: string, stage: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://${apiId}.execute-api.${region}.${suffix}/${stage}`
}

/** API Gateway errors read like every other resource's (see failureFor); the step is the REST API's. */
export const apiFailure = (ctx: ResourceContext, kind: string, name: string) =>
  failureFor({ ...ctx, stepId: 'api' }, kind, name)
