// Builds a real Context for in-process step tests: the repo's config (or a variant written to a temp dir),
// a manifest in a temp dir, and near-zero waits. The fake AWS must be installed by the test.
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadContext, type Context, type ContextOptions, type RunMode } from '../../src/context/context.js'
import type { Timing } from '../../src/resources/types.js'
import { destroy, destroyPlan, type DestroyOutcome } from '../../src/runner/destroy.js'
import { runSteps, type RunOutcome } from '../../src/runner/run-steps.js'
import { STEPS } from '../../src/steps/index.js'
import type { Step } from '../../src/steps/types.js'
import { makeWorkspace } from './cli.js'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')
export const FAST_TIMING: Timing = { poll: { minMs: 1, maxMs: 2 }, retry: { minMs: 1, maxMs: 2 }, deadlineScale: 0.001 }

/** A temp folder with the repo's config.json, environments/ and handlers/, optionally with config.json edited. */
export function workspace(edit?: (config: any) => void): string {
  const root = makeWorkspace().dir
  if (edit) editConfig(root, edit)
  return root
}

/** A temp copy of `examples/<name>`, with the repository's node_modules (esbuild bundles handlers' SDK imports). */
export function exampleWorkspace(name: string): string {
  const root = mkdtempSync(path.join(tmpdir(), `infra-${name}-`))
  cpSync(path.join(REPO_ROOT, 'examples', name), root, { recursive: true })
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  return root
}

export function editConfig(root: string, edit: (config: any) => void): void {
  const file = path.join(root, 'config.json')
  const config = JSON.parse(readFileSync(file, 'utf8'))
  edit(config)
  writeFileSync(file, JSON.stringify(config, null, 2))
}

export interface TestRunOptions {
  env?: string
  mode?: RunMode
  /** `--offline`: the manifest's records, no AWS call. */
  offline?: boolean
  steps?: Step[]
  adopt?: boolean
  /** Run options the flags set (--wait, --keep-old-files, --cert-timeout, …). */
  flags?: Pick<ContextOptions, 'waitForDeploy' | 'keepOldFiles' | 'certTimeoutMinutes'>
}

export async function testContext(root: string, opts: TestRunOptions = {}): Promise<Context> {
  return loadContext({
    root,
    env: opts.env ?? 'staging',
    command: 'test',
    mode: opts.mode ?? 'apply',
    offline: opts.offline,
    adopt: opts.adopt,
    timing: FAST_TIMING,
    ...opts.flags,
  })
}

/** Runs steps (default: every implemented step) the way deploy-all does, silently. */
export async function deploy(root: string, opts: TestRunOptions = {}): Promise<RunOutcome> {
  const ctx = await testContext(root, opts)
  try {
    return await runSteps(ctx, opts.steps ?? STEPS, 'silent')
  } finally {
    await ctx.close()
  }
}

export const plan = (root: string, opts: TestRunOptions = {}) => deploy(root, { ...opts, mode: 'plan' })

export const resultsOf = (outcome: RunOutcome) => outcome.steps.flatMap((s) => s.results)

/** `infra destroy [--only step] [--delete-data]` in process, silently. */
export async function destroyInProcess(
  root: string,
  opts: { env?: string; only?: string; deleteData?: boolean } = {},
): Promise<DestroyOutcome> {
  const deleteData = opts.deleteData ?? false
  const ctx = await loadContext({
    root,
    env: opts.env ?? 'staging',
    command: 'destroy',
    mode: 'apply',
    timing: FAST_TIMING,
    removal: { mode: 'destroy', deleteData, disableDeletionProtection: deleteData },
  })
  try {
    return await destroy(ctx, await destroyPlan(ctx, opts.only), () => undefined)
  } finally {
    await ctx.close()
  }
}
