// Step 06 against the fake AWS: a fresh deploy makes a private bucket and uploads the build folder; a rerun sends no
// write; a changed file is the only upload; a removed file is deleted (or kept one release); a bucket name taken by
// another account stops the step before anything is made; a missing folder or a failing build stops before AWS.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { ManifestStore } from '../../src/manifest/index.js'
import { s3Step } from '../../src/steps/06-s3.js'
import { deploy, editConfig, workspace } from '../support/context.js'
import { createFakeAws, type AllFakes } from '../support/fake-aws/index.js'

const BUCKET = 'new-service-staging-frontend'
const steps = [s3Step]

let fake: AllFakes
let root: string
const site = (file: string) => path.join(root, 'site', file)
const put = (file: string, text: string) => {
  mkdirSync(path.dirname(site(file)), { recursive: true })
  writeFileSync(site(file), text)
}

const API_URL = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/staging'
const WS_URL = 'wss://f6g7h8i9j0.execute-api.us-east-1.amazonaws.com/staging'

/** Steps 04, 05 and 08 as a previous run recorded them: config.js is written from their outputs. */
async function upstreamDeployed() {
  const store = await ManifestStore.open(path.join(root, '.infra', 'staging'), {
    service: 'new-service-staging',
    env: 'staging',
    region: 'us-east-1',
    account: '887078546492',
  })
  await store.lock({ command: 'test' })
  await store.stepFinished('api', { url: API_URL }, 'api')
  await store.stepFinished('websocket', { url: WS_URL }, 'websocket')
  await store.stepFinished(
    'cognito',
    { userPoolId: 'us-east-1_abc', clientId: 'client123', hostedUiUrl: 'https://auth.example.com' },
    'cognito',
  )
  await store.unlock()
}

beforeEach(async () => {
  fake = createFakeAws().install()
  root = workspace((config) => {
    config.frontend.source = 'site'
    config.frontend.runtime_config = 'config.js'
  })
  put('index.html', '<h1>chat</h1>')
  put('assets/app-3f9a1c2e.js', 'console.log(1)')
  await upstreamDeployed()
})
afterEach(() => fake.restore())

const run = () => deploy(root, { steps })
const writes = () => fake.writes().map((c) => `${c.command.replace(/Command$/, '')} ${c.input.Key ?? ''}`.trim())
const s3Outcome = async () => {
  const outcome = await run()
  const step = outcome.steps.find((s) => s.id === 's3')!
  return { outcome, step }
}

describe('s3 step: fresh deploy', () => {
  test('a private, versioned, encrypted bucket with the files, their types and caching, and config.js', async () => {
    const { outcome, step } = await s3Outcome()
    expect(outcome.ok).toBe(true)
    const bucket = fake.s3.buckets[BUCKET]!
    expect(bucket.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    })
    expect(bucket.ownership).toBe('BucketOwnerEnforced')
    expect(bucket.policy).toBeUndefined()
    expect(bucket.versioning).toBe('Enabled')
    expect(bucket.lifecycle?.[0]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })
    expect(bucket.tags).toContainEqual({ Key: 'managed-by', Value: 'infra' })
    expect(fake.s3.object(BUCKET, 'index.html')).toMatchObject({
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'no-cache',
    })
    expect(fake.s3.object(BUCKET, 'assets/app-3f9a1c2e.js')).toMatchObject({
      cacheControl: 'public, max-age=31536000, immutable',
    })
    expect(fake.s3.objectText(BUCKET, 'config.js')).toContain(
      `window.INFRA_CONFIG = ${JSON.stringify(
        {
          region: 'us-east-1',
          restApiUrl: API_URL,
          websocketUrl: WS_URL,
          userPoolId: 'us-east-1_abc',
          userPoolClientId: 'client123',
          hostedUiUrl: 'https://auth.example.com',
        },
        null,
        2,
      )}`,
    )
    expect(step.outputs).toEqual({
      bucket: {
        name: BUCKET,
        arn: `arn:aws:s3:::${BUCKET}`,
        regionalDomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`,
      },
      changedPaths: ['/assets/app-3f9a1c2e.js', '/config.js', '/index.html'],
    })
    // HeadBucket came before the create; the bucket was tagged as it was made.
    const commands = fake.calls.map((c) => c.command)
    expect(commands.indexOf('HeadBucketCommand')).toBeLessThan(commands.indexOf('CreateBucketCommand'))
    // The create set object ownership, and a bucket just made holds nothing to list.
    expect(commands).not.toContain('PutBucketOwnershipControlsCommand')
    expect(commands).not.toContain('ListObjectsV2Command')
  })

  test('a rerun reads only: zero writes, and no changed paths', async () => {
    await run()
    fake.resetCalls()
    const { step } = await s3Outcome()
    expect(writes()).toEqual([])
    expect(step.outputs).toMatchObject({ changedPaths: [] })
    // One listing, no HEAD per object: the manifest vouches for what it uploaded.
    expect(fake.calls.filter((c) => c.command === 'HeadObjectCommand')).toEqual([])
  })
})

describe('s3 step: the files change', () => {
  test('one file changed: only it is uploaded', async () => {
    await run()
    put('index.html', '<h1>chat v2</h1>')
    fake.resetCalls()
    const { step } = await s3Outcome()
    expect(writes()).toEqual(['PutObject index.html'])
    expect(step.outputs).toMatchObject({ changedPaths: ['/index.html'] })
    expect(fake.s3.objectText(BUCKET, 'index.html')).toBe('<h1>chat v2</h1>')
  })

  test('a file the folder no longer has is deleted', async () => {
    await run()
    rmSync(site('assets/app-3f9a1c2e.js'))
    put('assets/app-77ab01cd.js', 'console.log(2)')
    fake.resetCalls()
    const { step } = await s3Outcome()
    expect(writes()).toEqual(['PutObject assets/app-77ab01cd.js', 'DeleteObjects'])
    expect(fake.s3.object(BUCKET, 'assets/app-3f9a1c2e.js')).toBeUndefined()
    expect(step.outputs).toMatchObject({ changedPaths: ['/assets/app-77ab01cd.js', '/assets/app-3f9a1c2e.js'] })
  })

  test('keep_old_files: a removed file stays for one release, then goes', async () => {
    editConfig(root, (config) => (config.frontend.keep_old_files = true))
    await run()
    rmSync(site('assets/app-3f9a1c2e.js'))
    fake.resetCalls()
    await run()
    expect(writes()).toEqual([])
    expect(fake.s3.object(BUCKET, 'assets/app-3f9a1c2e.js')).toBeDefined()
    await run()
    expect(writes()).toEqual(['DeleteObjects'])
    expect(fake.s3.object(BUCKET, 'assets/app-3f9a1c2e.js')).toBeUndefined()
  })

  test('--keep-old-files: the same for one deploy, without the config key', async () => {
    await run()
    rmSync(site('assets/app-3f9a1c2e.js'))
    fake.resetCalls()
    await deploy(root, { steps, flags: { keepOldFiles: true } })
    expect(writes()).toEqual([])
    expect(fake.s3.object(BUCKET, 'assets/app-3f9a1c2e.js')).toBeDefined()
    await run()
    expect(writes()).toEqual(['DeleteObjects'])
  })

  test('a file changed behind infra’s back is uploaded again (its metadata says what it holds)', async () => {
    await run()
    fake.s3.putObjectOutOfBand(BUCKET, 'index.html', 'defaced')
    fake.resetCalls()
    await run()
    expect(writes()).toEqual(['PutObject index.html'])
    expect(fake.s3.objectText(BUCKET, 'index.html')).toBe('<h1>chat</h1>')
  })
})

describe('s3 step: refused before anything is made', () => {
  test('a bucket name owned by another account: the message suggests a free name, nothing is created', async () => {
    fake.s3.takeNameInAnotherAccount(BUCKET)
    const { outcome, step } = await s3Outcome()
    expect(outcome.ok).toBe(false)
    expect(step.error).toMatchObject({ code: 'BucketNameTaken' })
    expect(step.error?.message).toMatch(/taken by another AWS account/)
    expect(step.error?.hint).toContain(`"${BUCKET}-887078546492"`)
    expect(fake.writes()).toEqual([])
  })

  test('a missing build folder: a config error naming frontend.source, before any call but the account check', async () => {
    rmSync(path.join(root, 'site'), { recursive: true })
    await expect(run()).rejects.toMatchObject({ code: 'FrontendSourceMissing', message: /frontend\.source/ })
    expect(fake.calls.filter((c) => c.service !== 'sts')).toEqual([])
  })

  test('frontend.build runs first; when it fails its output is shown and nothing but the account check is called', async () => {
    editConfig(root, (config) => (config.frontend.build = 'node -e "console.log(\'compiling\'); process.exit(3)"'))
    await expect(run()).rejects.toMatchObject({ code: 'FrontendBuildFailed', message: /exit code 3\ncompiling/ })
    expect(fake.calls.filter((c) => c.service !== 'sts')).toEqual([])
    editConfig(
      root,
      (config) => (config.frontend.build = `node -e "require('fs').writeFileSync('site/built.txt', 'x')"`),
    )
    expect((await run()).ok).toBe(true)
    expect(fake.s3.objectText(BUCKET, 'built.txt')).toBe('x')
  })
})
