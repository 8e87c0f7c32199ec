// What a command loads, as a process: the AWS SDK only for the clients a run calls (the CLI bundle requires each
// package on first use, scripts/sdk-require-plugin.mjs). A hook preloaded beside the fake logs every SDK package
// the bundle itself requires; the fake's own loads come from elsewhere and are not logged.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fakeNodeOptions, makeWorkspace, runCli, type Workspace } from '../support/cli.js'

const SDK_LOAD_LOG_HOOK = `
const Module = require('node:module')
const { appendFileSync } = require('node:fs')
const load = Module._load
Module._load = function (request, parent, ...rest) {
  if (/^@aws-sdk\\//.test(request) && /[\\\\/]dist[\\\\/]bundle[\\\\/]/.test(parent?.filename ?? '')) {
    appendFileSync(process.env.SDK_LOAD_LOG, request + '\\n')
  }
  return load.call(this, request, parent, ...rest)
}
`

let ws: Workspace
let hook: string
beforeAll(() => {
  ws = makeWorkspace()
  hook = path.join(ws.dir, 'sdk-load-log.cjs')
  writeFileSync(hook, SDK_LOAD_LOG_HOOK)
})
afterAll(() => ws.remove())

let runs = 0
/** Runs the CLI against the fake; returns the SDK packages the CLI's bundle required, sorted and unique. */
async function sdkLoadedBy(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = path.join(ws.dir, `sdk-loads-${++runs}.txt`)
  writeFileSync(log, '')
  const run = await runCli(args, {
    cwd: ws.dir,
    state: ws.state,
    env: { SDK_LOAD_LOG: log, NODE_OPTIONS: `--require "${hook}" ${fakeNodeOptions()}`, ...env },
    timeoutMs: 120_000,
  })
  expect(run.code, run.stderr).toBe(0)
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))].sort()
}

// The region check reads the SDK's partition data (@aws-sdk/core), which is no client.
const isClient = (pkg: string) => pkg.startsWith('@aws-sdk/client-')

describe('start-up: a command loads only the SDK clients it calls', () => {
  test('--help, validate and an offline plan load no SDK client', async () => {
    expect(await sdkLoadedBy(['--help'])).toEqual([])
    expect((await sdkLoadedBy(['validate', '--env', 'staging'])).filter(isClient)).toEqual([])
    expect((await sdkLoadedBy(['plan', '--env', 'staging', '--offline'])).filter(isClient)).toEqual([])
  })

  test("after a deploy: status loads no client; step lambda loads Lambda's and none of the other steps'", async () => {
    await sdkLoadedBy(['deploy-all', '--env', 'staging'])

    expect((await sdkLoadedBy(['status', '--env', 'staging'])).filter(isClient)).toEqual([])
    const loaded = await sdkLoadedBy(['step', 'lambda', '--env', 'staging'])

    expect(loaded).toContain('@aws-sdk/client-lambda')
    for (const other of [
      'client-acm',
      'client-api-gateway',
      'client-apigatewayv2',
      'client-bedrock',
      'client-cloudfront',
      'client-cognito-identity-provider',
      'client-route-53',
    ])
      expect(loaded).not.toContain(`@aws-sdk/${other}`)
  })
})
