// Step 03's layers: converged before the functions, which name them by key; their version ARNs are the step's
// `layers` outputs (`${layers.<name>.arn}`).
import type { LayerConfig, ResolvedConfig } from '../config/types.js'
import type { FunctionPackage } from '../package/index.js'
import { ensureLayer, layerDescription, type LayerSpec, type ObservedLayer } from '../resources/lambda/layer.js'
import { StepError } from '../errors/index.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import type { LayerOutput } from './outputs.js'
import type { StepContext } from './types.js'

/** Pure: a layer's desired shape; the owner marker in the description stands in for tags, which layers lack. */
export function layerSpec(layer: LayerConfig, config: ResolvedConfig, pkg?: FunctionPackage): LayerSpec {
  return {
    logicalId: layer.logicalId,
    name: layer.name,
    description: layerDescription(layer.description, { service: config.serviceName, env: config.env }),
    compatibleRuntimes: layer.compatibleRuntimes,
    compatibleArchitectures: layer.compatibleArchitectures,
    versionsKept: layer.versionsKept,
    ...(pkg ? { code: { zip: pkg.zip, codeSha256: pkg.codeSha256 } } : {}),
  }
}

/** Every layer of config, one after another (few, and each publish is one call); their outputs by key. */
export async function ensureLayers(
  ctx: StepContext,
  packages: Array<FunctionPackage | undefined>,
): Promise<Record<string, LayerOutput>> {
  const outputs: Record<string, LayerOutput> = {}
  for (const [i, layer] of ctx.config.layers.entries()) {
    const { result, observed } = await ensureLayer(ctx, layerSpec(layer, ctx.config, packages[i]))
    ctx.report(result)
    // A layer that would be published (or changed) in a plan has no version ARN yet; an offline plan has the last one.
    const planned = result.action === 'would-create' || result.action === 'would-update'
    const recorded = ctx.record.manifest.resources[result.key]?.attributes as Partial<ObservedLayer> | undefined
    const last = result.action === 'unverified' ? recorded : observed
    const seen = last && { arn: last.versionArn, version: last.version }
    if (!seen?.arn && result.action === 'unmanaged')
      throw new StepError(
        'LayerNotManaged',
        `using Lambda layer (${layer.name}): ${result.note ?? "it is not this service's"}`,
        {
          hint: `Rename the layer in config.json, or rerun \`infra deploy-all --env ${ctx.identity.env} --adopt\` to take it over; its functions were not deployed.`,
        },
      )
    outputs[layer.logicalId] = {
      name: layer.name,
      arn: !planned && seen?.arn ? seen.arn : KNOWN_AFTER_APPLY,
      ...(!planned && seen?.version !== undefined ? { version: seen.version } : {}),
    }
  }
  return outputs
}
