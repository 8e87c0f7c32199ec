// Step 08 (the manual's "Cognito 사용자 풀"): the user pool, the browser app's client, and the hosted UI's prefix
// domain. The manual's client secret + USER_PASSWORD_AUTH is only made when cognito.legacy_password_auth asks for it.
import { ensureUserPoolClient } from '../resources/cognito/client.js'
import { ensureUserPoolDomain } from '../resources/cognito/domain.js'
import { ensureUserPool } from '../resources/cognito/user-pool.js'
import { cognitoConfig, cognitoOutputs, cognitoSpecs } from './cognito-specs.js'
import type { Step } from './types.js'

export const cognitoStep: Step = {
  id: 'cognito',
  number: 8,
  title: 'Cognito user pool',
  needs: [],
  inputs: (config) => cognitoConfig(config) ?? null,
  async run(ctx) {
    const resolved = cognitoConfig(ctx.config)
    if (!resolved) return {}
    const specs = cognitoSpecs(resolved)
    const pool = await ensureUserPool(ctx, specs.pool)
    ctx.report(pool.result)
    const planning = ctx.dryRun || ctx.offline
    const region = ctx.identity.region
    const prefix = specs.domain.prefix
    // A same-named pool left alone (no --adopt) is not ours to give a client or a domain.
    if (!pool.managed && !ctx.offline)
      return cognitoOutputs(region, { userPoolId: pool.result.id, userPoolArn: pool.result.arn }, prefix, planning)
    const poolId = pool.pool?.Id
    // Independent once the pool exists: the client is quick, the domain may take up to a minute to become ACTIVE.
    // Both finish (or fail) before the step does, so nothing is left changing once it has reported.
    const [client, domain] = await Promise.allSettled([
      ensureUserPoolClient(ctx, specs.client, poolId),
      ensureUserPoolDomain(ctx, specs.domain, { id: poolId, domain: pool.pool?.Domain }),
    ])
    if (client.status === 'rejected') throw client.reason
    if (domain.status === 'rejected') throw domain.reason
    ctx.report(client.value)
    ctx.report(domain.value)
    const ids = { userPoolId: pool.result.id, userPoolArn: pool.result.arn, clientId: client.value.id }
    return cognitoOutputs(region, ids, prefix, planning)
  },
}
