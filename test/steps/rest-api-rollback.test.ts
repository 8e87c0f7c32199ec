// `infra rollback --stage` in-process against the fake: the stage back to its previous deployment, a dry run, the
// errors, and the next deploy moving the stage forward again without a new deployment.
import { resultsOf } from '../support/context.js'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { editConfig } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { ENV, fastWorkspace } from './lambda-helpers.js'
import { apiWrites, deployApi, manifestOf, stageRollback, theApi } from './rest-api-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

/** Two deployments: the first without POST /usage, the second (served) with it. */
async function twoDeployments() {
  const root = fastWorkspace()
  await deployApi(root)
  editConfig(root, (c) => c.rest_api.endpoints[4].methods.push('POST'))
  await deployApi(root)
  const api = theApi(fake)
  const [first, second] = fake.apigateway.deployments(api.id)
  return { root, api, first: first!, second: second! }
}

describe('rollback --stage', () => {
  test('points the stage at the deployment before the one it serves, and records it', async () => {
    const { root, api, first, second } = await twoDeployments()
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(second.id)
    fake.resetCalls()
    const { outcome, text } = await stageRollback(root)
    expect(apiWrites(fake.calls)).toEqual(['UpdateStage'])
    expect(fake.calls.find((c) => c.command === 'UpdateStageCommand')?.input.patchOperations).toEqual([
      { op: 'replace', path: '/deploymentId', value: first.id },
    ])
    expect(outcome).toMatchObject({
      action: 'changed',
      stage: ENV,
      restApiId: api.id,
      from: { id: second.id },
      to: { id: first.id },
    })
    expect(text).toContain(`~ deployment ${second.id}`)
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(first.id)
    expect(fake.apigateway.servedMethodKeys(api.id, ENV)).not.toContain('POST /usage')
    expect(manifestOf(root).resources[`rest-api-stage:rest-api/${ENV}`]).toMatchObject({
      attributes: { deploymentId: first.id, rollbackHold: { deploymentId: second.id } },
    })
    expect(manifestOf(root).history.at(-1)).toMatchObject({ command: 'rollback', status: 'succeeded' })
  }, 60_000)

  test('--dry-run says what would change and changes nothing', async () => {
    const { root, api, first, second } = await twoDeployments()
    fake.resetCalls()
    const { outcome, text } = await stageRollback(root, { dryRun: true })
    expect(fake.writes()).toEqual([])
    expect(outcome).toMatchObject({ action: 'would-change', from: { id: second.id }, to: { id: first.id } })
    expect(text).toContain('No change was made')
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(second.id)
  }, 60_000)

  test('a stage rollback holds: the same definition is not deployed again; a changed API is, and releases it', async () => {
    const { root, api, first } = await twoDeployments()
    await stageRollback(root)
    fake.resetCalls()
    const held = await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual([])
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(first.id)
    const stage = resultsOf(held).find((r) => r.kind === 'rest-api-stage')!
    expect(stage.note).toContain('held on deployment')

    editConfig(root, (c) => c.rest_api.endpoints[4].methods.push('DELETE'))
    await deployApi(root)
    expect(fake.apigateway.deployments(api.id)).toHaveLength(3)
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(fake.apigateway.deployments(api.id)[2]!.id)
  }, 60_000)

  test('rolling forward with --to releases the hold: the next deploy sends no write', async () => {
    const { root, api, second } = await twoDeployments()
    await stageRollback(root)
    await stageRollback(root, { to: second.id })
    fake.resetCalls()
    await deployApi(root)
    expect(apiWrites(fake.calls)).toEqual([])
    expect(fake.apigateway.stage(api.id, ENV)?.deploymentId).toBe(second.id)
  }, 60_000)

  test('--to a deployment ID; a clear error for one that does not exist', async () => {
    const { root, api, first } = await twoDeployments()
    await stageRollback(root)
    const back = await stageRollback(root, { to: fake.apigateway.deployments(api.id)[1]!.id })
    expect(back.outcome.from.id).toBe(first.id)
    await expect(stageRollback(root, { to: 'nosuch' })).rejects.toMatchObject({
      code: 'DeploymentNotFound',
      message: expect.stringContaining('deployment nosuch does not exist'),
    })
  }, 60_000)

  test('no earlier deployment, or no such stage: errors that say so and what to do', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    await expect(stageRollback(root)).rejects.toMatchObject({
      code: 'NothingToRollBack',
      message: expect.stringMatching(/serves deployment \w+ and no earlier deployment exists$/),
    })
    await expect(stageRollback(root, { stage: 'prod' })).rejects.toMatchObject({
      code: 'StageNotFound',
      hint: expect.stringContaining(`--stage ${ENV}`),
    })
    expect(fake.writes().filter((c) => c.command === 'UpdateStageCommand')).toHaveLength(1)
  }, 60_000)
})
