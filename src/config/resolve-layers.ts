// layers.* → LayerConfig: named by name_pattern (`${name}` = the key), folders made absolute and checked, the
// architecture defaulting to lambda_defaults'.
import path from 'node:path'
import type { FieldPath } from './issues.js'
import type { ResolveContext } from './resolve.js'
import type { LayerConfig } from './types.js'

export function resolveLayers(ctx: ResolveContext): LayerConfig[] {
  const { raw, input } = ctx
  const root = path.resolve(input.files.root)
  return Object.entries(raw.layers).map(([key, layer]) => {
    const at: FieldPath = ['layers', key]
    const source = path.resolve(root, layer.source)
    if (input.fileExists && !input.fileExists(source))
      ctx.problem(
        [...at, 'source'],
        `"${layer.source}" does not exist at ${source} (expected a folder, relative to ${root})`,
      )
    const architectures = layer.compatible_architectures ?? [raw.lambda_defaults.architecture]
    return {
      logicalId: key,
      name: ctx.entryName('function', at, undefined, key),
      ...(layer.description === undefined ? {} : { description: layer.description }),
      source,
      compatibleRuntimes: layer.compatible_runtimes,
      compatibleArchitectures: [...new Set(architectures)],
      versionsKept: layer.versions_kept,
    }
  })
}
