// Bad input through the real CLI: exit 2, a message that names the file, field and fix, and nothing changed
// (no AWS call at all, no manifest written).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeWorkspace, readCalls, runCli, type Workspace } from '../support/cli.js'

interface Case {
  name: string
  config?: (c: any) => void
  configText?: (text: string) => string
  envFile?: (text: string) => string
  args?: string[]
  expect: (string | RegExp)[]
}

const cases: Case[] = [
  {
    name: 'JSON syntax error',
    configText: (t) => t.replace('"region": "us-east-1",', '"region": "us-east-1"'),
    expect: [/config\.json:\d+:\d+/, 'InvalidConfig'],
  },
  {
    name: 'unknown top-level key',
    config: (c) => (c.servce_name = 'x'),
    expect: ['servce_name', 'did you mean service_name'],
  },
  {
    name: 'wrong billing mode',
    config: (c) => (c.tables.usage.billing_mode = 'ON_DEMAND'),
    expect: ['tables.usage.billing_mode', 'PAY_PER_REQUEST, PROVISIONED'],
  },
  {
    name: 'missing partition key',
    config: (c) => delete c.tables.prompts.partition_key,
    expect: ['tables.prompts.partition_key'],
  },
  {
    name: 'provisioned without capacity',
    config: (c) => (c.tables.usage.billing_mode = 'PROVISIONED'),
    envFile: (t) => t.replace(/^DYNAMODB_BILLING=.*\n/m, ''),
    expect: ['tables.usage.capacity'],
  },
  {
    name: 'function uses an unknown table',
    config: (c) => (c.functions['usage-handler'].tables = { usages: 'read' }),
    expect: ['functions.usage-handler.tables', 'usages', 'conversations'],
  },
  {
    name: 'endpoint targets an unknown function',
    config: (c) => (c.rest_api.endpoints[0].function = 'conversations-api'),
    expect: ['rest_api.endpoints[0].function', 'conversations-api'],
  },
  {
    name: 'handler source missing',
    config: (c) => (c.functions['prompt-crud'].source = 'handlers/prompts/index.ts'),
    expect: ['functions.prompt-crud.source', 'handlers/prompts/index.ts'],
  },
  { name: 'bad account id', config: (c) => (c.account_id = '8870785'), expect: ['account_id', '12-digit'] },
  {
    name: 'name too long after expansion',
    config: (c) => (c.tables.usage.name = '${SERVICE_NAME}-' + 'u'.repeat(250)),
    expect: ['tables.usage', '255'],
  },
  {
    name: 'unknown template variable',
    config: (c) => (c.tables.usage.name = '${SERVICE}-usage'),
    expect: ['tables.usage.name', '${SERVICE}'],
  },
  {
    name: 'unknown env-file key',
    envFile: (t) => `${t}LAMBDA_MEMORY_MB=512\n`,
    expect: [/environments\/staging\.env:\d+/, 'LAMBDA_MEMORY_MB', 'InvalidEnvFile'],
  },
  {
    name: 'env-file value not a number',
    envFile: (t) => t.replace(/^LAMBDA_MEMORY=.*$/m, 'LAMBDA_MEMORY=lots'),
    expect: [/environments\/staging\.env:\d+/, 'LAMBDA_MEMORY'],
  },
  {
    name: 'every origin allowed in production',
    config: (c) => (c.rest_api.cors.allowed_origins.production = ['*']),
    args: ['deploy-all', '--env', 'production'],
    expect: ['rest_api.cors.allowed_origins.production', 'allows every origin'],
  },
  {
    name: 'unknown --env',
    args: ['deploy-all', '--env', 'prod'],
    expect: ['UnknownEnvironment', 'dev, production, staging'],
  },
]

describe('bad input changes nothing', () => {
  let ws: Workspace
  let pristineConfig: string
  let pristineEnv: string
  const envPath = () => path.join(ws.dir, 'environments/staging.env')
  beforeAll(() => {
    ws = makeWorkspace()
    pristineConfig = readFileSync(path.join(ws.dir, 'config.json'), 'utf8')
    pristineEnv = readFileSync(envPath(), 'utf8')
  })
  afterAll(() => ws.remove())

  test.each(cases)('$name', async (c) => {
    let text = pristineConfig
    if (c.config) {
      const config = JSON.parse(text)
      c.config(config)
      text = JSON.stringify(config, null, 2)
    }
    if (c.configText) text = c.configText(text)
    writeFileSync(path.join(ws.dir, 'config.json'), text)
    writeFileSync(envPath(), c.envFile ? c.envFile(pristineEnv) : pristineEnv)

    const run = await runCli(c.args ?? ['deploy-all', '--env', 'staging'], { cwd: ws.dir, state: ws.state })
    expect(run.code).toBe(2)
    const stderr = run.stderr.replace(/\s*\n ›\s+/g, ' ') // oclif wraps messages at the terminal width
    for (const part of c.expect)
      expect(stderr).toMatch(part instanceof RegExp ? part : new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/) // no stack trace
    expect(readCalls(ws.state)).toEqual([])
    expect(existsSync(path.join(ws.dir, '.infra'))).toBe(false)
  })
})
