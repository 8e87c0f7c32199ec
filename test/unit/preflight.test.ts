// Every step's own config derivations run before any AWS call: what only a step finds is still a load-time error.
import { afterAll, expect, test } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { preflightSteps } from '../../src/steps/preflight.js'
import { makeProject, removeProjects } from '../fixtures/config/project.js'

afterAll(removeProjects)

test('the default config passes every step’s preflight', async () => {
  const { root } = await makeProject()
  const config = await loadConfigOf(root)
  expect(() => preflightSteps(config)).not.toThrow()
})

test('a name only the websocket step expands and checks (too long) is found before any step runs', async () => {
  const { root } = await makeProject({
    mutate: (c: any) => (c.websocket_api.name = `\${SERVICE_NAME}-${'w'.repeat(120)}`),
  })
  const config = await loadConfigOf(root)
  expect(() => preflightSteps(config)).toThrow(/websocket_api\.name: .*at most 128/)
})

const loadConfigOf = (root: string) => loadConfig({ root, env: 'staging' })
