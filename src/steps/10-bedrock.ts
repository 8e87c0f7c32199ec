// Step 10 (the manual's Bedrock step): the configured models checked against what the region offers, the guardrail
// and its numbered version (what functions use — step 03 needs this step), and the account's model invocation logging
// to the service's log group through step 01's role.
import { isServiceNotOffered, awsReason } from '../aws/errors.js'
import { StepError } from '../errors/index.js'
import { definitionHash, definitionOf, type GuardrailSpec } from '../resources/bedrock/guardrail-diff.js'
import { guardrailKind } from '../resources/bedrock/guardrail.js'
import { guardrailVersionKind } from '../resources/bedrock/guardrail-version.js'
import { invocationLoggingKind } from '../resources/bedrock/invocation-logging.js'
import { modelsNotOffered } from '../resources/bedrock/models.js'
import { converge } from '../resources/engine/converge.js'
import { onCreated } from '../resources/engine/on-created.js'
import { ensureLogGroup, type LogGroupSpec } from '../resources/logs/log-group.js'
import { KNOWN_AFTER_APPLY, type Ensured } from '../resources/types.js'
import { guardrailSpec, invocationLogGroupSpec, invocationS3Destination, loggingConfig } from './bedrock-specs.js'
import type { ResolvedConfig } from '../config/types.js'
import type { BedrockOutputs } from './outputs.js'
import type { Step, StepContext } from './types.js'

/** The step has something to converge or check: otherwise it reads nothing. */
const hasWork = (config: ResolvedConfig) =>
  Boolean(guardrailSpec(config) || invocationLogGroupSpec(config) || config.bedrockModels.length > 0)

/**
 * Reads only: stops the step before any write when a model is not offered or the endpoint has no Bedrock. The read
 * itself was started with the run's early reads (readAhead) when there were any.
 */
async function checkModels(ctx: StepContext): Promise<void> {
  const { region, env } = ctx.identity
  const offered = (ctx.readAhead as Promise<string[]> | undefined) ?? modelsNotOffered(ctx, ctx.config.bedrockModels)
  const missing = await offered.catch((e: unknown) => {
    if (!isServiceNotOffered(e)) throw e
    throw new StepError(
      'BedrockNotOffered',
      `reading Bedrock's foundation models in ${region}: the endpoint does not offer Bedrock's control plane (${awsReason(e)}); no guardrail or invocation logging was set, and functions deploy without a guardrail`,
      {
        hint: `Deploy against AWS (an emulator may lack Bedrock), or remove the bedrock section's guardrail and invocation_logging from config.json; then rerun \`infra step bedrock --env ${env}\`.`,
        cause: e,
      },
    )
  })
  if (missing.length === 0) return
  throw new StepError(
    'BedrockModelNotOffered',
    `checking bedrock.models: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not offered in ${region} (neither a foundation model nor an inference profile there)`,
    {
      hint: `Pick ids from \`aws bedrock list-foundation-models --region ${region}\` or \`aws bedrock list-inference-profiles --region ${region}\`, fix bedrock.models in config.json, then rerun \`infra step bedrock --env ${env}\`.`,
    },
  )
}

/**
 * The guardrail, then its version; the outputs name the version functions use (unknown until applied in a plan).
 * `created`: told the outputs as soon as a new version has its number, while it is still becoming READY.
 */
async function ensureGuardrail(
  ctx: StepContext,
  spec: GuardrailSpec,
  report: (r: Ensured) => void,
  created: (outputs: NonNullable<BedrockOutputs['guardrail']>) => void,
): Promise<BedrockOutputs['guardrail']> {
  const guardrail = await converge(ctx, guardrailKind, spec)
  report(guardrail.result)
  // A stranger's guardrail gets no version and is handed to no function (the runner fails the step, naming --adopt).
  if (guardrail.result.action === 'unmanaged') return undefined
  const known = (v: string | undefined) => (v && v !== KNOWN_AFTER_APPLY ? v : undefined)
  const guardrailId = known(guardrail.result.id)
  const guardrailArn = known(guardrail.result.arn)
  const id = guardrailId ?? KNOWN_AFTER_APPLY
  const arn = guardrailArn ?? KNOWN_AFTER_APPLY
  const versionKind = onCreated(guardrailVersionKind, (made) => created({ id, version: made.observed.version, arn }))
  const version = await converge(
    ctx,
    versionKind,
    {
      logicalId: spec.logicalId,
      name: spec.name,
      ...(guardrailId ? { guardrailId } : {}),
      ...(guardrailArn ? { guardrailArn } : {}),
      definitionHash: definitionHash(definitionOf(spec)),
    },
    // A guardrail this run created has no version yet: nothing to look for.
    guardrail.result.action === 'created' ? { found: [] } : {},
  )
  report(version.result)
  const recorded = ctx.record.manifest.resources[version.result.key]?.attributes?.version
  const number = version.observed?.version ?? (typeof recorded === 'string' ? recorded : undefined)
  const planned = version.result.action === 'would-create' || version.result.action === 'would-update'
  return { id, version: planned ? KNOWN_AFTER_APPLY : (number ?? KNOWN_AFTER_APPLY), arn }
}

async function ensureLogging(ctx: StepContext, logGroup: LogGroupSpec, report: (r: Ensured) => void): Promise<void> {
  report(await ensureLogGroup(ctx, logGroup))
  const roleArn = ctx.upstream.iam?.roles['bedrock-logging']?.arn
  if (!roleArn && !ctx.dryRun && !ctx.offline)
    throw new StepError(
      'UpstreamOutputMissing',
      'reading the outputs of step iam: the bedrock logging role is not there',
      {
        hint: `Run \`infra step iam --env ${ctx.identity.env}\`, then rerun \`infra step bedrock --env ${ctx.identity.env}\`.`,
      },
    )
  const logging = await converge(ctx, invocationLoggingKind, {
    logicalId: 'invocation-logging',
    name: `Bedrock model invocation logging (${ctx.identity.region})`,
    loggingConfig: loggingConfig(logGroup.name, roleArn ?? KNOWN_AFTER_APPLY, invocationS3Destination(ctx.config)),
    takeOver: ctx.takeOverLogging ?? false,
    takeOverCommand: `infra step bedrock --env ${ctx.identity.env} --take-over-logging`,
  })
  report(logging.result)
}

export const bedrockStep: Step<'bedrock'> = {
  id: 'bedrock',
  number: 10,
  title: 'Bedrock guardrail and invocation logging',
  // iam: the role Bedrock delivers invocation logs through.
  needs: ['iam'],
  inputs: (config) => {
    const logsBucket = invocationS3Destination(config)
    return {
      models: config.bedrockModels,
      guardrail: guardrailSpec(config),
      logGroup: invocationLogGroupSpec(config),
      ...(logsBucket ? { logsBucket } : {}),
    }
  },
  preflight: (config) => {
    guardrailSpec(config)
    invocationS3Destination(config)
  },
  // The model list needs nothing from step 01: read at the start of the run, not after the roles.
  readAhead: (ctx, config) =>
    hasWork(config) ? modelsNotOffered(ctx, config.bedrockModels) : Promise.resolve(undefined),
  async run(ctx) {
    const guardrail = guardrailSpec(ctx.config)
    const logGroup = invocationLogGroupSpec(ctx.config)
    if (!hasWork(ctx.config)) return {}
    if (!ctx.offline) await checkModels(ctx)
    // The guardrail (which the functions wait for) and the invocation logging are independent: converged together,
    // reported in this order once both are done. The functions need only the guardrail version's number: the outputs
    // are published as soon as it is known (a new version is still becoming READY, the logging still being set), and
    // step 03 starts then.
    const guarding: Ensured[] = []
    const logging: Ensured[] = []
    let published: BedrockOutputs | undefined
    const publish = (o: BedrockOutputs) => {
      published ??= o
      ctx.publish?.(published)
    }
    const converging = guardrail
      ? ensureGuardrail(
          ctx,
          guardrail,
          (r) => guarding.push(r),
          (g) => publish({ guardrail: g }),
        )
      : Promise.resolve(undefined)
    // What was published is what the step returns.
    const outputs = converging.then((made): BedrockOutputs => published ?? (made ? { guardrail: made } : {}))
    void outputs.then(publish, () => undefined)
    const [made, logged] = await Promise.allSettled([
      outputs,
      logGroup ? ensureLogging(ctx, logGroup, (r) => logging.push(r)) : undefined,
    ])
    for (const r of [...guarding, ...logging]) ctx.report(r)
    if (made.status === 'rejected') throw made.reason
    if (logged.status === 'rejected') throw logged.reason
    return made.value
  },
}
