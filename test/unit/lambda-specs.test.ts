import { describe, expect, test } from 'vitest'
import type { FunctionConfig, ResolvedConfig } from '../../src/config/types.js'
import {
  functionEnvironment,
  functionSpec,
  guardrailFrom,
  lambdaInputs,
  lambdaUpstream,
  logGroupSpec,
  tableEnvName,
} from '../../src/steps/lambda-specs.js'
import { tableEnvName as handlersTableEnvName } from '../../handlers/lib/env.js'

const ROLE = 'arn:aws:iam::887078546492:role/svc-lambda-role'

const fn = (overrides: Partial<FunctionConfig> = {}): FunctionConfig => ({
  logicalId: 'websocket-message',
  name: 'svc-websocket-message',
  source: '/repo/handlers/websocket-message/index.ts',
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memoryMb: 512,
  timeoutS: 120,
  environment: { MAX_TOKENS: '2048' },
  secrets: { API_KEY: '/svc/api-key' },
  tables: { conversations: 'read-write', 'websocket-connections': 'read-write' },
  bedrock: true,
  layers: [],
  buckets: {},
  queues: {},
  triggers: [],
  logRetentionDays: 30,
  tracing: 'Active',
  bundleAwsSdk: true,
  tags: { 'managed-by': 'infra' },
  ...overrides,
})

function config(functions: FunctionConfig[]): ResolvedConfig {
  return {
    env: 'staging',
    environment: 'staging',
    serviceName: 'svc',
    functions,
    layers: [],
    tables: [
      { logicalId: 'conversations', name: 'svc-conversations' },
      { logicalId: 'websocket-connections', name: 'svc-websocket-connections' },
    ],
    files: { root: '/repo', config: '/repo/config.json', envFile: '/repo/environments/staging.env' },
    sections: {},
  } as unknown as ResolvedConfig
}

const upstream = {
  iam: { roles: { lambda: { name: 'svc-lambda-role', arn: ROLE } } },
  // Physical names from step 02's outputs, deliberately unlike the config's, to show which one is used.
  dynamodb: {
    tables: { conversations: { name: 'real-conversations' }, 'websocket-connections': { name: 'real-connections' } },
  },
}

describe('tableEnvName', () => {
  test('upper-cases the logical id and turns dashes into underscores, as the handlers expect', () => {
    expect(tableEnvName('websocket-connections')).toBe('TABLE_WEBSOCKET_CONNECTIONS')
    expect(tableEnvName('usage')).toBe('TABLE_USAGE')
    for (const id of ['conversations', 'websocket-connections', 'a-b-c'])
      expect(tableEnvName(id)).toBe(handlersTableEnvName(id))
  })
})

describe('functionEnvironment', () => {
  test('service, stage, one TABLE_* per table with the physical name from step 02, own variables, secrets as parameter names', () => {
    const c = config([fn()])
    expect(functionEnvironment(fn(), c, lambdaUpstream(c, upstream, undefined, false))).toEqual({
      SERVICE_NAME: 'svc',
      STAGE: 'staging',
      TABLE_CONVERSATIONS: 'real-conversations',
      TABLE_WEBSOCKET_CONNECTIONS: 'real-connections',
      MAX_TOKENS: '2048',
      API_KEY: '/svc/api-key',
    })
  })

  test('the guardrail of step 10 reaches Bedrock functions only, once the manifest has it', () => {
    const c = config([fn()])
    const up = lambdaUpstream(c, upstream, { guardrail: { id: 'gr-1', version: 2 } }, false)
    expect(functionEnvironment(fn(), c, up)).toMatchObject({ GUARDRAIL_ID: 'gr-1', GUARDRAIL_VERSION: '2' })
    expect(functionEnvironment(fn({ bedrock: false }), c, up)).not.toHaveProperty('GUARDRAIL_ID')
  })
})

describe('guardrailFrom', () => {
  test('reads either shape defensively; anything else is no guardrail', () => {
    expect(guardrailFrom({ guardrailId: 'g', guardrailVersion: '1' })).toEqual({ id: 'g', version: '1' })
    expect(guardrailFrom({ guardrail: { id: 'g', version: 'DRAFT' } })).toEqual({ id: 'g', version: 'DRAFT' })
    for (const junk of [
      undefined,
      null,
      'x',
      [],
      {},
      { guardrail: { id: 'g' } },
      { guardrailId: 3, guardrailVersion: '1' },
    ])
      expect(guardrailFrom(junk)).toBeUndefined()
  })
})

describe('lambdaUpstream', () => {
  test('a real run without the role or a table output fails naming the step to run', () => {
    const c = config([fn()])
    expect(() => lambdaUpstream(c, { dynamodb: upstream.dynamodb }, undefined, false)).toThrow(
      expect.objectContaining({
        code: 'UpstreamOutputMissing',
        hint: expect.stringContaining('infra step iam --env staging'),
      }),
    )
    expect(() => lambdaUpstream(c, { iam: upstream.iam, dynamodb: { tables: {} } }, undefined, false)).toThrow(
      /table conversations/,
    )
  })

  test('a plan falls back to the config’s table names and an unknown role', () => {
    const c = config([fn()])
    expect(lambdaUpstream(c, {}, undefined, true)).toEqual({
      roleArn: '(known after apply)',
      tables: { conversations: 'svc-conversations', 'websocket-connections': 'svc-websocket-connections' },
    })
  })
})

describe('functionSpec and logGroupSpec', () => {
  test('the alias is named after the environment; the log group is /aws/lambda/<name> with the retention', () => {
    const c = config([fn()])
    const spec = functionSpec(fn({ reservedConcurrency: 5 }), c, lambdaUpstream(c, upstream, undefined, false))
    expect(spec).toMatchObject({
      aliasName: 'staging',
      roleArn: ROLE,
      description: '',
      reservedConcurrency: 5,
      timeoutS: 120,
    })
    expect(spec).not.toHaveProperty('provisionedConcurrency')
    expect(logGroupSpec(fn({ logRetentionDays: 14 }))).toEqual({
      logicalId: 'lambda-websocket-message',
      name: '/aws/lambda/svc-websocket-message',
      retentionDays: 14,
      tags: { 'managed-by': 'infra' },
    })
  })

  test('the step inputs hold the functions with sources relative to config.json', () => {
    expect(lambdaInputs(config([fn()]))).toMatchObject({
      alias: 'staging',
      functions: [{ logicalId: 'websocket-message', source: 'handlers/websocket-message/index.ts' }],
    })
  })
})
