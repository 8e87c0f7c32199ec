// FakeCloudFront: origin access controls, distributions (ETags, InProgress → Deployed, CallerReference), tags and
// invalidations. What it models: cloudfront.md.
import * as sdk from '@aws-sdk/client-cloudfront'
import {
  CloudFrontClient,
  CreateDistributionWithTagsCommand,
  CreateInvalidationCommand,
  CreateOriginAccessControlCommand,
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  DistributionAlreadyExists,
  DistributionNotDisabled,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  GetOriginAccessControlCommand,
  IllegalUpdate,
  CNAMEAlreadyExists,
  IllegalOriginAccessConfiguration,
  InvalidArgument,
  InvalidFunctionAssociation,
  InvalidViewerCertificate,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  ListOriginAccessControlsCommand,
  ListTagsForResourceCommand,
  NoSuchDistribution,
  NoSuchInvalidation,
  NoSuchOriginAccessControl,
  OriginAccessControlAlreadyExists,
  OriginAccessControlInUse,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDistributionCommand,
  UpdateOriginAccessControlCommand,
  type Distribution,
  type DistributionConfig,
  type Invalidation,
  type OriginAccessControlConfig,
  type Tag,
} from '@aws-sdk/client-cloudfront'
import { checkIfMatch, FakeCloudFrontFunctions } from './cloudfront-functions.js'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, namedError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface DistributionState {
  id: string
  etag: string
  status: 'InProgress' | 'Deployed'
  /** Reads (GetDistribution) left before an InProgress distribution shows Deployed. */
  readsUntilDeployed: number
  lastModified: number
  config: DistributionConfig
  tags: Record<string, string>
  invalidations: InvalidationState[]
}

export interface InvalidationState {
  id: string
  createTime: number
  readsUntilCompleted: number
  callerReference: string
  paths: string[]
}

interface OacState {
  id: string
  etag: string
  config: OriginAccessControlConfig
}

const PAGE = 100

export class FakeCloudFront implements ServiceFake {
  readonly service = 'cloudfront'
  readonly sdk = sdk
  readonly client = CloudFrontClient
  distributions: Record<string, DistributionState> = {}
  oacs: Record<string, OacState> = {}
  /** Reads an updated or created distribution stays InProgress for (and an invalidation stays InProgress). */
  readsUntilDeployed = 2
  private counter = 0
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }
  readonly functions = new FakeCloudFrontFunctions({
    account: () => this.env.account,
    now: () => this.env.clock.now(),
    nextId: (prefix) => this.nextId(prefix),
    userOf: (arn) =>
      Object.values(this.distributions).find((d) =>
        d.config.DefaultCacheBehavior?.FunctionAssociations?.Items?.some((a) => a.FunctionARN === arn),
      )?.id,
  })

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(CreateOriginAccessControlCommand, (i) => this.createOac(i.OriginAccessControlConfig)),
      on(GetOriginAccessControlCommand, (i) => this.getOac(i.Id)),
      on(ListOriginAccessControlsCommand, (i) => this.listOacs(i.Marker, i.MaxItems)),
      on(UpdateOriginAccessControlCommand, (i) => this.updateOac(i.Id, i.IfMatch, i.OriginAccessControlConfig)),
      on(DeleteOriginAccessControlCommand, (i) => this.deleteOac(i.Id, i.IfMatch)),
      on(CreateDistributionWithTagsCommand, (i) =>
        this.createDistribution(
          i.DistributionConfigWithTags?.DistributionConfig,
          i.DistributionConfigWithTags?.Tags?.Items,
        ),
      ),
      on(GetDistributionCommand, (i) => this.getDistribution(i.Id)),
      on(GetDistributionConfigCommand, (i) => {
        const d = this.distribution(i.Id)
        return { DistributionConfig: d.config, ETag: d.etag }
      }),
      on(UpdateDistributionCommand, (i) => this.updateDistribution(i.Id, i.IfMatch, i.DistributionConfig)),
      on(DeleteDistributionCommand, (i) => this.deleteDistribution(i.Id, i.IfMatch)),
      on(ListDistributionsCommand, (i) => this.listDistributions(i.Marker, i.MaxItems)),
      on(ListTagsForResourceCommand, (i) => ({ Tags: { Items: toItems(this.byArn(i.Resource).tags) } })),
      on(TagResourceCommand, (i) => {
        const d = this.byArn(i.Resource)
        for (const t of i.Tags?.Items ?? []) d.tags[t.Key!] = t.Value ?? ''
        return {}
      }),
      on(UntagResourceCommand, (i) => {
        const d = this.byArn(i.Resource)
        for (const k of i.TagKeys?.Items ?? []) delete d.tags[k]
        return {}
      }),
      on(CreateInvalidationCommand, (i) => this.createInvalidation(i.DistributionId, i.InvalidationBatch)),
      on(GetInvalidationCommand, (i) => this.getInvalidation(i.DistributionId, i.Id)),
      on(ListInvalidationsCommand, (i) => this.listInvalidations(i.DistributionId)),
      ...this.functions.handlers(),
    ]
  }

  arn(id: string): string {
    return `arn:aws:cloudfront::${this.env.account}:distribution/${id}`
  }

  /** Finishes every deployment and invalidation now (a test that does not want to count reads). */
  settle(): void {
    for (const d of Object.values(this.distributions)) {
      d.status = 'Deployed'
      d.readsUntilDeployed = 0
      for (const inv of d.invalidations) inv.readsUntilCompleted = 0
    }
  }

  deleteDistributionOutOfBand(id: string): void {
    delete this.distributions[id]
  }

  toJSON(): unknown {
    return structuredClone({
      distributions: this.distributions,
      oacs: this.oacs,
      functions: this.functions.functions,
      counter: this.counter,
    })
  }

  load(state: any): void {
    this.distributions = structuredClone(state?.distributions ?? {})
    this.oacs = structuredClone(state?.oacs ?? {})
    this.functions.functions = structuredClone(state?.functions ?? {})
    this.counter = state?.counter ?? 0
  }

  private nextId(prefix: string): string {
    this.counter += 1
    return `${prefix}${this.counter.toString(36).toUpperCase().padStart(12, '0')}`
  }

  // Origin access controls: names are unique in the account; they have no tags.
  private createOac(config: OriginAccessControlConfig | undefined) {
    if (!config?.Name || !config.SigningProtocol || !config.SigningBehavior || !config.OriginAccessControlOriginType)
      throw awsError(
        InvalidArgument,
        'OriginAccessControlConfig: Name, SigningProtocol, SigningBehavior and OriginAccessControlOriginType are required.',
      )
    if (Object.values(this.oacs).some((o) => o.config.Name === config.Name))
      throw awsError(
        OriginAccessControlAlreadyExists,
        `An origin access control with name ${config.Name} already exists.`,
      )
    const oac: OacState = { id: this.nextId('E'), etag: this.nextId('ET'), config: { Description: '', ...config } }
    this.oacs[oac.id] = oac
    return this.renderOac(oac)
  }

  private oac(id: string | undefined): OacState {
    const oac = id ? this.oacs[id] : undefined
    if (!oac) throw awsError(NoSuchOriginAccessControl, 'The origin access control does not exist.')
    return oac
  }

  private renderOac(oac: OacState) {
    return { OriginAccessControl: { Id: oac.id, OriginAccessControlConfig: oac.config }, ETag: oac.etag }
  }

  private getOac(id: string | undefined) {
    return this.renderOac(this.oac(id))
  }

  private listOacs(marker: string | undefined, maxItems: number | undefined) {
    const page = paginate(Object.values(this.oacs), marker, maxItems)
    return {
      OriginAccessControlList: {
        ...page.list,
        Items: page.items.map((o) => ({ Id: o.id, ...o.config })),
      },
    }
  }

  private updateOac(
    id: string | undefined,
    ifMatch: string | undefined,
    config: OriginAccessControlConfig | undefined,
  ) {
    const oac = this.oac(id)
    checkIfMatch(ifMatch, oac.etag)
    oac.config = { Description: '', ...config } as OriginAccessControlConfig
    oac.etag = this.nextId('ET')
    return this.renderOac(oac)
  }

  private deleteOac(id: string | undefined, ifMatch: string | undefined) {
    const oac = this.oac(id)
    checkIfMatch(ifMatch, oac.etag)
    const user = Object.values(this.distributions).find((d) =>
      d.config.Origins?.Items?.some((o) => o.OriginAccessControlId === oac.id),
    )
    if (user)
      throw awsError(OriginAccessControlInUse, `The origin access control is in use by distribution ${user.id}.`)
    delete this.oacs[oac.id]
    return {}
  }

  // Distributions.
  private validateConfig(c: DistributionConfig | undefined): DistributionConfig {
    const missing = ['CallerReference', 'Origins', 'DefaultCacheBehavior', 'Comment', 'Enabled'].filter(
      (k) => c?.[k as keyof DistributionConfig] === undefined,
    )
    if (!c || missing.length > 0)
      throw awsError(InvalidArgument, `DistributionConfig is missing ${missing.join(', ')}.`)
    const origins = c.Origins!.Items ?? []
    if (origins.length === 0 || c.Origins!.Quantity !== origins.length)
      throw awsError(InvalidArgument, 'Origins: Quantity must match the number of Items, and at least one is required.')
    if (!origins.some((o) => o.Id === c.DefaultCacheBehavior!.TargetOriginId))
      throw namedError('NoSuchOrigin', 'One or more of your origins or origin groups do not exist.', 404)
    for (const o of origins) {
      if (o.S3OriginConfig && o.CustomOriginConfig)
        throw awsError(
          InvalidArgument,
          'You must specify either a CustomOrigin or an S3Origin. You cannot specify both.',
        )
      const custom = o.CustomOriginConfig
      if (custom && (!custom.OriginProtocolPolicy || custom.HTTPPort === undefined || custom.HTTPSPort === undefined))
        throw awsError(
          InvalidArgument,
          'CustomOriginConfig: HTTPPort, HTTPSPort and OriginProtocolPolicy are required.',
        )
      // This fake's OACs are all of origin type s3: none can sign for a custom origin (an S3 website endpoint).
      if (custom && o.OriginAccessControlId)
        throw awsError(
          IllegalOriginAccessConfiguration,
          'Origin access control of type s3 cannot be associated with a custom origin.',
        )
      if (o.OriginAccessControlId) this.oac(o.OriginAccessControlId)
      // An S3 origin with an OAC still needs S3OriginConfig, with an empty OriginAccessIdentity.
      if (o.OriginAccessControlId && o.S3OriginConfig?.OriginAccessIdentity !== '')
        throw awsError(
          InvalidArgument,
          'An origin with an origin access control needs S3OriginConfig.OriginAccessIdentity "".',
        )
    }
    const associations = c.DefaultCacheBehavior!.FunctionAssociations
    if ((associations?.Items ?? []).length !== (associations?.Quantity ?? 0))
      throw awsError(InvalidArgument, 'FunctionAssociations: Quantity must match the number of Items.')
    for (const a of associations?.Items ?? [])
      if (!a.FunctionARN || !this.functions.isLive(a.FunctionARN))
        throw awsError(InvalidFunctionAssociation, `The function ARN ${a.FunctionARN} is not a published function.`)
    if (!c.DefaultCacheBehavior!.CachePolicyId && !c.DefaultCacheBehavior!.ForwardedValues)
      throw awsError(InvalidArgument, 'The parameter ForwardedValues is required.')
    this.validateAliases(c)
    return c
  }

  /** Aliases need a certificate of one's own (CloudFront's covers only *.cloudfront.net), each alias one distribution. */
  private validateAliases(c: DistributionConfig): void {
    const aliases = c.Aliases?.Items ?? []
    if (aliases.length !== (c.Aliases?.Quantity ?? 0))
      throw awsError(InvalidArgument, 'Aliases: Quantity must match the number of Items.')
    if (aliases.length === 0) return
    const cert = c.ViewerCertificate
    if (!cert?.ACMCertificateArn?.startsWith('arn:aws:acm:us-east-1:') || cert.CloudFrontDefaultCertificate)
      throw awsError(
        InvalidViewerCertificate,
        'To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.',
      )
    const taken = Object.values(this.distributions).find(
      (d) =>
        d.config.CallerReference !== c.CallerReference && d.config.Aliases?.Items?.some((a) => aliases.includes(a)),
    )
    if (taken)
      throw awsError(
        CNAMEAlreadyExists,
        'One or more of the CNAMEs you provided are already associated with a different resource.',
      )
  }

  private createDistribution(config: DistributionConfig | undefined, tags: Tag[] | undefined) {
    const c = this.validateConfig(config)
    const same = Object.values(this.distributions).find((d) => d.config.CallerReference === c.CallerReference)
    if (same) {
      // The same request again returns the original; another config under the same reference is refused.
      if (JSON.stringify(same.config) !== JSON.stringify(c))
        throw awsError(
          DistributionAlreadyExists,
          'The caller reference that you are using to create a distribution is associated with another distribution.',
        )
      return {
        ...this.renderDistribution(same),
        Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${same.id}`,
      }
    }
    const d: DistributionState = {
      id: this.nextId('E'),
      etag: this.nextId('ET'),
      status: 'InProgress',
      readsUntilDeployed: this.readsUntilDeployed,
      lastModified: this.env.clock.now(),
      config: c,
      tags: Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
      invalidations: [],
    }
    this.distributions[d.id] = d
    return {
      ...this.renderDistribution(d),
      Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.id}`,
    }
  }

  private distribution(id: string | undefined): DistributionState {
    const d = id ? this.distributions[id] : undefined
    if (!d) throw awsError(NoSuchDistribution, 'The specified distribution does not exist.')
    return d
  }

  private byArn(arn: string | undefined): DistributionState {
    const id = arn?.startsWith(this.arn('')) ? arn.slice(this.arn('').length) : undefined
    if (!id) throw awsError(InvalidArgument, `${arn ?? ''} is not a valid resource ARN.`)
    return this.distribution(id)
  }

  private renderDistribution(d: DistributionState): { Distribution: Distribution; ETag: string } {
    return {
      Distribution: {
        Id: d.id,
        ARN: this.arn(d.id),
        Status: d.status,
        LastModifiedTime: new Date(d.lastModified),
        InProgressInvalidationBatches: d.invalidations.filter((i) => i.readsUntilCompleted > 0).length,
        DomainName: `${d.id.toLowerCase()}.cloudfront.net`,
        DistributionConfig: d.config,
      },
      ETag: d.etag,
    }
  }

  private getDistribution(id: string | undefined) {
    const d = this.distribution(id)
    if (d.status === 'InProgress' && --d.readsUntilDeployed <= 0) d.status = 'Deployed'
    return this.renderDistribution(d)
  }

  private updateDistribution(
    id: string | undefined,
    ifMatch: string | undefined,
    config: DistributionConfig | undefined,
  ) {
    const d = this.distribution(id)
    checkIfMatch(ifMatch, d.etag)
    const c = this.validateConfig(config)
    if (c.CallerReference !== d.config.CallerReference)
      throw awsError(IllegalUpdate, 'The CallerReference of a distribution cannot be changed.')
    Object.assign(d, {
      config: c,
      etag: this.nextId('ET'),
      status: 'InProgress',
      readsUntilDeployed: this.readsUntilDeployed,
      lastModified: this.env.clock.now(),
    })
    return this.renderDistribution(d)
  }

  private deleteDistribution(id: string | undefined, ifMatch: string | undefined) {
    const d = this.distribution(id)
    checkIfMatch(ifMatch, d.etag)
    if (d.config.Enabled || d.status !== 'Deployed')
      throw awsError(DistributionNotDisabled, 'The distribution you are trying to delete has not been disabled.')
    delete this.distributions[d.id]
    return {}
  }

  private listDistributions(marker: string | undefined, maxItems: number | undefined) {
    const page = paginate(Object.values(this.distributions), marker, maxItems)
    const Items = page.items.map((d) => {
      const { Distribution: r } = this.renderDistribution(d)
      const c = d.config
      return {
        Id: r.Id,
        ARN: r.ARN,
        ETag: d.etag,
        Status: r.Status,
        LastModifiedTime: r.LastModifiedTime,
        DomainName: r.DomainName,
        Aliases: c.Aliases ?? { Quantity: 0 },
        Origins: c.Origins,
        DefaultCacheBehavior: c.DefaultCacheBehavior,
        CacheBehaviors: c.CacheBehaviors ?? { Quantity: 0 },
        CustomErrorResponses: c.CustomErrorResponses ?? { Quantity: 0 },
        Comment: c.Comment,
        PriceClass: c.PriceClass ?? 'PriceClass_All',
        Enabled: c.Enabled,
        ViewerCertificate: c.ViewerCertificate,
        Restrictions: c.Restrictions,
        WebACLId: c.WebACLId ?? '',
        HttpVersion: c.HttpVersion ?? 'http2',
        IsIPV6Enabled: c.IsIPV6Enabled ?? false,
        Staging: c.Staging ?? false,
      }
    })
    return { DistributionList: { ...page.list, Items } }
  }

  // Invalidations: a CallerReference sent again with the same paths returns the original.
  private createInvalidation(id: string | undefined, batch: sdk.InvalidationBatch | undefined) {
    const d = this.distribution(id)
    const paths = batch?.Paths?.Items ?? []
    if (!batch?.CallerReference || paths.length === 0 || batch.Paths?.Quantity !== paths.length)
      throw awsError(
        InvalidArgument,
        'InvalidationBatch needs a CallerReference and Paths whose Quantity matches Items.',
      )
    const same = d.invalidations.find((i) => i.callerReference === batch.CallerReference)
    if (same) {
      if (JSON.stringify(same.paths) !== JSON.stringify(paths))
        throw namedError(
          'InvalidationBatchAlreadyExists',
          'The caller reference is already used by another invalidation batch.',
        )
      return { Invalidation: this.renderInvalidation(same), Location: `invalidation/${same.id}` }
    }
    const inv: InvalidationState = {
      id: this.nextId('I'),
      createTime: this.env.clock.now(),
      readsUntilCompleted: this.readsUntilDeployed,
      callerReference: batch.CallerReference,
      paths,
    }
    d.invalidations.push(inv)
    return { Invalidation: this.renderInvalidation(inv), Location: `invalidation/${inv.id}` }
  }

  private renderInvalidation(i: InvalidationState): Invalidation {
    return {
      Id: i.id,
      Status: i.readsUntilCompleted > 0 ? 'InProgress' : 'Completed',
      CreateTime: new Date(i.createTime),
      InvalidationBatch: { CallerReference: i.callerReference, Paths: { Quantity: i.paths.length, Items: i.paths } },
    }
  }

  private getInvalidation(distributionId: string | undefined, id: string | undefined) {
    const inv = this.distribution(distributionId).invalidations.find((i) => i.id === id)
    if (!inv) throw awsError(NoSuchInvalidation, 'The specified invalidation does not exist.')
    if (inv.readsUntilCompleted > 0) inv.readsUntilCompleted -= 1
    return { Invalidation: this.renderInvalidation(inv) }
  }

  private listInvalidations(distributionId: string | undefined) {
    const all = [...this.distribution(distributionId).invalidations].reverse()
    return {
      InvalidationList: {
        Marker: '',
        MaxItems: PAGE,
        IsTruncated: false,
        Quantity: all.length,
        Items: all.map((i) => ({
          Id: i.id,
          CreateTime: new Date(i.createTime),
          Status: this.renderInvalidation(i).Status,
        })),
      },
    }
  }
}

const toItems = (tags: Record<string, string>): Tag[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))

/** CloudFront's list pages: Marker is the id to start after; MaxItems is sent as a string on the wire. */
function paginate<T extends { id: string }>(all: T[], marker: string | undefined, maxItems: number | undefined) {
  const start = marker ? all.findIndex((x) => x.id === marker) + 1 : 0
  const max = Number(maxItems ?? PAGE)
  const items = all.slice(start, start + max)
  const truncated = start + max < all.length
  return {
    items,
    list: {
      Marker: marker ?? '',
      MaxItems: max,
      IsTruncated: truncated,
      Quantity: items.length,
      ...(truncated ? { NextMarker: items[items.length - 1]!.id } : {}),
    },
  }
}
