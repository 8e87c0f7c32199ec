// Step 08 (the manual's "Cognito 사용자 풀"): the user pool, the browser app's client, and the hosted UI's prefix
// domain. The manual's client secret + USER_PASSWORD_AUTH is only made when cognito.legacy_password_auth asks for it.
import { userPoolClientKind } from '../resources/cognito/client.js'
import { userPoolDomainKind } from '../resources/cognito/domain.js'
import { userPoolKind } from '../resources/cognito/user-pool.js'
import { converge } from '../resources/engine/converge.js'
import { cognitoConfig, cognitoOutputs, cognitoSpecs } from './cognito-specs.js'
import { convergeIdentityPool, identityPoolConfig, identityPoolOutput } from './identity-pool.js'
import type { Step } from './types.js'

export const cognitoStep: Step<'cognito'> = {
  id: 'cognito',
  number: 8,
  title: 'Cognito user pool',
  needs: [],
  inputs: (config) => cognitoConfig(config) ?? null,
  preflight(config) {
    const resolved = cognitoConfig(config)
    if (resolved) cognitoSpecs(resolved)
    identityPoolConfig(config)
  },
  async run(ctx) {
    const resolved = cognitoConfig(ctx.config)
    if (!resolved) return {}
    const specs = cognitoSpecs(resolved)
    const pool = await converge(ctx, userPoolKind, specs.pool)
    ctx.report(pool.result)
    const planning = ctx.dryRun || ctx.offline
    const region = ctx.identity.region
    const prefix = specs.domain.name
    // A same-named pool left alone (no --adopt) is not ours: nothing is wired to it, no client, no domain.
    if (!pool.managed && !ctx.offline) return cognitoOutputs(region, {}, prefix, planning)
    const userPoolId = pool.observed?.pool.Id
    // Independent once the pool exists: the client is quick, the domain may take up to a minute to become ACTIVE.
    // Both finish (or fail) before the step does, so nothing is left changing once it has reported.
    const [client, domain] = await Promise.allSettled([
      converge(ctx, userPoolClientKind, { ...specs.client, userPoolId }),
      converge(ctx, userPoolDomainKind, { ...specs.domain, region, userPoolId }),
    ])
    if (client.status === 'rejected') throw client.reason
    if (domain.status === 'rejected') throw domain.reason
    ctx.report(client.value.result)
    ctx.report(domain.value.result)
    const ids = { userPoolId: pool.result.id, userPoolArn: pool.result.arn, clientId: client.value.result.id }
    // The identity pool trusts the user pool's tokens through the client: after both.
    const identityPoolId = await convergeIdentityPool(ctx, ids)
    return {
      ...cognitoOutputs(region, ids, prefix, planning),
      ...identityPoolOutput(ctx.config, identityPoolId, planning),
    }
  },
}
