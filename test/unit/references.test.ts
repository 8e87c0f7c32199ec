// References between config values and step outputs (`${tables.usage.name}`, `${api.url}`, `${ssm:/x}`): parsing,
// load-time checks naming file, line and field, the needs they add, cycles refused before any AWS call; the
// `parameters` section, free `permissions` statements (wildcards refused in production) and the identity pool keys.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { isWildcardResource } from '../../src/config/resolve-params.js'
import { findReferences, referenceProblems } from '../../src/config/step-references.js'
import type { ResolvedConfig } from '../../src/config/types.js'
import { ConfigError } from '../../src/errors/index.js'
import { lambdaRolePolicy } from '../../src/policies/lambda-role.js'
import { KNOWN_AFTER_APPLY } from '../../src/resources/types.js'
import { STEPS } from '../../src/steps/index.js'
import { parameterSpecs } from '../../src/steps/parameters-specs.js'
import { preflightSteps } from '../../src/steps/preflight.js'
import {
  checkReferenceCycles,
  outputReferenceValues,
  withReferenceNeeds,
  withReferences,
} from '../../src/steps/references.js'
import { makeProject, positionOf, removeProjects, type ProjectOptions } from '../fixtures/config/project.js'

afterAll(removeProjects)

async function load(project: ProjectOptions, env = 'production'): Promise<ResolvedConfig> {
  const { root } = await makeProject(project)
  return loadConfig({ root, env })
}

async function problems(project: ProjectOptions, env = 'production'): Promise<{ message: string; text: string }> {
  const { root, configText } = await makeProject(project)
  const error = await loadConfig({ root, env }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return { message: (error as ConfigError).message, text: configText }
}

describe('finding references', () => {
  test('step outputs with and without an entry, SSM parameters; template variables are not references', () => {
    expect(findReferences('${tables.usage.streamArn} ${api.url} ${ssm:/shared/vpc-id} ${SERVICE_NAME}')).toEqual([
      { kind: 'output', text: '${tables.usage.streamArn}', source: 'tables', entry: 'usage', output: 'streamArn' },
      { kind: 'output', text: '${api.url}', source: 'api', output: 'url' },
      { kind: 'ssm', text: '${ssm:/shared/vpc-id}', name: '/shared/vpc-id' },
    ])
  })

  test('problems: an unknown table (did you mean), a table without a stream, the wrong form, a bad SSM name', () => {
    const raw = { tables: { usage: { stream: false }, conversations: { stream: 'NEW_IMAGE' } } } as never
    expect(referenceProblems('${tables.usge.name}', raw)).toEqual([
      '${tables.usge.name}: "usge" is not in tables (did you mean usage? tables: usage, conversations)',
    ])
    expect(referenceProblems('${tables.usage.streamArn}', raw)).toEqual([
      '${tables.usage.streamArn}: table usage has no stream (set tables.usage.stream, e.g. "NEW_AND_OLD_IMAGES")',
    ])
    expect(referenceProblems('${tables.conversations.streamArn}', raw)).toEqual([])
    expect(referenceProblems('${tables.name}', raw)[0]).toMatch(/tables is read as \$\{tables\.<name>\.<output>\}/)
    expect(referenceProblems('${tabels.usage.name}', raw)[0]).toMatch(
      /which is not a source of values \(did you mean tables\?/,
    )
    expect(referenceProblems('${ssm:shared}', raw)[0]).toMatch(/"shared" is not a parameter name/)
    expect(referenceProblems('${ssm:/aws/x}', raw)[0]).toMatch(/reserved by AWS/)
  })

  test('config load names config.json:line, the field, and what exists', async () => {
    const { message, text } = await problems({
      mutate: (c) => (c.functions['usage-handler'].environment = { USAGE: '${tables.usages.name}' }),
    })
    expect(message).toContain(
      `config.json:${positionOf(text, '"USAGE"')} functions.usage-handler.environment.USAGE: \${tables.usages.name}: "usages" is not in tables (did you mean usage?`,
    )
  })
})

describe('needs and cycles', () => {
  test("a function reading the REST API's URL is a cycle (api needs lambda): refused before any AWS call", async () => {
    const config = await load({
      mutate: (c) => (c.functions['usage-handler'].environment = { API: '${api.url}' }),
    })
    expect(() => preflightSteps(config)).toThrow(
      expect.objectContaining({
        code: 'ReferenceCycle',
        exitCode: 2,
        message: expect.stringMatching(
          /config\.json: functions\.usage-handler\.environment\.API: \$\{api\.url\} is made by step api, which runs after step lambda \(api needs lambda\): a cycle/,
        ),
      }),
    )
  })

  test("a function reading its own step's outputs is refused too", async () => {
    const config = await load({
      mutate: (c) => (c.functions['usage-handler'].environment = { OTHER: '${functions.prompt-crud.arn}' }),
    })
    expect(() => checkReferenceCycles(config, STEPS)).toThrow(/is made by step lambda itself/)
  })

  test('parameters wait for the steps they read; a function for the tables and pools it reads', async () => {
    const config = await load({
      mutate: (c) => {
        c.parameters = { '/app/${ENVIRONMENT}/api-url': '${api.url}', '/app/pool': '${cognito.userPoolId}' }
        c.functions['usage-handler'].environment = { STREAM: '${tables.conversations.streamArn}' }
      },
    })
    expect(() => checkReferenceCycles(config, STEPS)).not.toThrow()
    const steps = withReferenceNeeds(STEPS, config)
    expect(steps.find((s) => s.id === 'parameters')?.needs).toEqual(['api', 'cognito'])
    expect(steps.find((s) => s.id === 'lambda')?.needs).toEqual(['iam', 'dynamodb', 'cognito'])
    // Steps without references are the same objects.
    expect(steps.find((s) => s.id === 'iam')).toBe(STEPS.find((s) => s.id === 'iam'))
  })

  test("a bucket's name is config's to give: a function reads it without waiting for (or cycling through) step s3", async () => {
    const config = await load({
      mutate: (c) => {
        c.buckets = { docs: {} }
        c.queues = { jobs: {} }
        c.functions['usage-handler'].environment = { DOCS: '${buckets.docs.name}' }
        c.parameters = { '/app/jobs': '${queues.jobs.url}', '/app/docs-arn': '${buckets.docs.arn}' }
      },
    })
    expect(() => checkReferenceCycles(config, STEPS)).not.toThrow()
    const steps = withReferenceNeeds(STEPS, config)
    expect(steps.find((s) => s.id === 'lambda')).toBe(STEPS.find((s) => s.id === 'lambda'))
    expect(steps.find((s) => s.id === 'parameters')?.needs).toEqual(['dynamodb', 's3'])
    const bucket = config.buckets.find((b) => b.logicalId === 'docs')!.name
    expect(outputReferenceValues(config, ['${buckets.docs.name}'], {}, false)).toEqual({
      '${buckets.docs.name}': bucket,
    })
  })

  test('values come from the upstream outputs; unknown in a plan, a named error in a run', async () => {
    const config = await load({ mutate: (c) => (c.parameters = { '/app/url': '${api.url}/v1' }) })
    const values = ['${api.url}/v1']
    expect(outputReferenceValues(config, values, { api: { url: 'https://x' } }, false)).toEqual({
      '${api.url}': 'https://x',
    })
    expect(withReferences('${api.url}/v1', { '${api.url}': 'https://x' })).toBe('https://x/v1')
    const planned = outputReferenceValues(config, values, {}, true)
    expect(withReferences('${api.url}/v1', planned)).toBe(KNOWN_AFTER_APPLY)
    expect(() => outputReferenceValues(config, values, {}, false)).toThrow(
      expect.objectContaining({ code: 'UpstreamOutputMissing', hint: expect.stringContaining('infra step api') }),
    )
  })
})

describe('parameters', () => {
  test('names expanded per environment, values keep references and expand template variables', async () => {
    const config = await load(
      {
        mutate: (c) =>
          (c.parameters = { '/${SERVICE_NAME}/${ENVIRONMENT}/pool': '${ENVIRONMENT}:${cognito.userPoolId}' }),
      },
      'staging',
    )
    expect(config.parameters).toEqual([
      { name: '/new-service-staging/staging/pool', value: 'staging:${cognito.userPoolId}' },
    ])
    const [spec] = parameterSpecs(config, { '${cognito.userPoolId}': 'us-east-1_abc' })
    expect(spec).toMatchObject({ name: '/new-service-staging/staging/pool', value: 'staging:us-east-1_abc' })
    expect(spec?.tags).toMatchObject({ 'managed-by': 'infra', 'infra:env': 'staging' })
  })

  test('bad names and values are config errors naming the parameter', async () => {
    const schema = await problems({ mutate: (c) => (c.parameters = { 'app/url': 'x' }) })
    expect(schema.message).toContain('parameters["app/url"]: key "app/url" is not valid (a full parameter name such as')
    const { message } = await problems({
      mutate: (c) => {
        c.parameters = { '/ssm/x': 'y', '/a/${ENVIRONMENT}': '${api.urll}', '/a/production': 'z' }
      },
    })
    expect(message).toContain('"/ssm/x" starts with /aws or /ssm')
    expect(message).toContain('${api.urll}: step api has no output "urll" (did you mean url?')
    expect(message).toMatch(
      /"\/a\/production" is also the name of parameters\["\/a\/\$\{ENVIRONMENT\}"\] once expanded/,
    )
  })
})

describe('free permissions', () => {
  const statement = (s: object) => (c: any) => (c.functions['usage-handler'].permissions = [s])

  test('merged into the role policy (deduplicated across functions), ARNs expanded', async () => {
    const s = { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::${SERVICE_NAME}-docs/*'] }
    const config = await load({
      mutate: (c) => {
        statement(s)(c)
        c.functions['prompt-crud'].permissions = [s]
      },
    })
    const declared = lambdaRolePolicy(config).Statement.filter((x) => x.Sid?.startsWith('Declared'))
    expect(declared).toEqual([
      { Sid: 'Declared1', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::new-service-docs/*'] },
    ])
  })

  test('a "*" in production is refused with the fix; allow_wildcard or another environment accepts it', async () => {
    const wild = { actions: ['s3:*'], resources: ['*'] }
    const { message } = await problems({ mutate: statement(wild) })
    expect(message).toContain(
      'functions.usage-handler.permissions[0]: allows "s3:*", "*": a wildcard is refused in production (name the actions and resources this needs, or set "allow_wildcard": true on this statement if it must)',
    )
    await expect(load({ mutate: statement({ ...wild, allow_wildcard: true }) })).resolves.toBeDefined()
    await expect(load({ mutate: statement(wild) }, 'staging')).resolves.toBeDefined()
    await expect(load({ mutate: statement({ ...wild, effect: 'Deny' }) })).resolves.toBeDefined()
  })

  test('what counts as a wildcard resource', () => {
    expect(isWildcardResource('*')).toBe(true)
    expect(isWildcardResource('arn:aws:dynamodb:us-east-1:123456789012:table/*')).toBe(true)
    expect(isWildcardResource('arn:aws:sqs:*:123456789012:jobs')).toBe(true)
    expect(isWildcardResource('arn:aws:s3:::docs/*')).toBe(false)
    expect(isWildcardResource('arn:aws:dynamodb:us-east-1:123456789012:table/usage/index/*')).toBe(false)
  })
})

describe('cognito.identity_pool', () => {
  test('guest permissions without allow_unauthenticated, and a wildcard in production, are refused', async () => {
    const { message } = await problems({
      mutate: (c) =>
        (c.cognito.identity_pool = {
          unauthenticated_permissions: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::pub/*'] }],
          authenticated_permissions: [{ actions: ['*'], resources: ['arn:aws:s3:::pub/*'] }],
        }),
    })
    expect(message).toContain('cognito.identity_pool.unauthenticated_permissions: grants guests permissions')
    expect(message).toContain('cognito.identity_pool.authenticated_permissions[0]: allows "*"')
  })

  test('${cognito.identityPoolId} needs an identity pool', async () => {
    const { message } = await problems({ mutate: (c) => (c.parameters = { '/app/ids': '${cognito.identityPoolId}' }) })
    expect(message).toContain('${cognito.identityPoolId}: config.json has no cognito.identity_pool')
  })
})
