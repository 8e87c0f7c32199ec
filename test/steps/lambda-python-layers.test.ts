// Step 03 with what is not a Node.js zip: a Python function zipped from its folder, a layer built from a folder and
// named by key, a container image function, a public function URL and a log group that never expires. Fresh deploy,
// a rerun that writes nothing, and a layer edit that publishes one new version and moves the function onto it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { loadContext } from '../../src/context/context.js'
import { runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { FAST_TIMING } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { LAMBDA_STEPS } from './lambda-helpers.js'

const IMAGE = '887078546492.dkr.ecr.us-east-1.amazonaws.com/render@sha256:' + 'c'.repeat(64)
const CHAT = 'polyglot-dev-chat'
const LAYER = 'polyglot-dev-common'

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
}

function project(imageUri = IMAGE): string {
  const root = mkdtempSync(path.join(tmpdir(), 'infra-polyglot-'))
  write(root, {
    'config.json': JSON.stringify({
      service_name: 'polyglot',
      region: 'us-east-1',
      account_id: '887078546492',
      environment: 'dev',
      lambda_defaults: { runtime: 'python3.13' },
      layers: { common: { source: 'layers/common', compatible_runtimes: ['python3.13'] } },
      functions: {
        chat: {
          source: 'functions/chat',
          handler: 'app.handler',
          layers: ['common'],
          log_retention_days: 'never',
          url: { auth: 'NONE' },
        },
        render: { image_uri: imageUri, architecture: 'x86_64' },
      },
    }),
    'environments/dev.env': 'SERVICE_NAME=polyglot-dev\nENVIRONMENT=dev\n',
    'functions/chat/app.py': 'from shared import greet\n\n\ndef handler(event, context):\n    return greet()\n',
    'layers/common/python/shared.py': 'def greet():\n    return "hi"\n',
  })
  return root
}

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

async function deploy(root: string): Promise<RunOutcome> {
  const ctx = await loadContext({ root, env: 'dev', command: 'test', mode: 'apply', timing: FAST_TIMING })
  try {
    return await runSteps(ctx, LAMBDA_STEPS, 'silent')
  } finally {
    await ctx.close()
  }
}
const lambdaOf = (o: RunOutcome) => o.steps.find((s) => s.id === 'lambda')!
const writes = () =>
  fake
    .writes()
    .map(
      (c) =>
        `${c.command.replace(/Command$/, '')} ${c.input.FunctionName ?? c.input.LayerName ?? c.input.logGroupName ?? ''}`,
    )

test('fresh: the layer is published, the Python function uses it, the image function runs its image, the URL is public', async () => {
  const root = project()
  const outcome = await deploy(root)
  expect(lambdaOf(outcome)).toMatchObject({ status: 'done' })

  const layerArn = `arn:aws:lambda:us-east-1:887078546492:layer:${LAYER}:1`
  expect(lambdaOf(outcome).outputs).toMatchObject({ layers: { common: { name: LAYER, arn: layerArn, version: 1 } } })
  expect(Object.keys(fake.lambda.layer(LAYER)!.versions)).toEqual(['1'])
  expect(fake.lambda.layer(LAYER)!.versions['1']).toMatchObject({
    compatibleRuntimes: ['python3.13'],
    description: '[managed-by infra polyglot-dev dev]',
  })

  const chat = fake.lambda.fn(CHAT)!
  expect(chat.latest.config).toMatchObject({ Runtime: 'python3.13', Handler: 'app.handler', Layers: [layerArn] })
  expect(chat.urls?.dev).toMatchObject({ authType: 'NONE' })
  expect(chat.policies.dev?.map((s) => s.Sid)).toEqual(['FunctionURLAllowPublicAccess', 'FunctionURLAllowInvokeAction'])
  expect(lambdaOf(outcome).outputs).toMatchObject({
    functions: { chat: { url: expect.stringMatching(/lambda-url\.us-east-1\.on\.aws/) } },
  })
  const group = fake.logs.group(`/aws/lambda/${CHAT}`)
  expect(group).toBeDefined()
  expect(group!.retentionInDays).toBeUndefined()

  const render = fake.lambda.fn('polyglot-dev-render')!
  expect(render.latest.config).toMatchObject({ PackageType: 'Image', Architectures: ['x86_64'] })
  expect(render.latest.config.Runtime).toBeUndefined()
  expect(render.latest.code.source).toBe(IMAGE)
  expect(render.aliases.dev).toMatchObject({ functionVersion: '1' })

  fake.resetCalls()
  const again = await deploy(root)
  expect(lambdaOf(again)).toMatchObject({ status: 'done' })
  expect(writes()).toEqual([])
})

test('a layer edit publishes one new version and moves the function onto it; nothing else is rewritten', async () => {
  const root = project()
  await deploy(root)
  write(root, { 'layers/common/python/shared.py': 'def greet():\n    return "hello"\n' })
  fake.resetCalls()
  const outcome = await deploy(root)
  expect(lambdaOf(outcome)).toMatchObject({ status: 'done' })
  expect(writes()).toEqual([
    `PublishLayerVersion ${LAYER}`,
    `UpdateFunctionConfiguration ${CHAT}`,
    `PublishVersion ${CHAT}`,
    `UpdateAlias ${CHAT}`,
  ])
  expect(fake.lambda.fn(CHAT)!.latest.config.Layers).toEqual([`arn:aws:lambda:us-east-1:887078546492:layer:${LAYER}:2`])
})

test('a Python handler that names a missing function stops the run before any AWS write, at its config line', async () => {
  const root = project()
  write(root, { 'functions/chat/app.py': 'def main(event, context):\n    return 1\n' })
  await expect(deploy(root)).rejects.toMatchObject({
    code: 'HandlerNotExported',
    exitCode: 2,
    message: expect.stringMatching(
      /config\.json:\d+:\d+ functions\.chat\.handler: "app\.handler" names the function handler, but app\.py has no `def handler\(` at the top level \(it defines main\)/,
    ),
  })
  expect(fake.writes()).toEqual([])
})

test('an image by tag is deployed by its digest: unchanged, no write; pushed again, new code; missing, a named error', async () => {
  const registry = '887078546492.dkr.ecr.us-east-1.amazonaws.com'
  const root = project(`${registry}/render:live`)
  const first = fake.ecr.pushImage('render', 'live', 'build 1')
  await deploy(root)
  const render = () => fake.lambda.fn('polyglot-dev-render')!
  expect(render().latest.code.source).toBe(`${registry}/render@${first}`)

  fake.resetCalls()
  await deploy(root)
  expect(writes()).toEqual([])

  const second = fake.ecr.pushImage('render', 'live', 'build 2')
  fake.resetCalls()
  await deploy(root)
  expect(writes()).toEqual([
    'UpdateFunctionCode polyglot-dev-render',
    'PublishVersion polyglot-dev-render',
    'UpdateAlias polyglot-dev-render',
  ])
  expect(render().latest.code.source).toBe(`${registry}/render@${second}`)

  delete fake.ecr.repositories.render!.tags.live
  const missing = await deploy(root)
  expect(lambdaOf(missing)).toMatchObject({ status: 'failed', error: { code: 'ImageNotFound' } })
})
