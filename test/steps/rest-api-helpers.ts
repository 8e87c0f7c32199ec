// Shared by the REST API step tests: the steps step 04 runs with, the API as the fake holds it, and the request log
// with its random IDs replaced by stable names (for snapshots).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runStageRollback } from '../../src/cli/release-actions.js'
import { STEPS } from '../../src/steps/index.js'
import type { Step } from '../../src/steps/types.js'
import { deploy, type TestRunOptions } from '../support/context.js'
import type { AllFakes, ApiState, CallRecord } from '../support/fake-aws/index.js'
import { ENV, SERVICE } from './lambda-helpers.js'

export const API_NAME = `${SERVICE}-rest-api`
const WANTED = ['iam', 'dynamodb', 'lambda', 'cognito', 'bedrock', 'api']

/** The real steps 01-03, 08 (when registered) and 04. */
export function apiSteps(): Step[] {
  return STEPS.filter((s) => WANTED.includes(s.id))
}

export const deployApi = (root: string, opts: TestRunOptions = {}) =>
  deploy(root, { env: ENV, steps: apiSteps(), ...opts })

/** The one REST API with our name (fails the test if there are several). */
export function theApi(fake: AllFakes): ApiState {
  const apis = fake.apigateway.apisNamed(API_NAME)
  if (apis.length !== 1) throw new Error(`expected one REST API named ${API_NAME}, found ${apis.length}`)
  return apis[0]!
}

export function manifestOf(root: string): any {
  return JSON.parse(readFileSync(path.join(root, '.infra', ENV, 'manifest.json'), 'utf8'))
}

export const stageRollback = (root: string, opts: { stage?: string; to?: string; dryRun?: boolean } = {}) =>
  runStageRollback({ config: path.join(root, 'config.json'), env: ENV, stage: ENV, dryRun: false, ...opts })

/** `Command input-summary` for the API Gateway writes (and the Lambda permissions), in order. */
export function apiWrites(calls: CallRecord[]): string[] {
  return calls
    .filter((c) => c.write && !c.error && (c.service === 'apigateway' || c.command === 'AddPermissionCommand'))
    .map((c) => c.command.replace(/Command$/, ''))
}

/** A PutRestApi's body is bytes: the document they carry, for a reader. */
const readable = (input: any): unknown =>
  input?.body instanceof Uint8Array ? { ...input, body: JSON.parse(new TextDecoder().decode(input.body)) } : input

/**
 * The writes of step 04 with every random ID (API, resources, authorizer, deployments, user pool) replaced by a
 * stable name, so that a snapshot reads as what was asked and stays the same from run to run.
 */
export function normalisedWrites(fake: AllFakes, calls: CallRecord[]): unknown[] {
  const names = new Map<string, string>()
  for (const api of Object.values(fake.apigateway.state.apis)) {
    names.set(api.id, '<api>')
    for (const r of Object.values(api.resources)) names.set(r.id, `<resource ${r.path}>`)
    for (const a of Object.values(api.authorizers)) names.set(a.id!, `<authorizer ${a.name}>`)
    fake.apigateway.deployments(api.id).forEach((d, i) => names.set(d.id, `<deployment ${i + 1}>`))
  }
  let text = JSON.stringify(
    calls
      .filter((c) => c.write && !c.error && (c.service === 'apigateway' || c.command === 'AddPermissionCommand'))
      .map(({ command, input }) => ({ command: command.replace(/Command$/, ''), input: readable(input) })),
  )
  // The pool's ID is random, and the definition (hence its hash) contains the pool's ARN.
  text = text
    .replace(/us-east-1_[A-Za-z0-9]+/g, '<pool>')
    .replace(/infra definition [0-9a-f]{16}/g, 'infra definition <hash>')
  for (const [id, name] of names) text = text.replace(new RegExp(`(?<![A-Za-z0-9])${id}(?![A-Za-z0-9])`, 'g'), name)
  return JSON.parse(text) as unknown[]
}
