// FakeEcr against the real SDK client: the behaviours ecr.md promises.
import {
  DescribeImagesCommand,
  ECRClient,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { createFakeAws, type AllFakes } from './fake-aws/index.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const ecr = () => new ECRClient({ region: 'us-east-1' })
const byTag = (repositoryName: string, imageTag: string) =>
  ecr().send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag }] }))

test('a tag names the digest of what was pushed last under it', async () => {
  const first = fake.ecr.pushImage('render', 'live', 'build 1')
  expect(first).toMatch(/^sha256:[a-f0-9]{64}$/)
  await expect(byTag('render', 'live')).resolves.toMatchObject({
    imageDetails: [{ imageDigest: first, imageTags: ['live'], repositoryName: 'render' }],
  })
  const second = fake.ecr.pushImage('render', 'live', 'build 2')
  await expect(byTag('render', 'live')).resolves.toMatchObject({ imageDetails: [{ imageDigest: second }] })
  // The old image is still there, untagged.
  await expect(
    ecr().send(new DescribeImagesCommand({ repositoryName: 'render', imageIds: [{ imageDigest: first }] })),
  ).resolves.toMatchObject({ imageDetails: [{ imageDigest: first, imageTags: [] }] })
})

test('an unknown repository or tag is refused with ECR’s own exceptions', async () => {
  await expect(byTag('nothing', 'live')).rejects.toBeInstanceOf(RepositoryNotFoundException)
  fake.ecr.pushImage('render', 'live')
  await expect(byTag('render', 'v9')).rejects.toBeInstanceOf(ImageNotFoundException)
})
