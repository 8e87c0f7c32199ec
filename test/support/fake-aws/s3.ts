// FakeS3: general purpose buckets (the settings infra converges, policy, tags) and their objects. What it models:
// s3.md.
import { randomBytes } from 'node:crypto'
import * as sdk from '@aws-sdk/client-s3'
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketWebsiteCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type CORSRule,
  type LifecycleRule,
  type NotificationConfiguration,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionConfiguration,
  type Tag,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, on, type FakeEnv, type Handler, type ServiceFake } from './core.js'
import {
  bodyBytes,
  current,
  deleteMany,
  deleteOne,
  listV2,
  listVersions,
  md5Etag,
  putVersion,
  unmetCondition,
  type ObjectStore,
} from './s3-objects.js'
import { getNotifications, putNotifications, type InvokeCheck } from './s3-notifications.js'

export interface BucketState {
  name: string
  region: string
  creationDate: number
  publicAccessBlock?: PublicAccessBlockConfiguration
  ownership?: string
  encryption?: ServerSideEncryptionConfiguration
  versioning?: 'Enabled' | 'Suspended'
  lifecycle?: LifecycleRule[]
  tags?: Tag[]
  policy?: string
  cors?: CORSRule[]
  notifications?: NotificationConfiguration
  website?: WebsiteConfiguration
  objects: ObjectStore
  /** us-east-1 answers a CreateBucket on one's own bucket with 200 and resets its ACL: counted so tests can see it. */
  recreatedInPlace: number
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const MAX_DELETE = 1000

/** An S3 error as the SDK's deserializer builds it: the modelled class when there is one, else S3ServiceException. */
function s3Error(name: string, message: string, httpStatusCode = 400): Error {
  const Modelled = (sdk as Record<string, unknown>)[name]
  const opts = { name, message, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } }
  const e =
    typeof Modelled === 'function' && (Modelled as any).prototype instanceof Error
      ? new (Modelled as new (o: any) => Error)(opts)
      : new sdk.S3ServiceException(opts as any)
  return Object.assign(e, { $metadata: { httpStatusCode } })
}

/** What S3's policy checker treats as public: a statement for everyone without a condition that pins the caller. */
function isPublicPolicy(doc: any): boolean {
  const everyone = (p: unknown) =>
    p === '*' || (typeof p === 'object' && p !== null && [(p as any).AWS].flat().includes('*'))
  return [doc.Statement ?? []].flat().some((s: any) => s.Effect === 'Allow' && everyone(s.Principal) && !s.Condition)
}

export class FakeS3 implements ServiceFake {
  readonly service = 's3'
  readonly sdk = sdk
  readonly client = S3Client
  buckets: Record<string, BucketState> = {}
  /** Bucket names owned by other accounts (S3's namespace is global). */
  foreign: Record<string, string> = {}
  /** S3's test of a Lambda destination before it accepts a notification configuration (createFakeAws wires it). */
  canInvoke?: InvokeCheck
  /** The next this many conditional writes meet another one in flight: 409 ConditionalRequestConflict, nothing written. */
  conditionalConflicts = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(HeadBucketCommand, (i) => ({
        BucketRegion: this.bucket(i.Bucket, 'NotFound').region,
        AccessPointAlias: false,
      })),
      on(CreateBucketCommand, (i) => this.createBucket(i)),
      on(DeleteBucketCommand, (i) => this.deleteBucket(i.Bucket)),
      on(GetPublicAccessBlockCommand, (i) => ({
        PublicAccessBlockConfiguration: this.setting(
          i.Bucket,
          'publicAccessBlock',
          'NoSuchPublicAccessBlockConfiguration',
        ),
      })),
      on(PutPublicAccessBlockCommand, (i) =>
        this.set(i.Bucket, { publicAccessBlock: i.PublicAccessBlockConfiguration }),
      ),
      on(GetBucketOwnershipControlsCommand, (i) => ({
        OwnershipControls: {
          Rules: [{ ObjectOwnership: this.setting(i.Bucket, 'ownership', 'OwnershipControlsNotFoundError') }],
        },
      })),
      on(PutBucketOwnershipControlsCommand, (i) =>
        this.set(i.Bucket, { ownership: i.OwnershipControls?.Rules?.[0]?.ObjectOwnership }),
      ),
      on(GetBucketEncryptionCommand, (i) => ({
        ServerSideEncryptionConfiguration: this.setting(
          i.Bucket,
          'encryption',
          'ServerSideEncryptionConfigurationNotFoundError',
        ),
      })),
      on(PutBucketEncryptionCommand, (i) => this.set(i.Bucket, { encryption: i.ServerSideEncryptionConfiguration })),
      on(GetBucketVersioningCommand, (i) => {
        const status = this.bucket(i.Bucket).versioning
        return status ? { Status: status } : {}
      }),
      on(PutBucketVersioningCommand, (i) =>
        this.set(i.Bucket, { versioning: i.VersioningConfiguration?.Status as BucketState['versioning'] }),
      ),
      on(GetBucketLifecycleConfigurationCommand, (i) => ({
        Rules: this.setting(i.Bucket, 'lifecycle', 'NoSuchLifecycleConfiguration'),
        TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
      })),
      on(PutBucketLifecycleConfigurationCommand, (i) => this.putLifecycle(i.Bucket, i.LifecycleConfiguration?.Rules)),
      on(DeleteBucketLifecycleCommand, (i) => this.set(i.Bucket, { lifecycle: undefined })),
      on(GetBucketTaggingCommand, (i) => ({ TagSet: this.setting(i.Bucket, 'tags', 'NoSuchTagSet') })),
      on(PutBucketTaggingCommand, (i) => this.putTags(i.Bucket, i.Tagging?.TagSet ?? [])),
      on(DeleteBucketTaggingCommand, (i) => this.set(i.Bucket, { tags: undefined })),
      on(GetBucketPolicyCommand, (i) => ({ Policy: this.setting(i.Bucket, 'policy', 'NoSuchBucketPolicy') })),
      on(PutBucketPolicyCommand, (i) => this.putPolicy(i.Bucket, i.Policy)),
      on(DeleteBucketPolicyCommand, (i) => this.set(i.Bucket, { policy: undefined })),
      on(GetBucketWebsiteCommand, (i) => this.setting(i.Bucket, 'website', 'NoSuchWebsiteConfiguration')),
      on(PutBucketWebsiteCommand, (i) => this.putWebsite(i.Bucket, i.WebsiteConfiguration)),
      on(DeleteBucketWebsiteCommand, (i) => this.set(i.Bucket, { website: undefined })),
      on(GetBucketCorsCommand, (i) => ({ CORSRules: this.setting(i.Bucket, 'cors', 'NoSuchCORSConfiguration') })),
      on(PutBucketCorsCommand, (i) => this.putCors(i.Bucket, i.CORSConfiguration?.CORSRules ?? [])),
      on(DeleteBucketCorsCommand, (i) => this.set(i.Bucket, { cors: undefined })),
      on(GetBucketNotificationConfigurationCommand, (i) => getNotifications(this.bucket(i.Bucket).notifications)),
      on(PutBucketNotificationConfigurationCommand, (i) => {
        const bucket = this.bucket(i.Bucket)
        const config = i.NotificationConfiguration ?? {}
        const arn = `arn:aws:s3:::${bucket.name}`
        const stored = putNotifications(config, arn, this.env.account, this.canInvoke, !!i.SkipDestinationValidation)
        return this.set(i.Bucket, { notifications: stored })
      }),
      on(PutObjectCommand, (i) => this.putObject(i)),
      on(HeadObjectCommand, (i) => this.headObject(i.Bucket, i.Key)),
      // Not through on(): the body's transformToString cannot be cloned.
      [GetObjectCommand, (i: sdk.GetObjectCommandInput) => this.getObject(i.Bucket, i.Key)] as [
        typeof GetObjectCommand,
        Handler,
      ],
      on(ListObjectsV2Command, (i) => listV2(this.bucket(i.Bucket).objects, i.Bucket!, i)),
      on(ListObjectVersionsCommand, (i) => listVersions(this.bucket(i.Bucket).objects, i.Bucket!, i)),
      on(DeleteObjectCommand, (i) => {
        this.checkConditions(i.Bucket, i.Key, { IfMatch: i.IfMatch })
        return this.deleteObject(i.Bucket, { Key: i.Key, VersionId: i.VersionId })
      }),
      on(DeleteObjectsCommand, (i) => {
        const objects = i.Delete?.Objects ?? []
        if (objects.length === 0 || objects.length > MAX_DELETE) {
          throw s3Error(
            'MalformedXML',
            'The XML you provided was not well-formed or did not validate against our published schema',
          )
        }
        return deleteMany(objects, i.Delete?.Quiet ?? false, (o) => this.deleteObject(i.Bucket, o))
      }),
    ]
  }

  /** Test helpers. */
  takeNameInAnotherAccount(name: string, account = '111122223333'): void {
    this.foreign[name] = account
  }

  object(bucket: string, key: string) {
    return this.buckets[bucket] && current(this.buckets[bucket].objects, key)
  }

  objectText(bucket: string, key: string): string | undefined {
    const body = this.object(bucket, key)?.body
    return body === undefined ? undefined : Buffer.from(body, 'base64').toString('utf8')
  }

  /** Every version and delete marker of the bucket (what a versioned bucket must lose before it can be deleted). */
  versionCount(bucket: string): number {
    return Object.values(this.buckets[bucket]?.objects ?? {}).reduce((n, vs) => n + vs.length, 0)
  }

  putObjectOutOfBand(bucket: string, key: string, text: string): void {
    this.putObject({ Bucket: bucket, Key: key, Body: Buffer.from(text) })
  }

  toJSON(): unknown {
    return structuredClone({ buckets: this.buckets, foreign: this.foreign })
  }

  load(state: any): void {
    this.buckets = structuredClone(state?.buckets ?? {})
    this.foreign = structuredClone(state?.foreign ?? {})
  }

  /** Test helper: the object was last written `ms` earlier than it was (a lease that ran out while nobody looked). */
  ageObject(bucket: string, key: string, ms: number): void {
    const found = this.object(bucket, key)
    if (found) found.lastModified -= ms
  }

  /** A bucket of this account; another account's is 403 (Forbidden on HEAD, AccessDenied elsewhere). */
  private bucket(name: string | undefined, missing = 'NoSuchBucket'): BucketState {
    const found = name ? this.buckets[name] : undefined
    if (found) return found
    if (name && this.foreign[name])
      throw s3Error(missing === 'NotFound' ? 'Forbidden' : 'AccessDenied', 'Access Denied', 403)
    // HEAD responses have no body: the SDK names the error after the status code.
    if (missing === 'NotFound') throw s3Error('NotFound', 'Not Found', 404)
    throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404)
  }

  private setting<K extends keyof BucketState>(
    name: string | undefined,
    key: K,
    missing: string,
  ): NonNullable<BucketState[K]> {
    const value = this.bucket(name)[key]
    if (value === undefined) throw s3Error(missing, `The ${key} configuration was not found`, 404)
    return value as NonNullable<BucketState[K]>
  }

  private set(name: string | undefined, patch: Partial<BucketState>) {
    const bucket = this.bucket(name)
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete (bucket as any)[k]
      else (bucket as any)[k] = v
    }
    return {}
  }

  private createBucket(i: sdk.CreateBucketRequest) {
    const name = i.Bucket ?? ''
    const constraint = i.CreateBucketConfiguration?.LocationConstraint
    if (!BUCKET_NAME.test(name) || name.includes('..'))
      throw s3Error('InvalidBucketName', 'The specified bucket is not valid.')
    if (this.env.region === 'us-east-1' && (constraint as string | undefined) === 'us-east-1') {
      throw s3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid')
    }
    if (this.env.region !== 'us-east-1' && constraint !== this.env.region) {
      throw s3Error(
        'IllegalLocationConstraintException',
        constraint
          ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`
          : 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
      )
    }
    if (this.foreign[name]) {
      throw s3Error(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        409,
      )
    }
    const existing = this.buckets[name]
    if (existing) {
      if (this.env.region !== 'us-east-1') {
        throw s3Error(
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          409,
        )
      }
      existing.recreatedInPlace++
      return { Location: `/${name}` }
    }
    // Since April 2023 a new bucket blocks public access, disables ACLs and encrypts with SSE-S3 by default.
    this.buckets[name] = {
      name,
      region: this.env.region,
      creationDate: this.env.clock.now(),
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      ownership: i.ObjectOwnership ?? 'BucketOwnerEnforced',
      encryption: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
      },
      ...(i.CreateBucketConfiguration?.Tags && { tags: i.CreateBucketConfiguration.Tags }),
      objects: {},
      recreatedInPlace: 0,
    }
    return { Location: this.env.region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/` }
  }

  private deleteBucket(name: string | undefined) {
    const bucket = this.bucket(name)
    if (Object.keys(bucket.objects).length > 0) {
      throw s3Error(
        'BucketNotEmpty',
        bucket.versioning
          ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
          : 'The bucket you tried to delete is not empty',
        409,
      )
    }
    delete this.buckets[bucket.name]
    return {}
  }

  private putLifecycle(name: string | undefined, rules: LifecycleRule[] | undefined) {
    for (const rule of rules ?? []) {
      if (!rule.Status || (rule.Filter === undefined && rule.Prefix === undefined)) {
        throw s3Error(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        )
      }
      for (const t of rule.Transitions ?? []) {
        if ((t.StorageClass === 'STANDARD_IA' || t.StorageClass === 'ONEZONE_IA') && (t.Days ?? 0) < 30)
          throw s3Error(
            'InvalidArgument',
            `'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`,
          )
      }
      const days = rule.NoncurrentVersionExpiration?.NoncurrentDays
      if (days !== undefined && days < 1)
        throw s3Error(
          'InvalidArgument',
          "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
        )
    }
    const withIds = (rules ?? []).map((r) => ({ ...r, ID: r.ID ?? randomBytes(12).toString('base64') }))
    return this.set(name, { lifecycle: withIds })
  }

  private putCors(name: string | undefined, rules: CORSRule[]) {
    if (rules.length === 0 || rules.some((r) => !r.AllowedOrigins?.length || !r.AllowedMethods?.length))
      throw s3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      )
    return this.set(name, { cors: rules })
  }

  private putTags(name: string | undefined, tagSet: Tag[]) {
    if (tagSet.some((t) => t.Key?.toLowerCase().startsWith('aws:'))) {
      throw s3Error('InvalidTag', 'System tags cannot be added/updated by requester')
    }
    return this.set(name, { tags: tagSet })
  }

  private putPolicy(name: string | undefined, policy: string | undefined) {
    const bucket = this.bucket(name)
    let doc: any
    try {
      doc = JSON.parse(policy ?? '')
    } catch {
      throw s3Error('MalformedPolicy', 'This policy contains invalid Json')
    }
    const resources = [doc.Statement ?? []].flat().flatMap((s: any) => [s.Resource ?? []].flat())
    const mine = (r: string) => r === `arn:aws:s3:::${bucket.name}` || r.startsWith(`arn:aws:s3:::${bucket.name}/`)
    if (resources.length === 0 || !resources.every(mine))
      throw s3Error('MalformedPolicy', 'Policy has invalid resource')
    if (bucket.publicAccessBlock?.BlockPublicPolicy && isPublicPolicy(doc)) {
      throw s3Error(
        'AccessDenied',
        `User: arn:aws:iam::${this.env.account}:user/infra is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket.name}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
        403,
      )
    }
    bucket.policy = policy
    return {}
  }

  private putWebsite(name: string | undefined, config: WebsiteConfiguration | undefined) {
    const redirects = config?.RedirectAllRequestsTo !== undefined
    if (!config || redirects === (config.IndexDocument?.Suffix !== undefined))
      throw s3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      )
    if (config.IndexDocument?.Suffix === '' || config.IndexDocument?.Suffix?.includes('/'))
      throw s3Error('InvalidArgument', 'The IndexDocument Suffix is not well formed')
    return this.set(name, { website: config })
  }

  private newVersionId = () => randomBytes(16).toString('base64url')

  private putObject(i: sdk.PutObjectCommandInput) {
    const bucket = this.bucket(i.Bucket)
    this.checkConditions(i.Bucket, i.Key, { IfMatch: i.IfMatch, IfNoneMatch: i.IfNoneMatch })
    const bytes = bodyBytes(i.Body)
    const versioned = bucket.versioning === 'Enabled'
    const etag = md5Etag(bytes)
    const versionId = versioned ? this.newVersionId() : 'null'
    putVersion(
      bucket.objects,
      i.Key ?? '',
      {
        versionId,
        body: bytes.toString('base64'),
        etag,
        size: bytes.length,
        lastModified: this.env.clock.now(),
        ...(i.ContentType && { contentType: i.ContentType }),
        ...(i.CacheControl && { cacheControl: i.CacheControl }),
        // S3 stores user metadata keys in lower case.
        metadata: Object.fromEntries(Object.entries(i.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      },
      versioned,
    )
    return { ETag: etag, ServerSideEncryption: 'AES256', ...(versioned && { VersionId: versionId }) }
  }

  /** If-Match / If-None-Match: checked against the current version, atomically with the write (one event loop turn). */
  private checkConditions(
    name: string | undefined,
    key: string | undefined,
    c: { IfMatch?: string; IfNoneMatch?: string },
  ) {
    if (c.IfMatch === undefined && c.IfNoneMatch === undefined) return
    if (this.conditionalConflicts > 0) {
      this.conditionalConflicts--
      throw s3Error(
        'ConditionalRequestConflict',
        'A conflicting conditional operation is currently in progress against this resource. Please try again.',
        409,
      )
    }
    const unmet = unmetCondition(current(this.bucket(name).objects, key ?? ''), c)
    if (unmet) throw s3Error(unmet.name, unmet.message, unmet.status)
  }

  private getObject(name: string | undefined, key: string | undefined) {
    const found = current(this.bucket(name).objects, key ?? '')
    if (!found) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404)
    const bytes = Buffer.from(found.body ?? '', 'base64')
    return {
      Body: {
        transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
        transformToByteArray: async () => new Uint8Array(bytes),
      },
      ETag: found.etag,
      ContentLength: found.size,
      LastModified: new Date(found.lastModified),
      ...(found.contentType && { ContentType: found.contentType }),
      Metadata: found.metadata,
      ...(found.versionId !== 'null' && { VersionId: found.versionId }),
    }
  }

  private headObject(name: string | undefined, key: string | undefined) {
    const found = current(this.bucket(name).objects, key ?? '')
    if (!found) throw s3Error('NotFound', 'Not Found', 404)
    return {
      ETag: found.etag,
      ContentLength: found.size,
      LastModified: new Date(found.lastModified),
      ...(found.contentType && { ContentType: found.contentType }),
      ...(found.cacheControl && { CacheControl: found.cacheControl }),
      Metadata: found.metadata,
      ...(found.versionId !== 'null' && { VersionId: found.versionId }),
    }
  }

  private deleteObject(name: string | undefined, o: sdk.ObjectIdentifier) {
    const bucket = this.bucket(name)
    return deleteOne(bucket.objects, o, bucket.versioning ? 'on' : 'off', this.newVersionId, this.env.clock.now())
  }
}
