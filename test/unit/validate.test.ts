// validateLocally and validateEnvironments on throw-away copies of the project (stub handlers): runtimes against the
// dated table, handlers bundled and their exports checked, every problem at its file and line, nothing from AWS.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { LAMBDA_RUNTIMES, runtimeProblem, usableRuntimes } from '../../src/config/runtimes.js'
import { ConfigError } from '../../src/errors/index.js'
import { validateLocally } from '../../src/validate/index.js'
import { validateEnvironments } from '../../src/validate/environments.js'
import { makeProject, positionOf, removeProjects, type ProjectOptions } from '../fixtures/config/project.js'

afterAll(removeProjects)

const NOW = new Date('2026-12-03T12:00:00Z')
const cacheOf = (root: string) => path.join(root, '.infra', 'cache', 'packages')

async function project(opts: ProjectOptions = {}, files: Record<string, string> = {}) {
  const made = await makeProject(opts)
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(made.root, file), text)
  const config = await loadConfig({ root: made.root, env: 'production' })
  return { ...made, config }
}

async function failure(p: Awaited<ReturnType<typeof project>>, now = NOW): Promise<ConfigError> {
  const error = await validateLocally(p.config, { now }).then(
    () => expect.fail('validateLocally resolved'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  expect(error).toMatchObject({ exitCode: 2 })
  expect((error as Error).message).not.toMatch(/\n\s+at /)
  return error as ConfigError
}

describe('the runtime table', () => {
  test('is dated, and today nodejs24.x and nodejs22.x are the runtimes a new function may use', () => {
    expect(usableRuntimes(NOW)).toEqual(['nodejs24.x', 'nodejs22.x'])
    expect(Object.values(LAMBDA_RUNTIMES).every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true)
  })

  test.each([
    ['nodejs22.x', undefined],
    ['nodejs20.x', /"nodejs20\.x" was deprecated by AWS on 2026-04-30: .* \(use nodejs24\.x or nodejs22\.x\)$/],
    ['nodejs14.x', /was deprecated by AWS on 2023-12-04/],
    ['python3.12', undefined],
    [
      'python3.10',
      /"python3\.10" was deprecated by AWS on 2026-06-30: .* \(use python3\.14 or python3\.13 or python3\.12\)$/,
    ],
    [
      'java21',
      /"java21" is a java runtime, but infra packages only Node\.js handlers .* or ship the function as a container image with image_uri/,
    ],
    [
      'nodejs22.z',
      /"nodejs22\.z" is not a Lambda runtime \(did you mean nodejs22\.x\? use nodejs24\.x or nodejs22\.x; /,
    ],
  ])('%s', (runtime, expected) => {
    const problem = runtimeProblem(runtime, NOW)
    if (expected) expect(problem).toMatch(expected)
    else expect(problem).toBeUndefined()
  })

  test('a runtime is refused from its deprecation day on', () => {
    expect(runtimeProblem('nodejs22.x', new Date('2027-04-29T23:59:59Z'))).toBeUndefined()
    expect(runtimeProblem('nodejs22.x', new Date('2027-04-30T00:00:00Z'))).toMatch(/deprecated by AWS on 2027-04-30/)
  })
})

describe('validateLocally', () => {
  test('a valid project: every handler bundled into the cache the lambda step reads, and a summary', async () => {
    const p = await project()

    await expect(validateLocally(p.config, { now: NOW })).resolves.toEqual({
      env: 'production',
      functions: 6,
      runtimes: ['nodejs24.x'],
    })
    expect(existsSync(cacheOf(p.root))).toBe(true)
  })

  test('a deprecated default runtime is one error at lambda_defaults.runtime, before anything is bundled', async () => {
    const p = await project({ mutate: (c) => (c.lambda_defaults.runtime = 'nodejs14.x') })

    const e = await failure(p)

    expect(e.code).toBe('UnsupportedRuntime')
    expect(e.message).toMatch(
      new RegExp(
        `^\\S*config\\.json:${positionOf(p.configText, '"runtime": "nodejs14.x"')} lambda_defaults\\.runtime: "nodejs14\\.x" was deprecated by AWS on 2023-12-04`,
      ),
    )
    expect(e.message.split('\n')).toHaveLength(1)
    expect(e.hint).toMatch(/`infra validate`/)
    expect(existsSync(cacheOf(p.root))).toBe(false)
  })

  test("a function's own java runtime is refused at its field; the other functions are still checked", async () => {
    const p = await project({
      mutate: (c) => {
        c.functions['usage-handler'].runtime = 'java21'
        c.functions['prompt-crud'].handler = 'index.main'
      },
    })

    const e = await failure(p)

    expect(e.code).toBe('UnsupportedRuntime')
    expect(e.hint).toMatch(/^Fix config\.json and the handlers as each line says/)
    const [runtime, handler] = e.message.split('\n')
    expect(runtime).toMatch(
      new RegExp(
        `config\\.json:${positionOf(p.configText, '"runtime": "java21"')} functions\\.usage-handler\\.runtime: "java21" is a java runtime, but infra packages only Node\\.js handlers`,
      ),
    )
    expect(handler).toMatch(
      new RegExp(
        `config\\.json:${positionOf(p.configText, '"handler": "index.main"')} functions\\.prompt-crud\\.handler: "index\\.main" names the export main, but the module does not export it \\(it exports handler\\)$`,
      ),
    )
  })

  test("a syntax error is reported at the handler source's line, naming the function", async () => {
    const p = await project({}, { 'handlers/usage-handler/index.ts': 'export const handler = async (\n' })

    const e = await failure(p)

    expect(e.code).toBe('PackageBuildFailed')
    expect(e.message).toMatch(
      /handlers\/usage-handler\/index\.ts:2:1 does not bundle: Unexpected end of file \(the handler of functions\.usage-handler\.source\)$/,
    )
    expect(e.hint).toMatch(/^Fix the handler source/)
  })

  test('a default handler name the module does not export points at the function', async () => {
    const p = await project({}, { 'handlers/usage-handler/index.ts': 'export const main = async () => ({})\n' })

    const e = await failure(p)

    expect(e.code).toBe('HandlerNotExported')
    expect(e.message).toMatch(
      new RegExp(
        `config\\.json:${positionOf(p.configText, '"usage-handler": {')} functions\\.usage-handler\\.handler: "index\\.handler" names the export handler, but the module does not export it \\(it exports main\\)$`,
      ),
    )
    expect(e.hint).toBe('Set `handler` to index.main in config.json, or export handler from the handler, then rerun')
  })
})

describe('validateEnvironments', () => {
  test('checks every environment file by default', async () => {
    const { root } = await makeProject()

    const report = await validateEnvironments({ root, now: NOW })

    expect(report.environments.map((v) => v.env)).toEqual(['dev', 'production', 'staging'])
  })

  test('a config.json mistake is reported once for every environment; an env file mistake names its environment', async () => {
    const { root } = await makeProject({
      mutate: (c) => (c.lambda_defaults.runtime = 'nodejs18.x'),
      envFiles: { dev: 'SERVICE_NAME=new-service-dev\nLAMBDA_MEMORY=lots\n' },
    })

    const e: ConfigError = await validateEnvironments({ root, now: NOW }).then(
      () => expect.fail('validateEnvironments resolved'),
      (error: ConfigError) => error,
    )

    expect(e).toMatchObject({ code: 'InvalidEnvFile', exitCode: 2 })
    const lines = e.message.split('\n')
    expect(lines[0]).toBe('dev:')
    expect(lines[1]).toMatch(/environments\/dev\.env:2 LAMBDA_MEMORY: "lots" is not valid/)
    expect(lines[2]).toBe('production, staging:')
    expect(lines[3]).toMatch(/lambda_defaults\.runtime: "nodejs18\.x" was deprecated by AWS on 2025-09-01/)
  })

  test('--env checks that environment alone', async () => {
    const { root } = await makeProject()

    const report = await validateEnvironments({ root, env: 'staging', now: NOW })

    expect(report.environments).toEqual([{ env: 'staging', functions: 6, runtimes: ['nodejs24.x'] }])
  })
})
