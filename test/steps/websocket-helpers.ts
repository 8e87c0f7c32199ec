// Shared by the websocket step tests: the steps step 05 needs (whatever lambda needs by now), runs, and views of the
// fake API Gateway v2 and its call log.
import { deploy, type TestRunOptions } from '../support/context.js'
import type { AllFakes, CallRecord } from '../support/fake-aws/index.js'
import { STEPS, withDependencies } from '../../src/steps/index.js'
import { websocketStep } from '../../src/steps/05-websocket.js'
import type { RunOutcome } from '../../src/runner/run-steps.js'
import { SERVICE, fnName } from './lambda-helpers.js'

/** websocket and, transitively, every step it needs: iam, dynamodb, lambda (and what lambda needs). */
export const WITH_UPSTREAM = withDependencies([websocketStep], STEPS)
export const UPSTREAM = WITH_UPSTREAM.filter((s) => s.id !== 'websocket')
export const API_NAME = `${SERVICE}-websocket-api`
export const ROUTE_KEYS = ['$connect', '$disconnect', '$default', 'sendMessage']
export const ROUTE_FUNCTION: Record<string, string> = {
  $connect: 'websocket-connect',
  $disconnect: 'websocket-disconnect',
  $default: 'websocket-message',
  sendMessage: 'websocket-message',
}
export const ACCOUNT = '887078546492'

export const runAll = (root: string, opts: TestRunOptions = {}): Promise<RunOutcome> =>
  deploy(root, { steps: WITH_UPSTREAM, ...opts })

/** The one WebSocket API of the service (fails the test when there are none or several). */
export function theApi(fake: AllFakes) {
  const apis = fake.apigatewayv2.apisNamed(API_NAME)
  if (apis.length !== 1) throw new Error(`expected exactly one API named ${API_NAME}, found ${apis.length}`)
  return apis[0]!
}

export const aliasUri = (fake: AllFakes, logicalId: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fake.lambda.arn(fnName(logicalId), 'staging')}/invocations`

/** Route key → the URI of the integration it targets, as the API has it now. */
export function routeUris(fake: AllFakes): Record<string, string | undefined> {
  const api = theApi(fake)
  return Object.fromEntries(
    Object.values(api.routes).map((r) => [
      r.RouteKey,
      api.integrations[(r.Target ?? '').replace('integrations/', '')]?.IntegrationUri,
    ]),
  )
}

/** Write calls as `service Command input-json`, for reviewed request snapshots. */
export const writeRequests = (calls: CallRecord[]) =>
  calls
    .filter((c) => c.write && !c.error)
    .map((c) => `${c.service} ${c.command.replace(/Command$/, '')} ${JSON.stringify(c.input)}`)

/** Write calls as `Command`, in order. */
export const writeCommands = (calls: CallRecord[]) =>
  calls.filter((c) => c.write && !c.error).map((c) => c.command.replace(/Command$/, ''))

export const stepOutcome = (outcome: RunOutcome, id = 'websocket') => outcome.steps.find((s) => s.id === id)!
