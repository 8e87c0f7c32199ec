// requirements.txt installed for Lambda's machine, not this one: `pip install --target` with the platform, Python
// version and implementation of the function's runtime and architecture, binary wheels only (nothing is compiled
// here for the wrong CPU). The result is cached by the hash of the requirements and that target, so an unchanged
// requirements.txt never runs pip again.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { isDirectory } from './folder.js'

const run = promisify(execFile)

/** Which pip to run: INFRA_PIP when set (a path, or e.g. `pip3.12`), else pip3 on the PATH. */
export const pipCommand = (): string => process.env.INFRA_PIP || 'pip3'

// Bump when the arguments below change what gets installed.
const PIP_CACHE_FORMAT = 1
// A shell's "command not found" (a pyenv shim for a Python without pip answers with it too).
const COMMAND_NOT_FOUND = 127
const MAX_PIP_OUTPUT_LINES = 8

export interface PipTarget {
  /** 'python3.12' */
  runtime: string
  architecture: 'arm64' | 'x86_64'
}

export type PipFailure = { code: 'PipNotFound'; reason: string } | { code: 'PipInstallFailed'; reason: string }

const PLATFORM = { x86_64: 'manylinux2014_x86_64', arm64: 'manylinux2014_aarch64' } as const

/** 'python3.12' → '3.12'. */
export const pythonVersionOf = (runtime: string): string => runtime.replace(/^python/, '')

/** Pure: pip's arguments for one requirements file and one Lambda target. */
export function pipInstallArguments(requirements: string, target: PipTarget, dir: string): string[] {
  return [
    'install',
    '--requirement',
    requirements,
    '--target',
    dir,
    '--platform',
    PLATFORM[target.architecture],
    '--only-binary=:all:',
    '--python-version',
    pythonVersionOf(target.runtime),
    '--implementation',
    'cp',
    // .pyc files hold this machine's timestamps: Lambda compiles on first import instead.
    '--no-compile',
    '--no-input',
    '--disable-pip-version-check',
    '--quiet',
  ]
}

export function requirementsKey(text: string, target: PipTarget): string {
  return createHash('sha256')
    .update(JSON.stringify([PIP_CACHE_FORMAT, text, target.runtime, target.architecture]))
    .digest('hex')
    .slice(0, 32)
}

const lastLines = (text: string) => text.trim().split('\n').slice(-MAX_PIP_OUTPUT_LINES).join('\n')

/**
 * The folder holding the installed requirements (from the cache when the same requirements were installed for the
 * same target before), or why pip could not make it. Without a cache folder it is made in the system's temp folder.
 */
export async function installRequirements(
  requirementsFile: string,
  text: string,
  target: PipTarget,
  cacheDir: string | undefined,
): Promise<{ dir: string } | PipFailure> {
  const root = cacheDir ? path.join(cacheDir, 'requirements') : await mkdtemp(path.join(tmpdir(), 'infra-pip-'))
  const dir = path.join(root, requirementsKey(text, target))
  if (await isDirectory(dir)) return { dir }
  await mkdir(root, { recursive: true })
  // Installed beside it, then renamed: a pip killed half-way never leaves a folder that looks complete.
  const partial = `${dir}.partial-${process.pid}`
  const pip = pipCommand()
  try {
    await run(pip, pipInstallArguments(requirementsFile, target, partial), { maxBuffer: 16 * 1024 * 1024 })
    // Another run may have finished the same install meanwhile: its folder is as good as this one.
    await rename(partial, dir).catch(async (e: unknown) => {
      if (!(await isDirectory(dir))) throw e
      await rm(partial, { recursive: true, force: true })
    })
    return { dir }
  } catch (e) {
    await rm(partial, { recursive: true, force: true })
    const err = e as { code?: string | number; stderr?: string; stdout?: string }
    if (err.code === 'ENOENT' || err.code === COMMAND_NOT_FOUND)
      return {
        code: 'PipNotFound',
        reason: `${pip} is not installed (or not on the PATH), and it installs requirements.txt`,
      }
    const output = lastLines(`${err.stderr ?? ''}\n${err.stdout ?? ''}`) || String(e)
    return { code: 'PipInstallFailed', reason: `pip could not install ${requirementsFile}: ${output}` }
  }
}
