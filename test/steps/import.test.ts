// `infra import` against the fake: a service made the manual's way (everything infra would make, without its tags
// or manifest, plus a second REST API of the same name) is found by name, the user chooses between the duplicates,
// and the import tags and records what it found with no other write; a deploy after it creates nothing.
import { rmSync } from 'node:fs'
import path from 'node:path'
import { APIGatewayClient, CreateRestApiCommand } from '@aws-sdk/client-api-gateway'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { importEnvironment, type ImportDecisions } from '../../src/cli/import-actions.js'
import { ambiguityError } from '../../src/cli/import-prompt.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { deploy, workspace } from '../support/context.js'
import { withoutOwnershipTags } from '../support/manual-way.js'
import { API_NAME, apiSteps } from './rest-api-helpers.js'

let aws: AllFakes
let root: string
beforeEach(() => {
  aws = createFakeAws().install()
  root = workspace()
})
afterEach(() => aws.restore())

// Step 04 and the steps it needs: tables, roles, functions, log groups, a user pool and a REST API with its children.
const request = (choices: Record<string, string> = {}) => ({
  config: path.join(root, 'config.json'),
  env: 'staging',
  choices,
  only: apiSteps().map((s) => s.id),
  renderer: 'silent' as const,
})

/** Everything the default config describes, as the manual's scripts leave it: untagged, no manifest. */
async function madeTheManualsWay(): Promise<{ keys: string[]; apiId: string }> {
  const deployed = await deploy(root, { steps: apiSteps() })
  expect(deployed.steps.filter((s) => s.status !== 'done').map((s) => [s.id, s.error ?? s.reason])).toEqual([])
  const keys = [...new Set(deployed.steps.flatMap((s) => s.results.map((r) => r.key)))].sort()
  aws.load(withoutOwnershipTags(aws.toJSON()) as Record<string, unknown>)
  rmSync(path.join(root, '.infra'), { recursive: true, force: true })
  const [api] = aws.apigateway.apisNamed(API_NAME)
  return { keys, apiId: api!.id }
}

/** A second REST API of the same name, made later (the manual run twice). */
const duplicateApi = async () =>
  (await new APIGatewayClient({ region: 'us-east-1' }).send(new CreateRestApiCommand({ name: API_NAME }))).id!

describe('infra import', () => {
  test('finds what the manual made, asks which duplicate is ours, tags and records only; a deploy then creates nothing', async () => {
    const made = await madeTheManualsWay()
    const duplicate = await duplicateApi()
    aws.resetCalls()
    const choose = vi.fn<ImportDecisions['choose']>(async (ambiguous) =>
      Object.fromEntries(ambiguous.map((a) => [a.key, made.apiId])),
    )
    const confirm = vi.fn<ImportDecisions['confirm']>(async () => undefined)
    const decide: ImportDecisions = { choose, confirm }
    const imported = await importEnvironment(request(), decide)

    // The duplicates are listed with their ids and creation dates, once.
    expect(choose).toHaveBeenCalledTimes(1)
    const [ambiguous] = choose.mock.calls[0]!
    expect(ambiguous).toEqual([
      expect.objectContaining({
        key: 'rest-api:rest-api',
        candidates: [
          { id: made.apiId, createdAt: expect.any(String), managed: false },
          { id: duplicate, createdAt: expect.any(String), managed: false },
        ],
      }),
    ])
    // The plan was shown before anything was written.
    const [plan, toAdopt] = confirm.mock.calls[0]!
    expect(plan.text).toContain(`> adopt rest-api ${API_NAME}`)
    expect(toAdopt).toBe(made.keys.length)

    // Tags are the only writes; every resource the deploy made is recorded again, the duplicate is left alone.
    expect(imported.outcome.ok).toBe(true)
    const writes = aws.writes().map((c) => c.command)
    expect(writes.length).toBeGreaterThan(0)
    expect(writes.filter((c) => !/^(Tag|ChangeTagsFor|Put\w*Tagging)/.test(c))).toEqual([])
    const manifest = JSON.parse(
      (await import('node:fs')).readFileSync(path.join(root, '.infra', 'staging', 'manifest.json'), 'utf8'),
    )
    expect(Object.keys(manifest.resources).sort()).toEqual(made.keys)
    expect(manifest.resources['rest-api:rest-api'].id).toBe(made.apiId)
    expect(aws.apigateway.state.apis[duplicate]!.tags ?? {}).toEqual({})
    expect(imported.text).toMatch(/Imported: \d+ adopted/)

    // What the manual made is infra's now: the next deploy makes nothing new.
    aws.resetCalls()
    const next = await deploy(root, { steps: apiSteps() })
    expect(next.ok).toBe(true)
    expect(aws.writes().filter((c) => c.command.startsWith('Create'))).toEqual([])
  })

  test('without a terminal and without --choose, duplicates stop the import before any write', async () => {
    await madeTheManualsWay()
    await duplicateApi()
    aws.resetCalls()
    const confirm = vi.fn(async () => undefined)
    await expect(
      importEnvironment(request(), { choose: async (a, env) => Promise.reject(ambiguityError(a, env)), confirm }),
    ).rejects.toMatchObject({
      code: 'ImportAmbiguous',
      message: expect.stringMatching(/rest-api:rest-api\) has 2 candidates/),
    })
    expect(confirm).not.toHaveBeenCalled()
    expect(aws.writes()).toEqual([])
  })

  test('a --choose naming no candidate is refused with the candidates’ ids', async () => {
    const made = await madeTheManualsWay()
    await duplicateApi()
    aws.resetCalls()
    await expect(
      importEnvironment(request({ 'rest-api:rest-api': 'nope' }), {
        choose: async () => ({}),
        confirm: async () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'ImportChoiceNotFound', message: expect.stringContaining(made.apiId) })
    expect(aws.writes()).toEqual([])
  })
})
