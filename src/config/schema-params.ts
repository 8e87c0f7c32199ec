// config.json keys for identity, permissions and shared configuration: the `parameters` section, a function's free
// `permissions` statements, and cognito's `identity_pool`. Joined into schema.ts by one line each.
import { z } from 'zod'

// SSM parameter names: fully qualified (`/a/b`), letters, digits and . - _ /, at most 1011 characters; a name may use
// ${SERVICE_NAME}, ${ENVIRONMENT}, … (expanded per environment).
export const parameterNameTemplate = z
  .string()
  .regex(
    /^\/([A-Za-z0-9_.-]|\$\{[A-Z_]+\})+(\/([A-Za-z0-9_.-]|\$\{[A-Z_]+\})+)*$/,
    'a full parameter name such as "/app/${ENVIRONMENT}/api-url": / then letters, digits, . - _ and template variables',
  )

export const parametersSchema = z
  .record(parameterNameTemplate, z.string().min(1).max(4096))
  .describe(
    'SSM parameter name (templates expanded) -> its value: references such as ${api.url}, ${tables.<name>.name}, ${ssm:/other}, or text. Written as String parameters after the steps they read',
  )

const IAM_ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/
export const permissionStatementSchema = z.strictObject({
  effect: z.enum(['Allow', 'Deny']).default('Allow'),
  actions: z
    .array(z.string().regex(IAM_ACTION, 'an IAM action such as "s3:GetObject" (service:Action, * allowed)'))
    .min(1),
  resources: z
    .array(z.string().regex(/^(\*|arn:.+)$/, 'an ARN (references such as ${tables.<name>.arn} allowed), or "*"'))
    .min(1),
  allow_wildcard: z
    .boolean()
    .default(false)
    .describe('A "*" action or resource is refused in production environments unless this is true'),
})

export const functionPermissionsSchema = z
  .array(permissionStatementSchema)
  .max(20)
  .default([])
  .describe("Extra IAM statements merged into the functions' role policy, for what has no shorthand")

export const identityPoolSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^([\w\s+=,.@-]|\$\{[A-Za-z_]+\})+$/, 'letters, digits, spaces and + = , . @ _ - (templates allowed)')
      .default('${SERVICE_NAME}-identities')
      .describe('At most 128 characters once expanded; ${SERVICE_NAME}, ${ENVIRONMENT}, … are expanded'),
    allow_unauthenticated: z
      .boolean()
      .default(false)
      .describe('Guests get credentials (the unauthenticated role) without signing in; off unless asked'),
    authenticated_permissions: z
      .array(permissionStatementSchema)
      .max(20)
      .default([])
      .describe("What signed-in users' credentials may do (the authenticated role's policy)"),
    unauthenticated_permissions: z
      .array(permissionStatementSchema)
      .max(20)
      .default([])
      .describe("What guests' credentials may do, with allow_unauthenticated"),
  })
  .describe('Step 08: a Cognito identity pool linked to the user pool and its client, with IAM roles for its users')
