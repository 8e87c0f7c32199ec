// Pure: the Lambda alias that serves traffic (named after the environment), which version it points at and, during a
// canary, which newer version gets a share of the traffic (RoutingConfig.AdditionalVersionWeights).
import type { AliasConfiguration } from '@aws-sdk/client-lambda'
import type { Change } from '../types.js'

/** What the manifest records of an alias (`attributes.alias` of the function) and what `infra status` shows. */
export interface AliasState {
  name: string
  version: string
  /** A canary: this newer version receives `weight` (0–1) of the traffic, the rest goes to `version`. */
  canary?: { version: string; weight: number }
}

/** `--canary 10` → 0.1, the weight Lambda takes. */
export function canaryWeight(percent: number): number {
  if (!Number.isInteger(percent) || percent < 1 || percent > 99)
    throw new RangeError(`canary percent must be an integer from 1 to 99, got ${percent}`)
  return percent / 100
}

/** 0.1 → 10 (Lambda returns weights as floats). */
export const weightPercent = (weight: number) => Math.round(weight * 10_000) / 100

/** An alias as Lambda returns it → our state. */
export function aliasState(alias: AliasConfiguration): AliasState {
  const [routed] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})
  return {
    name: alias.Name ?? '',
    version: alias.FunctionVersion ?? '',
    ...(routed ? { canary: { version: routed[0], weight: routed[1] } } : {}),
  }
}

/**
 * Where the alias should point once `target` (the version that serves the config) is deployed.
 * - no canary asked: all traffic to target, except that a canary already running on target is left running (a plain
 *   rerun must not promote it; `infra promote` does);
 * - canary asked: the alias stays on its current version and `percent` goes to target; with no alias yet, or when the
 *   alias is already on target, there is nothing to compare with, so all traffic goes to target.
 */
export function desiredAlias(
  current: AliasState | undefined,
  name: string,
  target: string,
  canaryPercent?: number,
): AliasState {
  if (canaryPercent === undefined) {
    if (current?.canary?.version === target) return current
    return { name, version: target }
  }
  if (!current || current.version === target) return { name, version: target }
  return { name, version: current.version, canary: { version: target, weight: canaryWeight(canaryPercent) } }
}

const describe = (s: AliasState | undefined) =>
  s ? `${s.version}${s.canary ? ` + ${s.canary.version} at ${weightPercent(s.canary.weight)}%` : ''}` : undefined

/** The alias changes, for the user (one UpdateAlias applies them all). */
export function diffAlias(current: AliasState | undefined, want: AliasState): Change[] {
  const changes: Change[] = []
  if (current?.version !== want.version)
    changes.push({ field: 'FunctionVersion', from: current?.version, to: want.version })
  const sameCanary =
    current?.canary?.version === want.canary?.version &&
    Math.abs((current?.canary?.weight ?? 0) - (want.canary?.weight ?? 0)) < 1e-9
  if (!sameCanary) {
    changes.push({
      field: 'RoutingConfig',
      from: current?.canary ? describe(current) : undefined,
      to: want.canary ? describe(want) : undefined,
    })
  }
  return changes
}

export function formatAlias(s: AliasState | undefined): string {
  return describe(s) ?? '(none)'
}
