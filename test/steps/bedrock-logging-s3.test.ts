// Bedrock invocation logging also to an S3 prefix (bedrock.invocation_logging.s3): the account's setting names the
// bucket and prefix beside the log group, a rerun writes nothing, and a bucket name S3 would refuse stops the run
// before any AWS call.
import { afterEach, beforeEach, expect, test } from 'vitest'
import { iamStep } from '../../src/steps/01-iam.js'
import { bedrockStep } from '../../src/steps/10-bedrock.js'
import { deploy, editConfig, workspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const SERVICE = 'new-service-staging'
const steps = [iamStep, bedrockStep]

let fake: AllFakes
let root: string
beforeEach(() => {
  fake = createFakeAws().install()
  root = workspace(
    (c) => (c.bedrock.invocation_logging.s3 = { bucket: '${SERVICE_NAME}-ai-logs', prefix: 'invocations' }),
  )
})
afterEach(() => fake.restore())

test('the setting sends logs to the log group and to the bucket prefix; a rerun writes nothing', async () => {
  expect((await deploy(root, { steps })).ok).toBe(true)
  expect(fake.bedrock.loggingConfig?.s3Config).toEqual({ bucketName: `${SERVICE}-ai-logs`, keyPrefix: 'invocations' })
  expect(fake.bedrock.loggingConfig?.cloudWatchConfig?.logGroupName).toBe(`/aws/bedrock/${SERVICE}`)
  fake.resetCalls()
  expect((await deploy(root, { steps })).ok).toBe(true)
  expect(fake.writes()).toEqual([])
})

test('a bucket name S3 would refuse is a config error naming the field, before any AWS call', async () => {
  editConfig(root, (c) => (c.bedrock.invocation_logging.s3.bucket = 'Logs_Bucket'))
  await expect(deploy(root, { steps })).rejects.toMatchObject({
    code: 'InvalidConfig',
    message: expect.stringContaining('bedrock.invocation_logging.s3.bucket: "Logs_Bucket" is not an S3 bucket name'),
  })
  expect(fake.calls).toEqual([])
})
