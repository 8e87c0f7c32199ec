// Step 03 (the manual's "Lambda 함수 배포"): per function its log group, the function, a version when its code or
// configuration changed, and the environment's alias on that version (or a canary share of it).
import { ensureFunctionUrl } from '../resources/lambda/function-url.js'
import { pinnedImageUri } from '../resources/ecr/image.js'
import { isPreparedCode, prepareLambdaCode } from './lambda-code.js'
import { ensureLayers, layerSpec } from './lambda-layers.js'
import { settleAll } from '../aws/concurrency.js'
import { StepError } from '../errors/index.js'
import { ensureLogGroup } from '../resources/logs/log-group.js'
import { ensureFunction } from '../resources/lambda/function.js'
import { ensureRelease } from '../resources/lambda/release.js'
import { ensureConcurrency } from '../resources/lambda/concurrency.js'
import { ensureTriggers } from './lambda-triggers.js'
import { findMissingParameters } from '../resources/ssm/parameters.js'
import type { PackagedFunctionSpec } from '../resources/lambda/function-diff.js'
import { functionSpec, functionUrlSpec, lambdaInputs, lambdaUpstream, logGroupSpec } from './lambda-specs.js'
import { referencingValues, ssmReferenceValues } from './references.js'
import type { Ensured } from '../resources/types.js'
import type { FunctionOutput, LambdaOutputs } from './outputs.js'
import type { Step, StepContext } from './types.js'

/** Secrets are passed as parameter names; a name that does not exist would only fail when the function runs. */
async function checkSecrets(ctx: StepContext): Promise<void> {
  const users = new Map<string, string[]>()
  for (const fn of ctx.config.functions) {
    for (const [variable, parameter] of Object.entries(fn.secrets))
      users.set(parameter, [...(users.get(parameter) ?? []), `${fn.logicalId} (${variable})`])
  }
  const absent = await findMissingParameters(ctx, [...users.keys()])
  if (absent.length === 0) return
  throw new StepError(
    'SecretParametersMissing',
    `checking SSM parameters: ${absent.map((p) => `${p} (used by ${users.get(p)?.join(', ')})`).join('; ')} ${absent.length === 1 ? 'does' : 'do'} not exist in ${ctx.identity.region}`,
    {
      hint: `Create ${absent.length === 1 ? 'it' : 'them'} first, e.g. \`aws ssm put-parameter --type SecureString --region ${ctx.identity.region} --name ${absent[0]} --value …\`, then rerun \`infra step lambda --env ${ctx.identity.env}\`.`,
    },
  )
}

export const lambdaStep: Step<'lambda'> = {
  id: 'lambda',
  number: 3,
  title: 'Lambda functions',
  // cognito: a function's environment may read its outputs (`${cognito.userPoolId}`, config/step-references.ts);
  // bedrock: the guardrail version functions with `bedrock: true` use.
  needs: ['iam', 'dynamodb', 'cognito'],
  // Step 10's guardrail when it has one; a Bedrock step that failed (an endpoint without Bedrock's control plane)
  // does not keep the functions from deploying: they deploy without a guardrail and their results say so.
  softNeeds: ['bedrock'],
  // Inputs include each package's CodeSha256 (from prepare), so a handler edit shows as changed inputs.
  inputs: lambdaInputs,
  // Every function and layer is packaged up front, in parallel.
  prepare: prepareLambdaCode,
  preflight(config) {
    const up = lambdaUpstream(config, {}, undefined, true)
    for (const fn of config.functions)
      void [functionSpec(fn, config, up), logGroupSpec(fn), functionUrlSpec(fn, config)]
    for (const layer of config.layers) void layerSpec(layer, config)
  },
  async run(ctx) {
    const planning = ctx.dryRun || ctx.offline
    const up = lambdaUpstream(ctx.config, ctx.upstream, ctx.upstream.bedrock, planning)
    const ssm = await ssmReferenceValues(
      ctx,
      referencingValues(ctx.config, 'lambda').map((v) => v.value),
    )
    up.references = { ...up.references, ...ssm }
    // Config asks for a guardrail that step 10 did not hand over (it failed, or never ran).
    const unguarded = (fn: { bedrock: boolean }) =>
      fn.bedrock && !!ctx.config.sections.bedrock?.guardrail && !up.guardrail && !planning
    const unguardedNote = `deployed without a guardrail: step bedrock did not finish; fix it and rerun \`infra deploy-all --env ${ctx.identity.env}\``
    await checkSecrets(ctx)
    const code = isPreparedCode(ctx.prepared) ? ctx.prepared : { functions: [], layers: [] }
    // Layers first: functions name them by key.
    const layers = await ensureLayers(ctx, code.layers)
    up.layers = Object.fromEntries(Object.entries(layers).map(([key, layer]) => [key, layer.arn]))
    const packages = code.functions
    // Functions converge in parallel; each one's calls are in order. What the steps after this one need (the alias,
    // the URL) is published once every function has it; provisioned concurrency (minutes to allocate) and triggers
    // converge meanwhile. Every function finishes (or fails) before the step does, so that none is left changing in
    // the background once the step has reported.
    const known = ctx.config.functions.map(() => {
      let resolve!: (o: FunctionOutput) => void
      return { promise: new Promise<FunctionOutput>((r) => (resolve = r)), resolve }
    })
    const settled = settleAll(
      ctx.config.functions.map(async (fn, i): Promise<FunctionOutput> => {
        const pkg = packages[i]
        const spec: PackagedFunctionSpec = {
          ...functionSpec(fn, ctx.config, up),
          ...(pkg ? { code: { zip: pkg.zip, codeSha256: pkg.codeSha256 } } : {}),
          // An image by tag is deployed by the digest the tag names now: a tag pushed again is new code.
          ...(fn.imageUri && !ctx.offline ? { imageUri: await pinnedImageUri(ctx, fn.imageUri) } : {}),
        }
        // The log group before anything can invoke the function (otherwise Lambda creates it on the first invocation,
        // untagged and never expiring): made while the function is created, both before its alias and triggers.
        const [logGroup, ensured] = await Promise.all([
          ensureLogGroup(ctx, logGroupSpec(fn)),
          ensureFunction(ctx, spec),
        ])
        ctx.report(logGroup)
        ctx.report(unguarded(fn) ? withNote(ensured.result, unguardedNote) : ensured.result)
        // Nothing is wired to a stranger's function: no version, alias or concurrency setting.
        const release = await ensureRelease(ctx, spec, ensured, ctx.canaryPercent)
        if (release) ctx.report(release.result)
        const released = {
          name: fn.name,
          arn: ensured.result.arn,
          version: release?.alias?.version,
          aliasArn: release?.aliasArn,
        }
        if (ensured.result.action === 'unmanaged') {
          known[i]!.resolve(released)
          return released
        }
        const urlSpec = functionUrlSpec(fn, ctx.config)
        const url = urlSpec && (await ensureFunctionUrl(ctx, urlSpec))
        if (url) ctx.report(url.result)
        const out = { ...released, ...(url?.url ? { url: url.url } : {}) }
        known[i]!.resolve(out)
        for (const r of await ensureConcurrency(ctx, spec)) ctx.report(r)
        // Queue, stream and schedule triggers invoke the alias the release just set.
        for (const r of await ensureTriggers(ctx, fn)) ctx.report(r)
        return out
      }),
    )
    const outputs = Promise.all(known.map((k) => k.promise)).then((values): LambdaOutputs => ({
      functions: Object.fromEntries(ctx.config.functions.map((fn, i) => [fn.logicalId, values[i]!])),
      ...(ctx.config.layers.length > 0 ? { layers } : {}),
    }))
    void outputs.then((o) => ctx.publish?.(o))
    await settled
    return outputs
  },
}

const withNote = (result: Ensured, note: string): Ensured => ({
  ...result,
  note: [result.note, note].filter(Boolean).join('; '),
})
