// For CI and for services first deployed without infra, with the built CLI as a process against the fake AWS:
// `--json-events` streams one JSON object per line, and `infra import` adopts what the manual's scripts made (no
// ownership tags, no manifest, a duplicate REST API) with tagging its only write, after which a deploy creates nothing.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { APIGatewayClient, CreateRestApiCommand } from '@aws-sdk/client-api-gateway'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { RunEvent } from '../../src/output/events.js'
import { makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'
import { withoutOwnershipTags } from '../support/manual-way.js'
import { editConfig } from '../support/context.js'

let ws: Workspace
beforeAll(() => {
  ws = makeWorkspace()
  // Without step 09's custom domains: a hand-made ACM certificate carries no tags to be found by (see the README).
  editConfig(ws.dir, (config) => delete config.dns)
})
afterAll(() => ws.remove())

const cli = (args: string[]) => runCli(args, { cwd: ws.dir, state: ws.state, timeoutMs: 180_000 })
const writeCount = () => readCalls(ws.state).filter((c) => c.write).length
const writesSince = (n: number) =>
  readCalls(ws.state)
    .filter((c) => c.write)
    .slice(n)
    .map((c) => c.command)

/** Every stdout line parsed as JSON (a line that is not JSON fails the test). */
const eventsOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent)

/** A second REST API with the service's name, made after the first (the manual's script run twice). */
async function addDuplicateApi(name: string): Promise<string> {
  const aws = readFakeState(ws.state).install()
  try {
    const made = await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name }))
    writeFileSync(ws.state, JSON.stringify(aws))
    return made.id!
  } finally {
    aws.restore()
  }
}

// In order: the second test starts from what the first deployed.
describe.sequential('CI and import', () => {
  test('deploy-all --json-events: every stdout line is a JSON event, from run-start to run-end', async () => {
    const run = await cli(['deploy-all', '--env', 'staging', '--yes', '--json-events'])
    expect(run.code, run.stderr).toBe(0)
    const events = eventsOf(run.stdout)
    expect(events[0]).toMatchObject({ type: 'run-start', command: 'deploy-all', env: 'staging', dryRun: false })
    expect(events.at(-1)).toEqual({ type: 'run-end', exitCode: 0 })
    const started = events.filter((e) => e.type === 'step-start').map((e) => e.step)
    const ended = events.filter((e) => e.type === 'step-end')
    expect(ended.map((e) => e.step).sort()).toEqual([...started].sort())
    expect(ended.every((e) => e.status === 'done')).toBe(true)
    const resources = events.filter((e) => e.type === 'resource')
    expect(resources.length).toBeGreaterThan(20)
    for (const r of resources) {
      expect(started).toContain(r.step)
      expect(r).toMatchObject({ key: expect.stringContaining(':'), ms: expect.any(Number) })
      // A first deploy: made, or (an account-wide setting) changed.
      expect(['created', 'updated']).toContain(r.action)
    }
    // A step's end counts what its resource events said.
    const iam = ended.find((e) => e.step === 'iam')!
    expect(iam.counts.created).toBe(resources.filter((r) => r.step === 'iam').length)
  })

  test('import: what the manual made is found by name, the chosen duplicate adopted by tagging alone; the next deploy creates nothing', async () => {
    const manifestPath = path.join(ws.dir, '.infra', 'staging', 'manifest.json')
    const recorded = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      resources: Record<string, { id?: string; name: string }>
    }
    const api = recorded.resources['rest-api:rest-api']!
    // The manual's way: nothing tagged, nothing recorded, and its script run twice.
    writeFileSync(ws.state, JSON.stringify(withoutOwnershipTags(JSON.parse(readFileSync(ws.state, 'utf8')))))
    rmSync(path.join(ws.dir, '.infra'), { recursive: true, force: true })
    const duplicate = await addDuplicateApi(api.name)

    const before = writeCount()
    const imported = await cli(['import', '--env', 'staging', '--yes', '--choose', `rest-api:rest-api=${api.id}`])
    expect(imported.code, imported.stderr + imported.stdout).toBe(0)
    expect(imported.stdout).toContain(`> adopted rest-api ${api.name}`)
    const tagging = writesSince(before)
    expect(tagging.length).toBeGreaterThan(0)
    expect(tagging.filter((c) => !/^(Tag|ChangeTagsFor|Put\w*Tagging)/.test(c))).toEqual([])
    const adopted = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof recorded
    expect(Object.keys(adopted.resources).sort()).toEqual(Object.keys(recorded.resources).sort())
    expect(adopted.resources['rest-api:rest-api']!.id).toBe(api.id)

    const next = writeCount()
    const deploy = await cli(['deploy-all', '--env', 'staging', '--yes'])
    expect(deploy.code, deploy.stderr + deploy.stdout).toBe(0)
    expect(writesSince(next).filter((c) => c.startsWith('Create'))).toEqual([])
    expect(readFakeState(ws.state).apigateway.state.apis[duplicate]?.tags ?? {}).toEqual({})
  })
})
