// config.schema.json, generated from the zod schema so that editors complete and check config.json with the very
// rules the loader applies. `scripts/export-schema.ts` writes it; a unit test fails when it is stale.
import { z } from 'zod'
import { configSchema } from './schema.js'

export const JSON_SCHEMA_FILE = 'config.schema.json'

export function buildJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' })
  return {
    $schema,
    title: 'infra config.json',
    description:
      'The serverless service infra deploys: tables, functions, IAM, APIs and more. Names are templates (${SERVICE_NAME}, ${ENVIRONMENT}, ${AWS_REGION}, ${DOMAIN}, ${ACCOUNT_ID}, ${name}); environments/<env>.env overrides a few values per environment.',
    ...rest,
  }
}

/** The file's exact text: two-space JSON and a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`
}
