// FakeS3 against the real SDK client: the behaviours s3.md promises.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  NotFound,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { FakeAws } from './fake-aws/core.js'
import { FakeS3 } from './fake-aws/s3.js'

let aws: FakeAws
let fake: FakeS3
let s3: S3Client

function start(region: string) {
  fake = new FakeS3()
  aws = new FakeAws([fake]).install()
  aws.region = region
  s3 = new S3Client({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
}

beforeEach(() => start('eu-west-1'))
afterEach(() => aws.restore())

describe('buckets', () => {
  test('HeadBucket: NotFound when missing, 403 Forbidden for another account, the region when ours', async () => {
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'b-1' }))).rejects.toBeInstanceOf(NotFound)
    fake.takeNameInAnotherAccount('taken')
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'taken' }))).rejects.toMatchObject({ name: 'Forbidden' })
    await expect(
      s3.send(
        new CreateBucketCommand({ Bucket: 'taken', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    ).rejects.toBeInstanceOf(BucketAlreadyExists)
    await s3.send(
      new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    )
    expect(await s3.send(new HeadBucketCommand({ Bucket: 'b-1' }))).toMatchObject({ BucketRegion: 'eu-west-1' })
  })

  test('LocationConstraint rules, and a second create of ours: BucketAlreadyOwnedByYou, except in us-east-1', async () => {
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'b-1' }))).rejects.toMatchObject({
      name: 'IllegalLocationConstraintException',
    })
    await s3.send(
      new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    )
    await expect(
      s3.send(
        new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    ).rejects.toBeInstanceOf(BucketAlreadyOwnedByYou)
    aws.restore()
    start('us-east-1')
    await expect(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'b-2',
          CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidLocationConstraint' })
    await s3.send(new CreateBucketCommand({ Bucket: 'b-2' }))
    await s3.send(new CreateBucketCommand({ Bucket: 'b-2' }))
    expect(fake.buckets['b-2']!.recreatedInPlace).toBe(1)
  })

  test('a new bucket blocks public access; a public policy is refused, a service principal one kept', async () => {
    await s3.send(
      new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    )
    expect(
      (await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'b-1' }))).PublicAccessBlockConfiguration,
    ).toMatchObject({ BlockPublicPolicy: true })
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: 'b-1' }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    })
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b-1/*' }
    await expect(
      s3.send(
        new PutBucketPolicyCommand({
          Bucket: 'b-1',
          Policy: JSON.stringify({ Statement: [{ ...statement, Principal: '*' }] }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' })
    await expect(
      s3.send(
        new PutBucketPolicyCommand({
          Bucket: 'b-1',
          Policy: JSON.stringify({ Statement: [{ ...statement, Principal: '*', Resource: 'arn:aws:s3:::other/*' }] }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'MalformedPolicy' })
    const policy = JSON.stringify({ Statement: [{ ...statement, Principal: { Service: 'cloudfront.amazonaws.com' } }] })
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'b-1', Policy: policy }))
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'b-1' }))).Policy).toBe(policy)
  })
})

describe('objects', () => {
  beforeEach(async () => {
    await s3.send(
      new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    )
  })

  test('PutObject keeps type, cache control and lower-cased metadata; HeadObject of a missing key is NotFound', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'b-1',
        Key: 'a.html',
        Body: 'hi',
        ContentType: 'text/html',
        CacheControl: 'no-cache',
        Metadata: { SHA256: 'x' },
      }),
    )
    expect(await s3.send(new HeadObjectCommand({ Bucket: 'b-1', Key: 'a.html' }))).toMatchObject({
      ContentType: 'text/html',
      CacheControl: 'no-cache',
      Metadata: { sha256: 'x' },
      ContentLength: 2,
    })
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'b-1', Key: 'b.html' }))).rejects.toBeInstanceOf(NotFound)
  })

  test('ListObjectsV2 pages with continuation tokens in key order', async () => {
    for (const k of ['c', 'a', 'b']) await s3.send(new PutObjectCommand({ Bucket: 'b-1', Key: k, Body: k }))
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'b-1', MaxKeys: 2 }))
    expect(first.Contents?.map((o) => o.Key)).toEqual(['a', 'b'])
    expect(first.IsTruncated).toBe(true)
    const second = await s3.send(
      new ListObjectsV2Command({ Bucket: 'b-1', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }),
    )
    expect(second.Contents?.map((o) => o.Key)).toEqual(['c'])
    expect(second.IsTruncated).toBe(false)
  })

  test('a versioned bucket keeps versions and delete markers; DeleteBucket refuses until every version is gone', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'b-1', VersioningConfiguration: { Status: 'Enabled' } }))
    await s3.send(new PutObjectCommand({ Bucket: 'b-1', Key: 'a', Body: '1' }))
    await s3.send(new PutObjectCommand({ Bucket: 'b-1', Key: 'a', Body: '2' }))
    await s3.send(new DeleteObjectsCommand({ Bucket: 'b-1', Delete: { Objects: [{ Key: 'a' }] } }))
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'b-1' }))).KeyCount).toBe(0)
    await expect(s3.send(new DeleteBucketCommand({ Bucket: 'b-1' }))).rejects.toMatchObject({ name: 'BucketNotEmpty' })
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'b-1' }))
    expect(versions.Versions).toHaveLength(2)
    expect(versions.DeleteMarkers).toHaveLength(1)
    const all = [...versions.Versions!, ...versions.DeleteMarkers!].map((v) => ({ Key: v.Key, VersionId: v.VersionId }))
    await s3.send(new DeleteObjectsCommand({ Bucket: 'b-1', Delete: { Objects: all, Quiet: true } }))
    await s3.send(new DeleteBucketCommand({ Bucket: 'b-1' }))
    expect(fake.buckets['b-1']).toBeUndefined()
  })
})

describe('conditional writes', () => {
  const put = (Key: string, Body: string, cond: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
    s3.send(new PutObjectCommand({ Bucket: 'b-1', Key, Body, ...cond }))

  beforeEach(async () => {
    await s3.send(
      new CreateBucketCommand({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    )
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'b-1', VersioningConfiguration: { Status: 'Enabled' } }))
  })

  test('If-None-Match creates once; If-Match replaces only the version read; GetObject returns the current one', async () => {
    const first = await put('k', 'one', { IfNoneMatch: '*' })
    await expect(put('k', 'two', { IfNoneMatch: '*' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    })
    const second = await put('k', 'two', { IfMatch: first.ETag })
    await expect(put('k', 'stale', { IfMatch: first.ETag })).rejects.toMatchObject({ name: 'PreconditionFailed' })
    const got = await s3.send(new GetObjectCommand({ Bucket: 'b-1', Key: 'k' }))
    expect(await got.Body!.transformToString()).toBe('two')
    expect(got.ETag).toBe(second.ETag)
    await expect(put('missing', 'x', { IfMatch: first.ETag })).rejects.toMatchObject({ name: 'NoSuchKey' })
    await expect(s3.send(new GetObjectCommand({ Bucket: 'b-1', Key: 'missing' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    })
  })

  test('DeleteObject If-Match deletes only the version read; a conflict in flight is 409 and writes nothing', async () => {
    const { ETag } = await put('k', 'one', { IfNoneMatch: '*' })
    await expect(
      s3.send(new DeleteObjectCommand({ Bucket: 'b-1', Key: 'k', IfMatch: '"other"' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' })
    fake.conditionalConflicts = 1
    await expect(put('k', 'two', { IfMatch: ETag })).rejects.toMatchObject({
      name: 'ConditionalRequestConflict',
      $metadata: { httpStatusCode: 409 },
    })
    expect(fake.objectText('b-1', 'k')).toBe('one')
    await s3.send(new DeleteObjectCommand({ Bucket: 'b-1', Key: 'k', IfMatch: ETag }))
    expect(fake.object('b-1', 'k')).toBeUndefined()
    // The delete marker is not an object: If-None-Match creates it again.
    await put('k', 'three', { IfNoneMatch: '*' })
    expect(fake.versionCount('b-1')).toBe(3)
  })
})
