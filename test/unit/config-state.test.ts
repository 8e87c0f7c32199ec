// config.json "state" and the env file's STATE_* keys, resolved per environment.
import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { editConfig, workspace } from '../support/context.js'

const load = (root: string, env = 'staging') => loadConfig({ root, env })

describe('state', () => {
  test('local by default, with no setup', async () => {
    expect((await load(workspace())).state).toEqual({ backend: 'local' })
  })

  test('s3: templates expanded per environment, the region defaulting to the environment’s', async () => {
    const root = workspace((c) => {
      c.state = { backend: 's3', bucket: '${SERVICE_NAME}-state-${ACCOUNT_ID}' }
    })
    expect((await load(root)).state).toEqual({
      backend: 's3',
      bucket: 'new-service-staging-state-887078546492',
      prefix: 'infra/new-service-staging/staging',
      region: 'us-east-1',
    })
  })

  test('an env file switches one environment to S3 (STATE_* wins over config.json)', async () => {
    const root = workspace()
    appendFileSync(
      path.join(root, 'environments', 'staging.env'),
      'STATE_BACKEND=s3\nSTATE_BUCKET=team-state\nSTATE_PREFIX=/svc/${ENVIRONMENT}/\nSTATE_REGION=eu-west-1\n',
    )
    expect((await load(root)).state).toEqual({
      backend: 's3',
      bucket: 'team-state',
      prefix: 'svc/staging',
      region: 'eu-west-1',
    })
    expect((await load(root, 'production')).state).toEqual({ backend: 'local' })
  })

  test('s3 without a bucket, or with an invalid one, is a config error naming the field', async () => {
    const root = workspace((c) => {
      c.state = { backend: 's3' }
    })
    await expect(load(root)).rejects.toMatchObject({
      code: 'InvalidConfig',
      exitCode: 2,
      message: expect.stringContaining('state.bucket: is required with backend "s3"'),
    })
    editConfig(root, (c) => {
      c.state = { backend: 's3', bucket: 'Team_State' }
    })
    await expect(load(root)).rejects.toMatchObject({
      message: expect.stringContaining('state.bucket: "Team_State" is not a valid bucket name'),
    })
    editConfig(root, (c) => {
      c.state = { backend: 'dynamodb' }
    })
    await expect(load(root)).rejects.toMatchObject({ message: expect.stringContaining('state.backend') })
  })
})
