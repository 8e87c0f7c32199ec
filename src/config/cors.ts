// Which browser origins one environment's REST API allows: used by config validation (at load time), by step 04
// (preflight and gateway responses) and by step 03 (the functions echo an allowed Origin on their own responses).
import type { FieldPath } from './issues.js'

export type CorsChoice = { origins: string[] } | { problem: { field: FieldPath; message: string } }

/** The environment's own entry, else the "*" entry; never the "*" origin in a production environment. */
export function corsOriginsFor(byEnv: Record<string, string[]>, environment: string, production: boolean): CorsChoice {
  const key = Object.hasOwn(byEnv, environment) ? environment : '*'
  const field = ['rest_api', 'cors', 'allowed_origins', key]
  const origins = byEnv[key]
  if (!origins) {
    return {
      problem: { field: field.slice(0, -1), message: `has no entry for ENVIRONMENT ${environment} and no "*" entry` },
    }
  }
  if (production && origins.includes('*')) {
    return {
      problem: {
        field,
        message: `allows every origin ("*") in production environment ${environment} (list the origins of the production frontend)`,
      },
    }
  }
  return { origins }
}
