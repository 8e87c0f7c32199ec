// Bad input through the real CLI: exit 2, a message that names the file, field and fix, and nothing changed (no AWS
// write, no manifest written). Every check of config.json and the env file runs before the first AWS call; packaging
// the handlers runs beside the run's first reads, before the lock and any write.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { makeWorkspace, readCalls, runCli, type Workspace } from '../support/cli.js'
import { applyCase, BAD_INPUT_CASES, expectRejected } from './bad-input-cases.js'

describe('bad input changes nothing', () => {
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

  test.each(BAD_INPUT_CASES)('$name', async (c) => {
    applyCase(ws.dir, c, pristine)
    const callsBefore = readCalls(ws.state).length
    const run = await runCli(c.args ?? ['deploy-all', '--env', 'staging'], { cwd: ws.dir, state: ws.state })
    expectRejected(run, c, ws, { callsBefore, mayRead: c.packaging })
  })
})
