// Step 03 against the fake AWS: create, no-op rerun, one changed handler, IAM propagation, drift, crash and resume,
// dry run. Assertions are on the fake's state and its call log.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { editConfig, plan, resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import {
  ALIAS,
  deployedWithEditedHandler,
  deployWith,
  editHandler,
  fastWorkspace,
  fnName,
  FUNCTIONS,
  LAMBDA_STEPS,
  manifestOf,
  realWorkspace,
  SERVICE,
  stepOf,
  writeLines,
} from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const ROLE_ARN = `arn:aws:iam::887078546492:role/${SERVICE}-lambda-role`

describe('lambda step: create from empty', () => {
  test('the real handlers become functions with their log groups, version 1 and the environment’s alias', async () => {
    const root = realWorkspace()
    const outcome = await deployWith(root)
    expect(stepOf(outcome, 'lambda')).toMatchObject({ status: 'done' })

    for (const id of FUNCTIONS) {
      const fn = fake.lambda.fn(fnName(id))!
      expect(fn, id).toBeDefined()
      expect(fn.state).toBe('Active')
      expect(fn.latest.config).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Role: ROLE_ARN,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
      })
      expect(fn.tags).toMatchObject({ 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': 'staging' })
      expect(Object.keys(fn.versions)).toEqual(['1'])
      expect(fn.aliases[ALIAS]).toMatchObject({ functionVersion: '1' })
      expect(fn.aliases[ALIAS]?.weights).toBeUndefined()
      const group = fake.logs.group(`/aws/lambda/${fnName(id)}`)
      expect(group).toMatchObject({ retentionInDays: 30, tags: expect.objectContaining({ 'managed-by': 'infra' }) })
    }
    // Variables: who, which stage, the tables' physical names (as step 02 created them), the function's own.
    const message = fake.lambda.fn(fnName('websocket-message'))!.latest.config.Environment?.Variables
    expect(message).toEqual({
      SERVICE_NAME: SERVICE,
      STAGE: 'staging',
      TABLE_CONVERSATIONS: `${SERVICE}-conversations`,
      TABLE_USAGE: `${SERVICE}-usage`,
      TABLE_WEBSOCKET_CONNECTIONS: `${SERVICE}-websocket-connections`,
      BEDROCK_MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      MAX_TOKENS: '2048',
      // Step 10's guardrail version, from upstream (the lambda step needs the bedrock step).
      GUARDRAIL_ID: expect.any(String),
      GUARDRAIL_VERSION: '1',
    })
    for (const table of ['conversations', 'usage', 'websocket-connections'])
      expect(fake.dynamodb.table(`${SERVICE}-${table}`)).toBeDefined()
    expect(fake.lambda.fn(fnName('websocket-message'))!.latest.config.Timeout).toBe(120)

    // The log group exists before anything can invoke the function (else Lambda makes an untagged, never-expiring
    // one): it is made while the function is created, and before the alias that API Gateway and triggers invoke.
    for (const id of FUNCTIONS) {
      const createGroup = fake.calls.findIndex(
        (c) => c.command === 'CreateLogGroupCommand' && c.input.logGroupName === `/aws/lambda/${fnName(id)}`,
      )
      const createAlias = fake.calls.findIndex(
        (c) => c.command === 'CreateAliasCommand' && c.input.FunctionName === fnName(id),
      )
      expect(createGroup).toBeGreaterThanOrEqual(0)
      expect(createGroup).toBeLessThan(createAlias)
    }

    const manifest = manifestOf(root)
    const record = manifest.resources['lambda-function:prompt-crud']
    const sha = fake.lambda.fn(fnName('prompt-crud'))!.latest.code.sha256
    expect(record).toMatchObject({
      kind: 'lambda-function',
      step: 'lambda',
      name: fnName('prompt-crud'),
      attributes: { codeSha256: sha, alias: { name: ALIAS, version: '1' } },
    })
    expect(record.attributes.versions).toEqual([
      { version: '1', codeSha256: sha, publishedAt: expect.any(String), fingerprint: expect.any(String) },
    ])
    expect(manifest.steps.lambda.outputs.functions['prompt-crud']).toEqual({
      name: fnName('prompt-crud'),
      arn: fake.lambda.arn(fnName('prompt-crud')),
      version: '1',
      aliasArn: fake.lambda.arn(fnName('prompt-crud'), ALIAS),
    })
  }, 60_000)
})

describe('lambda step: reruns', () => {
  test('a second run sends no write call at all', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    const again = await deployWith(root)
    expect(fake.writes()).toEqual([])
    expect(resultsOf(again).filter((r) => r.action !== 'unchanged')).toEqual([])
    expect(resultsOf(again).filter((r) => r.kind === 'lambda-alias')).toHaveLength(6)
  })

  test('one changed handler: exactly that function gets new code, a version and the alias, nothing else', async () => {
    const root = await deployedWithEditedHandler(fake)
    const outcome = await deployWith(root)
    const name = fnName('prompt-crud')
    expect(writeLines(fake.calls)).toEqual([
      `UpdateFunctionCode ${name}`,
      `PublishVersion ${name}`,
      `UpdateAlias ${name}`,
    ])
    const fn = fake.lambda.fn(name)!
    expect(Object.keys(fn.versions)).toEqual(['1', '2'])
    expect(fn.aliases[ALIAS]?.functionVersion).toBe('2')
    expect(fn.versions['2']?.code.sha256).toBe(fn.latest.code.sha256)
    expect(fn.versions['1']?.code.sha256).not.toBe(fn.latest.code.sha256)
    // PublishVersion is guarded by the hash we uploaded and the revision we read.
    const publish = fake.calls.find((c) => c.command === 'PublishVersionCommand')!
    expect(publish.input).toMatchObject({ CodeSha256: fn.latest.code.sha256, RevisionId: expect.any(String) })
    const changed = resultsOf(outcome).filter((r) => r.action !== 'unchanged')
    expect(changed.map((r) => `${r.action} ${r.kind} ${r.name}`)).toEqual([
      `updated lambda-function ${name}`,
      `updated lambda-alias ${name}:${ALIAS}`,
    ])
    expect(
      manifestOf(root).resources['lambda-function:prompt-crud'].attributes.versions.map((v: any) => v.version),
    ).toEqual(['1', '2'])
  })

  test('a configuration change: configuration, wait, then a version (no code upload)', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editConfig(root, (c) => {
      c.functions['usage-handler'].memory_mb = 1024
      c.functions['usage-handler'].environment = { FEATURE: 'on' }
    })
    fake.resetCalls()
    await deployWith(root)
    const name = fnName('usage-handler')
    expect(writeLines(fake.calls)).toEqual([
      `UpdateFunctionConfiguration ${name}`,
      `PublishVersion ${name}`,
      `UpdateAlias ${name}`,
    ])
    const update = fake.calls.find((c) => c.command === 'UpdateFunctionConfigurationCommand')!
    expect(update.input).toMatchObject({
      MemorySize: 1024,
      Environment: { Variables: expect.objectContaining({ FEATURE: 'on', TABLE_USAGE: `${SERVICE}-usage` }) },
    })
    // Never overlap updates: a read saw the update finish before the version was published.
    const publishAt = fake.calls.findIndex((c) => c.command === 'PublishVersionCommand')
    const updateAt = fake.calls.indexOf(update)
    expect(
      fake.calls
        .slice(updateAt, publishAt)
        .some((c) => c.command === 'GetFunctionConfigurationCommand' && c.input.FunctionName === name),
    ).toBe(true)
    expect(fake.lambda.fn(name)!.versions['2']?.config.MemorySize).toBe(1024)
  })
})

describe('lambda step: IAM propagation', () => {
  test('a role not yet assumable by Lambda is retried until it is', async () => {
    fake.lambda.rolePropagationFailures = 3
    const root = fastWorkspace()
    const outcome = await deployWith(root)
    expect(stepOf(outcome, 'lambda')?.status).toBe('done')
    const creates = fake.calls.filter((c) => c.command === 'CreateFunctionCommand')
    expect(creates.filter((c) => c.error === 'InvalidParameterValueException')).toHaveLength(3)
    expect(creates.filter((c) => !c.error)).toHaveLength(6)
    for (const id of FUNCTIONS) expect(fake.lambda.fn(fnName(id))?.aliases[ALIAS]).toBeDefined()
  })

  test('past the deadline: a clear error that names the role, and no function', async () => {
    fake.lambda.rolePropagationFailures = Number.MAX_SAFE_INTEGER
    const root = fastWorkspace()
    const outcome = await deployWith(root)
    const step = stepOf(outcome, 'lambda')!
    expect(step.status).toBe('failed')
    expect(step.error).toMatchObject({
      code: 'RoleNotAssumable',
      message: expect.stringContaining(ROLE_ARN),
      hint: expect.stringContaining('infra step lambda --env staging'),
    })
    expect(step.error?.message).toMatch(
      /^creating Lambda function \(new-service-staging-[a-z-]+\): role .* still refused by Lambda after \d+ s: InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda\.$/,
    )
    expect(fake.lambda.fn(fnName('prompt-crud'))).toBeUndefined()
    expect(fake.calls.filter((c) => c.command === 'CreateFunctionCommand').length).toBeGreaterThan(6)
  })
})

describe('lambda step: drift and crashes', () => {
  test('a function deleted out of band is recreated, with a fresh version history in the manifest', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editHandler(root, 'prompt-crud')
    await deployWith(root)
    const name = fnName('prompt-crud')
    fake.lambda.deleteFunctionOutOfBand(name)
    fake.resetCalls()
    const outcome = await deployWith(root)
    expect(writeLines(fake.calls)).toEqual([`CreateFunction ${name}`, `PublishVersion ${name}`, `CreateAlias ${name}`])
    expect(resultsOf(outcome).find((r) => r.name === name)?.action).toBe('created')
    expect(fake.lambda.fn(name)?.aliases[ALIAS]?.functionVersion).toBe('1')
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes).toMatchObject({
      versions: [{ version: '1' }],
      alias: { version: '1' },
    })
  })

  test('a crash right after CreateFunction: the rerun finds the function, makes no copy, and finishes it', async () => {
    const root = fastWorkspace()
    let created: string | undefined
    let crashed = false
    fake.onCall((call) => {
      if (created && !crashed) {
        crashed = true
        throw new Error('simulated crash')
      }
      if (call.command === 'CreateFunctionCommand' && !call.error) created = call.input.FunctionName
    })
    const first = await deployWith(root)
    expect(stepOf(first, 'lambda')?.status).toBe('failed')
    expect(crashed).toBe(true)

    const second = await deployWith(root)
    expect(stepOf(second, 'lambda')?.status).toBe('done')
    expect(fake.calls.filter((c) => c.command === 'CreateFunctionCommand' && !c.error)).toHaveLength(6)
    for (const id of FUNCTIONS) {
      const fn = fake.lambda.fn(fnName(id))!
      expect(Object.keys(fn.aliases)).toEqual([ALIAS])
      expect(Object.keys(fn.versions)).toEqual(['1'])
    }
    fake.resetCalls()
    await deployWith(root)
    expect(fake.writes()).toEqual([])
  })

  test('a crash after the code upload, before the version: the rerun publishes and moves the alias', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editHandler(root, 'prompt-crud')
    fake.failNext('PublishVersion', () => new Error('simulated crash'))
    const first = await deployWith(root)
    expect(stepOf(first, 'lambda')?.status).toBe('failed')
    fake.resetCalls()
    await deployWith(root)
    const name = fnName('prompt-crud')
    expect(writeLines(fake.calls)).toEqual([`PublishVersion ${name}`, `UpdateAlias ${name}`])
    expect(fake.lambda.fn(name)?.aliases[ALIAS]?.functionVersion).toBe('2')
  })
})

describe('lambda step: dry run', () => {
  test('from empty: every function, log group and alias would be created, and no write is sent', async () => {
    const root = fastWorkspace()
    const outcome = await plan(root, { steps: LAMBDA_STEPS })
    expect(fake.writes()).toEqual([])
    const lambda = stepOf(outcome, 'lambda')!
    expect(lambda.status).toBe('done')
    expect(lambda.results.map((r) => r.action)).toEqual(Array(18).fill('would-create'))
  })

  test('after a handler change: that function would update its code and its alias', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    editHandler(root, 'usage-handler')
    fake.resetCalls()
    const outcome = await plan(root, { steps: LAMBDA_STEPS })
    expect(fake.writes()).toEqual([])
    const changed = resultsOf(outcome).filter((r) => r.action !== 'unchanged')
    expect(changed.map((r) => `${r.action} ${r.kind} ${r.changes.map((c) => c.field).join(',')}`)).toEqual([
      'would-update lambda-function CodeSha256',
      'would-update lambda-alias FunctionVersion',
    ])
    expect(changed[1]?.changes[0]).toEqual({ field: 'FunctionVersion', from: '1', to: '(known after apply)' })
  })
})

describe('lambda step: secrets', () => {
  test('a secret whose SSM parameter is missing fails before any function changes, naming it', async () => {
    const root = fastWorkspace((c) => {
      c.functions['prompt-crud'].secrets = { API_KEY: '/new-service/api-key', OTHER: '/new-service/present' }
    })
    await fake.ssm
      .handlers()
      .find(([cmd]) => cmd.name === 'PutParameterCommand')![1]({
        Name: '/new-service/present',
        Type: 'SecureString',
        Value: 'x',
      })
    const outcome = await deployWith(root)
    const step = stepOf(outcome, 'lambda')!
    expect(step.error).toMatchObject({
      code: 'SecretParametersMissing',
      message: expect.stringContaining('/new-service/api-key (used by prompt-crud (API_KEY))'),
    })
    expect(step.error?.message).not.toContain('/new-service/present')
    expect(fake.lambda.fn(fnName('prompt-crud'))).toBeUndefined()
  })

  test('a secret reaches the function as the parameter name, never its value', async () => {
    const root = fastWorkspace((c) => {
      c.functions['prompt-crud'].secrets = { API_KEY: '/new-service/api-key' }
    })
    await fake.ssm
      .handlers()
      .find(([cmd]) => cmd.name === 'PutParameterCommand')![1]({
        Name: '/new-service/api-key',
        Type: 'SecureString',
        Value: 's3cr3t',
      })
    await deployWith(root)
    const vars = fake.lambda.fn(fnName('prompt-crud'))!.latest.config.Environment?.Variables
    expect(vars?.API_KEY).toBe('/new-service/api-key')
    expect(JSON.stringify(fake.calls.filter((c) => c.service === 'lambda'))).not.toContain('s3cr3t')
  })
})
