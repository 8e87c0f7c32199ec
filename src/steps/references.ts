// References between steps (config/step-references.ts checks them against config): which step's values may hold
// them, the `needs` they add (a function reading `${tables.usage.streamArn}` waits for dynamodb), the cycles they
// would make (a function reading `${api.url}` while the api step needs the functions), and their values.
import { formatPath, type FieldPath } from '../config/issues.js'
import {
  configValue,
  outputPath,
  outputReferences,
  sourceOf,
  ssmReferences,
  type OutputReference,
} from '../config/step-references.js'
import type { ResolvedConfig } from '../config/types.js'
import { ConfigError, StepError } from '../errors/index.js'
import { readStringParameters } from '../resources/ssm/parameter-values.js'
import { KNOWN_AFTER_APPLY } from '../resources/types.js'
import type { Step, StepContext, StepId, Upstream } from './types.js'

/** An offline plan reads nothing from SSM: what `${ssm:/name}` holds shows as this. */
export const UNREAD_OFFLINE = '(read from SSM when planned online)'

export interface ReferencingValue {
  field: FieldPath
  value: string
}

/** The steps that fill references in, and the values of config each one fills in. */
const CONSUMERS: Partial<Record<StepId, (config: ResolvedConfig) => ReferencingValue[]>> = {
  lambda: (config) =>
    config.functions.flatMap((f) =>
      Object.entries(f.environment).map(([k, value]) => ({
        field: ['functions', f.logicalId, 'environment', k],
        value,
      })),
    ),
  parameters: (config) => config.parameters.map((p) => ({ field: ['parameters', p.name], value: p.value })),
}

export const referencingValues = (config: ResolvedConfig, step: StepId): ReferencingValue[] =>
  CONSUMERS[step]?.(config) ?? []

const stepOf = (ref: OutputReference) => sourceOf(ref).step as StepId

/** The references in `value` that a step's outputs fill in (not those config alone decides). */
const stepReferences = (config: ResolvedConfig, value: string) =>
  outputReferences(value).filter((ref) => configValue(config, ref) === undefined)

/** The steps whose outputs `step`'s values read. */
export function referenceNeeds(config: ResolvedConfig, step: StepId): StepId[] {
  return [...new Set(referencingValues(config, step).flatMap((v) => stepReferences(config, v.value).map(stepOf)))]
}

/** The steps with the needs their references add: what the runner orders and waits by. */
export function withReferenceNeeds(steps: Step[], config: ResolvedConfig): Step[] {
  return steps.map((s) => {
    const extra = referenceNeeds(config, s.id).filter((id) => id !== s.id && !s.needs.includes(id))
    return extra.length === 0 ? s : { ...s, needs: [...s.needs, ...extra] }
  })
}

/** The chain by which `from` needs `to` (`['api', 'lambda']`), or undefined. */
function needPath(from: StepId, to: StepId, steps: Step[], config: ResolvedConfig): StepId[] | undefined {
  const needsOf = (id: StepId): StepId[] => {
    const step = steps.find((s) => s.id === id)
    return step ? [...step.needs, ...(step.softNeeds ?? []), ...referenceNeeds(config, id)] : []
  }
  const seen = new Set<StepId>()
  const walk = (id: StepId): StepId[] | undefined => {
    if (id === to) return [id]
    if (seen.has(id)) return undefined
    seen.add(id)
    for (const next of needsOf(id)) {
      const rest = walk(next)
      if (rest) return [id, ...rest]
    }
    return undefined
  }
  return walk(from)
}

/**
 * A reference whose step needs (directly or not) the step that reads it could never be filled in: refused before any
 * AWS call, naming the field and the chain of needs.
 */
export function checkReferenceCycles(config: ResolvedConfig, steps: Step[]): void {
  const problems: string[] = []
  for (const consumer of Object.keys(CONSUMERS) as StepId[]) {
    for (const { field, value } of referencingValues(config, consumer)) {
      for (const ref of stepReferences(config, value)) {
        const chain = needPath(stepOf(ref), consumer, steps, config)
        if (!chain) continue
        problems.push(
          chain.length === 1
            ? `${formatPath(field)}: ${ref.text} is made by step ${consumer} itself, so it cannot be read in its own values`
            : `${formatPath(field)}: ${ref.text} is made by step ${chain[0]}, which runs after step ${consumer} (${chain.join(' needs ')}): a cycle`,
        )
      }
    }
  }
  if (problems.length > 0)
    throw new ConfigError('ReferenceCycle', `${config.files.config}: ${problems.join('\n')}`, {
      hint: 'Read it at run time instead (a function can take its own API URL from the request, or read a parameter that the parameters section writes), then rerun.',
    })
}

function missing(ref: OutputReference, config: ResolvedConfig): StepError {
  const step = stepOf(ref)
  return new StepError(
    'UpstreamOutputMissing',
    `reading the outputs of step ${step}: ${ref.output} (read by ${ref.text}) is not there`,
    {
      hint: `Run \`infra step ${step} --env ${config.env}\` (or \`infra deploy-all --env ${config.env}\`), then rerun.`,
    },
  )
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A dotted path (`tables.usage.name`) into a step's outputs. */
function outputAt(outputs: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), outputs)
}

/**
 * The value of every `${source.output}` in `values`, from the upstream outputs (config load checked each one). In a
 * plan what is not known yet is "(known after apply)"; in a real run a missing output names the step to run.
 */
export function outputReferenceValues(
  config: ResolvedConfig,
  values: string[],
  upstream: Upstream,
  planning: boolean,
): Record<string, string> {
  const found: Record<string, string> = {}
  for (const ref of values.flatMap(outputReferences)) {
    const value = configValue(config, ref) ?? outputAt(upstream[stepOf(ref)], outputPath(ref))
    if (typeof value === 'string' && value !== '') found[ref.text] = value
    else if (planning) found[ref.text] = KNOWN_AFTER_APPLY
    else throw missing(ref, config)
  }
  return found
}

/** `${ssm:/name}` in `values`, read now (String parameters only); an offline plan reads nothing. */
export async function ssmReferenceValues(ctx: StepContext, values: string[]): Promise<Record<string, string>> {
  const refs = values.flatMap(ssmReferences)
  if (refs.length === 0) return {}
  if (ctx.offline) return Object.fromEntries(refs.map((r) => [r.text, UNREAD_OFFLINE]))
  const read = await readStringParameters(ctx, [...new Set(refs.map((r) => r.name))])
  return Object.fromEntries(refs.map((r) => [r.text, read[r.name]!]))
}

/** Every reference in `values`: step outputs and SSM parameters. */
export async function referenceValues(ctx: StepContext, values: string[]): Promise<Record<string, string>> {
  const planning = ctx.dryRun || ctx.offline
  return {
    ...outputReferenceValues(ctx.config, values, ctx.upstream, planning),
    ...(await ssmReferenceValues(ctx, values)),
  }
}

const UNKNOWN = new Set([KNOWN_AFTER_APPLY, UNREAD_OFFLINE])

/** A value with its references filled in; one not known yet makes all of it unknown (that marker). */
export function withReferences(value: string, values: Record<string, string> = {}): string {
  const refs = [...outputReferences(value), ...ssmReferences(value)]
  const unknown = refs.map((r) => values[r.text]).find((v) => v !== undefined && UNKNOWN.has(v))
  if (unknown !== undefined) return unknown
  return refs.reduce((out, r) => out.replaceAll(r.text, values[r.text] ?? r.text), value)
}
