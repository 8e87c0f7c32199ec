// Python functions and layers are packaged from their folder, not bundled: every file of the folder, plus what
// requirements.txt installs for the runtime and architecture, in one deterministic zip (same files, same bytes).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { exists } from './bundle.js'
import { folderEntries, isDirectory } from './folder.js'
import { installRequirements, type PipTarget } from './pip.js'
import type { PackageProblem } from './problems.js'
import {
  pipProblem,
  pythonFunctionMissing,
  pythonHandlerInvalid,
  pythonModuleMissing,
  sourceNotFolder,
} from './python-problems.js'
import { zipDeterministic, type ZipEntry } from './zip.js'
import { codeSha256, type FunctionPackage } from './index.js'

export const REQUIREMENTS_FILE = 'requirements.txt'

export interface FolderPackageSpec {
  /** Absolute path of the folder. */
  source: string
  /** requirements.txt at the folder's top is installed for this target, under `prefix` ('' or 'python/'). */
  pip?: PipTarget & { prefix: string }
}

export interface PythonPackageSpec {
  /** Absolute path of the function's folder. */
  source: string
  /** `<module>.<function>`: 'app.handler', 'api.routes.handler' (api/routes.py). */
  handler: string
  runtime: string
  architecture: 'arm64' | 'x86_64'
}

export interface FolderPackageOptions {
  /** Where installed requirements are kept between runs. */
  cacheDir?: string
}

const isProblem = (x: object): x is PackageProblem => 'code' in x && 'reason' in x

/** Requirement lines that install something: not blank, not comments. */
const installsSomething = (text: string) => text.split('\n').some((line) => line.replace(/#.*/, '').trim() !== '')

// Top-level `def name(` or `async def name(`: what Lambda's bootstrap can call by name.
const TOP_LEVEL_DEF = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm

/** 'app.handler' → { file: 'app.py', name: 'handler' }; 'api.routes.handler' or 'api/routes.handler' → api/routes.py. */
export function pythonHandlerParts(handler: string): { file: string; name: string } | undefined {
  const match = /^([A-Za-z_][\w]*(?:[./][A-Za-z_]\w*)*)\.([A-Za-z_]\w*)$/.exec(handler)
  return match ? { file: `${match[1]!.replaceAll('.', '/')}.py`, name: match[2]! } : undefined
}

/** The folder's files and its installed requirements; the folder's own file wins over an installed one. */
export async function packageFolder(
  index: number,
  spec: FolderPackageSpec,
  opts: FolderPackageOptions,
): Promise<FunctionPackage | PackageProblem> {
  if (!(await isDirectory(spec.source))) return sourceNotFolder(index, spec.source)
  const own = await folderEntries(spec.source)
  const installed: ZipEntry[] = []
  const requirementsFile = path.join(spec.source, REQUIREMENTS_FILE)
  if (spec.pip && (await exists(requirementsFile))) {
    const text = await readFile(requirementsFile, 'utf8')
    if (installsSomething(text)) {
      const result = await installRequirements(requirementsFile, text, spec.pip, opts.cacheDir)
      if ('code' in result) return pipProblem(index, result.code, result.reason, requirementsFile)
      installed.push(...(await folderEntries(result.dir, spec.pip.prefix)))
    }
  }
  const names = new Set(own.map((e) => e.name))
  const entries = [...own, ...installed.filter((e) => !names.has(e.name))]
  const zip = await zipDeterministic(entries)
  return { zip, codeSha256: codeSha256(zip), size: zip.length, files: entries.map((e) => e.name).sort() }
}

async function checkPythonHandler(index: number, spec: PythonPackageSpec): Promise<PackageProblem | undefined> {
  const parts = pythonHandlerParts(spec.handler)
  if (!parts) return pythonHandlerInvalid(index, spec.handler)
  const file = path.join(spec.source, parts.file)
  if (!(await exists(file))) return pythonModuleMissing(index, spec.handler, parts.file)
  const defined = [...(await readFile(file, 'utf8')).matchAll(TOP_LEVEL_DEF)].map((m) => m[1]!)
  return defined.includes(parts.name)
    ? undefined
    : pythonFunctionMissing(index, spec.handler, parts.file, parts.name, defined)
}

/** A Python function's package after its handler is checked, or the problem found first. */
export async function packagePythonFunction(
  index: number,
  spec: PythonPackageSpec,
  opts: FolderPackageOptions = {},
): Promise<FunctionPackage | PackageProblem> {
  if (!(await isDirectory(spec.source))) return sourceNotFolder(index, spec.source)
  const bad = await checkPythonHandler(index, spec)
  if (bad) return bad
  return packageFolder(
    index,
    { source: spec.source, pip: { runtime: spec.runtime, architecture: spec.architecture, prefix: '' } },
    opts,
  )
}

export { isProblem as isPackageProblem }
