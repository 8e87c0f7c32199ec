// Step 08's config: per-environment URLs, the legacy client option, the outputs, the load-time checks; and the
// `${step.output}` references a function's environment may use, validated at load and filled in by the lambda step.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { findReferences, referenceProblems } from '../../src/config/step-references.js'
import type { FunctionConfig, ResolvedConfig } from '../../src/config/types.js'
import { cognitoConfig, cognitoOutputs, cognitoSpecs } from '../../src/steps/cognito-specs.js'
import { functionEnvironment, lambdaUpstream, stepReferenceValues } from '../../src/steps/lambda-specs.js'
import { withReferences } from '../../src/steps/references.js'
import { REPO_ROOT, workspace } from '../support/context.js'

const load = (env: string, root = REPO_ROOT) => loadConfig({ root, env })

describe('cognitoSpecs', () => {
  test('callback and logout URLs per ENVIRONMENT, "*" for the others; deletion protection in production', async () => {
    const staging = cognitoSpecs(cognitoConfig(await load('staging'))!)
    const production = cognitoSpecs(cognitoConfig(await load('production'))!)
    expect(staging.client).toMatchObject({
      callbackUrls: ['http://localhost:5173/auth/callback'],
      logoutUrls: ['http://localhost:5173/'],
    })
    expect(production.client).toMatchObject({
      callbackUrls: ['https://new-service.com/auth/callback'],
      logoutUrls: ['https://new-service.com/'],
    })
    expect(staging.pool.deletionProtection).toBe(false)
    expect(production.pool.deletionProtection).toBe(true)
    expect(staging.pool).toMatchObject({ name: 'new-service-staging-users', mfa: 'OPTIONAL' })
    expect(staging.pool.tags).toMatchObject({ 'infra:env': 'staging', project: 'new-service' })
    expect(staging.domain).toEqual({ logicalId: 'hosted-ui', name: 'new-service-staging-auth' })
  })

  test('a browser client by default: no secret, SRP and refresh, the code flow', async () => {
    expect(cognitoSpecs(cognitoConfig(await load('dev'))!).client).toMatchObject({
      name: 'new-service-dev-app',
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      oauthFlows: ['code'],
      oauthScopes: ['openid', 'email', 'profile'],
    })
  })

  test('legacy_password_auth: the manual’s client, a secret and USER_PASSWORD_AUTH', async () => {
    const root = workspace((c) => (c.cognito.legacy_password_auth = true))
    expect(cognitoSpecs(cognitoConfig(await load('dev', root))!).client).toMatchObject({
      generateSecret: true,
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    })
  })

  test('no cognito section: no specs (the step has nothing to do)', async () => {
    const root = workspace((c) => {
      delete c.cognito
      delete c.functions['websocket-connect'].environment
    })
    expect(cognitoConfig(await load('dev', root))).toBeUndefined()
  })
})

describe('cognitoOutputs', () => {
  test('ids, issuer, hosted UI; a plan shows what is not known yet, a real run leaves it out', () => {
    expect(
      cognitoOutputs('eu-west-1', { userPoolId: 'eu-west-1_x', userPoolArn: 'arn', clientId: 'c' }, 'svc-auth', false),
    ).toEqual({
      userPoolId: 'eu-west-1_x',
      userPoolArn: 'arn',
      clientId: 'c',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x',
      hostedUiUrl: 'https://svc-auth.auth.eu-west-1.amazoncognito.com',
      domain: 'svc-auth.auth.eu-west-1.amazoncognito.com',
      endpoints: { 'Hosted UI': 'https://svc-auth.auth.eu-west-1.amazoncognito.com' },
    })
    expect(cognitoOutputs('eu-west-1', {}, 'p', true)).toMatchObject({
      userPoolId: '(known after apply)',
      issuer: '(known after apply)',
      clientId: '(known after apply)',
    })
    expect(cognitoOutputs('eu-west-1', { userPoolId: 'eu-west-1_x' }, 'p', false)).not.toHaveProperty('clientId')
  })
})

describe('cognito config checks at load time', () => {
  const problems = async (edit: (c: any) => void) => {
    const root = workspace(edit)
    return load('staging', root).then(
      () => 'loaded',
      (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
    )
  }

  test('no callback URL for this environment, a bad prefix, a reserved word, scopes without openid', async () => {
    const message = await problems((c) => {
      c.cognito.callback_urls = { production: ['https://x.example/cb'] }
      c.cognito.domain_prefix = '${SERVICE_NAME}-cognito'
      c.cognito.oauth_scopes = ['email']
    })
    expect(message).toMatch(/^InvalidConfig/)
    expect(message).toContain('cognito.callback_urls: has no URLs for environment staging')
    expect(message).toContain(
      'cognito.domain_prefix: "new-service-staging-cognito", expanded from "${SERVICE_NAME}-cognito", contains "cognito" (Cognito refuses',
    )
    expect(message).toContain('cognito.oauth_scopes: email needs the openid scope')
  })

  test('an HTTP callback other than localhost and an unknown key are schema errors', async () => {
    const message = await problems((c) => {
      c.cognito.callback_urls['*'] = ['http://example.com/cb']
      c.cognito.mfa_mode = 'ON'
    })
    expect(message).toContain('cognito.callback_urls')
    expect(message).toContain('mfa_mode')
  })
})

describe('${step.output} in a function’s environment', () => {
  test('found by their dot; name-template variables are not references', () => {
    expect(findReferences('${cognito.userPoolId}/${SERVICE_NAME}')).toEqual([
      { kind: 'output', text: '${cognito.userPoolId}', source: 'cognito', output: 'userPoolId' },
    ])
  })

  test('problems: an unknown output (with a suggestion), a source whose section is missing', () => {
    const raw = { cognito: {} as never }
    expect(referenceProblems('${cognito.userPoolID}', raw)).toEqual([
      '${cognito.userPoolID}: step cognito has no output "userPoolID" (did you mean userPoolId? outputs: userPoolId, userPoolArn, clientId, issuer, hostedUiUrl, domain, identityPoolId)',
    ])
    expect(referenceProblems('${api.url}', raw)).toEqual([
      '${api.url} reads api, but config.json has no rest_api section (add one, or remove the reference)',
    ])
    expect(referenceProblems('${cognito.clientId}', {})).toEqual([
      '${cognito.clientId} reads cognito, but config.json has no cognito section (add one, or remove the reference)',
    ])
    expect(referenceProblems('${cognito.clientId}', raw)).toEqual([])
  })

  test('config load names the field of a bad reference', async () => {
    const root = workspace((c) => (c.functions['websocket-connect'].environment.USER_POOL_ID = '${cognito.poolId}'))
    await expect(load('staging', root)).rejects.toThrow(
      /functions\.websocket-connect\.environment\.USER_POOL_ID: \$\{cognito\.poolId\}: step cognito has no output "poolId"/,
    )
  })

  const fn = (environment: Record<string, string>) =>
    ({ logicalId: 'ws', environment, secrets: {}, tables: {}, bedrock: false }) as unknown as FunctionConfig
  const config = (functions: FunctionConfig[]) =>
    ({
      env: 'staging',
      environment: 'staging',
      serviceName: 'svc',
      functions,
      tables: [],
      sections: {},
    }) as unknown as ResolvedConfig
  const env = { USER_POOL_ID: '${cognito.userPoolId}', ISSUER_PATH: '${cognito.issuer}/.well-known/jwks.json' }

  test('the lambda step fills them in from the cognito step’s outputs', () => {
    const c = config([fn(env)])
    const upstream = {
      iam: { roles: { lambda: { name: 'role', arn: 'role' } } },
      cognito: { userPoolId: 'p1', issuer: 'https://i/p1' },
    }
    const up = lambdaUpstream(c, upstream, undefined, false)
    expect(functionEnvironment(c.functions[0]!, c, up)).toMatchObject({
      USER_POOL_ID: 'p1',
      ISSUER_PATH: 'https://i/p1/.well-known/jwks.json',
    })
  })

  test('in a plan an unknown output is "(known after apply)"; in a real run it fails naming the step to run', () => {
    const c = config([fn(env)])
    expect(stepReferenceValues(c, { cognito: { userPoolId: '(known after apply)' } }, true)).toEqual({
      '${cognito.userPoolId}': '(known after apply)',
      '${cognito.issuer}': '(known after apply)',
    })
    expect(withReferences('${cognito.issuer}/x', { '${cognito.issuer}': '(known after apply)' })).toBe(
      '(known after apply)',
    )
    expect(() => stepReferenceValues(c, { cognito: { userPoolId: 'p1' } }, false)).toThrow(
      expect.objectContaining({
        code: 'UpstreamOutputMissing',
        message: expect.stringContaining('issuer (read by ${cognito.issuer})'),
        hint: expect.stringContaining('infra step cognito --env staging'),
      }),
    )
  })
})
