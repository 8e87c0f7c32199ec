// Canary, promote and rollback against the fake AWS, through the commands' action (lock, account check, manifest).
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { showStatus } from '../../src/cli/actions.js'
import { resultsOf } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import {
  ALIAS,
  deployedWithEditedHandler,
  deployWith,
  editHandler,
  ENV,
  fastWorkspace,
  fnName,
  FUNCTIONS,
  manifestOf,
  release,
  stepOf,
  writeLines,
} from './lambda-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const PROMPT = fnName('prompt-crud')
const alias = (name = PROMPT) => fake.lambda.fn(name)?.aliases[ALIAS]

/** Deployed twice: prompt-crud has versions 1 and 2, its alias on 2; the others are on 1. */
async function deployedTwice(): Promise<string> {
  const root = fastWorkspace()
  await deployWith(root)
  editHandler(root, 'prompt-crud')
  await deployWith(root)
  expect(alias()?.functionVersion).toBe('2')
  fake.resetCalls()
  return root
}

describe('rollback', () => {
  test('a rollback holds: deploying the same code again does not undo it; new code does', async () => {
    const root = await deployedTwice()
    await release('rollback', root, { functions: ['prompt-crud'] })
    expect(alias()).toMatchObject({ functionVersion: '1' })
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.rollbackHold).toMatchObject({
      version: '2',
    })

    fake.resetCalls()
    const unchanged = await deployWith(root)
    expect(fake.writes()).toEqual([])
    expect(alias()).toMatchObject({ functionVersion: '1' })
    const held = resultsOf(unchanged).find((r) => r.name === `${PROMPT}:${ALIAS}`)!
    expect(held.note).toContain('held on version 1 by `infra rollback`')

    editHandler(root, 'prompt-crud')
    await deployWith(root)
    expect(alias()).toMatchObject({ functionVersion: '3' })
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.rollbackHold).toBeUndefined()
  })

  test('rolling forward with --to the held version releases the hold', async () => {
    const root = await deployedTwice()
    await release('rollback', root, { functions: ['prompt-crud'] })
    await release('rollback', root, { functions: ['prompt-crud'], to: '2' })
    expect(alias()).toMatchObject({ functionVersion: '2' })
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.rollbackHold).toBeUndefined()
  })

  test('manifest path: the alias goes back to the previous recorded version, after checking it exists', async () => {
    const root = await deployedTwice()
    const { outcome, text } = await release('rollback', root, { functions: ['prompt-crud'] })
    expect(alias()).toMatchObject({ functionVersion: '1' })
    expect(writeLines(fake.calls)).toEqual([`UpdateAlias ${PROMPT}`])
    // The previous version came from the manifest (no listing), and was checked with a qualified read.
    expect(fake.calls.some((c) => c.command === 'ListVersionsByFunctionCommand')).toBe(false)
    expect(fake.calls.some((c) => c.command === 'GetFunctionConfigurationCommand' && c.input.Qualifier === '1')).toBe(
      true,
    )
    expect(outcome.functions).toEqual([
      {
        function: 'prompt-crud',
        name: PROMPT,
        from: { name: ALIAS, version: '2' },
        to: { name: ALIAS, version: '1' },
        action: 'changed',
      },
    ])
    expect(text).toContain(`prompt-crud (${PROMPT}): 2 → 1`)
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.alias).toEqual({
      name: ALIAS,
      version: '1',
    })
    expect(manifestOf(root).history.at(-1)).toMatchObject({ command: 'rollback', status: 'succeeded' })
  })

  test('all functions by default; a function by its physical name; --dry-run shows it and sends no write', async () => {
    const root = await deployedTwice()
    const dry = await release('rollback', root, { functions: [PROMPT], dryRun: true })
    expect(dry.outcome.functions[0]).toMatchObject({
      action: 'would-change',
      from: { version: '2' },
      to: { version: '1' },
    })
    expect(dry.text).toContain('No change was made')
    expect(fake.writes()).toEqual([])
    expect(alias()?.functionVersion).toBe('2')
    // Every function: prompt-crud can go back, the others (on version 1) cannot: nothing changes, every reason given.
    await expect(release('rollback', root)).rejects.toMatchObject({
      code: 'NothingToRollBack',
      message: expect.stringContaining(fnName('usage-handler')),
    })
    expect(fake.writes()).toEqual([])
  })

  test('without a manifest: the versions come from Lambda (the highest below the current one)', async () => {
    const root = await deployedTwice()
    rmSync(path.join(root, '.infra'), { recursive: true })
    const { outcome } = await release('rollback', root, { functions: ['prompt-crud'] })
    expect(
      fake.calls.some((c) => c.command === 'ListVersionsByFunctionCommand' && c.input.FunctionName === PROMPT),
    ).toBe(true)
    expect(alias()?.functionVersion).toBe('1')
    expect(outcome.functions[0]?.note).toMatch(/read from Lambda/)
    // The new target is recorded in the manifest rebuilt for it.
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.alias).toEqual({
      name: ALIAS,
      version: '1',
    })
  })

  test('nothing to roll back to: exit 1, names the function, suggests --to, changes nothing', async () => {
    const root = fastWorkspace()
    await deployWith(root)
    fake.resetCalls()
    const failure = release('rollback', root, { functions: ['usage-handler'] })
    await expect(failure).rejects.toMatchObject({
      code: 'NothingToRollBack',
      exitCode: 1,
      message: expect.stringContaining(`${fnName('usage-handler')}:${ALIAS}`),
      hint: expect.stringContaining('--to <version> --function usage-handler'),
    })
    expect(fake.writes()).toEqual([])
  })

  test('--to: any existing version; a version that does not exist is refused', async () => {
    const root = await deployedTwice()
    editHandler(root, 'prompt-crud')
    expect(stepOf(await deployWith(root), 'lambda')?.status).toBe('done')
    expect(alias()?.functionVersion).toBe('3')
    await expect(release('rollback', root, { functions: ['prompt-crud'], to: '9' })).rejects.toMatchObject({
      code: 'RollbackVersionGone',
    })
    await expect(release('rollback', root, { to: '1' })).rejects.toMatchObject({
      code: 'AmbiguousRollbackTarget',
      exitCode: 2,
    })
    await release('rollback', root, { functions: ['prompt-crud'], to: '1' })
    expect(alias()?.functionVersion).toBe('1')
  })
})

describe('canary', () => {
  async function canary(percent = 10): Promise<string> {
    const root = await deployedWithEditedHandler(fake)
    const outcome = await deployWith(root, { canaryPercent: percent })
    expect(stepOf(outcome, 'lambda')?.status).toBe('done')
    return root
  }

  test('--canary publishes the new version, keeps the alias on the old one and routes the percentage to the new', async () => {
    const root = await canary(10)
    expect(writeLines(fake.calls)).toEqual([
      `UpdateFunctionCode ${PROMPT}`,
      `PublishVersion ${PROMPT}`,
      `UpdateAlias ${PROMPT}`,
    ])
    expect(alias()).toMatchObject({ functionVersion: '1', weights: { '2': 0.1 } })
    // Functions whose code did not change are not part of the canary.
    expect(alias(fnName('usage-handler'))).toMatchObject({ functionVersion: '1' })
    expect(alias(fnName('usage-handler'))?.weights).toBeUndefined()
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.alias).toEqual({
      name: ALIAS,
      version: '1',
      canary: { version: '2', weight: 0.1 },
    })

    const { text, report } = await showStatus({
      config: path.join(root, 'config.json'),
      env: ENV,
      refresh: false,
    })
    expect(text).toContain(`${PROMPT}:${ALIAS} → version 1 (90%), version 2 (10%, canary)`)
    expect(text).toContain(`${fnName('usage-handler')}:${ALIAS} → version 1`)
    expect(report.manifest?.resources['lambda-function:prompt-crud']?.attributes?.alias).toMatchObject({
      canary: { weight: 0.1 },
    })
  })

  test('a plain rerun during a canary leaves it running (no write); promote moves all traffic to the new version', async () => {
    const root = await canary(25)
    fake.resetCalls()
    const rerun = await deployWith(root)
    expect(fake.writes()).toEqual([])
    expect(resultsOf(rerun).find((r) => r.name === `${PROMPT}:${ALIAS}`)?.note).toMatch(
      /canary: 25% of traffic on version 2/,
    )

    const { outcome, text } = await release('promote', root)
    expect(alias()).toMatchObject({ functionVersion: '2' })
    expect(alias()?.weights).toBeUndefined()
    expect(writeLines(fake.calls)).toEqual([`UpdateAlias ${PROMPT}`])
    expect(outcome.functions.filter((f) => f.action === 'changed').map((f) => f.function)).toEqual(['prompt-crud'])
    expect(text).toContain(`prompt-crud (${PROMPT}): 1 + 2 at 25% → 2`)
    expect(text).toContain('usage-handler')
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.alias).toEqual({
      name: ALIAS,
      version: '2',
    })
    // Nothing left to promote.
    await expect(release('promote', root)).rejects.toMatchObject({ code: 'NothingToPromote', exitCode: 1 })
  })

  test('rollback during a canary removes the routing; the alias stays on the old version', async () => {
    const root = await canary(10)
    fake.resetCalls()
    const { outcome } = await release('rollback', root, { functions: ['prompt-crud'] })
    expect(alias()).toMatchObject({ functionVersion: '1' })
    expect(alias()?.weights).toBeUndefined()
    expect(writeLines(fake.calls)).toEqual([`UpdateAlias ${PROMPT}`])
    expect(outcome.functions[0]).toMatchObject({
      from: { version: '1', canary: { version: '2' } },
      to: { version: '1' },
      note: expect.stringContaining('canary'),
    })
    expect(manifestOf(root).resources['lambda-function:prompt-crud'].attributes.alias).toEqual({
      name: ALIAS,
      version: '1',
    })
  })

  test('a new version during a canary takes the canary’s place; the alias stays where it was', async () => {
    const root = await canary(10)
    editHandler(root, 'prompt-crud')
    expect(stepOf(await deployWith(root, { canaryPercent: 10 }), 'lambda')?.status).toBe('done')
    expect(alias()).toMatchObject({ functionVersion: '1', weights: { '3': 0.1 } })
  })

  test('a canary on the first deploy has nothing to compare with: the alias takes all traffic', async () => {
    const root = fastWorkspace()
    const outcome = await deployWith(root, { canaryPercent: 10 })
    for (const id of FUNCTIONS) expect(alias(fnName(id))).toMatchObject({ functionVersion: '1' })
    expect(resultsOf(outcome).find((r) => r.kind === 'lambda-alias')?.note).toMatch(/no earlier version/)
  })
})
