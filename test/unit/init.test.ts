// `infra init` writes a service that validates at once, in every --with combination, and never overwrites.
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { initService } from '../../src/cli/init-actions.js'
import { loadConfig } from '../../src/config/load.js'
import { validateEnvironments } from '../../src/validate/environments.js'

const made: string[] = []
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))))
const emptyDir = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'infra-init-'))
  made.push(dir)
  return dir
}

describe('infra init', () => {
  test.each([[[]], [['rest']], [['rest', 'websocket', 'cognito']]])(
    '--with %j: every environment validates',
    async (features) => {
      const dir = await emptyDir()
      const result = await initService({ dir, name: 'my-service', region: 'eu-west-1', with: features })
      expect(result.files).toEqual([
        'config.json',
        'environments/dev.env',
        'environments/production.env',
        'handlers/api/index.ts',
      ])
      const report = await validateEnvironments({ root: dir })
      expect(report.environments).toHaveLength(2)
      const dev = await loadConfig({ root: dir, env: 'dev' })
      expect(dev).toMatchObject({ serviceName: 'my-service-dev', region: 'eu-west-1', environment: 'dev' })
      expect(
        Object.keys(dev.sections).filter((k) => dev.sections[k as keyof typeof dev.sections] !== undefined),
      ).toEqual(
        [
          ['rest', 'rest_api'],
          ['websocket', 'websocket_api'],
          ['cognito', 'cognito'],
        ]
          .filter(([f]) => features.includes(f!))
          .map(([, s]) => s),
      )
    },
    60_000,
  )

  test('refuses to overwrite: nothing is written when any of its files exists', async () => {
    const dir = await emptyDir()
    await writeFile(path.join(dir, 'config.json'), '{}\n')
    await expect(initService({ dir, name: 'my-service', region: 'us-east-1', with: [] })).rejects.toMatchObject({
      code: 'InitWouldOverwrite',
      exitCode: 2,
    })
    expect(readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe('{}\n')
    expect(existsSync(path.join(dir, 'environments'))).toBe(false)
  })

  test('bad flags are named, with "did you mean"', async () => {
    const dir = await emptyDir()
    await expect(initService({ dir, name: 'My Service', region: 'us-eest-1', with: ['webscoket'] })).rejects.toThrow(
      /--name "My Service" is not valid[\s\S]*--region "us-eest-1" is not an AWS region \(did you mean us-east-1\?[\s\S]*--with webscoket is not offered \(did you mean websocket\?/,
    )
  })
})
