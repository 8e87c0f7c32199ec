// FakeAcm: public certificates validated by DNS. A request returns PENDING_VALIDATION; its validation CNAMEs are
// published after `describesUntilRecords` DescribeCertificate calls, and it becomes ISSUED on a describe once public
// DNS (FakeRoute53, when delegated) answers every CNAME with the value ACM asked for. What it models: acm.md.
import * as sdk from '@aws-sdk/client-acm'
import {
  ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  InvalidParameterException,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
  type CertificateDetail,
} from '@aws-sdk/client-acm'
import { createHash, randomUUID } from 'node:crypto'
import { DEFAULT_ACCOUNT, DEFAULT_REGION, awsError, on, type FakeEnv, type ServiceFake } from './core.js'

export interface CertificateState {
  arn: string
  domain: string
  /** Every name, the domain first (as DescribeCertificate lists SubjectAlternativeNames). */
  names: string[]
  status: 'PENDING_VALIDATION' | 'ISSUED' | 'FAILED'
  token?: string
  requestedAt: number
  describesUntilRecords: number
  tags: Record<string, string>
}

// ACM keeps an IdempotencyToken for one hour.
const TOKEN_LIFETIME_MS = 60 * 60_000
const TOKEN = /^\w{1,32}$/

/** What the other fakes tell ACM: public DNS answers, and whether something uses a certificate. */
export interface AcmWorld {
  publicCname(name: string): string | undefined
  usersOf(arn: string): string[]
}

export class FakeAcm implements ServiceFake {
  readonly service = 'acm'
  readonly client = ACMClient
  readonly sdk = sdk
  certificates: Record<string, CertificateState> = {}
  /** DescribeCertificate calls before the validation records appear (ACM takes a few seconds). */
  describesUntilRecords = 3
  world: AcmWorld = { publicCname: () => undefined, usersOf: () => [] }
  private env: FakeEnv = { account: DEFAULT_ACCOUNT, region: DEFAULT_REGION, clock: { now: () => Date.now() } }

  attach(env: FakeEnv): void {
    this.env = env
  }

  handlers() {
    return [
      on(RequestCertificateCommand, (i) => ({ CertificateArn: this.request(i) })),
      on(DescribeCertificateCommand, (i) => ({ Certificate: this.describe(this.cert(i.CertificateArn)) })),
      on(ListCertificatesCommand, (i) => {
        const statuses = i.CertificateStatuses ?? []
        const all = Object.values(this.certificates).filter((c) => statuses.length === 0 || statuses.includes(c.status))
        const start = Number(i.NextToken ?? 0)
        const max = i.MaxItems ?? 100
        const page = all.slice(start, start + max)
        return {
          CertificateSummaryList: page.map((c) => ({
            CertificateArn: c.arn,
            DomainName: c.domain,
            SubjectAlternativeNameSummaries: c.names,
            Status: c.status,
            Type: 'AMAZON_ISSUED' as const,
            KeyAlgorithm: 'RSA-2048' as const,
            InUse: this.world.usersOf(c.arn).length > 0,
          })),
          ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
        }
      }),
      on(ListTagsForCertificateCommand, (i) => ({
        Tags: Object.entries(this.cert(i.CertificateArn).tags).map(([Key, Value]) => ({ Key, Value })),
      })),
      on(AddTagsToCertificateCommand, (i) => {
        const c = this.cert(i.CertificateArn)
        for (const t of i.Tags ?? []) c.tags[t.Key!] = t.Value ?? ''
        return {}
      }),
      on(DeleteCertificateCommand, (i) => {
        const c = this.cert(i.CertificateArn)
        const users = this.world.usersOf(c.arn)
        if (users.length > 0)
          throw awsError(ResourceInUseException, `Certificate ${c.arn} in account ${this.env.account} is in use.`)
        delete this.certificates[c.arn]
        return {}
      }),
    ]
  }

  // --- helpers for tests -------------------------------------------------------------------------------------------

  /** The validation CNAME ACM asks for a name (the same for `example.com` and `*.example.com`, as in AWS). */
  validationRecord(name: string): { Name: string; Type: 'CNAME'; Value: string } {
    const base = name.replace(/^\*\./, '')
    const hash = (s: string) => createHash('sha256').update(`${this.env.account}/${s}`).digest('hex').slice(0, 32)
    return {
      Name: `_${hash(base)}.${base}.`,
      Type: 'CNAME',
      Value: `_${hash(`v/${base}`)}.xlfgrmvvlj.acm-validations.aws.`,
    }
  }

  forDomain(domain: string): CertificateState[] {
    return Object.values(this.certificates).filter((c) => c.domain === domain)
  }

  toJSON(): unknown {
    return { certificates: this.certificates }
  }

  load(state: any): void {
    this.certificates = state.certificates ?? {}
  }

  // --- the API -------------------------------------------------------------------------------------------------------

  private cert(arn: string | undefined): CertificateState {
    const c = this.certificates[arn ?? '']
    if (!c) throw awsError(ResourceNotFoundException, `Could not find certificate ${arn}.`)
    return c
  }

  private request(i: sdk.RequestCertificateRequest): string {
    if (!i.DomainName) throw awsError(ValidationException, 'DomainName is required.')
    if (i.ValidationMethod !== 'DNS') throw awsError(InvalidParameterException, 'Only DNS validation is modelled.')
    if (i.IdempotencyToken !== undefined && !TOKEN.test(i.IdempotencyToken))
      throw awsError(ValidationException, "Value at 'idempotencyToken' failed to satisfy constraint: \\w+, at most 32")
    const now = this.env.clock.now()
    const same = Object.values(this.certificates).find(
      (c) => i.IdempotencyToken && c.token === i.IdempotencyToken && now - c.requestedAt < TOKEN_LIFETIME_MS,
    )
    if (same) return same.arn
    const arn = `arn:aws:acm:${this.env.region}:${this.env.account}:certificate/${randomUUID()}`
    this.certificates[arn] = {
      arn,
      domain: i.DomainName,
      names: [i.DomainName, ...(i.SubjectAlternativeNames ?? []).filter((n) => n !== i.DomainName)],
      status: 'PENDING_VALIDATION',
      ...(i.IdempotencyToken ? { token: i.IdempotencyToken } : {}),
      requestedAt: now,
      describesUntilRecords: this.describesUntilRecords,
      tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
    }
    return arn
  }

  /** Each describe advances the certificate: records published after a few, ISSUED once DNS answers them all. */
  private describe(c: CertificateState): CertificateDetail {
    const published = c.status !== 'PENDING_VALIDATION' || c.describesUntilRecords <= 0
    if (c.status === 'PENDING_VALIDATION' && !published) c.describesUntilRecords -= 1
    const validated = (name: string) => {
      const r = this.validationRecord(name)
      return this.world.publicCname(r.Name) === r.Value
    }
    if (c.status === 'PENDING_VALIDATION' && published && c.names.every(validated)) c.status = 'ISSUED'
    return {
      CertificateArn: c.arn,
      DomainName: c.domain,
      SubjectAlternativeNames: c.names,
      Status: c.status,
      Type: 'AMAZON_ISSUED',
      InUseBy: this.world.usersOf(c.arn),
      DomainValidationOptions: c.names.map((name) => ({
        DomainName: name,
        ValidationDomain: name.replace(/^\*\./, ''),
        ValidationMethod: 'DNS' as const,
        ValidationStatus: c.status === 'ISSUED' ? ('SUCCESS' as const) : ('PENDING_VALIDATION' as const),
        ...(published ? { ResourceRecord: this.validationRecord(name) } : {}),
      })),
    }
  }
}
