// The built CLI as a process against the fake AWS: step 08 killed right after CreateUserPool (the pool exists in AWS,
// the manifest only has the journal entry) and resumed: the pool is adopted by its tags, never created twice.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: ws.dir, state: ws.state, env })
const manifest = () => JSON.parse(readFileSync(path.join(ws.dir, '.infra/staging/manifest.json'), 'utf8'))
const POOL = 'new-service-staging-users'

describe('cognito step as a process', () => {
  test('killed right after CreateUserPool, the next run adopts that pool by its tags and makes no second one', async () => {
    const crashed = await cli(['step', 'cognito', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateUserPool:1' })
    expect(crashed.signal).toBe('SIGKILL')
    expect(readFakeState(ws.state).cognito.poolsNamed(POOL)).toHaveLength(1)
    const journal = manifest()
    expect(journal.steps.cognito.status).toBe('running')
    expect(journal.pending['cognito-user-pool:users']).toMatchObject({ operation: 'create', name: POOL })
    expect(journal.resources['cognito-user-pool:users']).toBeUndefined()

    const resumed = await cli(['step', 'cognito', '--env', 'staging'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toContain('Hosted UI: https://new-service-staging-auth.auth.us-east-1.amazoncognito.com')
    const creates = readCalls(ws.state).filter((c) => c.command === 'CreateUserPoolCommand')
    expect(creates).toHaveLength(1)
    const fake = readFakeState(ws.state)
    const [pool] = fake.cognito.poolsNamed(POOL)
    expect(fake.cognito.poolsNamed(POOL)).toHaveLength(1)
    expect(pool!.mfa).toEqual({ configuration: 'OPTIONAL', softwareToken: true })
    expect(Object.keys(pool!.clients)).toHaveLength(1)
    const after = manifest()
    expect(after.resources['cognito-user-pool:users'].id).toBe(pool!.id)
    expect(after.pending).toEqual({})
    expect(after.steps.cognito).toMatchObject({ status: 'done', outputs: { userPoolId: pool!.id } })
  }, 120_000)
})
