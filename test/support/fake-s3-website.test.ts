// FakeS3's website hosting against the real SDK client: what s3.md promises of Get/Put/DeleteBucketWebsite.
import {
  CreateBucketCommand,
  DeleteBucketWebsiteCommand,
  GetBucketWebsiteCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { FakeAws } from './fake-aws/core.js'
import { FakeS3 } from './fake-aws/s3.js'

let aws: FakeAws
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
const Bucket = 'site'
beforeEach(async () => {
  aws = new FakeAws([new FakeS3()]).install()
  aws.region = 'us-east-1'
  await s3.send(new CreateBucketCommand({ Bucket }))
})
afterEach(() => aws.restore())

test('none set → NoSuchWebsiteConfiguration; put, read back, delete (twice is fine)', async () => {
  await expect(s3.send(new GetBucketWebsiteCommand({ Bucket }))).rejects.toMatchObject({
    name: 'NoSuchWebsiteConfiguration',
    $metadata: { httpStatusCode: 404 },
  })
  const WebsiteConfiguration = { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' } }
  await s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration }))
  expect(await s3.send(new GetBucketWebsiteCommand({ Bucket }))).toMatchObject(WebsiteConfiguration)
  await s3.send(new DeleteBucketWebsiteCommand({ Bucket }))
  await s3.send(new DeleteBucketWebsiteCommand({ Bucket }))
  await expect(s3.send(new GetBucketWebsiteCommand({ Bucket }))).rejects.toMatchObject({
    name: 'NoSuchWebsiteConfiguration',
  })
})

test('neither an index document nor a redirect → MalformedXML; a Suffix with a slash → InvalidArgument', async () => {
  await expect(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: {} }))).rejects.toMatchObject({
    name: 'MalformedXML',
  })
  await expect(
    s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: 'a/b.html' } } })),
  ).rejects.toMatchObject({ name: 'InvalidArgument' })
})
