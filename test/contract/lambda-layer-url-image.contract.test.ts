// The engine's contract for a Lambda layer built from a folder (one record per layer: its newest version), a function
// URL on an alias (with its public-access statements when it is public), and a container image function, through
// the fake.
import { createHash } from 'node:crypto'
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { expect, test } from 'vitest'
import { converge } from '../../src/resources/engine/converge.js'
import { functionKind } from '../../src/resources/lambda/function.js'
import { functionUrlKind, type FunctionUrlSpec } from '../../src/resources/lambda/function-url.js'
import { layerDescription, layerKind, type LayerSpec } from '../../src/resources/lambda/layer.js'
import type { ResourceContext } from '../../src/resources/types.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite, ENV, harness, OUR_TAGS, SERVICE } from './harness.js'

const LAYER = 'contract-common'
const zip = (text: string) => {
  const bytes = Buffer.from(text)
  return { zip: bytes, codeSha256: createHash('sha256').update(bytes).digest('base64') }
}
const layerSpec = (): LayerSpec => ({
  logicalId: 'common',
  name: LAYER,
  description: layerDescription('shared code', { service: SERVICE, env: ENV }),
  compatibleRuntimes: ['python3.12'],
  compatibleArchitectures: ['arm64'],
  versionsKept: 2,
  code: zip('layer v1'),
})
const versions = (aws: AllFakes) => Object.keys(aws.lambda.layer(LAYER)?.versions ?? {})

contractSuite({
  kind: layerKind,
  spec: layerSpec,
  changed: (spec) => ({ ...spec, code: zip('layer v2') }),
  updateCalls: ['PublishLayerVersion'],
  createCommand: 'PublishLayerVersion',
  // Publishing never answers "already exists": each call makes a version.
  alreadyExists: false,
  count: (aws) => (versions(aws).length > 0 ? 1 : 0),
  deleteOutOfBand: (aws) => delete aws.lambda.layers[LAYER],
})

test('a layer keeps its newest versions_kept versions; a stranger’s same-named layer is left alone', async () => {
  const h = await harness()
  try {
    const ctx = h.ctx()
    for (const text of ['v1', 'v2', 'v3', 'v4']) await converge(ctx, layerKind, { ...layerSpec(), code: zip(text) })
    expect(versions(h.aws)).toEqual(['3', '4'])
    const { observed } = await converge(h.ctx(), layerKind, { ...layerSpec(), code: zip('v4') })
    expect(observed?.versionArn).toMatch(/:layer:contract-common:4$/)

    const foreign = { ...layerSpec(), name: 'someone-elses', description: 'not ours' }
    h.aws.lambda.layers['someone-elses'] = structuredClone(h.aws.lambda.layers[LAYER]!)
    h.aws.lambda.layers['someone-elses'].versions['4']!.description = 'not ours'
    const { result } = await converge(h.ctx(), layerKind, { ...foreign, description: layerSpec().description })
    expect(result.action).toBe('unmanaged')
  } finally {
    h.aws.restore()
    await h.manifest.unlock()
  }
})

const FUNCTION = 'contract-url-fn'
const ALIAS = 'live'
async function functionWithAlias(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>> {
  const lambda = ctx.aws.get(LambdaClient)
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Role: `arn:aws:iam::${aws.account}:role/contract-lambda`,
      Code: { ZipFile: Buffer.from('code') },
      Publish: true,
    }),
  )
  aws.lambda.settle(FUNCTION)
  await lambda.send(new CreateAliasCommand({ FunctionName: FUNCTION, Name: ALIAS, FunctionVersion: '1' }))
  return { functionName: FUNCTION }
}
const urlSpec = (auth: 'NONE' | 'AWS_IAM'): FunctionUrlSpec => ({
  logicalId: 'chat',
  name: `${FUNCTION}:${ALIAS}`,
  functionName: FUNCTION,
  qualifier: ALIAS,
  auth,
})
const statements = (aws: AllFakes) => (aws.lambda.fn(FUNCTION)?.policies[ALIAS] ?? []).map((s) => s.Sid)

contractSuite({
  kind: functionUrlKind,
  setup: functionWithAlias,
  spec: () => urlSpec('NONE'),
  changed: (spec) => ({ ...spec, auth: 'AWS_IAM' as const }),
  updateCalls: ['UpdateFunctionUrlConfig', 'RemovePermission', 'RemovePermission'],
  createCommand: 'CreateFunctionUrlConfig',
  alreadyExists: 'ResourceConflictException',
  count: (aws) => (aws.lambda.fn(FUNCTION)?.urls?.[ALIAS] ? 1 : 0),
  deleteOutOfBand: (aws) => delete aws.lambda.fn(FUNCTION)!.urls![ALIAS],
})

test('a public URL carries both public-access statements (InvokeFunctionUrl, and InvokeFunction through the URL)', async () => {
  const h = await harness()
  try {
    await functionWithAlias(h.ctx(), h.aws)
    const spec: FunctionUrlSpec = {
      ...urlSpec('NONE'),
      cors: {
        allowOrigins: ['https://example.com'],
        allowMethods: ['POST'],
        allowHeaders: ['Content-Type'],
        exposeHeaders: [],
        allowCredentials: false,
        maxAgeS: 0,
      },
    }
    const { observed } = await converge(h.ctx(), functionUrlKind, spec)
    expect(observed?.url).toMatch(/^https:\/\/\w+\.lambda-url\.us-east-1\.on\.aws\/$/)
    expect(statements(h.aws)).toEqual(['FunctionURLAllowPublicAccess', 'FunctionURLAllowInvokeAction'])
    expect(h.aws.lambda.fn(FUNCTION)!.policies[ALIAS]).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      }),
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
      }),
    ])
    h.aws.resetCalls()
    const again = await converge(h.ctx(), functionUrlKind, spec)
    expect(again.result.action).toBe('unchanged')
    expect(h.aws.writes()).toEqual([])
  } finally {
    h.aws.restore()
    await h.manifest.unlock()
  }
})

const IMAGE_FUNCTION = 'contract-image-fn'
const image = (digit: string) => `887078546492.dkr.ecr.us-east-1.amazonaws.com/render@sha256:${digit.repeat(64)}`
contractSuite({
  kind: functionKind,
  setup: async (_ctx, aws) => ({ roleArn: `arn:aws:iam::${aws.account}:role/contract-lambda` }),
  spec: (parents) => ({
    logicalId: 'render',
    name: IMAGE_FUNCTION,
    description: 'contract test',
    imageUri: image('a'),
    architecture: 'x86_64' as const,
    memoryMb: 1024,
    timeoutS: 30,
    roleArn: parents.roleArn!,
    environment: { STAGE: 'test' },
    layers: [],
    tracing: 'Active' as const,
    tags: OUR_TAGS,
    aliasName: ALIAS,
  }),
  // A new digest is new code: one UpdateFunctionCode with the image URI.
  changed: (spec) => ({ ...spec, imageUri: image('b') }),
  updateCalls: ['UpdateFunctionCode'],
  createCommand: 'CreateFunction',
  count: (aws) => (aws.lambda.fn(IMAGE_FUNCTION) ? 1 : 0),
  deleteOutOfBand: (aws) => aws.lambda.deleteFunctionOutOfBand(IMAGE_FUNCTION),
})
