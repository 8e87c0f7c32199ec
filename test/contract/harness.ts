// The engine's contract, run the same way against every resource kind through the fake AWS: create from empty, a
// no-op rerun sends no write, one changed field sends the minimal calls, deleted out of band → recreated, a run killed
// after the create makes no duplicate, a lost create response converges, a dry run sends no write, a kind dropped
// from config is deleted (or retained when it holds data), and destroy deletes it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { AwsClients } from '../../src/aws/clients.js'
import { ManifestStore } from '../../src/manifest/index.js'
import { converge, keyOf } from '../../src/resources/engine/converge.js'
import type { ResourceKind, SpecBase } from '../../src/resources/engine/kind.js'
import { remove } from '../../src/resources/engine/remove.js'
import type { RemovalOptions, ResourceContext } from '../../src/resources/types.js'
import { FAST_TIMING } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

export const SERVICE = 'contract-svc'
export const ENV = 'test'
export const OUR_TAGS = { 'managed-by': 'infra', 'infra:service': SERVICE, 'infra:env': ENV }

export interface KindFixture<S extends SpecBase, O> {
  kind: ResourceKind<S, O>
  /** The desired shape, given what setup() made. */
  spec(parents: Record<string, string>): S
  /** The same spec with one setting changed; absent for kinds that never change in place (a deployment). */
  changed?(spec: S): S
  /** The write calls that change needs, in order: ['PutRetentionPolicy']. */
  updateCalls?: string[]
  /** The operation that creates it: 'CreateLogGroup'. */
  createCommand: string
  /**
   * The error AWS answers a create of one that exists with (default: the service's usual name below), or false when
   * names are not unique and there is no such answer (user pools, clients): the scenario does not apply.
   */
  alreadyExists?: string | false
  /** Parents it needs (a function for a permission), made through the engine or the fake; returns their ids. */
  setup?(ctx: ResourceContext, aws: AllFakes): Promise<Record<string, string>>
  /** How many of it the fake holds (0 or 1; 2 would be a duplicate). */
  count(aws: AllFakes, spec: S): number
  deleteOutOfBand(aws: AllFakes, spec: S): void
}

export interface Harness {
  aws: AllFakes
  ctx(opts?: { dryRun?: boolean; removal?: Partial<RemovalOptions> }): ResourceContext
  manifest: ManifestStore
}

/** A resource context over the fake and a manifest in a temp folder, as the runner builds it for one step. */
export async function harness(): Promise<Harness> {
  const aws = createFakeAws().install()
  const manifest = await ManifestStore.open(mkdtempSync(path.join(tmpdir(), 'infra-contract-')), {
    service: SERVICE,
    env: ENV,
    region: aws.region,
  })
  await manifest.lock({ command: 'contract test' })
  const clients = {
    live: new AwsClients({ region: aws.region, dryRun: false }),
    dry: new AwsClients({ region: aws.region, dryRun: true }),
  }
  return {
    aws,
    manifest,
    ctx: (opts = {}) => ({
      aws: opts.dryRun ? clients.dry : clients.live,
      dryRun: opts.dryRun ?? false,
      offline: false,
      adopt: false,
      timing: FAST_TIMING,
      record: manifest,
      stepId: 'contract',
      identity: { service: SERVICE, env: ENV, region: aws.region, accountId: aws.account },
      log: () => undefined,
      converged: new Set<string>(),
      removal: { mode: 'prune', deleteData: false, disableDeletionProtection: false, ...opts.removal },
    }),
  }
}

export function contractSuite<S extends SpecBase, O>(fixture: KindFixture<S, O>): void {
  const { kind } = fixture
  describe(`${kind.kind} through the engine`, () => {
    let h: Harness
    let spec: S
    let ctx: ResourceContext
    beforeEach(async () => {
      h = await harness()
      ctx = h.ctx()
      spec = fixture.spec((await fixture.setup?.(ctx, h.aws)) ?? {})
      h.aws.resetCalls()
    })
    afterEach(async () => {
      h.aws.restore()
      await h.manifest.unlock()
    })
    const key = () => keyOf(kind, spec.logicalId)
    const writes = () => h.aws.writes().map((c) => c.command.replace(/Command$/, ''))

    test('create from empty: made once and recorded', async () => {
      const { result } = await converge(ctx, kind, spec)
      expect(result.action).toBe('created')
      expect(fixture.count(h.aws, spec)).toBe(1)
      expect(h.manifest.manifest.resources[key()]).toMatchObject({ kind: kind.kind, step: 'contract' })
      expect(h.manifest.manifest.pending[key()]).toBeUndefined()
    })

    test('a second run sends no write', async () => {
      await converge(ctx, kind, spec)
      h.aws.resetCalls()
      const { result } = await converge(h.ctx(), kind, spec)
      expect(result.action).toBe('unchanged')
      expect(writes()).toEqual([])
    })

    test.skipIf(!fixture.changed)('one changed setting sends exactly the calls it needs', async () => {
      await converge(ctx, kind, spec)
      h.aws.resetCalls()
      const { result } = await converge(h.ctx(), kind, fixture.changed!(spec))
      expect(result.action).toBe('updated')
      expect(writes()).toEqual(fixture.updateCalls)
    })

    test('deleted out of band: recreated', async () => {
      await converge(ctx, kind, spec)
      fixture.deleteOutOfBand(h.aws, spec)
      const { result } = await converge(h.ctx(), kind, spec)
      expect(result.action).toBe('created')
      expect(fixture.count(h.aws, spec)).toBe(1)
    })

    test('killed after the create, before the record: the rerun finds it and makes no second one', async () => {
      await h.manifest.journal(key(), {
        operation: 'create',
        kind: kind.kind,
        name: spec.name,
        startedAt: new Date().toISOString(),
      })
      await kind.create(ctx, spec, kind.token?.(spec, ctx))
      const { result } = await converge(h.ctx(), kind, spec)
      expect(['unchanged', 'updated']).toContain(result.action)
      expect(result.note).toMatch(/interrupted create/)
      expect(fixture.count(h.aws, spec)).toBe(1)
      expect(h.manifest.manifest.pending[key()]).toBeUndefined()
      expect(h.manifest.manifest.resources[key()]).toBeDefined()
    })

    test('a lost create response (5xx after AWS acted): found and adopted, never a second one', async () => {
      h.aws.loseNextResponse(fixture.createCommand)
      const { result } = await converge(ctx, kind, spec)
      expect(result.action).toBe('created')
      expect(result.note).toMatch(/response was lost/)
      expect(fixture.count(h.aws, spec)).toBe(1)
    })

    test.skipIf(fixture.alreadyExists === false)(
      'a lost create response retried into "already exists": converges on the one made',
      async () => {
        h.aws.loseNextResponse(fixture.createCommand, () =>
          alreadyExists(h.aws, fixture.createCommand, fixture.alreadyExists || undefined),
        )
        const { result } = await converge(ctx, kind, spec)
        expect(result.action).toBe('created')
        expect(fixture.count(h.aws, spec)).toBe(1)
      },
    )

    test('a dry run sends no write and says what it would make', async () => {
      const { result } = await converge(h.ctx({ dryRun: true }), kind, spec)
      expect(result.action).toBe('would-create')
      expect(result.detail).toBeTruthy()
      expect(writes()).toEqual([])
    })

    test(
      kind.dataBearing || kind.keptWhenDropped ? 'dropped from config: retained' : 'dropped from config: deleted',
      async () => {
        await converge(ctx, kind, spec)
        const result = await remove(h.ctx(), kind, key(), h.manifest.manifest.resources[key()]!)
        const kept = kind.dataBearing || kind.keptWhenDropped
        expect(result.action).toBe(kept ? 'retained' : 'deleted')
        expect(fixture.count(h.aws, spec)).toBe(kept ? 1 : 0)
        expect(h.manifest.manifest.resources[key()] !== undefined).toBe(!!kept)
      },
    )

    test('destroy deletes it (with --delete-data for data), and a second destroy is a no-op', async () => {
      await converge(ctx, kind, spec)
      const destroy = h.ctx({ removal: { mode: 'destroy', deleteData: true, disableDeletionProtection: true } })
      const record = h.manifest.manifest.resources[key()]!
      expect((await remove(destroy, kind, key(), record)).action).toBe('deleted')
      expect(fixture.count(h.aws, spec)).toBe(0)
      expect(h.manifest.manifest.resources[key()]).toBeUndefined()
      // Already gone (a destroy killed after the delete, before the manifest forgot it): still deleted, no error.
      expect((await remove(destroy, kind, key(), record)).action).toBe('deleted')
    })
  })
}

/** The "already exists" error the create's own service raises. */
function alreadyExists(aws: AllFakes, command: string, name?: string): Error {
  const names: Record<string, string> = {
    CreateLogGroup: 'ResourceAlreadyExistsException',
    CreateTable: 'ResourceInUseException',
    CreateRole: 'EntityAlreadyExists',
    CreateFunction: 'ResourceConflictException',
  }
  return aws.errorFor(command, name ?? names[command] ?? 'ConflictException', `${command}: already exists`)
}
