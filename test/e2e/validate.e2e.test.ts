// `infra validate` through the real CLI: offline (no AWS call, no credentials needed), every environment by default,
// exit 0 with a summary or exit 2 with every problem; the bad-input cases of deploy-all are its cases too.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeWorkspace, readCalls, runCli, type Workspace } from '../support/cli.js'
import { applyCase, BAD_INPUT_CASES, expectRejected } from './bad-input-cases.js'

let ws: Workspace
let pristine: { config: string; env: string }
beforeAll(() => {
  ws = makeWorkspace()
  pristine = {
    config: readFileSync(path.join(ws.dir, 'config.json'), 'utf8'),
    env: readFileSync(path.join(ws.dir, 'environments/staging.env'), 'utf8'),
  }
})
afterAll(() => ws.remove())

// No credentials at all: validate must not look for any.
const noCredentials = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'no-such-profile' }
const validate = (args: string[]) =>
  runCli(['validate', ...args], { cwd: ws.dir, state: ws.state, env: noCredentials, timeoutMs: 90_000 })

describe('infra validate', () => {
  test('checks every environment offline and says what it checked', async () => {
    applyCase(ws.dir, { name: 'pristine', expect: [] }, pristine)

    const run = await validate([])

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(
      ['dev', 'production', 'staging'].map(
        (env) => `✔ ${env}: config.json, environments/${env}.env and 6 handlers (nodejs24.x) are valid`,
      ),
    )
    expect(readCalls(ws.state)).toEqual([])
  })

  test('--json gives the report', async () => {
    applyCase(ws.dir, { name: 'pristine', expect: [] }, pristine)

    const run = await validate(['--env', 'staging', '--json'])

    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      environments: [{ env: 'staging', functions: 6, runtimes: ['nodejs24.x'] }],
    })
  })

  test('a mistake in config.json is reported once for every environment', async () => {
    applyCase(
      ws.dir,
      { name: 'deprecated runtime', config: (c) => (c.lambda_defaults.runtime = 'nodejs18.x'), expect: [] },
      pristine,
    )

    const run = await validate([])

    expect(run.code).toBe(2)
    expect(run.stderr).toContain('every environment:')
    expect(run.stderr.match(/lambda_defaults\.runtime/g)).toHaveLength(1)
  })
})

describe('infra validate rejects what deploy-all rejects', () => {
  test.each(BAD_INPUT_CASES)('$name', async (c) => {
    applyCase(ws.dir, c, pristine)
    const [, ...rest] = c.args ?? ['deploy-all', '--env', 'staging']
    const run = await validate(rest)
    expectRejected(run, c, ws)
  })
})
