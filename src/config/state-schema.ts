import { z } from 'zod'

// config.json "state": where the manifest is kept. Local (`.infra/<env>/`) needs nothing; S3 shares it between people
// and pipelines, with a lock that expires when its holder dies. Each env file may override any field (STATE_*).

export const STATE_BACKENDS = ['local', 's3'] as const
export const DEFAULT_STATE_PREFIX = 'infra/${SERVICE_NAME}/${ENVIRONMENT}'
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/

/** Built from schema.ts's name template (passed in, so that placeholders.ts knows these fields expand `${…}`). */
export function stateSchemaOf(nameTemplate: z.ZodString) {
  return z
    .strictObject({
      backend: z.enum(STATE_BACKENDS).default('local'),
      bucket: nameTemplate
        .optional()
        .describe(
          'The state bucket (backend s3), e.g. "${SERVICE_NAME}-state-${ACCOUNT_ID}"; `infra state init` creates it',
        ),
      prefix: nameTemplate.default(DEFAULT_STATE_PREFIX),
      region: z
        .string()
        .regex(AWS_REGION_PATTERN, 'an AWS region such as "us-east-1"')
        .optional()
        .describe("The state bucket's region (default: the environment's region)"),
    })
    .describe('Where the manifest is kept: local .infra/<env>/ (default) or one object in an S3 bucket')
}

/** Where this environment's manifest is kept, resolved (templates expanded, env file applied). */
export type StateConfig = { backend: 'local' } | { backend: 's3'; bucket: string; prefix: string; region: string }
