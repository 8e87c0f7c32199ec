// Every configured layer zipped from its folder, or every reason it cannot be, as config issues at the layer's source.
// A layer compatible with a Python runtime gets its requirements.txt installed under python/ (where Lambda's Python
// runtimes look), for the first Python runtime and the first architecture it lists.
import { formatPath, issuesError, type FieldPath } from '../config/issues.js'
import { shown } from '../config/load.js'
import { runtimeFamily } from '../config/runtimes.js'
import type { LayerConfig, ResolvedConfig } from '../config/types.js'
import type { FunctionPackage, PackageProblem } from '../package/index.js'
import { packageFolder, type FolderPackageSpec } from '../package/python.js'
import { packageCacheDir } from './package-functions.js'

// Lambda's Python runtimes put /opt/python on sys.path: a layer's packages live there.
const PYTHON_LAYER_PREFIX = 'python/'

export function layerPackageSpec(layer: LayerConfig): FolderPackageSpec {
  const python = layer.compatibleRuntimes.find((r) => runtimeFamily(r) === 'python')
  return {
    source: layer.source,
    ...(python && {
      pip: { runtime: python, architecture: layer.compatibleArchitectures[0]!, prefix: PYTHON_LAYER_PREFIX },
    }),
  }
}

/** Throws one ConfigError (exit code 2) listing every layer that cannot be packaged. */
export async function packageConfiguredLayers(config: ResolvedConfig): Promise<FunctionPackage[]> {
  const cacheDir = packageCacheDir(config)
  const results = await Promise.all(
    config.layers.map((layer, i) => packageFolder(i, layerPackageSpec(layer), { cacheDir })),
  )
  const problems = results.filter((r): r is PackageProblem => 'reason' in r)
  if (problems.length === 0) return results as FunctionPackage[]
  const file = shown(config.files.config)
  const issues = problems.map((p) => {
    const at: FieldPath = ['layers', config.layers[p.index]!.logicalId, 'source']
    return { file, field: formatPath(at), message: p.reason }
  })
  throw issuesError(problems[0]!.code, issues, problems[0]!.hint)
}
