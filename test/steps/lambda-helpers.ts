// Shared by the lambda step tests: workspaces whose handlers bundle in milliseconds, runs with a canary, and the
// release commands' action run in-process against the fake.
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runRelease, type ReleaseCommandOptions } from '../../src/cli/release-actions.js'
import { loadContext } from '../../src/context/context.js'
import { runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { iamStep } from '../../src/steps/01-iam.js'
import { dynamodbStep } from '../../src/steps/02-dynamodb.js'
import { lambdaStep } from '../../src/steps/03-lambda.js'
import { cognitoStep } from '../../src/steps/08-cognito.js'
import { bedrockStep } from '../../src/steps/10-bedrock.js'
import { FAST_TIMING, REPO_ROOT, workspace } from '../support/context.js'
import type { CallRecord } from '../support/fake-aws/index.js'

export const ENV = 'staging'
export const SERVICE = 'new-service-staging'
export const ALIAS = 'staging'
export const FUNCTIONS = [
  'conversation-api',
  'prompt-crud',
  'usage-handler',
  'websocket-connect',
  'websocket-disconnect',
  'websocket-message',
]
export const fnName = (logicalId: string) => `${SERVICE}-${logicalId}`
/**
 * The lambda step and the steps it needs (cognito: websocket-connect reads the pool's ids; bedrock: the guardrail); not
 * the APIs after it.
 */
export const LAMBDA_STEPS = [iamStep, dynamodbStep, cognitoStep, bedrockStep, lambdaStep]

/** The repo's config and environments, with each handler replaced by a one-line module (fast to bundle). */
export function fastWorkspace(edit?: (config: any) => void): string {
  const root = workspace(edit)
  for (const id of FUNCTIONS)
    writeHandler(root, id, `export const handler = async () => ({ statusCode: 200, body: '${id}' })\n`)
  return root
}

/** The repo's real handlers (they import the AWS SDK: the workspace links node_modules for esbuild). */
export function realWorkspace(): string {
  const root = workspace()
  if (!existsSync(path.join(root, 'node_modules')))
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  return root
}

export function writeHandler(root: string, logicalId: string, text: string): void {
  writeFileSync(path.join(root, 'handlers', logicalId, 'index.ts'), text)
}

let edits = 0
/** A real change of the handler's code: one more exported constant each time. */
export function editHandler(root: string, logicalId: string): void {
  const file = path.join(root, 'handlers', logicalId, 'index.ts')
  edits += 1
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nexport const edit${edits} = ${edits}\n`)
}

/** Like deploy(), with the options a command passes (e.g. canaryPercent from --canary). */
export async function deployWith(
  root: string,
  opts: { canaryPercent?: number; adopt?: boolean } = {},
): Promise<RunOutcome> {
  const ctx = await loadContext({ root, env: ENV, command: 'test', mode: 'apply', timing: FAST_TIMING, ...opts })
  try {
    return await runSteps(ctx, LAMBDA_STEPS, 'silent')
  } finally {
    await ctx.close()
  }
}

/**
 * The start of a code release: a deployed workspace, one handler edited since, and the calls so far forgotten, so
 * that what the test asserts is what the next run sends.
 */
export async function deployedWithEditedHandler(
  fake: { resetCalls(): void },
  logicalId = 'prompt-crud',
): Promise<string> {
  const root = fastWorkspace()
  await deployWith(root)
  editHandler(root, logicalId)
  fake.resetCalls()
  return root
}

export function release(command: 'rollback' | 'promote', root: string, opts: Partial<ReleaseCommandOptions> = {}) {
  return runRelease(command, { config: path.join(root, 'config.json'), env: ENV, alias: ALIAS, dryRun: false, ...opts })
}

export const stepOf = (outcome: RunOutcome, id: string) => outcome.steps.find((s) => s.id === id)

export function manifestOf(root: string): any {
  return JSON.parse(readFileSync(path.join(root, '.infra', ENV, 'manifest.json'), 'utf8'))
}

/** Write calls as `Command function`, for exact assertions. */
export const writeLines = (calls: CallRecord[]) =>
  calls
    .filter((c) => c.write)
    .map(
      (c) =>
        `${c.command.replace(/Command$/, '')} ${c.input.FunctionName ?? c.input.logGroupName ?? c.input.RoleName ?? c.input.TableName ?? ''}`,
    )
