// What the API Gateway resource modules share, v1 (REST) and v2 (WebSocket) alike: one way to call the API (retried
// through throttling and "concurrent modification", never through a hard quota), pagination, and the ARN and URL
// forms.
import { isApiGatewayTransient } from '../../aws/errors.js'
import { retryWhile } from '../../aws/retry.js'
import { partitionOf } from '../common.js'
import type { ResourceContext } from '../types.js'

// Both clients are paced together (src/aws/pacing.ts: the quotas are per account and region, whichever API calls)
// and their SDK retries a few times; what still fails with TooManyRequestsException (another tool in the account) or
// a ConflictException "concurrent modification" is retried here for up to ten minutes, so a full create survives a
// bad day (reliability rules A1, A6, A7). Both errors mean the request was refused, not carried out, so sending it
// again cannot make a copy. LimitExceededException "Maximum number of …" is a hard quota and is not retried (A4).
const APIGATEWAY_RETRY_MS = 10 * 60_000

/** Sends one API Gateway call (v1 or v2), retried while API Gateway says "try again later". */
export function callApi<T>(ctx: ResourceContext, label: string, send: () => Promise<T>): Promise<T> {
  return retryWhile(send, isApiGatewayTransient, {
    timeoutMs: APIGATEWAY_RETRY_MS * ctx.timing.deadlineScale,
    label,
    backoff: ctx.timing.retry,
    onRetry: (_e, attempt) => {
      if (attempt === 1 || attempt % 5 === 0) ctx.log(`${label}: API Gateway asks to slow down; retrying`)
    },
  })
}

/** One page of a list: v1 pages by `position` (`items`), v2 by `NextToken` (`Items`). */
interface Page<T> {
  items?: T[]
  position?: string
  Items?: T[]
  NextToken?: string
}

/** Every item of a paginated list; `fetch` gets the token of the page it should return (undefined: the first). */
export async function allPages<T>(fetch: (token?: string) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = []
  let token: string | undefined
  do {
    const page = await fetch(token)
    all.push(...(page.items ?? page.Items ?? []))
    token = page.position ?? page.NextToken
  } while (token)
  return all
}

/**
 * What the tagging APIs take: `arn:aws:apigateway:<region>::<path>`, with `/restapis/<id>` (v1), `/apis/<id>` (v2),
 * `/usageplans/<id>`, `/apikeys/<id>`, and `/stages/<name>` under an API.
 */
export function apiGatewayArn(region: string, path: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::${path}`
}

/** What API Gateway invokes for a Lambda proxy integration: the function's alias ARN wrapped in the Invoke API path. */
export function lambdaIntegrationUri(region: string, functionArn: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`
}

/** `arn:aws:execute-api:<region>:<account>:<api id>/<path>`: what API Gateway is when it calls or is called. */
export function executeApiArn(where: { region: string; accountId: string }, apiId: string, path: string): string {
  return `arn:${partitionOf(where.region)}:execute-api:${where.region}:${where.accountId}:${apiId}/${path}`
}

/** The Lambda permission's SourceArn: any stage, method and path of this one REST API in this account (never `*:*`). */
export const executeApiSourceArn = (identity: ResourceContext['identity'], apiId: string) =>
  executeApiArn(identity, apiId, '*/*/*')

function executeApiHost(apiId: string, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `${apiId}.execute-api.${region}.${suffix}`
}

export const restApiUrl = (apiId: string, region: string, stage: string) =>
  `https://${executeApiHost(apiId, region)}/${stage}`

export const websocketUrl = (apiId: string, region: string, stage: string) =>
  `wss://${executeApiHost(apiId, region)}/${stage}`
