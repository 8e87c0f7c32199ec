// The engine's contract for Lambda's kinds: the function, and what hangs from it (its alias, a permission statement on
// the alias, reserved and provisioned concurrency), whose parents setup() makes through the fake.
import { createHash } from 'node:crypto'
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import { aliasKind, aliasSpec } from '../../src/resources/lambda/alias.js'
import { provisionedConcurrencyKind, reservedConcurrencyKind } from '../../src/resources/lambda/concurrency.js'
import { functionKind } from '../../src/resources/lambda/function.js'
import { permissionKind } from '../../src/resources/lambda/permission.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const FUNCTION = 'contract-fn'
const ALIAS = 'live'
const roleArn = (aws: AllFakes) => `arn:aws:iam::${aws.account}:role/contract-lambda`
const zip = Buffer.from('contract handler code')
const fn = (aws: AllFakes) => aws.lambda.fn(FUNCTION)

/** A function with versions 1 and 2 (different code), made through the fake and settled. */
async function functionWithVersions(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const lambda = ctx.aws.get(LambdaClient)
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: roleArn(aws),
      Code: { ZipFile: Buffer.from('v1') },
      Publish: true,
    }),
  )
  aws.lambda.settle(FUNCTION)
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FUNCTION, ZipFile: Buffer.from('v2') }))
  aws.lambda.settle(FUNCTION)
  await lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION }))
  return { functionName: FUNCTION }
}

/** The same, with the alias on version 1. */
async function functionWithAlias(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const parents = await functionWithVersions(ctx, aws)
  await ctx.aws
    .get(LambdaClient)
    .send(new CreateAliasCommand({ FunctionName: FUNCTION, Name: ALIAS, FunctionVersion: '1' }))
  return parents
}

contractSuite({
  kind: functionKind,
  setup: async (_ctx, aws) => ({ roleArn: roleArn(aws) }),
  spec: (parents) => ({
    logicalId: 'fn',
    name: FUNCTION,
    description: 'contract test',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    architecture: 'arm64' as const,
    memoryMb: 128,
    timeoutS: 10,
    roleArn: parents.roleArn!,
    environment: { STAGE: 'test' },
    layers: [],
    tracing: 'Active' as const,
    tags: OUR_TAGS,
    aliasName: ALIAS,
    code: { zip, codeSha256: createHash('sha256').update(zip).digest('base64') },
  }),
  changed: (spec) => ({ ...spec, memoryMb: 256 }),
  updateCalls: ['UpdateFunctionConfiguration'],
  createCommand: 'CreateFunction',
  count: (aws) => (fn(aws) ? 1 : 0),
  deleteOutOfBand: (aws) => aws.lambda.deleteFunctionOutOfBand(FUNCTION),
})

contractSuite({
  kind: aliasKind,
  setup: functionWithVersions,
  spec: (parents) => aliasSpec({ logicalId: 'fn', name: parents.functionName! }, { name: ALIAS, version: '1' }),
  changed: (spec) => ({ ...spec, want: { ...spec.want, canary: { version: '2', weight: 0.1 } } }),
  updateCalls: ['UpdateAlias'],
  createCommand: 'CreateAlias',
  alreadyExists: 'ResourceConflictException',
  count: (aws) => (fn(aws)?.aliases[ALIAS] ? 1 : 0),
  deleteOutOfBand: (aws) => delete fn(aws)!.aliases[ALIAS],
})

const STATEMENT = 'contract-invoke'
contractSuite({
  kind: permissionKind,
  setup: functionWithAlias,
  spec: (parents) => ({
    logicalId: 'api-fn',
    name: `${parents.functionName}:${ALIAS}/${STATEMENT}`,
    functionName: parents.functionName!,
    qualifier: ALIAS,
    statementId: STATEMENT,
    principal: 'apigateway.amazonaws.com',
    sourceArn: 'arn:aws:execute-api:us-east-1:887078546492:abc123/*/*/*',
  }),
  changed: (spec) => ({ ...spec, sourceArn: 'arn:aws:execute-api:us-east-1:887078546492:def456/*/*/*' }),
  updateCalls: ['RemovePermission', 'AddPermission'],
  createCommand: 'AddPermission',
  alreadyExists: 'ResourceConflictException',
  count: (aws) => fn(aws)?.policies[ALIAS]?.filter((s) => s.Sid === STATEMENT).length ?? 0,
  deleteOutOfBand: (aws) => delete fn(aws)!.policies[ALIAS],
})

contractSuite({
  kind: reservedConcurrencyKind,
  setup: functionWithVersions,
  spec: (parents) => ({ logicalId: 'fn', name: FUNCTION, functionName: parents.functionName!, executions: 5 }),
  changed: (spec) => ({ ...spec, executions: 6 }),
  updateCalls: ['PutFunctionConcurrency'],
  createCommand: 'PutFunctionConcurrency',
  // An upsert: Lambda has no "already exists" answer for it.
  alreadyExists: false,
  count: (aws) => (fn(aws)?.reservedConcurrency !== undefined ? 1 : 0),
  deleteOutOfBand: (aws) => delete fn(aws)!.reservedConcurrency,
})

contractSuite({
  kind: provisionedConcurrencyKind,
  setup: functionWithAlias,
  spec: (parents) => ({
    logicalId: 'fn',
    name: `${FUNCTION}:${ALIAS}`,
    functionName: parents.functionName!,
    qualifier: ALIAS,
    executions: 2,
  }),
  changed: (spec) => ({ ...spec, executions: 3 }),
  updateCalls: ['PutProvisionedConcurrencyConfig'],
  createCommand: 'PutProvisionedConcurrencyConfig',
  alreadyExists: false,
  count: (aws) => (fn(aws)?.provisioned[ALIAS] ? 1 : 0),
  deleteOutOfBand: (aws) => delete fn(aws)!.provisioned[ALIAS],
})
