// Bad input, shared by the end-to-end tests of deploy-all and validate: each case mutates the workspace and names
// what the error message must contain (the file, the field, what would be valid).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { readCalls, type CliResult } from '../support/cli.js'

export interface BadInputCase {
  name: string
  config?: (c: any) => void
  configText?: (text: string) => string
  envFile?: (text: string) => string
  /** Files to write into the workspace (path relative to it → text), e.g. a broken handler. */
  files?: Record<string, string>
  /** Default: deploy-all --env staging. */
  args?: string[]
  expect: (string | RegExp)[]
  /**
   * Found by packaging the handlers, which a deploy runs beside its first reads (the account check, the early reads
   * and read-aheads): the run may have read, never written. Every other case is found before any AWS call.
   */
  packaging?: true
}

export const BAD_INPUT_CASES: BadInputCase[] = [
  {
    // Only the websocket step's own derivation finds this: preflight runs it before any AWS call.
    name: 'WebSocket API name too long once expanded',
    config: (c) => (c.websocket_api.name = `\${SERVICE_NAME}-${'w'.repeat(120)}`),
    expect: ['websocket_api.name', 'at most 128'],
  },
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
  {
    name: 'typo in a section whose step does not exist yet',
    config: (c) => (c.frontend.index_documnet = 'index.html'),
    expect: ['frontend.index_documnet', 'did you mean index_document'],
  },
  {
    name: 'unknown placeholder',
    config: (c) => (c.dns.records.api = 'api.${DOMIAN}'),
    expect: [
      'dns.records.api',
      'unknown variable ${DOMIAN}',
      'did you mean ${DOMAIN}',
      '${SERVICE_NAME}, ${ENVIRONMENT}',
    ],
  },
  {
    name: 'deprecated runtime',
    packaging: true,
    config: (c) => (c.lambda_defaults.runtime = 'nodejs14.x'),
    expect: [/config\.json:\d+:\d+ lambda_defaults\.runtime/, 'deprecated by AWS on 2023-12-04', 'UnsupportedRuntime'],
  },
  {
    name: 'java runtime (infra packages Node.js and Python)',
    packaging: true,
    config: (c) => (c.functions['usage-handler'].runtime = 'java21'),
    expect: [
      /functions\.usage-handler\.runtime/,
      'java runtime, but infra packages only Node.js',
      'UnsupportedRuntime',
    ],
  },
  {
    name: 'handler with a syntax error',
    packaging: true,
    config: (c) => (c.functions.broken = { source: 'handlers/broken/index.ts' }),
    files: { 'handlers/broken/index.ts': 'export const handler = async (event: unknown) => {\n  return event\n' },
    expect: [/handlers\/broken\/index\.ts:3:1 does not bundle/, 'functions.broken.source', 'PackageBuildFailed'],
  },
  {
    name: 'handler does not export the configured name',
    packaging: true,
    config: (c) => (c.functions['prompt-crud'].handler = 'index.main'),
    expect: ['functions.prompt-crud.handler', 'does not export it', 'HandlerNotExported'],
  },
]

/** Writes the case's config.json, env file and files into the workspace, from the pristine texts. */
export function applyCase(dir: string, c: BadInputCase, pristine: { config: string; env: string }): void {
  let text = pristine.config
  if (c.config) {
    const config = JSON.parse(text)
    c.config(config)
    text = JSON.stringify(config, null, 2)
  }
  if (c.configText) text = c.configText(text)
  writeFileSync(path.join(dir, 'config.json'), text)
  writeFileSync(path.join(dir, 'environments/staging.env'), c.envFile ? c.envFile(pristine.env) : pristine.env)
  for (const [file, content] of Object.entries(c.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), content)
  }
}

export interface RejectedRun {
  /** The fake's calls before this run. */
  callsBefore?: number
  /** The run may have read (the account check, the early reads) before packaging found the problem. */
  mayRead?: boolean
}

/**
 * Exit code 2, every expected part in the message, no stack trace, no AWS call at all (or, `mayRead`, reads only),
 * and no manifest (the package cache in .infra/cache may hold the handlers that did bundle: it is not state).
 */
export function expectRejected(
  run: CliResult,
  c: BadInputCase,
  ws: { dir: string; state: string },
  { callsBefore = 0, mayRead = false }: RejectedRun = {},
): void {
  expect(run.code, run.stderr).toBe(2)
  const stderr = run.stderr.replace(/\s*\n ›\s+/g, ' ') // oclif wraps messages at the terminal width
  for (const part of c.expect)
    expect(stderr).toMatch(part instanceof RegExp ? part : new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/) // no stack trace
  const calls = readCalls(ws.state).slice(callsBefore)
  expect(mayRead ? calls.filter((call) => call.write) : calls).toEqual([])
  const infra = path.join(ws.dir, '.infra')
  expect(existsSync(infra) ? readdirSync(infra).filter((name) => name !== 'cache') : []).toEqual([])
}
