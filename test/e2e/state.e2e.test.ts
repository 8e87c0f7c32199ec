// S3 state as processes: a run SIGKILLed mid-step leaves its journal, records and lock in S3; `infra unlock` shows
// the holder and removes the lock; the next run resumes from S3 with no duplicate. (Locking, leases, takeover and
// migrate are tested in process: test/steps/state-s3.test.ts, test/unit/state-s3.test.ts.)
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { editFakeState, makeWorkspace, readCalls, readFakeState, runCli, type Workspace } from '../support/cli.js'
import { editConfig } from '../support/context.js'

const BUCKET = 'new-service-state-887078546492'
const PREFIX = 'infra/new-service-staging/staging'
const TABLES = ['conversations', 'prompts', 'usage', 'websocket-connections'].map((t) => `new-service-staging-${t}`)

let ws: Workspace
beforeEach(() => {
  ws = makeWorkspace()
  editConfig(ws.dir, (c) => {
    c.state = { backend: 's3', bucket: 'new-service-state-${ACCOUNT_ID}' }
  })
  // The bucket `infra state init` makes (tested in process): versioned.
  editFakeState(ws.state, (aws) => {
    aws.s3.buckets[BUCKET] = {
      name: BUCKET,
      region: 'us-east-1',
      creationDate: Date.now(),
      versioning: 'Enabled',
      objects: {},
      recreatedInPlace: 0,
    }
  })
})
afterEach(() => ws.remove())

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: ws.dir, state: ws.state, env, timeoutMs: 90_000 })
const inS3 = (name: string) => JSON.parse(readFakeState(ws.state).s3.objectText(BUCKET, `${PREFIX}/${name}`) ?? 'null')

test('killed after a CreateTable, the lock is removed with infra unlock and the next run resumes from S3 with no duplicate', async () => {
  const crashed = await cli(['step', 'dynamodb', '--env', 'staging'], { FAKE_AWS_KILL_AFTER: 'CreateTable:2' })
  expect(crashed.signal).toBe('SIGKILL')
  // The journal went to S3 before each create: the manifest there knows the step was running.
  expect(inS3('manifest.json').steps.dynamodb.status).toBe('running')
  expect(inS3('lock.json').holder).toMatchObject({ command: 'step dynamodb' })

  const unlocked = await cli(['unlock', '--env', 'staging', '--yes'])
  expect(unlocked.code, unlocked.stderr).toBe(0)
  expect(unlocked.stdout).toMatch(
    new RegExp(
      `s3://${BUCKET}/${PREFIX}/lock\\.json is locked by \\S+ \\(pid \\d+ on .*, step dynamodb, since .*\\); lease last renewed`,
    ),
  )
  expect(unlocked.stdout).toContain('Removed the lock')
  expect(inS3('lock.json')).toBeNull()

  const resumed = await cli(['step', 'dynamodb', '--env', 'staging'])
  expect(resumed.code, resumed.stderr).toBe(0)
  const creates = readCalls(ws.state).filter((c) => c.command === 'CreateTableCommand')
  const names = creates.map((c) => c.input.TableName)
  expect(new Set(names).size).toBe(names.length)
  expect(creates.filter((c) => c.error)).toEqual([])
  expect(readFakeState(ws.state).dynamodb.tableNames().sort()).toEqual(TABLES)
  const manifest = inS3('manifest.json')
  expect(Object.keys(manifest.resources).filter((k) => k.startsWith('dynamodb-table:'))).toHaveLength(4)
  expect(manifest.pending).toEqual({})
  expect(manifest.steps.dynamodb.status).toBe('done')
  expect(inS3('lock.json')).toBeNull()
  expect(existsSync(path.join(ws.dir, '.infra', 'staging', 'manifest.json'))).toBe(false)
})
