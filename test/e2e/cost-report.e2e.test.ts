// `infra cost-report` as a process: with Cost Explorer denied it still exits 0 and prints the estimate as one JSON
// document, having read AWS only. The environment is deployed in-process first (no CLI process for that).
import path from 'node:path'
import { writeFileSync } from 'node:fs'
import { beforeAll, expect, test } from 'vitest'
import { STEPS } from '../../src/steps/index.js'
import { deploy } from '../support/context.js'
import { readCalls, runCli } from '../support/cli.js'
import { createFakeAws } from '../support/fake-aws/index.js'
import { fastWorkspace, fnName } from '../steps/lambda-helpers.js'

const HOUR_MS = 3_600_000
let root: string
let state: string

beforeAll(async () => {
  const fake = createFakeAws().install()
  root = fastWorkspace()
  state = path.join(root, 'fake-aws-state.json')
  try {
    expect((await deploy(root, { steps: STEPS.filter((s) => s.id !== 'dns' && !s.needs.includes('dns')) })).ok).toBe(
      true,
    )
  } finally {
    fake.restore()
  }
  // 2,000 requests of 200 ms at 512 MB a day ago: 200 GB-seconds.
  const fn = { FunctionName: fnName('conversation-api') }
  fake.cloudwatch.metrics.put('AWS/Lambda', 'Invocations', fn, [{ at: Date.now() - 24 * HOUR_MS, value: 2000 }])
  fake.cloudwatch.metrics.put('AWS/Lambda', 'Duration', fn, [{ at: Date.now() - 24 * HOUR_MS, value: 400_000 }])
  fake.costExplorer.state.denied = true
  writeFileSync(state, JSON.stringify(fake))
})

test('Cost Explorer denied: exit 0, the estimate as JSON, and no write call', async () => {
  const { code, stdout, stderr } = await runCli(['cost-report', '--env', 'staging', '--days', '7', '--json'], {
    cwd: root,
    state,
  })
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const report = JSON.parse(stdout)
  expect(report.actual).toEqual({
    available: false,
    reason: 'AccessDeniedException: User not enabled for cost explorer access',
  })
  expect(report.days).toBe(7)
  expect(report.estimate.lines).toContainEqual(
    expect.objectContaining({
      resource: fnName('conversation-api'),
      item: 'duration (arm64)',
      usage: 200,
      unit: 'GB-seconds',
    }),
  )
  expect(readCalls(state).filter((c) => c.write)).toEqual([])
})
