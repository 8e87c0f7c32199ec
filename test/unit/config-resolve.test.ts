// resolveConfig is pure: these tests feed it validated objects, no files.
import { describe, expect, test } from 'vitest'
import { expandTemplate, resolveConfig, type ResolveInput } from '../../src/config/index.js'
import { parseEnvFile } from '../../src/config/env-file.js'
import { checkName } from '../../src/config/names.js'
import { closest, editDistance } from '../../src/config/issues.js'
import { configSchema } from '../../src/config/schema.js'
import { realConfig } from '../fixtures/config/project.js'

const files = { root: '/srv/app', config: '/srv/app/config.json', envFile: '/srv/app/environments/x.env' }

function input(mutate: (c: any) => void = () => {}, extra: Partial<ResolveInput> = {}): ResolveInput {
  const c = realConfig()
  mutate(c)
  return { raw: configSchema.parse(c), env: 'x', files, fileExists: () => true, ...extra }
}

function failure(i: ResolveInput): { code: string; message: string } {
  try {
    resolveConfig(i)
  } catch (e: any) {
    return { code: e.code, message: e.message }
  }
  throw new Error('resolveConfig did not throw')
}

describe('resolveConfig', () => {
  test('names: explicit name, name_pattern with every variable, and ${name}', () => {
    const c = resolveConfig(
      input((c) => {
        c.name_pattern = '${SERVICE_NAME}-${ENVIRONMENT}-${name}'
        c.tables.prompts.name = 'legacy-${ACCOUNT_ID}-${AWS_REGION}-prompts'
      }),
    )
    expect(c.tables.map((t) => t.name)).toEqual([
      'new-service-production-conversations',
      'legacy-887078546492-us-east-1-prompts',
      'new-service-production-usage',
      'new-service-production-websocket-connections',
    ])
    expect(c.functions[0]!.name).toBe('new-service-production-conversation-api')
    expect(c.functions[0]!.source).toBe('/srv/app/handlers/conversation-api/index.ts')
  })

  test('key attributes are normalised to { name, type }; explicit data protection beats the production default', () => {
    const c = resolveConfig(
      input((c) => {
        c.tables.usage.sort_key = { name: 'day', type: 'N' }
        c.tables.usage.point_in_time_recovery = false
        c.tables.usage.encryption = { kms_key_arn: 'arn:aws:kms:us-east-1:887078546492:key/abc' }
        c.tables.usage.tags = { team: 'billing' }
      }),
    )
    const usage = c.tables.find((t) => t.logicalId === 'usage')!
    expect(usage).toMatchObject({
      partitionKey: { name: 'user_id', type: 'S' },
      sortKey: { name: 'day', type: 'N' },
      pointInTimeRecovery: false,
      deletionProtection: true,
      encryption: { kmsKeyArn: 'arn:aws:kms:us-east-1:887078546492:key/abc' },
    })
    expect(usage.tags).toEqual({
      'infra:service': 'new-service',
      'infra:env': 'x',
      'managed-by': 'infra',
      project: 'new-service',
      team: 'billing',
    })
  })

  test('no invocation_logging: no bedrock logging role; no bedrock section: no models', () => {
    const c = resolveConfig(
      input((c) => {
        delete c.bedrock
        c.functions['websocket-message'].bedrock = false
      }),
    )
    expect(c.iam.bedrockLoggingRole).toBeUndefined()
    expect(c.bedrockModels).toEqual([])
    expect(c.sections.bedrock).toBeUndefined()
  })

  test('DYNAMODB_BILLING=PROVISIONED needs tables that say PROVISIONED with capacity', () => {
    const envFile = parseEnvFile('DYNAMODB_BILLING=PROVISIONED\n', 'environments/x.env')
    const { code, message } = failure(input(() => {}, { envFile }))
    expect(code).toBe('InvalidConfig')
    expect(message).toContain(
      'config.json tables.conversations.billing_mode: is PAY_PER_REQUEST with no capacity, but DYNAMODB_BILLING=PROVISIONED (set by DYNAMODB_BILLING in environments/x.env:1) makes every table PROVISIONED',
    )
  })

  test('the same attribute with two types, and a reserved tag key, are errors', () => {
    const { message } = failure(
      input((c) => {
        c.tables.conversations.global_indexes[0].partition_key = { name: 'conversation_id', type: 'N' }
        c.tags['infra:env'] = 'mine'
      }),
    )
    expect(message).toContain(
      'tables.conversations.global_indexes[0].partition_key: "conversation_id" has type N here but S at tables.conversations.partition_key',
    )
    expect(message).toContain('tags["infra:env"]: tag key "infra:env" is reserved')
  })

  test('Lambda-reserved environment variables and bedrock without models are errors', () => {
    const { message } = failure(
      input((c) => {
        c.functions['usage-handler'].environment = { AWS_REGION: 'x' }
        c.bedrock.models = []
      }),
    )
    expect(message).toContain('functions.usage-handler.environment.AWS_REGION: AWS_REGION is reserved by Lambda')
    expect(message).toContain('functions.websocket-message.bedrock: is true but bedrock.models is empty')
  })

  test('${DOMAIN} without a domain, and an unknown variable in name_pattern, are reported once each', () => {
    const { message } = failure(
      input((c) => {
        delete c.domain
        delete c.dns // its names are all ${DOMAIN}: one message each, see below
        c.iam.lambda_role.name = '${DOMAIN}-role'
        c.name_pattern = '${SERVICE}-${name}'
      }),
    )
    expect(message.split('\n')).toEqual([
      'config.json name_pattern: unknown variable ${SERVICE} in "${SERVICE}-${name}" (did you mean ${SERVICE_NAME}? use ${SERVICE_NAME}, ${ENVIRONMENT}, ${AWS_REGION}, ${DOMAIN}, ${ACCOUNT_ID}, ${name})',
      'config.json iam.lambda_role.name: ${DOMAIN} is used in "${DOMAIN}-role" but no value is set (set domain in config.json or DOMAIN in the env file)',
    ])
  })

  test('${name} outside tables and functions is an unknown variable', () => {
    expect(
      expandTemplate('${name}-role', {
        SERVICE_NAME: 's',
        ENVIRONMENT: 'e',
        AWS_REGION: 'r',
        DOMAIN: undefined,
        ACCOUNT_ID: 'a',
      }).problems[0],
    ).toMatch(
      /^unknown variable \$\{name\} in "\$\{name\}-role" \(\$\{name\} exists only in the names of tables, functions, buckets and queues;/,
    )
  })

  test('two tables expanding to one name are an error', () => {
    const { message } = failure(input((c) => (c.tables.prompts.name = '${SERVICE_NAME}-conversations')))
    expect(message).toContain(
      'tables.prompts.name: "new-service-conversations" is also the name of table conversations',
    )
  })
})

describe('helpers', () => {
  test('checkName names the limit and the template', () => {
    expect(checkName('role', 'a b', 'a b')).toBe(
      '"a b" contains " " (role names are 1-64 characters of A-Z a-z 0-9 + = , . @ _ -)',
    )
    expect(checkName('table', 'ab', '${x}')).toBe(
      '"ab" is 2 characters, expanded from "${x}" (table names are 3-255 characters of A-Z a-z 0-9 _ . -)',
    )
    expect(checkName('function', 'new-service-x', '${SERVICE_NAME}-x')).toBeUndefined()
  })

  test('closest suggests typos, transpositions and unique abbreviations only', () => {
    expect(editDistance('regoin', 'region')).toBe(1)
    expect(closest('partition_ky', ['partition_key', 'sort_key'])).toBe('partition_key')
    expect(closest('prod', ['dev', 'production', 'staging'])).toBe('production')
    expect(closest('zzz', ['dev', 'production'])).toBeUndefined()
  })
})

describe('encryption', () => {
  test('a KMS alias ARN is refused: DynamoDB reports the key ARN, so an alias would differ on every run', async () => {
    const { configSchema } = await import('../../src/config/schema.js')
    const table = (kms: string) => ({ partition_key: 'id', encryption: { kms_key_arn: kms } })
    const base = { service_name: 'svc', region: 'us-east-1', account_id: '123456789012', environment: 'dev' }
    const parse = (kms: string) => configSchema.safeParse({ ...base, tables: { t: table(kms) } })
    expect(parse('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab').success).toBe(true)
    const alias = parse('arn:aws:kms:us-east-1:123456789012:alias/my-key')
    expect(alias.success).toBe(false)
    expect(JSON.stringify(alias.error?.issues)).toContain('not an alias')
  })
})
