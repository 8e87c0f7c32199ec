// config.json keys for functions beyond Node.js zip packages: layers built from a folder, container images, function
// URLs, log groups that never expire. Joined into schema.ts by one line each.
import { z } from 'zod'

const architecture = z.enum(['arm64', 'x86_64'])

/** `never`: the function's log group keeps its events forever (CloudWatch Logs' own default), chosen explicitly. */
export const NEVER_EXPIRE = 'never'

// An ECR image by tag or by digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>(:<tag>|@sha256:<digest>).
export const imageUriSchema = z
  .string()
  .regex(
    /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/,
    'an ECR image URI: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or …@sha256:<digest>',
  )
  .describe(
    'Container image (PackageType Image): the function has no source, handler or runtime. A tag is resolved to the digest it names at each deploy (ecr:DescribeImages), so a tag pushed again is deployed',
  )

/** A layer of `layers` (by its key) or a layer version ARN. */
export const layerRefSchema = z
  .string()
  .regex(
    /^([a-z][a-z0-9-]*|arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+)$/,
    'a key of layers (e.g. "common") or a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)',
  )

const HTTP_METHOD = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'])

export const functionUrlSchema = z
  .strictObject({
    auth: z
      .enum(['AWS_IAM', 'NONE'])
      .describe('AWS_IAM: callers sign requests; NONE: public (infra adds the lambda:InvokeFunctionUrl permission)'),
    cors: z
      .strictObject({
        allow_origins: z.array(z.string().min(1).max(253)).min(1).max(100),
        allow_methods: z.array(HTTP_METHOD).max(6).default(['*']),
        allow_headers: z.array(z.string().min(1).max(1024)).max(100).default([]),
        expose_headers: z.array(z.string().min(1).max(1024)).max(100).default([]),
        allow_credentials: z.boolean().default(false),
        max_age_s: z.int().min(0).max(86400).default(0),
      })
      .optional(),
  })
  .describe("An HTTPS endpoint on the environment's alias (CreateFunctionUrlConfig)")

export const layerSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .describe('Folder zipped as the layer, relative to config.json (python/… or nodejs/node_modules/… inside)'),
  description: z.string().max(200).optional(),
  compatible_runtimes: z.array(z.string().min(1)).min(1).max(15),
  compatible_architectures: z
    .array(architecture)
    .min(1)
    .max(2)
    .optional()
    .describe('Default: lambda_defaults.architecture; a layer with requirements.txt is built for one'),
  versions_kept: z
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('Published versions kept; older ones are deleted (functions already using one keep working)'),
})

export const layersSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, starting with a letter'),
    layerSchema,
  )
  .default({})
  .describe('Lambda layers built from a folder, published as a new version only when their content changes')
