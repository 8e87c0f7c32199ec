// The function keys beyond Node.js zips, resolved and refused on plain objects: Python folders, image functions (no
// source, handler, runtime or layers), layers by key or ARN, "never" for log retention, function URLs; and the pure
// specs and diffs they become.
import { describe, expect, test } from 'vitest'
import { resolveConfig, type ResolveInput } from '../../src/config/index.js'
import { configSchema } from '../../src/config/schema.js'
import { diffFunction, toCreateFunctionInput, toUpdateCodeInput } from '../../src/resources/lambda/function-diff.js'
import { diffFunctionUrl } from '../../src/resources/lambda/function-url.js'
import { diffLogGroup } from '../../src/resources/logs/log-group.js'
import { functionSpec, functionUrlSpec, lambdaUpstream, logGroupSpec } from '../../src/steps/lambda-specs.js'
import { layerSpec } from '../../src/steps/lambda-layers.js'
import { KNOWN_AFTER_APPLY } from '../../src/resources/types.js'
import { realConfig } from '../fixtures/config/project.js'

const files = { root: '/srv/app', config: '/srv/app/config.json', envFile: '/srv/app/environments/x.env' }
const IMAGE = '887078546492.dkr.ecr.us-east-1.amazonaws.com/chat@sha256:' + 'a'.repeat(64)
const LAYER_ARN = 'arn:aws:lambda:us-east-1:887078546492:layer:shared:4'

function input(mutate: (c: any) => void): ResolveInput {
  const c = realConfig()
  mutate(c)
  return { raw: configSchema.parse(c), env: 'x', files, fileExists: () => true }
}
function messages(mutate: (c: any) => void): string {
  try {
    resolveConfig(input(mutate))
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('resolveConfig did not throw')
}

const withExtras = (c: any) => {
  c.layers = { common: { source: 'layers/common', compatible_runtimes: ['python3.13'] } }
  c.functions.chat = {
    source: 'functions/chat',
    runtime: 'python3.13',
    handler: 'app.handler',
    layers: ['common', LAYER_ARN],
    log_retention_days: 'never',
    url: { auth: 'NONE', cors: { allow_origins: ['https://example.com'] } },
  }
  c.functions.render = { image_uri: IMAGE, architecture: 'x86_64' }
}

describe('functions beyond Node.js zips, resolved', () => {
  const config = resolveConfig(input(withExtras))
  const chat = config.functions.find((f) => f.logicalId === 'chat')!
  const render = config.functions.find((f) => f.logicalId === 'render')!

  test('a Python function keeps its folder; an image function has only its URI; a layer gets its name and architecture', () => {
    expect(chat).toMatchObject({ source: '/srv/app/functions/chat', handler: 'app.handler', runtime: 'python3.13' })
    expect(chat.logRetentionDays).toBe('never')
    expect(render).toMatchObject({ imageUri: IMAGE })
    expect(render.source).toBeUndefined()
    expect(render.runtime).toBeUndefined()
    expect(config.layers).toEqual([
      {
        logicalId: 'common',
        name: 'new-service-common',
        source: '/srv/app/layers/common',
        compatibleRuntimes: ['python3.13'],
        compatibleArchitectures: ['arm64'],
        versionsKept: 3,
      },
    ])
  })

  test('specs: layers by key become the version ARN step 03 has (unknown in a plan), ARNs stay; never expire has no retention', () => {
    const up = {
      ...lambdaUpstream(config, {}, undefined, true),
      layers: { common: LAYER_ARN.replace('shared', 'common') },
    }
    expect(functionSpec(chat, config, up).layers).toEqual([LAYER_ARN.replace('shared', 'common'), LAYER_ARN])
    expect(functionSpec(chat, config, { ...up, layers: {} }).layers[0]).toBe(KNOWN_AFTER_APPLY)
    expect(logGroupSpec(chat)).not.toHaveProperty('retentionDays')
    expect(functionSpec(render, config, up)).toMatchObject({ imageUri: IMAGE, architecture: 'x86_64' })
    expect(functionSpec(render, config, up)).not.toHaveProperty('runtime')
    expect(functionUrlSpec(chat, config)).toMatchObject({
      name: 'new-service-chat:production',
      qualifier: 'production',
      auth: 'NONE',
      cors: { allowOrigins: ['https://example.com'], allowMethods: ['*'], allowCredentials: false },
    })
    expect(functionUrlSpec(render, config)).toBeUndefined()
    expect(layerSpec(config.layers[0]!, config).description).toBe('[managed-by infra new-service x]')
  })

  test('an image function is created and updated by its URI, with no runtime or handler; a new digest is a code change', () => {
    const spec = functionSpec(render, config, lambdaUpstream(config, {}, undefined, true))
    const create = toCreateFunctionInput(spec)
    expect(create).toMatchObject({ PackageType: 'Image', Code: { ImageUri: IMAGE } })
    expect(create).not.toHaveProperty('Runtime')
    expect(create).not.toHaveProperty('Handler')
    expect(toUpdateCodeInput(spec)).toMatchObject({ ImageUri: IMAGE, Architectures: ['x86_64'] })
    const have = {
      configuration: {
        PackageType: 'Image' as const,
        Architectures: ['x86_64' as const],
        Description: '',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutS,
        Role: spec.roleArn,
        Environment: { Variables: spec.environment },
        TracingConfig: { Mode: spec.tracing },
      },
      tags: spec.tags,
      imageUri: IMAGE,
    }
    expect(diffFunction(have, spec)).toEqual([])
    const newer = IMAGE.replace(/a{64}$/, 'b'.repeat(64))
    expect(diffFunction(have, { ...spec, imageUri: newer })).toEqual([{ field: 'ImageUri', from: IMAGE, to: newer }])
  })

  test('"never" expire removes a retention that is set', () => {
    const group = { group: { logGroupName: '/aws/lambda/x', retentionInDays: 30 }, tags: {} }
    expect(diffLogGroup(group, { logicalId: 'x', name: '/aws/lambda/x', tags: {} })).toEqual([
      { field: 'RetentionInDays', from: 30, to: 'never expire' },
    ])
  })

  test('a public URL wants both public-access statements; an IAM one none', () => {
    const spec = functionUrlSpec(chat, config)!
    const have = { url: 'https://x.lambda-url.us-east-1.on.aws/', auth: 'AWS_IAM', publicStatements: [] }
    expect(diffFunctionUrl(have, { ...spec, cors: undefined }).map((c) => c.field)).toEqual([
      'AuthType',
      'PublicAccess',
    ])
  })
})

describe('functions beyond Node.js zips, refused with the field and the fix', () => {
  test('an image function with source, handler, runtime or layers', () => {
    const message = messages((c) => {
      c.functions.render = { image_uri: IMAGE, source: 'x', handler: 'a.b', runtime: 'python3.13', layers: [LAYER_ARN] }
    })
    for (const field of ['source', 'handler', 'runtime'])
      expect(message).toContain(
        `functions.render.${field}: is set, but the function has image_uri: an image function has no ${field}`,
      )
    expect(message).toContain('functions.render.layers: is set, but the function has image_uri')
  })

  test('a function with neither source nor image_uri', () => {
    expect(messages((c) => (c.functions.bare = { handler: 'app.handler' }))).toContain(
      "functions.bare.source: is required: the handler's entry file (Node.js) or the function's folder (Python)",
    )
  })

  test('a layer key that is not in layers, with a suggestion', () => {
    const message = messages((c) => {
      c.layers = { common: { source: 'layers/common', compatible_runtimes: ['python3.13'] } }
      c.functions['usage-handler'].layers = ['comon']
    })
    expect(message).toContain(
      'functions.usage-handler.layers[0]: "comon" is not in layers (did you mean common? layers: common); name a key of layers or give a layer version ARN',
    )
  })

  test('a layer built for another runtime or architecture than the function', () => {
    const message = messages((c) => {
      c.layers = { common: { source: 'layers/common', compatible_runtimes: ['python3.13'] } }
      c.functions['usage-handler'].layers = ['common']
      c.functions['usage-handler'].architecture = 'x86_64'
    })
    expect(message).toContain(
      'functions.usage-handler.layers[0]: layer common is built for python3.13, not nodejs24.x (add nodejs24.x to layers.common.compatible_runtimes)',
    )
    expect(message).toContain(
      'layer common is built for arm64, not x86_64 (add x86_64 to layers.common.compatible_architectures)',
    )
  })

  test('schema: an image URI that is not ECR, a retention that is neither days nor "never", an unknown URL auth', () => {
    const bad = configSchema.safeParse({
      ...realConfig(),
      functions: {
        a: { image_uri: 'docker.io/library/python:3.13' },
        b: { source: 'x', log_retention_days: 'forever' },
        c: { source: 'x', url: { auth: 'PUBLIC' } },
      },
    })
    expect(bad.success).toBe(false)
    const paths = bad.error!.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(
      expect.arrayContaining(['functions.a.image_uri', 'functions.b.log_retention_days', 'functions.c.url.auth']),
    )
  })
})
