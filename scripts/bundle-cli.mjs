// Bundles the CLI for start-up speed: `bin/run.js` loads dist/bundle/infra.js (oclif and every command, found by
// oclif's explicit command strategy) instead of resolving hundreds of files; what a command needs only when it runs
// (the actions, the steps, zod, listr2) sits in chunks loaded by its dynamic imports. The AWS SDK (and esbuild, a
// native binary) stay external: the SDK's client classes must be the node_modules ones, the very classes the e2e
// tests' fake stubs. Each SDK package is required only when the run first uses it (sdk-require-plugin.mjs), so a
// command loads the clients it calls, and `validate` or `plan --offline` no client at all. Runs after tsc in
// `npm run build` and `prepare`; `node scripts/bundle-cli.mjs`.
import { build } from 'esbuild'
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { sdkRequirePlugin } from './sdk-require-plugin.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const COMMANDS_DIR = path.join(ROOT, 'src', 'commands')
const BUNDLE_DIR = path.join(ROOT, 'dist', 'bundle')
const ENTRY = 'infra-cli-entry'
// typescript: oclif requires it only to run a plugin's TypeScript source, which never happens here. The SDK is
// external too, through sdkRequirePlugin.
const EXTERNAL = ['esbuild', '@oclif/plugin-*', 'typescript']
// CommonJS packages inside an ESM bundle call require() for Node's own modules, and some name their own file
// (write-file-atomic hashes __filename into its temporary names).
const BANNER = [
  "import { createRequire as infraCreateRequire } from 'node:module'",
  "import { fileURLToPath as infraFileURLToPath } from 'node:url'",
  'const require = infraCreateRequire(import.meta.url)',
  'const __filename = infraFileURLToPath(import.meta.url)',
  "const __dirname = infraFileURLToPath(new URL('.', import.meta.url))",
].join('\n')

/** oclif's ids for the files of src/commands: `deploy-all.ts` → `deploy-all`, `a/b.ts` → `a:b`, `a/index.ts` → `a`. */
function commandFiles() {
  return readdirSync(COMMANDS_DIR, { recursive: true })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => {
      const parts = file.slice(0, -'.ts'.length).split(path.sep)
      if (parts.at(-1) === 'index') parts.pop()
      return { id: parts.join(':'), file: `./${file.split(path.sep).join('/')}` }
    })
}

/** The entry: oclif's `execute` and the COMMANDS map that package.json's `oclif.commands` names. */
function entrySource() {
  const commands = commandFiles()
  const imports = commands.map((c, i) => `import command${i} from ${JSON.stringify(c.file)}`)
  const map = commands.map((c, i) => `  ${JSON.stringify(c.id)}: command${i},`)
  return [`export { execute } from '@oclif/core'`, ...imports, `export const COMMANDS = {`, ...map, `}`].join('\n')
}

const entryPlugin = {
  name: 'infra-commands',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${ENTRY}$`) }, () => ({ path: ENTRY, namespace: ENTRY }))
    b.onLoad({ filter: /.*/, namespace: ENTRY }, () => ({
      contents: entrySource(),
      loader: 'ts',
      resolveDir: COMMANDS_DIR,
    }))
  },
}

/**
 * Writes the bundle: each file replaced atomically, entries last, then chunks no entry names any more removed, so a
 * CLI starting meanwhile (another test worker's) sees whole files.
 */
async function bundleCli() {
  const result = await build({
    entryPoints: { infra: ENTRY, 'command-not-found': path.join(ROOT, 'src', 'cli', 'command-not-found.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: BUNDLE_DIR,
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    // ESM builds of dual packages: what `import` picks at run time.
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    plugins: [entryPlugin, sdkRequirePlugin({ lazy: true })],
    sourcemap: 'linked',
    write: false,
    logLevel: 'error',
  })
  const entries = new Set(['infra.js', 'command-not-found.js'].map((f) => path.join(BUNDLE_DIR, f)))
  const ordered = [...result.outputFiles].sort((a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)))
  for (const file of ordered) {
    mkdirSync(path.dirname(file.path), { recursive: true })
    const tmp = `${file.path}.${process.pid}.tmp`
    writeFileSync(tmp, file.contents)
    renameSync(tmp, file.path)
  }
  const written = new Set(ordered.map((f) => f.path))
  const chunks = path.join(BUNDLE_DIR, 'chunks')
  for (const file of readdirSync(chunks)) {
    if (!written.has(path.join(chunks, file))) rmSync(path.join(chunks, file), { force: true })
  }
}

await bundleCli()
