// REST: the caller's conversations. See handlers/README.md for routes and the data model.
import { once, tableName } from '../lib/env.js'
import { createDocumentClient } from '../lib/ddb.js'
import { restHandler } from '../lib/http.js'
import type { RouteTable } from '../lib/http.js'
import { deleteConversation, getConversation, listConversations, postConversation, putConversation } from './routes.js'
import type { ConversationApiDeps } from './routes.js'

export type { ConversationApiDeps } from './routes.js'

export function createHandler(loadDeps: () => ConversationApiDeps) {
  const routes = once((): RouteTable => {
    const deps = loadDeps()
    return {
      'GET /conversations': (event, userId) => listConversations(deps, event, userId),
      'POST /conversations': (event, userId) => postConversation(deps, event, userId),
      'GET /conversations/{id}': (event, userId) => getConversation(deps, event, userId),
      'PUT /conversations/{id}': (event, userId) => putConversation(deps, event, userId),
      'DELETE /conversations/{id}': (event, userId) => deleteConversation(deps, event, userId),
    }
  })
  return restHandler(routes)
}

export const defaultDeps = once((): ConversationApiDeps => ({
  ddb: createDocumentClient(),
  table: tableName('conversations'),
}))

export const handler = createHandler(defaultDeps)
