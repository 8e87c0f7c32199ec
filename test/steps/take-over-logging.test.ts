// `--take-over-logging` from the command's request to step 10: the deploy action (what `deploy-all` and `step` call)
// leaves the account's Bedrock logging that another team set alone without it, and replaces it with it.
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { runDeployment, type RunRequest } from '../../src/cli/actions.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { fastWorkspace, SERVICE } from './lambda-helpers.js'

const THEIRS = {
  cloudWatchConfig: { logGroupName: '/aws/bedrock/another-team', roleArn: 'arn:aws:iam::887078546492:role/theirs' },
  textDataDeliveryEnabled: true,
}

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  // READY on the first read: the action runs with real poll delays.
  fake.bedrock.readsUntilReady = 0
  fake.bedrock.loggingConfig = THEIRS
  root = fastWorkspace()
})
afterEach(() => fake.restore())

const stepBedrock = (takeOverLogging: boolean) => {
  const req: RunRequest = {
    config: path.join(root, 'config.json'),
    env: 'staging',
    command: 'step bedrock',
    only: ['bedrock'],
    dryRun: false,
    adopt: false,
    renderer: 'silent',
    takeOverLogging,
  }
  return runDeployment(req, true)
}

test('without --take-over-logging the setting someone else made is refused and left as it was', async () => {
  const { outcome } = await stepBedrock(false)
  const bedrock = outcome.steps.find((s) => s.id === 'bedrock')!
  expect(bedrock.error?.code).toBe('InvocationLoggingInUse')
  expect(bedrock.error?.hint).toContain(`infra step bedrock --env staging --take-over-logging`)
  expect(fake.bedrock.loggingConfig).toEqual(THEIRS)
})

test('with --take-over-logging the account logs to this service’s group', async () => {
  const { outcome } = await stepBedrock(true)
  expect(outcome.ok).toBe(true)
  expect(fake.bedrock.loggingConfig?.cloudWatchConfig?.logGroupName).toBe(`/aws/bedrock/${SERVICE}`)
})
