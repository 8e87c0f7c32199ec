// The sections of steps not implemented yet are strict, and every `${…}` in config.json resolves: each failure names
// config.json:line:col, the field, and what exists.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors/index.js'
import { makeProject, positionOf, removeProjects, type ProjectOptions } from '../fixtures/config/project.js'

afterAll(removeProjects)

async function failing(project: ProjectOptions): Promise<{ message: string; text: string }> {
  const { root, configText } = await makeProject(project)
  const error = await loadConfig({ root, env: 'production' }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  expect(error).toMatchObject({ code: 'InvalidConfig', exitCode: 2 })
  return { message: (error as ConfigError).message, text: configText }
}

const at = (text: string, needle: string) => `config\\.json:${positionOf(text, needle)}`

describe('strict sections', () => {
  test.each([
    ['frontend', (c: any) => (c.frontend.index_documnet = 'index.html'), 'index_documnet', 'index_document'],
    ['dns', (c: any) => (c.dns.hosted_zones = '${DOMAIN}'), 'hosted_zones', 'hosted_zone'],
    ['dns records', (c: any) => (c.dns.records.websockets = 'ws.${DOMAIN}'), 'websockets', 'websocket'],
    ['bedrock', (c: any) => (c.bedrock.guardrails = {}), 'guardrails', 'guardrail'],
    ['bedrock guardrail', (c: any) => (c.bedrock.guardrail.blocked_input_mesage = 'no'), 'blocked_input_mesage', null],
    ['monitoring', (c: any) => (c.monitoring.dashbaord = 'x'), 'dashbaord', 'dashboard'],
    ['monitoring alarm', (c: any) => (c.monitoring.alarms[0].treshold = 1), 'treshold', 'threshold'],
  ])('a typo in %s is an unknown key with "did you mean"', async (_, mutate, key, meant) => {
    const { message, text } = await failing({ mutate })
    expect(message).toMatch(new RegExp(`${at(text, `"${key}"`)} \\S+\\.${key}: unknown key "${key}"`))
    if (meant) expect(message).toContain(`did you mean ${meant}?`)
  })

  test('values are checked too: a filter strength, an alarm period, a price class', async () => {
    const { message } = await failing({
      mutate: (c) => {
        c.bedrock.guardrail.content_filters.HATE = 'VERY_HIGH'
        c.monitoring.alarms[0].period_s = 90
        c.frontend.price_class = 'PriceClass_50'
      },
    })
    expect(message).toContain('frontend.price_class: "PriceClass_50" is not valid (expected one of PriceClass_100')
    expect(message).toContain('bedrock.guardrail.content_filters.HATE: "VERY_HIGH" is not valid (expected one of NONE')
    expect(message).toContain(
      'monitoring.alarms[0].period_s: 90 is not valid (10, 20, 30, or a multiple of 60 seconds)',
    )
  })
})

describe('placeholders', () => {
  test('an unknown variable in a section whose step does not exist yet names the field and the variables', async () => {
    const { message, text } = await failing({ mutate: (c) => (c.dns.records.api = 'api.${DOMIAN}') })
    expect(message).toMatch(
      new RegExp(
        `${at(text, '"api": "api.')} dns\\.records\\.api: unknown variable \\$\\{DOMIAN\\} in "api\\.\\$\\{DOMIAN\\}" \\(did you mean \\$\\{DOMAIN\\}\\? use \\$\\{SERVICE_NAME\\}, \\$\\{ENVIRONMENT\\}, \\$\\{AWS_REGION\\}, \\$\\{DOMAIN\\}, \\$\\{ACCOUNT_ID\\}\\)$`,
      ),
    )
  })

  test('unknown variables in the API names and access logs are found at load time, not by their step', async () => {
    const { message } = await failing({
      mutate: (c) => {
        c.rest_api.name = '${SERVICE}-rest'
        c.websocket_api.access_logs.log_group = '/aws/apigateway/${ENV}'
        c.monitoring.alarms[0].name = '${SERVICE_NAME}-${STAGE}-5xx'
      },
    })
    expect(message).toContain('rest_api.name: unknown variable ${SERVICE} in "${SERVICE}-rest"')
    expect(message).toContain('websocket_api.access_logs.log_group: unknown variable ${ENV}')
    expect(message).toContain('monitoring.alarms[0].name: unknown variable ${STAGE}')
  })

  test('a placeholder where nothing expands it is an error, not text sent to AWS as written', async () => {
    const { message } = await failing({
      mutate: (c) => {
        c.tags.stage = '${ENVIRONMENT}'
        c.functions['usage-handler'].description = 'usage for ${SERVICE_NAME}'
      },
    })
    expect(message).toContain('tags.stage: "${ENVIRONMENT}" has a placeholder, but this field is not a template')
    expect(message).toContain('functions.usage-handler.description: "usage for ${SERVICE_NAME}" has a placeholder')
  })

  test("a name-template variable in a function's environment is not filled in: said so, with what can be read", async () => {
    const { message } = await failing({
      mutate: (c) =>
        (c.functions['usage-handler'].environment = { NAME: '${SERVICE_NAME}', POOL: '${cognito.userPoolid}' }),
    })
    expect(message).toContain(
      "functions.usage-handler.environment.NAME: ${SERVICE_NAME} is not filled in in a function's environment (it can read ${tables.<name>.name|arn|streamArn}, ",
    )
    expect(message).toContain('SERVICE_NAME and STAGE are set for every function)')
    expect(message).toContain(
      'functions.usage-handler.environment.POOL: ${cognito.userPoolid}: step cognito has no output "userPoolid" (did you mean userPoolId? ',
    )
  })

  test('a name that is both resolved and a template is reported once', async () => {
    const { message } = await failing({ mutate: (c) => (c.tables.usage.name = '${SERVICE}-usage') })
    expect(message.match(/tables\.usage\.name/g)).toHaveLength(1)
  })
})
