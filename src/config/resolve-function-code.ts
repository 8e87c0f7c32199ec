// What a function's code and endpoints must agree on: an image function has no source, handler, runtime or layers
// (the image holds all of it); a layer named by key is one of `layers`; a function URL's settings in resolved form.
import { didYouMean, type FieldPath } from './issues.js'
import type { ResolveContext } from './resolve.js'
import type { RawFunction } from './schema.js'
import type { FunctionUrlConfig } from './types.js'

const IMAGE_HAS_NO = ['source', 'handler', 'runtime'] as const

export function imageProblems(ctx: ResolveContext, at: FieldPath, f: RawFunction): void {
  for (const field of IMAGE_HAS_NO) {
    if (f[field] === undefined) continue
    ctx.problem(
      [...at, field],
      `is set, but the function has image_uri: an image function has no ${field} (the image holds its code and entry point); remove ${field}, or remove image_uri to deploy a zip package`,
    )
  }
  if (f.layers.length > 0)
    ctx.problem(
      [...at, 'layers'],
      'is set, but the function has image_uri: Lambda does not add layers to image functions (copy their files into the image); remove layers',
    )
}

/** A layer named by key must exist and be built for the function's runtime and architecture. */
export function layerReferenceProblems(ctx: ResolveContext, at: FieldPath, f: RawFunction): void {
  const keys = Object.keys(ctx.raw.layers)
  const runtime = f.runtime ?? ctx.raw.lambda_defaults.runtime
  const architecture = f.architecture ?? ctx.raw.lambda_defaults.architecture
  f.layers.forEach((layer, i) => {
    if (layer.startsWith('arn:')) return
    const own = ctx.raw.layers[layer]
    if (own) {
      const architectures = own.compatible_architectures ?? [ctx.raw.lambda_defaults.architecture]
      if (!own.compatible_runtimes.includes(runtime))
        ctx.problem(
          [...at, 'layers', i],
          `layer ${layer} is built for ${own.compatible_runtimes.join(', ')}, not ${runtime} (add ${runtime} to layers.${layer}.compatible_runtimes)`,
        )
      if (!architectures.includes(architecture))
        ctx.problem(
          [...at, 'layers', i],
          `layer ${layer} is built for ${architectures.join(', ')}, not ${architecture} (add ${architecture} to layers.${layer}.compatible_architectures)`,
        )
      return
    }
    ctx.problem(
      [...at, 'layers', i],
      `"${layer}" is not in layers (${didYouMean(layer, keys)}layers: ${keys.join(', ') || 'none'}); name a key of layers or give a layer version ARN`,
    )
  })
}

export function functionUrlConfig(url: NonNullable<RawFunction['url']>): FunctionUrlConfig {
  const { cors } = url
  return {
    auth: url.auth,
    ...(cors && {
      cors: {
        allowOrigins: cors.allow_origins,
        allowMethods: cors.allow_methods,
        allowHeaders: cors.allow_headers,
        exposeHeaders: cors.expose_headers,
        allowCredentials: cors.allow_credentials,
        maxAgeS: cors.max_age_s,
      },
    }),
  }
}
