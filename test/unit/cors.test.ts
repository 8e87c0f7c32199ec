import { describe, expect, test } from 'vitest'
import { corsOriginsFor } from '../../src/config/cors.js'
import { loadConfig } from '../../src/config/load.js'
import { functionEnvironment } from '../../src/steps/lambda-specs.js'
import { REPO_ROOT } from '../support/context.js'

describe('CORS origins per environment', () => {
  const byEnv = { production: ['https://new-service.com'], '*': ['http://localhost:5173'] }

  test('the environment’s own list, else the "*" list', () => {
    expect(corsOriginsFor(byEnv, 'production', true)).toEqual({ origins: ['https://new-service.com'] })
    expect(corsOriginsFor(byEnv, 'dev', false)).toEqual({ origins: ['http://localhost:5173'] })
  })

  test('never every origin in production, and a missing list names the field', () => {
    expect(corsOriginsFor({ production: ['*'] }, 'production', true)).toMatchObject({
      problem: { field: ['rest_api', 'cors', 'allowed_origins', 'production'] },
    })
    expect(corsOriginsFor({ production: ['https://a'] }, 'dev', false)).toMatchObject({
      problem: { field: ['rest_api', 'cors', 'allowed_origins'] },
    })
  })

  test('functions behind the REST API get the origins; WebSocket functions do not', async () => {
    const config = await loadConfig({ root: REPO_ROOT, env: 'production' })
    const up = { roleArn: 'arn:aws:iam::887078546492:role/r', tables: {}, references: {} }
    const env = (id: string) =>
      functionEnvironment(
        config.functions.find((f) => f.logicalId === id)!,
        config,
        up as never,
      )
    expect(env('conversation-api').CORS_ALLOWED_ORIGINS).toBe('https://new-service.com')
    expect(env('websocket-message').CORS_ALLOWED_ORIGINS).toBeUndefined()
  })
})
