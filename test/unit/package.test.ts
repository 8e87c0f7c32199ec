import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, test } from 'vitest'
import {
  esbuildTarget,
  packageFunction,
  packageFunctions,
  PackageError,
  type PackageSpec,
} from '../../src/package/index.js'
import { formatDosDateTime, readZip } from '../fixtures/package/read-zip.js'

const run = promisify(execFile)
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/package')
const FIXTURE_REPO = path.join(FIXTURES, 'repo')
const HELLO = path.join(FIXTURE_REPO, 'handlers/hello/index.ts')
const DYNAMO = path.join(FIXTURES, 'dynamo/index.ts')

const temps: string[] = []
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  temps.push(dir)
  return dir
}
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })))
})

function spec(entry: string, overrides: Partial<PackageSpec> = {}): PackageSpec {
  return {
    entry,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    bundleAwsSdk: false,
    ...overrides,
  }
}

function moduleText(zip: Buffer, name = 'index.mjs'): string {
  const entry = readZip(zip).find((e) => e.name === name)
  if (!entry) throw new Error(`${name} is not in the zip`)
  return entry.data.toString('utf8')
}

/** Writes the zip's module to a fresh directory and calls its handler in a plain Node process, as Lambda would. */
async function invokeBundled(zip: Buffer, event: unknown): Promise<unknown> {
  const dir = await tempDir('infra-package-run-')
  const file = path.join(dir, 'index.mjs')
  await writeFile(file, moduleText(zip))
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(event)})))`
  const { stdout } = await run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: dir })
  return JSON.parse(stdout)
}

describe('packageFunction', () => {
  test('the zip holds index.mjs and only that, dated 1980-01-01 00:00, mode 0644, deflated', async () => {
    const pkg = await packageFunction(spec(HELLO))

    expect(pkg.files).toEqual(['index.mjs'])
    const entries = readZip(pkg.zip)
    expect(entries.map((e) => e.name)).toEqual(['index.mjs'])
    expect(entries[0]!.mode & 0o777).toBe(0o644)
    expect(formatDosDateTime(entries[0]!.dosDate, entries[0]!.dosTime)).toBe('1980-01-01 00:00:00')
    expect(entries[0]!.method).toBe(8)
  })

  test('the bundled module runs: local module, Node built-in and a CommonJS require all work in ESM', async () => {
    const pkg = await packageFunction(spec(HELLO))

    const result = await invokeBundled(pkg.zip, { name: 'world' })

    expect(result).toEqual({
      statusCode: 200,
      body: JSON.stringify({
        greeting: 'hello, world',
        digest: createHash('sha256').update('world').digest('hex').slice(0, 8),
        extension: '.txt',
        require: 'function',
      }),
    })
  })

  test('codeSha256 is the base64 SHA-256 of the zip bytes, size their length', async () => {
    const pkg = await packageFunction(spec(HELLO))

    expect(pkg.codeSha256).toBe(createHash('sha256').update(pkg.zip).digest('base64'))
    expect(pkg.codeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(pkg.size).toBe(pkg.zip.length)
  })

  test('two builds of the same source are byte-identical', async () => {
    const first = await packageFunction(spec(HELLO))
    const second = await packageFunction(spec(HELLO))

    expect(second.zip.equals(first.zip)).toBe(true)
    expect(second.codeSha256).toBe(first.codeSha256)
  })

  test('two checkouts in different directories give the same bytes', async () => {
    const a = path.join(await tempDir('a-'), 'repo')
    const b = path.join(await tempDir('checkout-with-a-much-longer-name-'), 'deeper', 'repo')
    await cp(FIXTURE_REPO, a, { recursive: true })
    await mkdir(path.dirname(b), { recursive: true })
    await cp(FIXTURE_REPO, b, { recursive: true })

    const build = (root: string) => packageFunction(spec(path.join(root, 'handlers/hello/index.ts')))
    const [inRepo, inA, inB] = [await build(FIXTURE_REPO), await build(a), await build(b)]

    expect(inA.zip.equals(inB.zip)).toBe(true)
    expect(inA.zip.equals(inRepo.zip)).toBe(true)
    const text = moduleText(inB.zip)
    expect(text).toContain('// handlers/hello/index.ts')
    expect(text).not.toContain(tmpdir())
    expect(text).not.toContain(REPO_ROOT)
  })

  test('an explicit root is used for the paths in the output', async () => {
    const pkg = await packageFunction(spec(HELLO, { root: path.join(FIXTURE_REPO, 'handlers') }))

    expect(moduleText(pkg.zip)).toContain('// hello/index.ts')
  })

  test('the bytes do not depend on the TZ environment variable', async () => {
    const cli = path.join(FIXTURES, 'pack-cli.ts')
    const inProcess = await packageFunction(spec(HELLO))

    const outputs = await Promise.all(
      ['UTC', 'Asia/Seoul', 'America/Los_Angeles'].map(async (TZ) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, HELLO], {
          cwd: REPO_ROOT,
          env: { ...process.env, TZ },
        })
        return JSON.parse(stdout) as { codeSha256: string; tz: string }
      }),
    )

    expect(outputs.map((o) => o.tz)).toEqual(['UTC', 'Asia/Seoul', 'America/Los_Angeles'])
    expect(new Set(outputs.map((o) => o.codeSha256))).toEqual(new Set([inProcess.codeSha256]))
  })

  test('bundleAwsSdk false leaves @aws-sdk imports external; true inlines them into a self-contained module', async () => {
    const external = await packageFunction(spec(DYNAMO, { bundleAwsSdk: false }))
    const inlined = await packageFunction(spec(DYNAMO, { bundleAwsSdk: true }))

    const externalText = moduleText(external.zip)
    expect(externalText).toMatch(/^import \{[^}]*DynamoDBClient[^}]*\} from "@aws-sdk\/client-dynamodb";$/m)
    expect(externalText).not.toContain('node_modules/')

    const inlinedText = moduleText(inlined.zip)
    expect(inlinedText).not.toMatch(/from "@(aws-sdk|smithy)\//)
    expect(inlinedText).toContain('var DynamoDBClient = class')
    expect(inlined.size).toBeGreaterThan(20 * external.size)
    // Runs from a directory with no node_modules: the SDK really is inside the bundle.
    await expect(invokeBundled(inlined.zip, {})).resolves.toEqual({ client: 'function', command: 'ListTablesCommand' })
  })

  test('a non-Node.js runtime is rejected before bundling', async () => {
    await expect(packageFunction(spec(HELLO, { runtime: 'python3.12' }))).rejects.toMatchObject({
      code: 'UnsupportedRuntime',
      message: expect.stringContaining('runtime python3.12 is not a Node.js runtime'),
    })
    await expect(packageFunction(spec(HELLO, { runtime: 'nodejs' }))).rejects.toMatchObject({
      code: 'UnsupportedRuntime',
    })
  })

  test.each([
    ['nodejs22.x', 'node22'],
    ['nodejs20.x', 'node20'],
    ['nodejs18.x', 'node18'],
  ])('runtime %s gives esbuild target %s', (runtime, target) => {
    expect(esbuildTarget(runtime)).toBe(target)
  })

  test('a syntax error names the entry file and esbuild’s message', async () => {
    const dir = await tempDir('infra-package-broken-')
    const entry = path.join(dir, 'index.ts')
    await cp(path.join(FIXTURES, 'syntax-error.ts.txt'), entry)

    const failure = packageFunction(spec(entry))

    await expect(failure).rejects.toMatchObject({ code: 'PackageBuildFailed' })
    await expect(failure).rejects.toThrow(`bundling Lambda handler (${entry}): index.ts:5:1: Unexpected end of file`)
  })

  test('a missing entry file is reported with its path', async () => {
    const entry = path.join(FIXTURE_REPO, 'handlers/missing/index.ts')

    await expect(packageFunction(spec(entry))).rejects.toMatchObject({
      code: 'PackageEntryMissing',
      message: `packaging Lambda handler (${entry}): file not found`,
    })
  })

  test('the handler’s module part names the bundled file', async () => {
    const pkg = await packageFunction(spec(HELLO, { handler: 'src/app.handler' }))

    expect(pkg.files).toEqual(['src/app.mjs'])
    expect(readZip(pkg.zip).map((e) => e.name)).toEqual(['src/app.mjs'])
  })

  test('a handler name the module does not export is refused, naming what it does export', async () => {
    const failure = packageFunction(spec(HELLO, { handler: 'index.main' }))

    await expect(failure).rejects.toMatchObject({
      code: 'HandlerNotExported',
      message: `checking Lambda handler (${HELLO}): "index.main" names the export main, but the module does not export it (it exports handler)`,
      hint: 'Set `handler` to index.handler in config.json, or export main from the handler, then rerun',
    })
  })

  test('a CommonJS handler has only a default export in the ESM bundle: refused, with the fix', async () => {
    const dir = await tempDir('infra-package-cjs-')
    const entry = path.join(dir, 'index.js')
    await writeFile(entry, 'exports.handler = async () => ({ statusCode: 200 })\n')

    await expect(packageFunction(spec(entry))).rejects.toThrow(
      /only a default export, which is what CommonJS `module.exports` becomes: export handler by name/,
    )
  })

  test.each(['handler', '.handler', 'index.', '../index.handler', '/index.handler', 'a//b.handler'])(
    'handler %j is rejected',
    async (handler) => {
      await expect(packageFunction(spec(HELLO, { handler }))).rejects.toMatchObject({ code: 'InvalidHandler' })
    },
  )
})

describe('packageFunctions', () => {
  test('results come in the order of the specs, byte-identical to packaging one by one', async () => {
    // One root for all: the three share one esbuild build, the same entry file twice among them.
    const specs = [
      spec(DYNAMO, { root: REPO_ROOT }),
      spec(HELLO, { root: REPO_ROOT }),
      spec(HELLO, { root: REPO_ROOT, handler: 'other.handler' }),
      spec(HELLO),
      spec(DYNAMO, { root: REPO_ROOT, bundleAwsSdk: true }),
    ]

    const batched = await packageFunctions(specs, { concurrency: 2 })
    const oneByOne = []
    for (const s of specs) oneByOne.push(await packageFunction(s))

    expect(batched.map((p) => p.files)).toEqual([
      ['index.mjs'],
      ['index.mjs'],
      ['other.mjs'],
      ['index.mjs'],
      ['index.mjs'],
    ])
    expect(batched.map((p) => p.codeSha256)).toEqual(oneByOne.map((p) => p.codeSha256))
  })

  test('a syntax error in a shared build names the broken entry, not the batch', async () => {
    const dir = await tempDir('infra-package-batch-')
    const broken = path.join(dir, 'index.ts')
    await cp(path.join(FIXTURES, 'syntax-error.ts.txt'), broken)

    const failure = packageFunctions([spec(HELLO, { root: dir }), spec(broken, { root: dir })])

    await expect(failure).rejects.toMatchObject({
      code: 'PackageBuildFailed',
      message: `bundling Lambda handler (${broken}): index.ts:5:1: Unexpected end of file`,
    })
  })

  test('an empty list gives an empty list', async () => {
    await expect(packageFunctions([])).resolves.toEqual([])
  })

  test('every problem of the batch is reported at once, each under its spec and field, exit code 2', async () => {
    const dir = await tempDir('infra-package-problems-')
    const broken = path.join(dir, 'index.ts')
    await cp(path.join(FIXTURES, 'syntax-error.ts.txt'), broken)
    const specs = [
      spec(HELLO),
      spec(HELLO, { runtime: 'java21' }),
      spec(broken, { root: dir }),
      spec(HELLO, { handler: 'index.main' }),
      spec(path.join(dir, 'absent.ts')),
    ]

    const failure: PackageError = await packageFunctions(specs).then(
      () => expect.fail('packageFunctions resolved'),
      (e: PackageError) => e,
    )

    expect(failure).toBeInstanceOf(PackageError)
    expect(failure).toMatchObject({ code: 'UnsupportedRuntime', exitCode: 2 })
    expect(failure.problems.map((p) => [p.index, p.field, p.code])).toEqual([
      [1, 'runtime', 'UnsupportedRuntime'],
      [2, 'source', 'PackageBuildFailed'],
      [3, 'handler', 'HandlerNotExported'],
      [4, 'source', 'PackageEntryMissing'],
    ])
    expect(failure.problems[1]!.buildErrors).toEqual([
      { text: 'Unexpected end of file', location: { file: 'index.ts', line: 5, column: 1 } },
    ])
    expect(failure.message.split('\n')).toHaveLength(4)
  })

  test.each([0, -1, 1.5, Number.NaN])('concurrency %s is rejected', async (concurrency) => {
    await expect(packageFunctions([spec(HELLO)], { concurrency })).rejects.toThrow(RangeError)
  })
})
