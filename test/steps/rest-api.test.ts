// Step 04 against the fake AWS, with the real steps 01-03 and 08 before it: a fresh create (its state and its request
// log: one OpenAPI document), reruns, one changed endpoint, drift, throttling, crashes around CreateRestApi, PutRestApi
// and CreateDeployment, hard quotas, dry runs.
import { CreateRestApiCommand, APIGatewayClient, UpdateIntegrationCommand } from '@aws-sdk/client-api-gateway'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { runSteps } from '../../src/runner/run-steps.js'
import { editConfig, plan, resultsOf, testContext } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { ALIAS, ENV, fastWorkspace, fnName, SERVICE, stepOf } from './lambda-helpers.js'
import { API_NAME, apiSteps, apiWrites, deployApi, manifestOf, normalisedWrites, theApi } from './rest-api-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const ACCOUNT = '887078546492'
const TARGETS = ['conversation-api', 'prompt-crud', 'usage-handler']
const METHODS = [
  'DELETE /conversations',
  'DELETE /conversations/{id}',
  'DELETE /prompts',
  'DELETE /prompts/{id}',
  'GET /conversations',
  'GET /conversations/{id}',
  'GET /prompts',
  'GET /prompts/{id}',
  'GET /usage',
  'OPTIONS /conversations',
  'OPTIONS /conversations/{id}',
  'OPTIONS /prompts',
  'OPTIONS /prompts/{id}',
  'OPTIONS /usage',
  'POST /conversations',
  'POST /prompts',
  'PUT /conversations',
  'PUT /conversations/{id}',
  'PUT /prompts',
  'PUT /prompts/{id}',
]
const FUNCTION_OF: Record<string, string> = {
  '/conversations': 'conversation-api',
  '/conversations/{id}': 'conversation-api',
  '/prompts': 'prompt-crud',
  '/prompts/{id}': 'prompt-crud',
  '/usage': 'usage-handler',
}

describe('api step: create from empty', () => {
  test('exactly the resources, methods, integrations, authorizer, permissions and stage the config asks for', async () => {
    const root = fastWorkspace()
    const outcome = await deployApi(root)
    const step = stepOf(outcome, 'api')!
    expect(step.status, step.error?.message).toBe('done')

    const api = theApi(fake)
    expect(api).toMatchObject({ name: API_NAME, endpointTypes: ['REGIONAL'] })
    expect(api.tags).toMatchObject({ 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': ENV })
    expect(
      Object.values(api.resources)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/', '/conversations', '/conversations/{id}', '/prompts', '/prompts/{id}', '/usage'])
    expect(fake.apigateway.methodKeys(api.id)).toEqual(METHODS)

    const pool = manifestOf(root).steps.cognito.outputs.userPoolArn
    expect(pool).toMatch(/^arn:aws:cognito-idp:us-east-1:\d{12}:userpool\//)
    const authorizers = Object.values(api.authorizers)
    expect(authorizers).toEqual([
      expect.objectContaining({
        name: 'cognito-user-pool',
        type: 'COGNITO_USER_POOLS',
        providerARNs: [pool],
        identitySource: 'method.request.header.Authorization',
      }),
    ])
    for (const r of Object.values(api.resources)) {
      for (const m of Object.values(r.methods)) {
        if (m.httpMethod === 'OPTIONS') {
          expect(m).toMatchObject({ authorizationType: 'NONE', integration: { type: 'MOCK' } })
          expect(m.integration?.integrationResponses?.['200']?.responseParameters).toMatchObject({
            'method.response.header.Access-Control-Allow-Origin': "'http://localhost:5173'",
          })
          continue
        }
        const alias = fake.lambda.arn(fnName(FUNCTION_OF[r.path]!), ALIAS)
        expect(m, `${m.httpMethod} ${r.path}`).toMatchObject({
          authorizationType: 'COGNITO_USER_POOLS',
          authorizerId: authorizers[0]!.id,
          integration: {
            type: 'AWS_PROXY',
            httpMethod: 'POST',
            uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${alias}/invocations`,
            timeoutInMillis: 29_000,
          },
        })
      }
    }
    expect(Object.keys(api.gatewayResponses).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX'])

    // One statement per function, on the alias, for this API only, in this account.
    for (const id of TARGETS) {
      expect(fake.lambda.fn(fnName(id))!.policies[ALIAS]).toEqual([
        expect.objectContaining({
          Sid: 'infra-rest-api-invoke',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: fake.lambda.arn(fnName(id), ALIAS),
          Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.id}/*/*/*` } },
        }),
      ])
    }

    const [deployment, ...others] = fake.apigateway.deployments(api.id)
    expect(others).toEqual([])
    const stage = fake.apigateway.stage(api.id, ENV)!
    const logGroup = `/aws/apigateway/${API_NAME}`
    expect(stage).toMatchObject({
      deploymentId: deployment!.id,
      tracingEnabled: true,
      methodSettings: { '*/*': { throttlingRateLimit: 100, throttlingBurstLimit: 200 } },
      accessLogSettings: { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${logGroup}` },
    })
    expect(JSON.parse(stage.accessLogSettings!.format!)).toMatchObject({ requestId: '$context.requestId' })
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).toEqual(METHODS)
    expect(fake.logs.group(logGroup)).toMatchObject({ retentionInDays: 30 })
    const roleName = `${SERVICE}-apigateway-cloudwatch`
    expect(fake.apigateway.state.account.cloudwatchRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${roleName}`)
    expect(fake.iam.role(roleName)).toBeDefined()

    const url = `https://${api.id}.execute-api.us-east-1.amazonaws.com/${ENV}`
    const manifest = manifestOf(root)
    expect(manifest.steps.api.outputs).toEqual({
      restApiId: api.id,
      stage: ENV,
      url,
      endpoints: { 'REST API': url },
      definitionHash: deployment!.description!.replace('infra definition ', ''),
      deploymentId: deployment!.id,
    })
    expect(manifest.resources['rest-api:rest-api']).toMatchObject({ kind: 'rest-api', step: 'api', id: api.id })
    expect(manifest.pending).toEqual({})
    expect(step.outputs.endpoints).toEqual({ 'REST API': url })
  }, 60_000)

  test('the requests of a fresh create: the API’s in order; the account’s role and the permissions (sent meanwhile)', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const writes = normalisedWrites(fake, fake.calls) as Array<{ command: string; input: any }>
    const meanwhile = (w: { command: string }) => ['AddPermission', 'UpdateAccount'].includes(w.command)
    expect(writes.filter((w) => !meanwhile(w))).toMatchSnapshot()
    const key = (w: { command: string; input: any }) => `${w.command} ${w.input.FunctionName ?? ''}`
    expect(writes.filter(meanwhile).sort((a, b) => (key(a) < key(b) ? -1 : 1))).toMatchSnapshot()
  }, 60_000)
})

describe('api step: reruns and changes', () => {
  test('a second run sends no write call and makes no deployment', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    fake.resetCalls()
    const again = await deployApi(root)
    expect(fake.writes()).toEqual([])
    expect(fake.apigateway.deployments(theApi(fake).id)).toHaveLength(1)
    const api = stepOf(again, 'api')!
    expect(api.results.filter((r) => r.action !== 'unchanged')).toEqual([])
  }, 60_000)

  test('a second run reads the API, its definition and its stage before the steps start, each once', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    fake.resetCalls()
    const ctx = await testContext(root, { env: ENV })
    let beforeSteps = -1
    await runSteps(ctx, apiSteps(), 'silent', (event) => {
      if (event.type === 'run-start') beforeSteps = fake.calls.length
    }).finally(() => ctx.close())
    const early = fake.calls.slice(0, beforeSteps).map((c) => c.command)
    for (const read of ['GetRestApi', 'GetResources', 'GetAuthorizers', 'GetGatewayResponses', 'GetStage']) {
      expect(early, read).toContain(`${read}Command`)
      expect(
        fake.calls.filter((c) => c.command === `${read}Command`),
        read,
      ).toHaveLength(1)
    }
    expect(fake.writes()).toEqual([])
  }, 60_000)

  test('one method added to an endpoint: the document put again, the preflight’s header, one deployment', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    editConfig(root, (c) => c.rest_api.endpoints[4].methods.push('POST'))
    fake.resetCalls()
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['PutRestApi', 'CreateDeployment', 'UpdateStage'])
    expect(fake.calls.find((c) => c.command === 'PutRestApiCommand')?.input).toMatchObject({
      mode: 'overwrite',
      failOnWarnings: true,
    })
    const api = theApi(fake)
    const deployments = fake.apigateway.deployments(api.id)
    expect(deployments).toHaveLength(2)
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(deployments[1]!.id)
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).toContain('POST /usage')
    const options = fake.apigateway.resourceAt(api.id, '/usage')!.methods.OPTIONS!
    expect(options.integration?.integrationResponses?.['200']?.responseParameters).toMatchObject({
      'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS,POST'",
    })
    expect(manifestOf(root).steps.api.outputs.deploymentId).toBe(deployments[1]!.id)
  }, 60_000)

  test('an endpoint removed from the config: the overwrite deletes its resource, and one deployment', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    editConfig(root, (c) => c.rest_api.endpoints.splice(3, 1))
    fake.resetCalls()
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['PutRestApi', 'CreateDeployment', 'UpdateStage'])
    expect(fake.apigateway.resourceAt(theApi(fake).id, '/prompts/{id}')).toBeUndefined()
  }, 60_000)
})

describe('api step: drift', () => {
  // A deployment is a snapshot: what is changed out of band in the working definition is not served until deployed.
  test('a method deleted out of band is put back; the stage still serves it, so no new deployment', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const api = theApi(fake)
    fake.apigateway.deleteMethodOutOfBand(api.id, '/prompts/{id}', 'DELETE')
    fake.resetCalls()
    const outcome = await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['PutRestApi'])
    expect(fake.apigateway.methodKeys(api.id)).toEqual(METHODS)
    expect(fake.apigateway.deployments(api.id)).toHaveLength(1)
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).toEqual(METHODS)
    const definition = resultsOf(outcome).find((r) => r.kind === 'rest-api-definition')!
    expect(definition).toMatchObject({ action: 'updated' })
    expect(definition.changes).toEqual([
      { field: 'Method[DELETE /prompts/{id}]', to: `cognito → function ${fnName('prompt-crud')}:${ALIAS}` },
    ])
  }, 60_000)

  test('an integration pointed at another function in the console: a plan names it, the deploy puts it back', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const api = theApi(fake)
    const usage = fake.apigateway.resourceAt(api.id, '/usage')!
    const wanted = usage.methods.GET!.integration!.uri!
    await new APIGatewayClient({ region: 'us-east-1' }).send(
      new UpdateIntegrationCommand({
        restApiId: api.id,
        resourceId: usage.id,
        httpMethod: 'GET',
        patchOperations: [{ op: 'replace', path: '/uri', value: wanted.replace('usage-handler', 'prompt-crud') }],
      }),
    )
    fake.resetCalls()
    const planned = await plan(root, { env: ENV, steps: apiSteps() })
    expect(fake.writes()).toEqual([])
    expect(resultsOf(planned).find((r) => r.kind === 'rest-api-definition')).toMatchObject({
      action: 'would-update',
      changes: [
        {
          field: 'Integration[GET /usage]',
          from: `function ${fnName('prompt-crud')}:${ALIAS}`,
          to: `function ${fnName('usage-handler')}:${ALIAS}`,
        },
      ],
    })
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['PutRestApi'])
    expect(fake.apigateway.resourceAt(api.id, '/usage')!.methods.GET!.integration!.uri).toBe(wanted)
  }, 60_000)

  test('the authorizer pointed at another user pool out of band: the document put back, not redeployed', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const api = theApi(fake)
    const authorizer = Object.values(api.authorizers)[0]!
    const pool = authorizer.providerARNs![0]!
    authorizer.providerARNs = [`arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_Other`]
    fake.resetCalls()
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['PutRestApi'])
    expect(Object.values(theApi(fake).authorizers).map((a) => a.providerARNs)).toEqual([[pool]])
    expect(fake.apigateway.deployments(api.id)).toHaveLength(1)
  }, 60_000)

  test('the API deleted out of band: a new one is created, recorded, built, deployed, and the permissions follow it', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const gone = theApi(fake).id
    delete fake.apigateway.state.apis[gone]
    const outcome = await deployApi(root)
    const api = theApi(fake)
    expect(api.id).not.toBe(gone)
    expect(manifestOf(root).resources['rest-api:rest-api'].id).toBe(api.id)
    expect(
      resultsOf(outcome)
        .filter((r) => r.kind.startsWith('rest-api'))
        .map((r) => `${r.action} ${r.kind}`),
    ).toEqual(['created rest-api', 'created rest-api-definition', 'created rest-api-stage'])
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).toEqual(METHODS)
    const statement = fake.lambda.fn(fnName('usage-handler'))!.policies[ALIAS]![0]!
    expect(statement.Condition?.ArnLike?.['AWS:SourceArn']).toBe(
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:${api.id}/*/*/*`,
    )
  }, 60_000)

  test('the account’s CloudWatch role: ours is put back when deleted; one someone else set is left alone', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const roleName = `${SERVICE}-apigateway-cloudwatch`
    fake.iam.deleteRoleOutOfBand(roleName)
    await deployApi(root)
    expect(fake.iam.role(roleName)).toBeDefined()

    const other = fastWorkspace()
    const theirs = `arn:aws:iam::${ACCOUNT}:role/someone-elses-apigateway-role`
    fake.apigateway.state.account.cloudwatchRoleArn = theirs
    fake.iam.deleteRoleOutOfBand(roleName)
    fake.resetCalls()
    const outcome = await deployApi(other)
    expect(stepOf(outcome, 'api')?.status).toBe('done')
    expect(fake.iam.role(roleName)).toBeUndefined()
    expect(fake.apigateway.state.account.cloudwatchRoleArn).toBe(theirs)
    expect(fake.calls.filter((c) => c.command === 'UpdateAccountCommand')).toEqual([])
  }, 60_000)

  test('when API Gateway does not embed integrations, they are read one by one and a rerun still writes nothing', async () => {
    fake.apigateway.embedIntegrations = false
    const root = fastWorkspace()
    await deployApi(root)
    fake.resetCalls()
    await deployApi(root)
    expect(fake.writes()).toEqual([])
    expect(fake.calls.filter((c) => c.command === 'GetIntegrationCommand')).toHaveLength(METHODS.length)
  }, 60_000)
})

describe('api step: API Gateway’s quotas', () => {
  test('TooManyRequests spread over the create, and two concurrent modifications: it still succeeds', async () => {
    let seen = 0
    let injected = 0
    fake.onCall((call) => {
      if (call.service !== 'apigateway' || call.error) return
      seen += 1
      if (seen % 2 === 0 && injected < 4) {
        injected += 1
        fake.apigateway.throttleStorm(1)
      }
    })
    fake.failNext(
      'PutRestApi',
      () =>
        fake.errorFor(
          'PutRestApi',
          'ConflictException',
          'Unable to complete operation due to concurrent modification. Please try again later.',
        ),
      2,
    )
    const root = fastWorkspace()
    const outcome = await deployApi(root)
    expect(stepOf(outcome, 'api')?.status).toBe('done')
    // Throttles injected every second call (the last one may find no call left to throttle), each retried.
    const throttled = fake.calls.filter((c) => c.error === 'TooManyRequestsException').length
    expect(throttled).toBeGreaterThanOrEqual(3)
    expect(throttled).toBeLessThanOrEqual(injected)
    expect(fake.calls.filter((c) => c.error === 'ConflictException')).toHaveLength(2)
    const api = theApi(fake)
    expect(fake.apigateway.methodKeys(api.id)).toEqual(METHODS)
    expect(fake.apigateway.deployments(api.id)).toHaveLength(1)
    expect(fake.calls.filter((c) => c.command === 'CreateRestApiCommand' && !c.error)).toHaveLength(1)
  }, 60_000)

  test('a new CloudWatch role not yet usable by API Gateway: UpdateAccount is retried until it is', async () => {
    fake.apigateway.roleNotReadyFailures = 3
    const root = fastWorkspace()
    const outcome = await deployApi(root)
    expect(stepOf(outcome, 'api')?.status).toBe('done')
    const updates = fake.calls.filter((c) => c.command === 'UpdateAccountCommand')
    expect(updates.map((c) => c.error ?? 'ok')).toEqual([
      'BadRequestException',
      'BadRequestException',
      'BadRequestException',
      'ok',
    ])
  }, 60_000)

  test('a hard quota (LimitExceededException "Maximum number of…") fails at once, with AWS’s words', async () => {
    fake.apigateway.maxResourcesPerApi = 3
    const root = fastWorkspace()
    const outcome = await deployApi(root)
    const step = stepOf(outcome, 'api')!
    expect(step.status).toBe('failed')
    expect(step.error).toMatchObject({
      code: 'RestApiCreateFailed',
      message:
        'creating REST API definition (new-service-staging-rest-api): LimitExceededException: Maximum number of Resources for this API has been reached',
      hint: expect.stringContaining('infra step api --env staging'),
    })
    expect(fake.calls.filter((c) => c.error === 'LimitExceededException')).toHaveLength(1)
  }, 60_000)
})

describe('api step: crashes', () => {
  test('the response of CreateRestApi lost (the process died): the rerun finds the API by its tags, no second API', async () => {
    let lost = false
    fake.onCall((call) => {
      if (call.command === 'CreateRestApiCommand' && !call.error && !lost) {
        lost = true
        throw new Error('simulated crash: the response never arrived')
      }
    })
    const root = fastWorkspace()
    const first = await deployApi(root)
    expect(stepOf(first, 'api')?.status).toBe('failed')
    const journalled = manifestOf(root)
    expect(journalled.pending['rest-api:rest-api']).toMatchObject({
      operation: 'create',
      kind: 'rest-api',
      name: API_NAME,
    })
    expect(journalled.resources['rest-api:rest-api']).toBeUndefined()
    const created = theApi(fake).id

    const second = await deployApi(root)
    expect(stepOf(second, 'api')?.status).toBe('done')
    expect(theApi(fake).id).toBe(created)
    expect(fake.calls.filter((c) => c.command === 'CreateRestApiCommand')).toHaveLength(1)
    const manifest = manifestOf(root)
    expect(manifest.resources['rest-api:rest-api'].id).toBe(created)
    expect(manifest.pending).toEqual({})
    expect(fake.apigateway.methodKeys(created)).toEqual(METHODS)
  }, 60_000)

  // The process dies right after AWS carried a call out, before infra heard back: the journal and a new look resolve it.
  const dieAfter = (command: string) => {
    let died = false
    fake.onCall((call) => {
      if (call.command === `${command}Command` && !call.error && !died) {
        died = true
        throw new Error(`simulated crash after ${command}`)
      }
    })
  }

  test('a crash right after PutRestApi: the rerun finds the definition in place, sends it no more, deploys once', async () => {
    dieAfter('PutRestApi')
    const root = fastWorkspace()
    expect(stepOf(await deployApi(root), 'api')?.status).toBe('failed')
    const second = await deployApi(root)
    expect(stepOf(second, 'api')?.status).toBe('done')
    expect(fake.calls.filter((c) => c.command === 'PutRestApiCommand')).toHaveLength(1)
    expect(resultsOf(second).find((r) => r.kind === 'rest-api-definition')).toMatchObject({ action: 'unchanged' })
    const api = theApi(fake)
    expect(fake.apigateway.deployments(api.id)).toHaveLength(1)
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).toEqual(METHODS)
    expect(manifestOf(root).pending).toEqual({})
  }, 60_000)

  test('a crash right after CreateDeployment: the rerun makes the stage on that deployment, not a second one', async () => {
    dieAfter('CreateDeployment')
    const root = fastWorkspace()
    expect(stepOf(await deployApi(root), 'api')?.status).toBe('failed')
    expect(stepOf(await deployApi(root), 'api')?.status).toBe('done')
    const api = theApi(fake)
    const [deployment, ...others] = fake.apigateway.deployments(api.id)
    expect(others).toEqual([])
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(deployment!.id)
    expect(fake.calls.filter((c) => c.command === 'PutRestApiCommand')).toHaveLength(1)
  }, 60_000)

  test('a crash before PutRestApi was answered: the rerun sends the document and makes one deployment', async () => {
    const root = fastWorkspace()
    fake.failNext('PutRestApi', () => new Error('simulated crash'), 1)
    const ctx = await testContext(root, { env: ENV })
    const first = await runSteps(ctx, apiSteps(), 'silent').finally(() => ctx.close())
    expect(stepOf(first, 'api')?.status).toBe('failed')
    await deployApi(root)
    const api = theApi(fake)
    expect(fake.apigateway.methodKeys(api.id)).toEqual(METHODS)
    expect(fake.apigateway.deployments(api.id)).toHaveLength(1)
  }, 60_000)
})

describe('api step: adoption', () => {
  test('a same-named API without our tags is left alone, unless --adopt', async () => {
    const foreign = await new APIGatewayClient({ region: 'us-east-1' }).send(
      new CreateRestApiCommand({ name: API_NAME }),
    )
    const root = fastWorkspace()
    const left = await deployApi(root)
    expect(resultsOf(left).find((r) => r.kind === 'rest-api')).toMatchObject({ action: 'unmanaged' })
    expect(fake.apigateway.apisNamed(API_NAME)).toHaveLength(1)
    expect(fake.apigateway.methodKeys(foreign.id!)).toEqual([])
    // Nothing is wired to a stranger's API, and the step fails naming it and --adopt.
    expect(stepOf(left, 'api')).toMatchObject({ status: 'failed', outputs: {}, error: { code: 'ResourceNotManaged' } })

    const adopted = await deployApi(root, { adopt: true })
    expect(resultsOf(adopted).find((r) => r.kind === 'rest-api')).toMatchObject({ action: 'updated', id: foreign.id })
    expect(theApi(fake).tags).toMatchObject({ 'infra:service': SERVICE })
    expect(fake.apigateway.methodKeys(foreign.id!)).toEqual(METHODS)
  }, 60_000)
})

describe('api step: duplicates', () => {
  test('two APIs with its name and this service’s tags: refused, listing both; nothing is changed or made', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    // The API the manifest records is gone, and two others claim to be it (made by hand, or by an older tool).
    delete fake.apigateway.state.apis[theApi(fake).id]
    const tags = { 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': ENV }
    const client = new APIGatewayClient({ region: 'us-east-1' })
    const one = await client.send(new CreateRestApiCommand({ name: API_NAME, tags }))
    const two = await client.send(new CreateRestApiCommand({ name: API_NAME, tags }))
    fake.resetCalls()
    const outcome = await deployApi(root)
    expect(stepOf(outcome, 'api')).toMatchObject({
      status: 'failed',
      error: { code: 'RestApiAmbiguous', message: expect.stringContaining(`2 match (${one.id}, ${two.id})`) },
    })
    expect(fake.writes().filter((c) => c.service === 'apigateway')).toEqual([])
  }, 60_000)
})

describe('api step: usage plan and API keys', () => {
  test('a plan on the stage with its key, methods that require keys; a rerun writes nothing', async () => {
    const root = fastWorkspace((c) => {
      c.rest_api.usage_plan = {
        throttle: { rate_limit: 10, burst_limit: 20 },
        quota: { limit: 10_000, period: 'MONTH' },
        api_keys: ['${SERVICE_NAME}-partner'],
        require_api_key: true,
      }
    })
    const outcome = await deployApi(root)
    expect(stepOf(outcome, 'api')?.status, stepOf(outcome, 'api')?.error?.message).toBe('done')
    const api = theApi(fake)
    const [plan, ...more] = Object.values(fake.apigateway.state.usagePlans)
    expect(more).toEqual([])
    const [key] = Object.values(fake.apigateway.state.apiKeys)
    expect(plan).toMatchObject({
      name: `${SERVICE}-usage-plan`,
      apiStages: [{ apiId: api.id, stage: ENV }],
      throttle: { rateLimit: 10, burstLimit: 20 },
      quota: { limit: 10_000, period: 'MONTH' },
      keyIds: [key!.id],
    })
    expect(key).toMatchObject({
      name: `${SERVICE}-partner`,
      enabled: true,
      tags: expect.objectContaining({ 'infra:env': ENV }),
    })
    expect(fake.apigateway.resourceAt(api.id, '/usage')!.methods.GET!.apiKeyRequired).toBe(true)
    expect(fake.apigateway.resourceAt(api.id, '/usage')!.methods.OPTIONS!.apiKeyRequired).toBe(false)
    // Key values are secrets: never in the manifest or the step's results.
    expect(JSON.stringify(manifestOf(root))).not.toContain(key!.value)
    expect(JSON.stringify(outcome)).not.toContain(key!.value)
    fake.resetCalls()
    await deployApi(root)
    expect(fake.writes()).toEqual([])
  }, 60_000)

  test('a key dropped from config is deleted; the plan dropped is detached from the stage and deleted', async () => {
    const root = fastWorkspace((c) => {
      c.rest_api.usage_plan = { api_keys: ['${SERVICE_NAME}-partner', '${SERVICE_NAME}-other'] }
    })
    await deployApi(root)
    editConfig(root, (c) => (c.rest_api.usage_plan.api_keys = ['${SERVICE_NAME}-partner']))
    fake.resetCalls()
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual(['DeleteApiKey'])
    expect(Object.values(fake.apigateway.state.apiKeys).map((k) => k.name)).toEqual([`${SERVICE}-partner`])

    editConfig(root, (c) => delete c.rest_api.usage_plan)
    fake.resetCalls()
    const outcome = await deployApi(root)
    // Newest first: the plan (made after its keys), detached from the stage, then the key.
    expect(apiWrites(fake.calls)).toEqual(['UpdateUsagePlan', 'DeleteUsagePlan', 'DeleteApiKey'])
    expect(fake.apigateway.state.usagePlans).toEqual({})
    expect(fake.apigateway.state.apiKeys).toEqual({})
    expect(
      resultsOf(outcome)
        .filter((r) => r.action === 'deleted')
        .map((r) => r.kind),
    ).toEqual(['rest-api-usage-plan', 'rest-api-key'])
  }, 60_000)
})

describe('api step: removal', () => {
  // The account's CloudWatch role stays while websocket_api is configured: the WebSocket API logs with it too.
  test('rest_api dropped from config: the API (with all under it) and its permissions deleted, its log group kept', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const api = theApi(fake)
    // The API's alarm in config goes with it (an API Gateway alarm with no REST API to watch is a config error).
    editConfig(root, (c) => {
      delete c.rest_api
      c.monitoring.alarms = c.monitoring.alarms.filter((a: { namespace: string }) => a.namespace !== 'AWS/ApiGateway')
    })
    fake.resetCalls()
    const outcome = await deployApi(root)
    expect(stepOf(outcome, 'api')?.status).toBe('done')
    expect(fake.apigateway.api(api.id)).toBeUndefined()
    expect(fake.lambda.fn(fnName('usage-handler'))!.policies[ALIAS] ?? []).toEqual([])
    expect(fake.logs.group(`/aws/apigateway/${API_NAME}`)).toBeDefined()
    const left = Object.keys(manifestOf(root).resources).filter((k) => manifestOf(root).resources[k].step === 'api')
    expect(left.sort()).toEqual([
      'apigateway-account:us-east-1',
      'iam-role:apigateway-cloudwatch',
      'log-group:rest-api-access',
    ])
  }, 60_000)
})

describe('api step: config mistakes and dry runs', () => {
  test('"*" as a production origin: refused when config.json loads, before any AWS call', async () => {
    const root = fastWorkspace((c) => (c.rest_api.cors.allowed_origins.production = ['*']))
    await expect(deployApi(root, { env: 'production' })).rejects.toMatchObject({
      code: 'InvalidConfig',
      message: expect.stringContaining('rest_api.cors.allowed_origins.production: allows every origin ("*")'),
    })
    expect(fake.calls).toEqual([])
  }, 60_000)

  test('a plan from empty sends no write and says what would be made', async () => {
    const root = fastWorkspace()
    const outcome = await plan(root, { env: ENV, steps: apiSteps() })
    expect(fake.writes()).toEqual([])
    const api = stepOf(outcome, 'api')!
    expect(api.status, api.error?.message).toBe('done')
    expect(api.results.map((r) => `${r.action} ${r.kind}`)).toEqual([
      'would-create rest-api',
      'would-create rest-api-definition',
      'would-create lambda-permission',
      'would-create lambda-permission',
      'would-create lambda-permission',
      // Made while the API is: reported once both are done.
      'would-create iam-role',
      'would-update apigateway-account',
      'would-create log-group',
      'would-create rest-api-stage',
    ])
    expect(api.results.find((r) => r.kind === 'rest-api-definition')?.detail).toBe(
      '5 resources, 20 methods (15 Lambda proxy, 5 CORS), authorizer cognito-user-pool, DEFAULT_4XX, DEFAULT_5XX, as one OpenAPI document',
    )
  }, 60_000)

  test('a plan after a change lists the calls it would make, and sends none', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    editConfig(root, (c) => (c.rest_api.endpoints[4].public = true))
    fake.resetCalls()
    const outcome = await plan(root, { env: ENV, steps: apiSteps() })
    expect(fake.writes()).toEqual([])
    const changed = stepOf(outcome, 'api')!.results.filter((r) => r.action !== 'unchanged')
    expect(changed.map((r) => `${r.action} ${r.kind}`)).toEqual([
      'would-update rest-api-definition',
      'would-update rest-api-stage',
    ])
    expect(changed[0]!.changes).toEqual([{ field: 'Method[GET /usage]', from: 'cognito', to: 'none' }])
  }, 60_000)
})
