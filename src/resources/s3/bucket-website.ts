// The manual's public website hosting, kept only as an explicit option (`frontend.public_website`): S3 serves the
// bucket over plain HTTP at its website endpoint, which CloudFront reads as a custom origin. It needs a public-read
// policy, so Block Public Access is relaxed as far as a policy needs (ACLs stay blocked). Off (the default), the bucket
// has no website configuration and blocks everything.
import {
  DeleteBucketWebsiteCommand,
  GetBucketWebsiteCommand,
  PutBucketWebsiteCommand,
  type PublicAccessBlockConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3'
import { isS3SettingMissing } from '../../aws/errors.js'
import type { Change } from '../types.js'

export interface BucketWebsite {
  indexDocument: string
  errorDocument?: string
}

/** A bucket policy may make the bucket public; public ACLs are still refused and ignored. */
export const PUBLIC_POLICY_ALLOWED: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
}

// The regions whose website endpoint joins `s3-website` and the region with a dash (the older form); the others use
// a dot (AWS's table of Amazon S3 website endpoints).
const DASH_REGIONS = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
  'sa-east-1',
  'us-gov-west-1',
])

/** S3's website endpoint for the bucket: HTTP only, what CloudFront's custom origin names. */
export function websiteDomainName(name: string, region: string): string {
  return `${name}.s3-website${DASH_REGIONS.has(region) ? '-' : '.'}${region}.amazonaws.com`
}

/** The bucket's website configuration as infra reads it; undefined when it has none. */
export async function findWebsite(s3: S3Client, bucket: string): Promise<BucketWebsite | undefined> {
  try {
    const out = await s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }))
    return {
      indexDocument: out.IndexDocument?.Suffix ?? '',
      ...(out.ErrorDocument?.Key && { errorDocument: out.ErrorDocument.Key }),
    }
  } catch (e) {
    if (isS3SettingMissing(e)) return undefined
    throw e
  }
}

const show = (w: BucketWebsite | undefined) =>
  w ? `index ${w.indexDocument}${w.errorDocument ? `, error ${w.errorDocument}` : ''}` : 'none'

/** One `Website` change when the hosting differs from what is wanted (false: none). */
export function diffWebsite(have: BucketWebsite | undefined, want: BucketWebsite | false): Change[] {
  const to = want || undefined
  return show(have) === show(to) ? [] : [{ field: 'Website', from: show(have), to: show(to) }]
}

export async function putWebsite(s3: S3Client, bucket: string, want: BucketWebsite | false): Promise<void> {
  if (!want) {
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket: bucket }))
    return
  }
  await s3.send(
    new PutBucketWebsiteCommand({
      Bucket: bucket,
      WebsiteConfiguration: {
        IndexDocument: { Suffix: want.indexDocument },
        ...(want.errorDocument && { ErrorDocument: { Key: want.errorDocument } }),
      },
    }),
  )
}
