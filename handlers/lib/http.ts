// REST (API Gateway Lambda proxy) plumbing shared by conversation-api, prompt-crud and usage-handler:
// the JSON response shape, the error body `{ error: { code, message } }`, the caller's identity and
// one wrapper that turns a thrown HttpError into its response and anything else into a logged 500.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda'
import { MissingEnvironmentError, optionalEnv } from './env.js'
import { logError } from './log.js'

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export const badRequest = (message: string, code = 'ValidationError') => new HttpError(400, code, message)
export const notFound = (message: string) => new HttpError(404, 'NotFound', message)

const JSON_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: body === undefined ? '' : JSON.stringify(body) }
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' }
}

export function errorResponse(statusCode: number, code: string, message: string): APIGatewayProxyResult {
  return json(statusCode, { error: { code, message } })
}

/** The Cognito user pool authorizer's `sub` claim; a request without one is not authenticated. */
export function callerId(event: APIGatewayProxyEvent): string {
  const sub: unknown = event.requestContext?.authorizer?.claims?.sub
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new HttpError(401, 'Unauthorized', 'the request carries no authenticated user')
  }
  return sub
}

/** The request body as a JSON object, or a 400. */
export function jsonBody(event: APIGatewayProxyEvent): Record<string, unknown> {
  if (!event.body) throw badRequest('the request body must be a JSON object', 'InvalidBody')
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest('the request body is not valid JSON', 'InvalidBody')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('the request body must be a JSON object', 'InvalidBody')
  }
  return parsed as Record<string, unknown>
}

export type Route = (event: APIGatewayProxyEvent, userId: string) => Promise<APIGatewayProxyResult>
/** Routes by `${method} ${resource}`, e.g. `GET /conversations/{id}`. */
export type RouteTable = Record<string, Route>

/**
 * Dispatches on the API Gateway resource template (stable under custom-domain base paths), so an
 * unknown resource is a 404 and a known resource with another method a 405.
 */
export function restHandler(routes: () => RouteTable) {
  const handle = routedHandler(routes)
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withCors(event, await handle(event, context))
}

/**
 * Lambda proxy responses carry their own CORS headers (API Gateway adds them only to its MOCK preflight and gateway
 * errors): the request's Origin is echoed when it is one of CORS_ALLOWED_ORIGINS (comma-separated, set by the deploy
 * from rest_api.cors for this environment), never a wildcard.
 */
export function withCors(event: APIGatewayProxyEvent, response: APIGatewayProxyResult): APIGatewayProxyResult {
  const allowed = (optionalEnv('CORS_ALLOWED_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1]
  const vary = { vary: 'Origin' }
  if (!origin || !allowed.includes(origin))
    return allowed.length > 0 ? { ...response, headers: { ...response.headers, ...vary } } : response
  return { ...response, headers: { ...response.headers, ...vary, 'access-control-allow-origin': origin } }
}

function routedHandler(routes: () => RouteTable) {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    let userId: string | undefined
    try {
      userId = callerId(event)
      const table = routes()
      const route = table[`${event.httpMethod} ${event.resource}`]
      if (route) return await route(event, userId)
      const knownResource = Object.keys(table).some((key) => key.endsWith(` ${event.resource}`))
      if (knownResource) throw new HttpError(405, 'MethodNotAllowed', 'this method is not allowed on this resource')
      throw new HttpError(404, 'RouteNotFound', 'no such route')
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.statusCode, error.code, error.message)
      const code = error instanceof MissingEnvironmentError ? 'NotConfigured' : 'InternalError'
      logError(context.awsRequestId, code, `handling ${event.httpMethod} ${event.resource}`, error, {
        ...(userId ? { userId } : {}),
      })
      return errorResponse(500, 'InternalError', 'internal error')
    }
  }
}
