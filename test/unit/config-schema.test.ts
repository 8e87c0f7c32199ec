import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { listEnvironments, loadConfig } from '../../src/config/index.js'
import { buildJsonSchema, JSON_SCHEMA_FILE, renderJsonSchema } from '../../src/config/json-schema.js'
import { configSchema } from '../../src/config/schema.js'
import { realConfig, REPO_ROOT } from '../fixtures/config/project.js'

describe('config.schema.json', () => {
  test('is what scripts/export-schema.ts writes now (run `npx tsx scripts/export-schema.ts` if not)', () => {
    const committed = readFileSync(path.join(REPO_ROOT, JSON_SCHEMA_FILE), 'utf8')
    expect(committed).toBe(renderJsonSchema())
  })

  test('is draft 2020-12 with a title, and closed where config.json is strict', () => {
    const schema = buildJsonSchema() as any
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.title).toBe('infra config.json')
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required).toEqual(['service_name', 'region', 'account_id', 'environment'])
    const table = schema.properties.tables.additionalProperties
    expect(table.properties.billing_mode.enum).toEqual(['PAY_PER_REQUEST', 'PROVISIONED'])
    expect(table.additionalProperties).toBe(false)
  })

  test('config.json points at it and validates', () => {
    const config = realConfig()
    expect(config.$schema).toBe(`./${JSON_SCHEMA_FILE}`)
    const result = configSchema.safeParse(config)
    expect(result.error?.issues ?? []).toEqual([])
  })

  test('the repository’s own config.json and handlers resolve for every environment', async () => {
    const envs = await listEnvironments(REPO_ROOT)
    expect(envs).toEqual(expect.arrayContaining(['dev', 'production', 'staging']))
    for (const env of envs) {
      const c = await loadConfig({ root: REPO_ROOT, env })
      expect(c.functions.every((f) => path.isAbsolute(f.source!))).toBe(true)
    }
  })
})
