// Malformed configs and env files: each asserts the code and what the message must tell the user (file, line,
// field path, what would be valid). Inputs are the real config.json and env files, copied to a temp dir and mutated.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig, type LoadOptions } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors/index.js'
import {
  envFileWith,
  makeProject,
  positionOf,
  REAL_CONFIG_TEXT,
  removeProjects,
  type ProjectOptions,
} from '../fixtures/config/project.js'

afterAll(removeProjects)

/** Loads a mutated project and returns the ConfigError it fails with, plus the config text for positions. */
async function failing(project: ProjectOptions, load: Omit<LoadOptions, 'root'> = { env: 'production' }) {
  const { root, configText } = await makeProject(project)
  const error = await loadConfig({ root, ...load }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  const e = error as ConfigError
  expect(e.exitCode).toBe(2)
  expect(e.message).not.toMatch(/\n\s+at /) // never a stack trace
  return { code: e.code, message: e.message, hint: e.hint, lines: e.message.split('\n'), text: configText, root }
}

const VALID_ENV_KEYS =
  'valid keys: SERVICE_NAME, ENVIRONMENT, AWS_REGION, AWS_ACCOUNT_ID, AWS_PROFILE, DOMAIN, LAMBDA_MEMORY, LAMBDA_TIMEOUT, DYNAMODB_BILLING, STATE_BACKEND, STATE_BUCKET, STATE_PREFIX, STATE_REGION'

describe('config.json', () => {
  test('a JSON syntax error names line and column', async () => {
    const configText = REAL_CONFIG_TEXT.replace('"region": "us-east-1",', '"region": "us-east-1"')
    const e = await failing({ configText })
    expect(e.code).toBe('InvalidConfig')
    expect(e.message).toMatch(/config\.json:5:3 invalid JSON near account_id: expected ',' \(between items\)$/)
    expect(e.hint).toBe('Fix config.json (the JSON Schema config.schema.json gives editors completion), then rerun.')
  })

  test('comments and duplicate keys are errors too', async () => {
    const commented = await failing({ configText: REAL_CONFIG_TEXT.replace('  "region"', '  // where\n  "region"') })
    expect(commented.message).toMatch(/config\.json:4:3 invalid JSON: comments are not allowed/)
    const duplicated = await failing({
      configText: REAL_CONFIG_TEXT.replace('"region": "us-east-1",', '"region": "us-east-1", "region": "eu-west-1",'),
    })
    expect(duplicated.message).toMatch(
      /config\.json:4:26 region: duplicate key "region" \(each key may appear once in an object\)$/,
    )
  })

  test('an unknown top-level key is named, with a suggestion', async () => {
    const e = await failing({ mutate: (c) => (c.regoin = 'us-east-2') })
    expect(e.code).toBe('InvalidConfig')
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"regoin"')} regoin: unknown key "regoin" \\(did you mean region\\?\\)$`,
      ),
    )
  })

  test('an unknown nested key suggests the close one', async () => {
    const e = await failing({
      mutate: (c) => {
        c.tables.prompts.partition_ky = c.tables.prompts.partition_key
        delete c.tables.prompts.partition_key
      },
    })
    const prompts = positionOf(e.text, '"prompts": {')
    expect(e.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `config\\.json:${prompts} tables\\.prompts\\.partition_key: is missing \\(expected a string or \\{ name, type \\}\\)$`,
        ),
      ),
      expect.stringMatching(
        /tables\.prompts\.partition_ky: unknown key "partition_ky" \(did you mean partition_key\?\)$/,
      ),
    ])
  })

  test('a wrong enum value lists the valid ones, at the line of the key', async () => {
    const e = await failing({ mutate: (c) => (c.tables.conversations.billing_mode = 'ON_DEMAND') })
    const at = positionOf(e.text, '"billing_mode"')
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${at} tables\\.conversations\\.billing_mode: "ON_DEMAND" is not valid \\(expected one of PAY_PER_REQUEST, PROVISIONED\\)$`,
      ),
    )
  })

  test('a bad account_id says what is valid', async () => {
    const e = await failing({ mutate: (c) => (c.account_id = '88707854649') })
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"account_id"')} account_id: "88707854649" is not valid \\(the 12-digit AWS account ID, as a string\\)$`,
      ),
    )
  })

  test('all schema issues are reported at once, in file order', async () => {
    const e = await failing({
      mutate: (c) => {
        c.account_id = 887078546492
        c.lambda_defaults.memory_mb = 99999
        c.functions['prompt-crud'].log_retention_days = 10
        c.tables.usage.sort_key = { name: 'date', type: 'D' }
      },
    })
    expect(e.lines).toHaveLength(4)
    expect(e.lines[0]).toMatch(/ account_id: 887078546492 is not valid \(expected a string\)$/)
    expect(e.lines[1]).toMatch(/ tables\.usage\.sort_key\.type: "D" is not valid \(expected one of S, N, B\)$/)
    expect(e.lines[2]).toMatch(/ lambda_defaults\.memory_mb: 99999 is too large \(expected at most 10240\)$/)
    expect(e.lines[3]).toMatch(
      / functions\.prompt-crud\.log_retention_days: 10 is not valid \(expected one of 1, 3, 5, 7, 14, 30,/,
    )
  })

  test('PROVISIONED without capacity names the table and each index', async () => {
    const e = await failing({ mutate: (c) => (c.tables.conversations.billing_mode = 'PROVISIONED') })
    expect(e.lines).toEqual([
      expect.stringMatching(
        /config\.json:\d+:\d+ tables\.conversations\.capacity: is missing \(billing_mode PROVISIONED needs capacity \{ read, write \} here\)$/,
      ),
      expect.stringMatching(
        new RegExp(
          `config\\.json:${positionOf(e.text, '{', e.text.indexOf('"global_indexes"'))} tables\\.conversations\\.global_indexes\\[0\\]\\.capacity: is missing`,
        ),
      ),
    ])
  })

  test('capacity on a PAY_PER_REQUEST table is an error', async () => {
    const e = await failing({ mutate: (c) => (c.tables.usage.capacity = { read: 1, write: 1 }) })
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"capacity"')} tables\\.usage\\.capacity: is set but the table's billing_mode is PAY_PER_REQUEST \\(remove capacity, or set billing_mode to PROVISIONED\\)$`,
      ),
    )
  })

  test('a function using an unknown table lists the tables', async () => {
    const e = await failing({ mutate: (c) => (c.functions['usage-handler'].tables = { usages: 'read' }) })
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"usages"')} functions\\.usage-handler\\.tables\\.usages: function usage-handler uses table "usages", which is not in tables \\(did you mean usage\\? tables: conversations, prompts, usage, websocket-connections\\)$`,
      ),
    )
  })

  test('an endpoint or a route naming an unknown function is an error with the field path', async () => {
    const e = await failing({
      mutate: (c) => {
        c.rest_api.endpoints[4].function = 'usage'
        c.websocket_api.routes.sendMessage = 'websocket-msg'
      },
    })
    expect(e.lines[0]).toMatch(
      /config\.json:\d+:\d+ rest_api\.endpoints\[4\]\.function: "usage" is not a function in functions \(did you mean usage-handler\? functions: conversation-api, /,
    )
    expect(e.lines[1]).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"sendMessage"')} websocket_api\\.routes\\.sendMessage: "websocket-msg" is not a function in functions`,
      ),
    )
  })

  test('a missing source file names the field and the absolute path', async () => {
    const e = await failing({ missingSources: ['handlers/prompt-crud/index.ts'] })
    expect(e.message).toContain(
      `functions.prompt-crud.source: "handlers/prompt-crud/index.ts" does not exist at ${e.root}/handlers/prompt-crud/index.ts (expected the handler's entry file, relative to ${e.root})`,
    )
  })

  test('an unknown ${VAR} in a template names the field and suggests the variable', async () => {
    const e = await failing({ mutate: (c) => (c.tables.prompts.name = '${SERVICE}-prompts') })
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(e.text, '"name": "${SERVICE}')} tables\\.prompts\\.name: unknown variable \\$\\{SERVICE\\} in "\\$\\{SERVICE\\}-prompts" \\(did you mean \\$\\{SERVICE_NAME\\}\\? use `,
      ),
    )
  })

  test('a name over AWS’s limit after expansion names the value, the limit and where its parts came from', async () => {
    const longService = `svc-${'x'.repeat(35)}` // 39 characters: a valid service_name
    const e = await failing(
      {
        mutate: (c) =>
          (c.functions['websocket-disconnect-cleanup'] = { source: 'handlers/websocket-disconnect/index.ts' }),
        envFiles: { dev: envFileWith('dev', { SERVICE_NAME: `SERVICE_NAME=${longService}` }) },
      },
      { env: 'dev' },
    )
    expect(e.message).toContain(
      `functions.websocket-disconnect-cleanup.name: "${longService}-websocket-disconnect-cleanup" is 68 characters, expanded from "\${SERVICE_NAME}-\${name}" with SERVICE_NAME from ${e.root}/environments/dev.env:2 (function names are 1-64 characters of A-Z a-z 0-9 - _)`,
    )
  })

  test('a missing config.json is an error with the path', async () => {
    const e = await failing({ noConfig: true })
    expect(e.code).toBe('ConfigNotFound')
    expect(e.message).toBe(`reading config.json (${e.root}/config.json): no such file`)
  })
})

describe('environments', () => {
  test('an unknown --env lists the existing ones and names the file to create', async () => {
    const e = await failing({}, { env: 'prod' })
    expect(e.code).toBe('UnknownEnvironment')
    expect(e.message).toBe(
      'environment "prod" does not exist (did you mean production? environments: dev, production, staging)',
    )
    expect(e.hint).toContain('create environments/prod.env')
  })

  test('an env file’s unknown key names file:line and the valid keys', async () => {
    const e = await failing(
      { envFiles: { dev: envFileWith('dev', { AWS_REGION: 'AWS_REGON=us-east-1' }) } },
      { env: 'dev' },
    )
    expect(e.code).toBe('InvalidEnvFile')
    expect(e.message).toMatch(
      new RegExp(`environments/dev\\.env:4 AWS_REGON: unknown key \\(did you mean AWS_REGION\\? ${VALID_ENV_KEYS}\\)$`),
    )
  })

  test('LAMBDA_MEMORY that is not a number, and a line without =, are errors with their lines', async () => {
    const e = await failing(
      {
        envFiles: {
          dev: envFileWith('dev', { LAMBDA_MEMORY: 'LAMBDA_MEMORY=lots', LAMBDA_TIMEOUT: 'LAMBDA_TIMEOUT 30' }),
        },
      },
      { env: 'dev' },
    )
    expect(e.code).toBe('InvalidEnvFile')
    expect(e.lines).toEqual([
      expect.stringMatching(
        /environments\/dev\.env:6 LAMBDA_MEMORY: "lots" is not valid \(expected an integer from 128 to 10240\)$/,
      ),
      expect.stringMatching(
        /environments\/dev\.env:7 "LAMBDA_TIMEOUT 30" is not a KEY=value line \(expected KEY=value, or a # comment\)$/,
      ),
    ])
    expect(e.hint).toContain('environments/dev.env')
  })

  test('env values are checked by config.json’s rules', async () => {
    const e = await failing(
      {
        envFiles: {
          staging: envFileWith(
            'staging',
            { AWS_REGION: 'AWS_REGION=useast1', DYNAMODB_BILLING: 'DYNAMODB_BILLING=ON_DEMAND' },
            ['LAMBDA_TIMEOUT=901', 'AWS_ACCOUNT_ID=12'],
          ),
        },
      },
      { env: 'staging' },
    )
    expect(e.lines.map((l) => l.replace(/^.*staging\.env/, ''))).toEqual([
      ':4 AWS_REGION: "useast1" is not valid (an AWS region such as "us-east-1")',
      ':8 DYNAMODB_BILLING: "ON_DEMAND" is not valid (expected one of PAY_PER_REQUEST, PROVISIONED)',
      ':9 LAMBDA_TIMEOUT: is set twice (first on line 7; keep one)',
      ':9 LAMBDA_TIMEOUT: "901" is not valid (expected an integer from 1 to 900)',
      ':10 AWS_ACCOUNT_ID: "12" is not valid (the 12-digit AWS account ID, as a string)',
    ])
  })

  test('a bad --region flag is a usage error', async () => {
    const e = await failing({}, { env: 'dev', flags: { region: 'mars-1' } })
    expect(e.code).toBe('InvalidFlag')
    expect(e.message).toBe('--region "mars-1" is not valid (an AWS region such as "us-east-1")')
  })
})
