// The CLI bundle's SDK loading (scripts/sdk-require-plugin.mjs), held to esbuild's interop: a lazy import loads its
// package on first use only, by require(), and the class it gives is the node_modules one that ESM `import` and the
// e2e fake see. Checked in a child process, whose module cache starts empty.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { afterAll, expect, test } from 'vitest'
import { sdkRequirePlugin } from '../../scripts/sdk-require-plugin.mjs'
import { REPO_ROOT } from '../support/cli.js'

// Beside node_modules, so the bundle's require() resolves the project's SDK.
const dir = mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.cache', 'sdk-require-plugin-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ENTRY = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
export const client = () => STSClient
export const command = () => GetCallerIdentityCommand
`

/** What the child reports after importing the bundle, then after reading one export. */
const PROBE = `
import { createRequire } from 'node:module'
const require = createRequire(process.argv[1])
const loaded = () => Object.keys(require.cache).some((f) => f.includes('/@aws-sdk/client-sts/'))
const bundle = await import(process.argv[1])
const afterImport = loaded()
const Client = bundle.client()
console.log(JSON.stringify({
  afterImport,
  afterUse: loaded(),
  sameAsRequire: Client === require('@aws-sdk/client-sts').STSClient,
  sameAsImport: Client === (await import('@aws-sdk/client-sts')).STSClient,
  command: bundle.command().name,
}))
`

async function bundled(lazy: boolean): Promise<string> {
  const entry = path.join(dir, `entry-${lazy}.ts`)
  const out = path.join(dir, `bundle-${lazy}.mjs`)
  writeFileSync(entry, ENTRY)
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    banner: { js: "import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)" },
    plugins: [sdkRequirePlugin({ lazy })],
    logLevel: 'error',
  })
  return out
}

function probe(bundle: string) {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, bundle], { encoding: 'utf8' }))
}

test('lazy: the package is required on first use, and its classes are the ones import and require give', async () => {
  expect(probe(await bundled(true))).toEqual({
    afterImport: false,
    afterUse: true,
    sameAsRequire: true,
    sameAsImport: true,
    command: 'GetCallerIdentityCommand',
  })
})

test('eager: required when the bundle loads, the same classes', async () => {
  expect(probe(await bundled(false))).toMatchObject({ afterImport: true, sameAsRequire: true, sameAsImport: true })
})
