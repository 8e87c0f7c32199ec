// REST: the caller's saved prompts. GET /prompts needs the `prompts-by-user` GSI (see README.md).
import { once, optionalEnv, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import { restHandler } from '../lib/http.js'
import type { RouteTable } from '../lib/http.js'
import { deletePrompt, getPrompt, listPrompts, postPrompt, putPrompt } from './routes.js'
import type { PromptCrudDeps } from './routes.js'

export type { PromptCrudDeps } from './routes.js'

export const DEFAULT_PROMPTS_BY_USER_INDEX = 'prompts-by-user'

export function createHandler(loadDeps: () => PromptCrudDeps) {
  const routes = once((): RouteTable => {
    const deps = loadDeps()
    return {
      'GET /prompts': (event, userId) => listPrompts(deps, event, userId),
      'POST /prompts': (event, userId) => postPrompt(deps, event, userId),
      'GET /prompts/{id}': (event, userId) => getPrompt(deps, event, userId),
      'PUT /prompts/{id}': (event, userId) => putPrompt(deps, event, userId),
      'DELETE /prompts/{id}': (event, userId) => deletePrompt(deps, event, userId),
    }
  })
  return restHandler(routes)
}

export const defaultDeps = once((): PromptCrudDeps => ({
  ddb: createDocumentClient(),
  table: tableName('prompts'),
  byUserIndex: optionalEnv('PROMPTS_BY_USER_INDEX') ?? DEFAULT_PROMPTS_BY_USER_INDEX,
}))

export const handler = createHandler(defaultDeps)
