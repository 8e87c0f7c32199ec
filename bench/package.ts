// Packages every function of the repo's config.json twice, then one at a time: time to package all, zip size per
// function, whether the two builds are byte-identical and whether the shared build equals one at a time. Standalone: `npx tsx bench/package.ts`.
import { access, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { packageFunction, packageFunctions, type FunctionPackage, type PackageSpec } from '../src/package/index.js'

export interface BenchRow {
  label: string
  value: string
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const TARGET_MS = 2000
// The schema's defaults (src/config/schema.ts), for a config.json that leaves them out.
const DEFAULT_HANDLER = 'index.handler'
const DEFAULT_RUNTIME = 'nodejs22.x'
const DEFAULT_ARCHITECTURE = 'arm64'
const DEFAULT_BUNDLE_AWS_SDK = true

interface RawLambdaSettings {
  source?: string
  handler?: string
  runtime?: string
  architecture?: 'arm64' | 'x86_64'
  bundle_aws_sdk?: boolean
}
interface RawConfig {
  lambda_defaults?: RawLambdaSettings
  functions?: Record<string, RawLambdaSettings>
}

interface Candidate {
  name: string
  source: string
  spec: PackageSpec
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

async function candidates(root: string): Promise<Candidate[]> {
  const config = JSON.parse(await readFile(path.join(root, 'config.json'), 'utf8')) as RawConfig
  const defaults = config.lambda_defaults ?? {}
  return Object.entries(config.functions ?? {}).map(([name, fn]) => ({
    name,
    source: fn.source ?? '',
    spec: {
      entry: path.resolve(root, fn.source ?? ''),
      handler: fn.handler ?? DEFAULT_HANDLER,
      runtime: fn.runtime ?? defaults.runtime ?? DEFAULT_RUNTIME,
      architecture: fn.architecture ?? defaults.architecture ?? DEFAULT_ARCHITECTURE,
      bundleAwsSdk: fn.bundle_aws_sdk ?? defaults.bundle_aws_sdk ?? DEFAULT_BUNDLE_AWS_SDK,
      root,
    },
  }))
}

async function timed(specs: PackageSpec[]): Promise<{ ms: number; packages: FunctionPackage[] }> {
  const start = performance.now()
  const packages = await packageFunctions(specs)
  return { ms: Math.round(performance.now() - start), packages }
}

export async function benchPackage(root: string = REPO_ROOT): Promise<BenchRow[]> {
  const all = await candidates(root)
  const present: Candidate[] = []
  const rows: BenchRow[] = []
  for (const c of all) {
    if (c.source && (await exists(c.spec.entry))) present.push(c)
    else rows.push({ label: `skipped: ${c.name}`, value: `source missing (${c.source || 'no source'})` })
  }
  rows.unshift({
    label: 'functions in config.json',
    value: `${all.length} (${present.length} packaged, ${all.length - present.length} skipped)`,
  })
  if (present.length === 0) return rows

  const specs = present.map((c) => c.spec)
  const first = await timed(specs)
  const second = await timed(specs)
  const differing = present.filter((_, i) => !first.packages[i]!.zip.equals(second.packages[i]!.zip))
  const verdict = (ms: number) => `${ms} ms (target < ${TARGET_MS} ms: ${ms < TARGET_MS ? 'met' : 'MISSED'})`

  rows.push({ label: `time to package all ${present.length} (first build)`, value: verdict(first.ms) })
  rows.push({ label: `time to package all ${present.length} (second build)`, value: verdict(second.ms) })
  present.forEach((c, i) => {
    const pkg = first.packages[i]!
    const sdk = c.spec.bundleAwsSdk ? 'SDK bundled' : 'SDK external'
    rows.push({ label: `bytes: ${c.name}`, value: `${pkg.size} B zip, ${sdk}, ${pkg.codeSha256}` })
  })
  rows.push({
    label: 'byte-identical across two builds',
    value: differing.length === 0 ? 'yes' : `no (${differing.map((c) => c.name).join(', ')})`,
  })
  // packageFunctions shares one esbuild build between handlers: it must give what each gets on its own.
  const start = performance.now()
  const alone: FunctionPackage[] = []
  for (const s of specs) alone.push(await packageFunction(s))
  const aloneMs = Math.round(performance.now() - start)
  const unlike = present.filter((_, i) => !alone[i]!.zip.equals(first.packages[i]!.zip))
  rows.push({ label: 'time to package one at a time', value: `${aloneMs} ms` })
  rows.push({
    label: 'shared build = one at a time',
    value: unlike.length === 0 ? 'yes' : `no (${unlike.map((c) => c.name).join(', ')})`,
  })
  return rows
}

export function formatRows(rows: BenchRow[]): string {
  const width = Math.max(...rows.map((r) => r.label.length))
  return rows.map((r) => `${r.label.padEnd(width)}  ${r.value}`).join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  console.log(formatRows(await benchPackage()))
}
