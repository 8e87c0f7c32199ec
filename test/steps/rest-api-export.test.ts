// `infra export --openapi` in process: the document step 04 sends, with the ARNs the manifest records after a deploy,
// computed ones (and what it could not know) before; OpenAPI 3.0's shape; no AWS call; a config without rest_api.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { exportOpenApi } from '../../src/cli/export-actions.js'
import { editConfig } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'
import { ALIAS, ENV, fastWorkspace, fnName } from './lambda-helpers.js'
import { deployApi, normalisedWrites } from './rest-api-helpers.js'

let fake: AllFakes
beforeEach(() => {
  fake = createFakeAws().install()
})
afterEach(() => fake.restore())

const exported = (root: string, out?: string) =>
  exportOpenApi({ config: path.join(root, 'config.json'), env: ENV, ...(out ? { out } : {}) })

/** The shape OpenAPI 3.0 requires of a document, of each path item and of each operation. */
function expectOpenApi30(document: any): void {
  expect(document.openapi).toMatch(/^3\.0\.\d+$/)
  expect(document.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }))
  for (const [p, item] of Object.entries<any>(document.paths)) {
    expect(p).toMatch(/^\//)
    for (const [method, op] of Object.entries<any>(item)) {
      expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']).toContain(method)
      expect(Object.keys(op.responses).length, `${method} ${p}`).toBeGreaterThan(0)
      for (const r of Object.values<any>(op.responses)) expect(typeof r.description).toBe('string')
      for (const requirement of op.security ?? [])
        for (const scheme of Object.keys(requirement))
          expect(document.components.securitySchemes).toHaveProperty(scheme)
      for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
        expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }))
    }
  }
}

describe('infra export --openapi', () => {
  test('after a deploy: exactly the document the deploy sent, with the recorded ARNs; no AWS call', async () => {
    const root = fastWorkspace()
    await deployApi(root)
    const [sent] = normalisedWrites(fake, fake.calls).filter((c: any) => c.command === 'PutRestApi') as any[]
    fake.resetCalls()
    const result = await exported(root)
    expect(fake.calls).toEqual([])
    expect(result.notes).toEqual([])
    expectOpenApi30(result.document)
    expect(JSON.parse(result.text)).toEqual(result.document)
    expect(JSON.parse(JSON.stringify(result.document).replace(/us-east-1_[A-Za-z0-9]+/g, '<pool>'))).toEqual(
      sent.input.body,
    )
    const pool = (result.document.components.securitySchemes!['cognito-user-pool'] as any)[
      'x-amazon-apigateway-authorizer'
    ].providerARNs
    expect(pool).toEqual([expect.stringMatching(/^arn:aws:cognito-idp:us-east-1:\d{12}:userpool\/us-east-1_/)])
    expect(JSON.stringify(result.document)).toContain(`${fake.lambda.arn(fnName('usage-handler'), ALIAS)}/invocations`)
  }, 60_000)

  test('never deployed: alias ARNs computed from config, the pool "(known after apply)", both said; --out writes', async () => {
    const root = fastWorkspace()
    const out = path.join(root, 'openapi.json')
    const result = await exported(root, out)
    expect(fake.calls).toEqual([])
    expect(result.notes).toEqual([
      `the lambda step has not run in ${ENV}: the functions' alias ARNs are computed from config.json`,
      `the cognito step has not run in ${ENV}: the user pool's ARN reads "(known after apply)"`,
    ])
    expect(result.file).toBe(out)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result.document)
    expectOpenApi30(result.document)
  }, 60_000)

  test('a config without rest_api: exit 2, saying so', async () => {
    const root = fastWorkspace()
    editConfig(root, (c) => {
      delete c.rest_api
      c.monitoring.alarms = c.monitoring.alarms.filter((a: { namespace: string }) => a.namespace !== 'AWS/ApiGateway')
    })
    await expect(exported(root)).rejects.toMatchObject({
      code: 'NoRestApi',
      exitCode: 2,
      message: expect.stringContaining('config.json has no rest_api section'),
    })
  }, 60_000)
})
