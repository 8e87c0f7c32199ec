import type { FunctionConfiguration } from '@aws-sdk/client-lambda'
import { describe, expect, test } from 'vitest'
import { describeChange } from '../../src/output/plan.js'
import { latestChanged } from '../../src/resources/lambda/function.js'
import {
  diffFunction,
  diffFunctionCode,
  diffFunctionConfiguration,
  toCreateFunctionInput,
  toUpdateConfigurationInput,
  versionMatches,
  type FunctionSpec,
} from '../../src/resources/lambda/function-diff.js'

const ROLE = 'arn:aws:iam::887078546492:role/svc-lambda-role'
const LAYER = 'arn:aws:lambda:us-east-1:887078546492:layer:shared:3'

const spec: FunctionSpec = {
  logicalId: 'prompt-crud',
  name: 'svc-prompt-crud',
  description: 'REST: prompts',
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memoryMb: 512,
  timeoutS: 30,
  roleArn: ROLE,
  environment: { SERVICE_NAME: 'svc', STAGE: 'production', TABLE_PROMPTS: 'svc-prompts' },
  layers: [LAYER],
  tracing: 'Active',
  tags: { 'managed-by': 'infra' },
  aliasName: 'production',
}

/** The function as Lambda would describe it once created from `spec`. */
const matching: FunctionConfiguration = {
  FunctionName: spec.name,
  Runtime: 'nodejs22.x',
  Handler: 'index.handler',
  Role: ROLE,
  MemorySize: 512,
  Timeout: 30,
  Description: 'REST: prompts',
  // Lambda returns the variables in its own order: compared as a map.
  Environment: { Variables: { TABLE_PROMPTS: 'svc-prompts', STAGE: 'production', SERVICE_NAME: 'svc' } },
  Layers: [{ Arn: LAYER, CodeSize: 100 }],
  TracingConfig: { Mode: 'Active' },
  Architectures: ['arm64'],
  CodeSha256: 'sha-a',
}

describe('diffFunctionConfiguration', () => {
  test('a function created from the spec has no difference', () => {
    expect(diffFunctionConfiguration(matching, spec)).toEqual([])
  })

  test('each differing field is one change, named as Lambda names it', () => {
    const have: FunctionConfiguration = {
      ...matching,
      Runtime: 'nodejs20.x',
      MemorySize: 256,
      Timeout: 3,
      Handler: 'main.handler',
      Role: `${ROLE}-old`,
      Description: undefined,
    }
    expect(diffFunctionConfiguration(have, spec)).toEqual([
      { field: 'Runtime', from: 'nodejs20.x', to: 'nodejs22.x' },
      { field: 'Handler', from: 'main.handler', to: 'index.handler' },
      { field: 'Role', from: `${ROLE}-old`, to: ROLE },
      { field: 'MemorySize', from: 256, to: 512 },
      { field: 'Timeout', from: 3, to: 30 },
      { field: 'Description', from: '', to: 'REST: prompts' },
    ])
  })

  test('environment variables are compared as a map: one change per added, changed or removed variable', () => {
    const have = {
      ...matching,
      Environment: { Variables: { SERVICE_NAME: 'svc', STAGE: 'staging', OLD: 'x', TABLE_PROMPTS: 'svc-prompts' } },
    }
    const want = { ...spec, environment: { ...spec.environment, NEW: 'y' } }
    expect(diffFunctionConfiguration(have, want)).toEqual([
      { field: 'Environment[NEW]', from: undefined, to: 'y' },
      { field: 'Environment[OLD]', from: 'x', to: undefined },
      { field: 'Environment[STAGE]', from: 'staging', to: 'production' },
    ])
  })

  test('a function without variables reports every wanted variable', () => {
    const { Environment: _, ...bare } = matching
    expect(diffFunctionConfiguration(bare, spec).map((c) => c.field)).toEqual([
      'Environment[SERVICE_NAME]',
      'Environment[STAGE]',
      'Environment[TABLE_PROMPTS]',
    ])
  })

  test('layers are compared as ARN lists, in order (Lambda applies them in order)', () => {
    const other = 'arn:aws:lambda:us-east-1:887078546492:layer:other:1'
    expect(diffFunctionConfiguration({ ...matching, Layers: undefined }, spec)).toEqual([
      { field: 'Layers', from: [], to: [LAYER] },
    ])
    expect(
      diffFunctionConfiguration(
        { ...matching, Layers: [{ Arn: other }, { Arn: LAYER }] },
        { ...spec, layers: [LAYER, other] },
      ),
    ).toEqual([{ field: 'Layers', from: [other, LAYER], to: [LAYER, other] }])
  })

  test('tracing: a function without TracingConfig is PassThrough', () => {
    expect(diffFunctionConfiguration({ ...matching, TracingConfig: undefined }, spec)).toEqual([
      { field: 'TracingConfig', from: 'PassThrough', to: 'Active' },
    ])
    expect(
      diffFunctionConfiguration({ ...matching, TracingConfig: undefined }, { ...spec, tracing: 'PassThrough' }),
    ).toEqual([])
  })

  test('dead-letter target: added, removed, and an empty TargetArn counts as none', () => {
    const dlq = 'arn:aws:sqs:us-east-1:887078546492:dlq'
    expect(diffFunctionConfiguration(matching, { ...spec, deadLetterArn: dlq })).toEqual([
      { field: 'DeadLetterConfig', from: undefined, to: dlq },
    ])
    expect(diffFunctionConfiguration({ ...matching, DeadLetterConfig: { TargetArn: dlq } }, spec)).toEqual([
      { field: 'DeadLetterConfig', from: dlq, to: undefined },
    ])
    expect(diffFunctionConfiguration({ ...matching, DeadLetterConfig: { TargetArn: '' } }, spec)).toEqual([])
  })

  test('architecture is not a configuration change (it goes with the code)', () => {
    expect(diffFunctionConfiguration({ ...matching, Architectures: ['x86_64'] }, spec)).toEqual([])
  })

  test('without description: a version published with another description still matches', () => {
    expect(diffFunctionConfiguration({ ...matching, Description: 'v1.0.0' }, spec, { description: false })).toEqual([])
  })
})

describe('diffFunctionCode', () => {
  test('same hash and architecture: nothing to upload', () => {
    expect(diffFunctionCode(matching, spec, 'sha-a')).toEqual([])
  })

  test('another hash, another architecture (x86_64 when Lambda reports none)', () => {
    expect(diffFunctionCode(matching, spec, 'sha-b')).toEqual([
      expect.objectContaining({ field: 'CodeSha256', from: 'sha-a', to: 'sha-b' }),
    ])
    expect(diffFunctionCode({ ...matching, Architectures: undefined }, spec, 'sha-a')).toEqual([
      { field: 'Architectures', from: 'x86_64', to: 'arm64' },
    ])
  })

  test('a reviewer reads the handler and the size change, not two hashes', () => {
    const [change] = diffFunctionCode({ ...matching, CodeSize: 12_288 }, spec, 'sha-b', 12_800)
    expect(describeChange(change!)).toBe(`code changed: handler ${spec.handler}, 12.0 kB → 12.5 kB (+0.5 kB)`)
    const [unknownBefore] = diffFunctionCode({ ...matching, CodeSize: undefined }, spec, 'sha-b', 2048)
    expect(describeChange(unknownBefore!)).toBe(`code changed: handler ${spec.handler}, ? → 2.0 kB`)
  })
})

describe('diffFunction', () => {
  const code = { zip: new Uint8Array(), codeSha256: 'sha-b' }

  test('configuration, then code, then tags; without a package the code is not compared', () => {
    const have = { configuration: { ...matching, MemorySize: 128 }, tags: {} }
    expect(diffFunction(have, { ...spec, code }).map((c) => c.field)).toEqual([
      'MemorySize',
      'CodeSha256',
      'Tags[managed-by]',
    ])
    expect(diffFunction(have, spec).map((c) => c.field)).toEqual(['MemorySize', 'Tags[managed-by]'])
  })

  test('$LATEST changed: created, or its code or configuration changed; tags alone do not count', () => {
    const result = (action: 'created' | 'updated' | 'unchanged', fields: string[]) => ({
      kind: 'lambda-function',
      key: 'lambda-function:prompt-crud',
      name: spec.name,
      action,
      changes: fields.map((field) => ({ field })),
    })
    expect(latestChanged(result('created', []))).toBe(true)
    expect(latestChanged(result('updated', ['CodeSha256']))).toBe(true)
    expect(latestChanged(result('updated', ['Timeout', 'Tags[team]']))).toBe(true)
    expect(latestChanged(result('updated', ['Tags[team]']))).toBe(false)
    expect(latestChanged(result('unchanged', []))).toBe(false)
  })
})

describe('versionMatches', () => {
  test('a version matches when code, architecture and configuration match, whatever its description', () => {
    expect(versionMatches({ ...matching, Version: '3', Description: 'published' }, spec, 'sha-a')).toBe(true)
    expect(versionMatches({ ...matching, Version: '3' }, spec, 'sha-b')).toBe(false)
    expect(versionMatches({ ...matching, Version: '3', MemorySize: 1024 }, spec, 'sha-a')).toBe(false)
  })
})

describe('requests', () => {
  test('CreateFunction carries the whole spec, unpublished, with the zip and tags', () => {
    const zip = Buffer.from('zip')
    expect(toCreateFunctionInput(spec, { zip, codeSha256: 'sha-a' })).toEqual({
      FunctionName: 'svc-prompt-crud',
      Description: 'REST: prompts',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zip },
      PackageType: 'Zip',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 30,
      Environment: { Variables: spec.environment },
      TracingConfig: { Mode: 'Active' },
      Layers: [LAYER],
      Publish: false,
      Tags: { 'managed-by': 'infra' },
    })
  })

  test('UpdateFunctionConfiguration removes a dead-letter target with an empty TargetArn, and leaves it out otherwise', () => {
    const removed = toUpdateConfigurationInput(spec, [{ field: 'DeadLetterConfig', from: 'arn:x', to: undefined }])
    expect(removed.DeadLetterConfig).toEqual({ TargetArn: '' })
    expect(toUpdateConfigurationInput(spec, [{ field: 'MemorySize', from: 1, to: 2 }])).not.toHaveProperty(
      'DeadLetterConfig',
    )
    expect(toUpdateConfigurationInput(spec, []).Layers).toEqual([LAYER])
  })
})
