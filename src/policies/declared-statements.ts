// Free `permissions` statements (on a function, or an identity pool's roles) as IAM policy statements. Config load
// already refused "*" in production without allow_wildcard (config/resolve-params.ts); here they are only shaped.
import type { PermissionStatement } from '../config/resolve-params.js'
import type { PolicyStatement } from '../resources/policy-document.js'

/**
 * One IAM statement per distinct declared statement (the functions share one role, so two functions declaring the
 * same one make one statement), with Sids `<prefix>1`, `<prefix>2`, … in declaration order.
 */
export function declaredStatements(declared: readonly PermissionStatement[], prefix: string): PolicyStatement[] {
  const distinct = new Map<string, PermissionStatement>()
  for (const s of declared) {
    const shape = { effect: s.effect, actions: [...s.actions].sort(), resources: [...s.resources].sort() }
    distinct.set(JSON.stringify(shape), shape)
  }
  return [...distinct.values()].map((s, i) => ({
    Sid: `${prefix}${i + 1}`,
    Effect: s.effect,
    Action: s.actions,
    Resource: s.resources,
  }))
}
