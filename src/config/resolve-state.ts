// config.json "state" and the env file's STATE_* keys → where this environment's manifest is kept.
import type { FieldPath } from './issues.js'
import { expandTemplate } from './names.js'
import type { ResolveContext } from './resolve.js'
import { DEFAULT_STATE_PREFIX, type StateConfig } from './state-schema.js'

// S3's rules for a general purpose bucket's name (checked here: a bad one would only fail at the first state read).
const BUCKET_NAME = /^(?!xn--|sthree-|\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

export function resolveState(ctx: ResolveContext, region: string): StateConfig {
  const raw = ctx.raw.state
  const env = ctx.input.envFile?.values ?? {}
  const backend = env.STATE_BACKEND ?? raw?.backend ?? 'local'
  if (backend === 'local') return { backend: 'local' }
  const bucketTemplate = env.STATE_BUCKET ?? raw?.bucket
  if (bucketTemplate === undefined) {
    ctx.problem(
      ['state', 'bucket'],
      `is required with backend "s3"${ctx.fromEnv('STATE_BACKEND')} (the bucket that holds the state; \`infra state init\` creates it)`,
    )
    return { backend: 'local' }
  }
  const bucket = expand(ctx, ['state', 'bucket'], bucketTemplate)
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    ctx.problem(
      ['state', 'bucket'],
      `"${bucket}"${ctx.fromEnv('STATE_BUCKET')} is not a valid bucket name (3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit)`,
    )
  }
  const prefix = expand(ctx, ['state', 'prefix'], env.STATE_PREFIX ?? raw?.prefix ?? DEFAULT_STATE_PREFIX).replace(
    /^\/+|\/+$/g,
    '',
  )
  if (prefix === '' || prefix.includes('//'))
    ctx.problem(
      ['state', 'prefix'],
      `"${prefix}"${ctx.fromEnv('STATE_PREFIX')} is not a key prefix (e.g. "infra/\${SERVICE_NAME}/\${ENVIRONMENT}")`,
    )
  return { backend: 's3', bucket, prefix, region: env.STATE_REGION ?? raw?.region ?? region }
}

/** Problems in a template's variables are reported once (resolve.ts drops the placeholder pass's duplicates). */
function expand(ctx: ResolveContext, path: FieldPath, template: string): string {
  const { value, problems } = expandTemplate(template, ctx.vars)
  for (const message of problems) ctx.problem(path, message)
  return value
}
