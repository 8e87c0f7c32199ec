// Flags every command shares and the one place errors become exit codes. Imports nothing heavy, so that
// `infra --help` stays fast; commands load the AWS SDK only inside run().
import { Command, Flags } from '@oclif/core'
import { ConfigError, isInfraError, StateError, StepError } from '../errors/index.js'
import type { RunOutcome } from '../runner/run-steps.js'

export const envFlags = {
  env: Flags.string({
    char: 'e',
    summary: 'Environment: the name of a file in environments/ (default: config.json "environment")',
  }),
  config: Flags.string({
    summary: 'Path of config.json; environments/ and .infra/ sit beside it',
    default: 'config.json',
  }),
  profile: Flags.string({ summary: 'AWS profile (wins over AWS_PROFILE and the env file)' }),
  region: Flags.string({ summary: 'AWS region (wins over the env file and config.json)' }),
}

/** A plan with no AWS call at all (no credentials needed, nothing contacted): from the manifest alone. */
export const offlineFlag = Flags.boolean({
  summary: 'Plan from the manifest alone, without contacting AWS (implies a dry run)',
  default: false,
})

/** Flags of the commands that converge steps (deploy-all, step). */
export const runFlags = {
  'dry-run': Flags.boolean({ summary: 'Read AWS and print the plan; send no write call', default: false }),
  canary: Flags.integer({
    summary: 'Lambda canary: publish new versions but send only this percentage (1–99) of the alias’s traffic to them',
    description:
      'The alias stays on its current version; `infra promote` moves all traffic to the new one, `infra rollback` removes the canary.',
    min: 1,
    max: 99,
  }),
  concurrency: Flags.integer({ summary: 'How many independent steps run at once', default: 4, min: 1, max: 16 }),
  adopt: Flags.boolean({ summary: 'Take over same-named resources that lack this service’s tags', default: false }),
}

export abstract class InfraCommand extends Command {
  static override enableJsonFlag = true

  /** listr2 renderer: none for --json, the animated one on a terminal, one plain line per event otherwise. */
  protected renderer(): 'default' | 'plain' | 'silent' {
    if (this.jsonEnabled()) return 'silent'
    return process.stdout.isTTY && !process.env.CI ? 'default' : 'plain'
  }

  /** Prints the run's summary; a failed step sets the exit code (with --json the outcome is still printed). */
  protected finish(result: { outcome: RunOutcome; text: string }): RunOutcome {
    if (!this.jsonEnabled()) this.log(result.text)
    const failed = result.outcome.steps.find((s) => s.status === 'failed')
    if (failed) {
      // A config or state error inside a step keeps its own exit code (2, 3); anything else is a failed step (1).
      const Kind = { 2: ConfigError, 3: StateError }[failed.error?.exitCode ?? 1] ?? StepError
      const rerun = `infra ${result.outcome.command} --env ${result.outcome.env}`
      const failure = new Kind(
        failed.error?.code ?? 'StepFailed',
        `step ${failed.id} failed: ${failed.error?.message}`,
        {
          hint: failed.error?.hint ?? `Fix the cause, then rerun \`${rerun}\`; it resumes where it stopped.`,
        },
      )
      if (!this.jsonEnabled()) throw failure
      process.exitCode = failure.exitCode
    }
    return result.outcome
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isInfraError(err)) {
      this.error(err.message, { exit: err.exitCode, code: err.code, suggestions: err.hint ? [err.hint] : undefined })
    }
    return super.catch(err)
  }
}
