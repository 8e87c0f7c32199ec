// A region the SDK does not list is refused where it was written; environments that would share names are warned of.
import { afterAll, describe, expect, test } from 'vitest'
import { loadConfig, sharedNameWarnings } from '../../src/config/load.js'
import { envFileWith, makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

describe('regions', () => {
  test('a well-formed region the SDK does not list: refused at its env file line, with "did you mean"', async () => {
    const { root } = await makeProject({
      envFiles: { staging: envFileWith('staging', { AWS_REGION: 'AWS_REGION=us-eest-1' }) },
    })
    const load = loadConfig({ root, env: 'staging' })
    await expect(load).rejects.toMatchObject({ code: 'UnknownRegion', exitCode: 2 })
    await expect(load).rejects.toThrow(
      /environments\/staging\.env:\d+ AWS_REGION: "us-eest-1" is not an AWS region \(did you mean us-east-1\?/,
    )
  })

  test('from --region and from config.json too; a listed region passes', async () => {
    const { root } = await makeProject({ mutate: (c) => (c.region = 'eu-wset-1') })
    await expect(loadConfig({ root, env: 'staging', flags: { region: 'ap-southeast-9' } })).rejects.toThrow(
      /^--region "ap-southeast-9" is not an AWS region/,
    )
    const dev = envFileWith('dev', { AWS_REGION: null })
    const { root: other } = await makeProject({ mutate: (c) => (c.region = 'eu-wset-1'), envFiles: { dev } })
    await expect(loadConfig({ root: other, env: 'dev' })).rejects.toThrow(
      /config\.json:\d+:\d+ region: "eu-wset-1" .*did you mean eu-west-1\?/,
    )
    await expect(loadConfig({ root, env: 'staging', flags: { region: 'eu-central-2' } })).resolves.toMatchObject({
      region: 'eu-central-2',
    })
  })
})

describe('environments that share names', () => {
  test('qa.env copied from dev.env: the same SERVICE_NAME in one account is warned of, naming both files', async () => {
    const { root } = await makeProject({ envFiles: { qa: envFileWith('dev', {}) } })
    const warnings = await sharedNameWarnings(await loadConfig({ root, env: 'qa' }))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^environments\/qa\.env and environments\/dev\.env share SERVICE_NAME new-service-dev in account \d{12}/,
      ),
    ])
  })

  test('its own SERVICE_NAME but ENVIRONMENT=dev still: warned of (aliases and stages would be named dev)', async () => {
    const { root } = await makeProject({
      envFiles: { qa: envFileWith('dev', { SERVICE_NAME: 'SERVICE_NAME=new-service-qa' }) },
    })
    const warnings = await sharedNameWarnings(await loadConfig({ root, env: 'qa' }))
    expect(warnings).toEqual([expect.stringContaining('share ENVIRONMENT=dev (a copied file?)')])
  })

  test('the repository’s own environments share nothing', async () => {
    const { root } = await makeProject()
    expect(await sharedNameWarnings(await loadConfig({ root, env: 'staging' }))).toEqual([])
  })
})
