// Python functions are zipped from their folder: exactly its files (no byte-code caches, no dot-files), the same
// bytes for the same files, the handler checked before anything is built, and requirements.txt installed by pip for
// Lambda's platform. The pip part uses a wheel made here and a local index, so it needs no network; without pip on
// this machine it asserts the error that says so.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { packageFunction } from '../../src/package/index.js'
import { pipInstallArguments } from '../../src/package/pip.js'
import { packagePythonFunction, pythonHandlerParts } from '../../src/package/python.js'
import { zipDeterministic } from '../../src/package/zip.js'

const temp = () => mkdtempSync(path.join(tmpdir(), 'infra-python-'))
const write = (root: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
}
const spec = (source: string, handler = 'app.handler') => ({
  source,
  handler,
  runtime: 'python3.12',
  architecture: 'arm64' as const,
})
const HAS_PIP = spawnSync('pip3', ['--version']).status === 0

afterEach(() => vi.unstubAllEnvs())

function functionFolder(): string {
  const root = temp()
  write(root, {
    'app.py': 'import json\n\n\ndef handler(event, context):\n    return {"statusCode": 200}\n',
    'lib/util.py': 'def helper():\n    return 1\n',
    'lib/__pycache__/util.cpython-312.pyc': 'bytecode',
    '.env': 'SECRET=1',
    '.venv/bin/python': 'x',
  })
  return root
}

describe('a Python function packaged from its folder', () => {
  test('holds exactly its files, and the same files give the same bytes wherever they are', async () => {
    const a = functionFolder()
    symlinkSync(path.join(a, 'lib', 'util.py'), path.join(a, 'linked.py'))
    const first = await packagePythonFunction(0, spec(a))
    expect(first).toMatchObject({ files: ['app.py', 'lib/util.py', 'linked.py'] })
    const b = temp()
    cpSync(a, b, { recursive: true })
    const second = await packagePythonFunction(0, spec(b))
    expect('zip' in second && 'zip' in first && second.zip.equals(first.zip)).toBe(true)
  })

  test('a handler module that is missing, or a function it does not define, is refused before anything is built', async () => {
    const root = functionFolder()
    await expect(packagePythonFunction(0, spec(root, 'main.handler'))).resolves.toMatchObject({
      code: 'HandlerModuleMissing',
      field: 'handler',
      reason: expect.stringContaining('main.py'),
    })
    await expect(packagePythonFunction(0, spec(root, 'app.main'))).resolves.toMatchObject({
      code: 'HandlerNotExported',
      reason: expect.stringContaining('app.py has no `def main(` at the top level (it defines handler)'),
    })
    await expect(packagePythonFunction(0, spec(root, 'lib.util.helper'))).resolves.toHaveProperty('files')
    await expect(packagePythonFunction(0, spec(path.join(root, 'app.py')))).resolves.toMatchObject({
      code: 'PackageSourceNotFolder',
    })
  })

  test('a Node.js handler whose source is a folder is told to name its entry file', async () => {
    await expect(
      packageFunction({
        entry: functionFolder(),
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        architecture: 'arm64',
        bundleAwsSdk: false,
      }),
    ).rejects.toMatchObject({ code: 'PackageEntryIsFolder', message: expect.stringContaining('is a folder') })
  })

  test('handlers name a module by dots or slashes', () => {
    expect(pythonHandlerParts('app.handler')).toEqual({ file: 'app.py', name: 'handler' })
    expect(pythonHandlerParts('api.routes.main')).toEqual({ file: 'api/routes.py', name: 'main' })
    expect(pythonHandlerParts('api/routes.main')).toEqual({ file: 'api/routes.py', name: 'main' })
    expect(pythonHandlerParts('handler')).toBeUndefined()
  })

  test("pip installs for Lambda's platform and Python, binary wheels only, without byte-code", () => {
    expect(pipInstallArguments('/f/requirements.txt', { runtime: 'python3.12', architecture: 'x86_64' }, '/t')).toEqual(
      [
        'install',
        '--requirement',
        '/f/requirements.txt',
        '--target',
        '/t',
        '--platform',
        'manylinux2014_x86_64',
        '--only-binary=:all:',
        '--python-version',
        '3.12',
        '--implementation',
        'cp',
        '--no-compile',
        '--no-input',
        '--disable-pip-version-check',
        '--quiet',
      ],
    )
  })

  test('without pip, a function with requirements is refused with an error that says so', async () => {
    vi.stubEnv('INFRA_PIP', 'pip-that-is-not-installed')
    const root = functionFolder()
    write(root, { 'requirements.txt': 'requests==2.32.3\n' })
    await expect(packagePythonFunction(0, spec(root))).resolves.toMatchObject({
      code: 'PipNotFound',
      reason: expect.stringContaining('pip-that-is-not-installed is not installed'),
      hint: expect.stringContaining('Install pip'),
    })
  })

  test('requirements that install nothing (comments only) need no pip', async () => {
    vi.stubEnv('INFRA_PIP', 'pip-that-is-not-installed')
    const root = functionFolder()
    write(root, { 'requirements.txt': '# nothing yet\n\n' })
    await expect(packagePythonFunction(0, spec(root))).resolves.toMatchObject({
      files: ['app.py', 'lib/util.py', 'requirements.txt'],
    })
  })
})

/** A pure-Python wheel in a folder that serves as pip's only index. */
async function localIndex(): Promise<string> {
  const dir = temp()
  const files = {
    'tinypkg/__init__.py': 'VALUE = 1\n',
    'tinypkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n',
    'tinypkg-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    'tinypkg-1.0.dist-info/RECORD':
      'tinypkg/__init__.py,,\ntinypkg-1.0.dist-info/METADATA,,\ntinypkg-1.0.dist-info/WHEEL,,\ntinypkg-1.0.dist-info/RECORD,,\n',
  }
  const wheel = await zipDeterministic(
    Object.entries(files).map(([name, text]) => ({ name, contents: Buffer.from(text) })),
  )
  writeFileSync(path.join(dir, 'tinypkg-1.0-py3-none-any.whl'), wheel)
  return dir
}

describe.skipIf(!HAS_PIP)('with pip on this machine', () => {
  test('the package holds its files and the installed requirements; the next run reuses them without pip', async () => {
    const root = functionFolder()
    const index = await localIndex()
    write(root, { 'requirements.txt': `--no-index\n--find-links ${index}\ntinypkg==1.0\n` })
    const cacheDir = temp()
    const first = await packagePythonFunction(0, spec(root), { cacheDir })
    expect(first).toMatchObject({
      files: expect.arrayContaining(['app.py', 'lib/util.py', 'requirements.txt', 'tinypkg/__init__.py']),
    })
    const files = 'files' in first ? first.files : []
    expect(files.filter((f) => !f.startsWith('tinypkg'))).toEqual(['app.py', 'lib/util.py', 'requirements.txt'])
    expect(files.some((f) => f.endsWith('.pyc'))).toBe(false)

    // Cached by the requirements' hash and the target: pip is not run again.
    vi.stubEnv('INFRA_PIP', 'pip-that-is-not-installed')
    const again = await packagePythonFunction(0, spec(root), { cacheDir })
    expect('zip' in again && 'zip' in first && again.zip.equals(first.zip)).toBe(true)
  })
})
