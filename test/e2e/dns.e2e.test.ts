// Step 09 as a process: --cert-timeout reaches the step through the flags, a certificate that stays pending ends the
// run well (exit 0, what to do), and the next run, once the registrar points at the zone, issues it.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { editFakeState, makeWorkspace, readFakeState, runCli, type Workspace } from '../support/cli.js'

// Only the domain: the steps 09 needs have nothing to do, so the process spends its time on step 09.
const SECTIONS_DROPPED = [
  'tables',
  'functions',
  'rest_api',
  'websocket_api',
  'frontend',
  'cognito',
  'bedrock',
  'monitoring',
]

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
  const file = path.join(ws.dir, 'config.json')
  const config = JSON.parse(readFileSync(file, 'utf8'))
  for (const key of SECTIONS_DROPPED) delete config[key]
  delete config.iam.bedrock_logging_role
  writeFileSync(file, JSON.stringify(config, null, 2))
})
afterEach(() => ws.remove())

const cli = (args: string[]) => runCli(args, { cwd: ws.dir, state: ws.state, timeoutMs: 90_000 })

test('a certificate pending past --cert-timeout: exit 0 and what to do; the next run finishes it', async () => {
  editFakeState(ws.state, (aws) => (aws.route53.delegated = false))
  const pending = await cli(['deploy-all', '--env', 'staging', '--cert-timeout', '0'])
  expect(pending.code, pending.stderr).toBe(0)
  expect(pending.stdout).toContain('waiting for DNS validation: the registrar does not point staging.new-service.com')
  const [zone] = readFakeState(ws.state).route53.zonesNamed('staging.new-service.com')
  expect(pending.stdout).toContain(zone!.nameServers[0])

  editFakeState(ws.state, (aws) => (aws.route53.delegated = true))
  const done = await cli(['step', 'dns', '--env', 'staging', '--json'])
  expect(done.code, done.stderr).toBe(0)
  const dns = JSON.parse(done.stdout).steps.find((s: { id: string }) => s.id === 'dns')
  expect(dns.outputs).toMatchObject({ certificateStatus: 'ISSUED', hostedZoneId: zone!.id })
  const fake = readFakeState(ws.state)
  expect(fake.acm.forDomain('staging.new-service.com')).toMatchObject([{ status: 'ISSUED' }])
  expect(fake.route53.zonesNamed('staging.new-service.com')).toHaveLength(1)
})
