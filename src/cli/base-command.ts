// Flags every command shares and the one place errors become exit codes and, with --json, a JSON document on stdout.
// Imports nothing heavy, so that `infra --help` stays fast; commands load the AWS SDK only inside run().
import { Command, Errors, Flags } from '@oclif/core'
import { closest } from '../config/issues.js'
import type { InfraError } from '../errors/index.js'
import { ConfigError, isInfraError, StateError, StepError } from '../errors/index.js'
import type { RunOutcome } from '../runner/run-steps.js'
import { jsonLines, type EventSink } from '../output/events.js'

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

export const concurrencyFlag = Flags.integer({
  summary: 'How many independent steps run at once',
  default: 4,
  min: 1,
  max: 16,
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
  adopt: Flags.boolean({ summary: 'Take over same-named resources that lack this service’s tags', default: false }),
  'cert-timeout': Flags.integer({
    summary: 'Minutes step 09 waits for ACM to issue a certificate (default 5); past it the rest still deploys',
    description:
      'A certificate still waiting for DNS validation is reported with what to do; the next run picks it up. 0 does not wait.',
    min: 0,
    max: 120,
  }),
  wait: Flags.boolean({
    summary: 'Wait until CloudFront has deployed the distribution (15 minutes at most) instead of recording InProgress',
    default: false,
  }),
  'keep-old-files': Flags.boolean({
    summary: 'Keep the site files the build folder no longer has for one more deploy (frontend.keep_old_files)',
    default: false,
  }),
  'take-over-logging': Flags.boolean({
    summary: 'Let the bedrock step replace the account’s Bedrock invocation logging when another setting is there',
    description:
      'Bedrock model invocation logging is one setting per account and region; without this flag a setting this service did not make is shown and left alone.',
    default: false,
  }),
}

const JSON_EVENTS = '--json-events'

/** deploy-all, step, plan and destroy: progress as JSON lines (see src/output/events.ts for the schema). */
export const jsonEventsFlag = Flags.boolean({
  summary: 'Print one JSON object per line on stdout as steps and resources change (for CI); no progress display',
  description:
    'Events: run-start, step-start, resource (key, action, changed fields, ms), log, step-end (status, counts), and last run-end with the exit code (and the error). Warnings still go to stderr.',
  default: false,
  exclusive: ['json'],
})

/** rollback and promote: the alias both move, named alike. */
export const aliasFlagSummary =
  'The Lambda alias to move: the lambda step names it after ENVIRONMENT (for --env production, `production`)'

/** An error as --json prints it: `{"ok":false,"error":{code,message,hint}}`. */
export interface ErrorJson {
  ok: false
  error: { code: string; message: string; hint?: string }
}

// oclif wraps parse errors in these words; the message keeps what is wrong, the hint says where help is.
const OCLIF_WRAPPING = /^The following errors? occurred:\s*|\nSee more help with --help$/g

export abstract class InfraCommand extends Command {
  static override enableJsonFlag = true

  /** listr2 renderer: none for --json or --json-events, the animated one on a terminal, one plain line otherwise. */
  protected renderer(): 'default' | 'plain' | 'silent' {
    if (this.jsonEnabled() || this.eventsEnabled()) return 'silent'
    return process.stdout.isTTY && !process.env.CI ? 'default' : 'plain'
  }

  /** `--json-events`: stdout carries only the events, so the command prints no text. */
  protected eventsEnabled(): boolean {
    return 'json-events' in (this.ctor.flags ?? {}) && this.argv.includes(JSON_EVENTS)
  }

  /** Where the run's events go: stdout as JSON lines with --json-events, nowhere otherwise. */
  protected eventSink(): EventSink | undefined {
    return this.eventsEnabled() ? jsonLines() : undefined
  }

  /** Whether the run's text (plan, summary) is printed: not when stdout is JSON. */
  protected printsText(): boolean {
    return !this.jsonEnabled() && !this.eventsEnabled()
  }

  /** The exit code an error ends the command with; `plan --detailed-exitcode` makes every error 1. */
  protected exitCodeFor(error: InfraError): number {
    return error.exitCode
  }

  /** Warnings go to stderr, so that stdout stays one JSON document with --json. */
  protected warnAll(warnings: string[]): void {
    for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`)
  }

  /**
   * Prints the run's summary; a failed step sets the exit code. With --json the outcome is printed with the error
   * beside it (`ok: false`), as for any other failure.
   */
  protected finish(result: { outcome: RunOutcome; text: string }): RunOutcome & Partial<Pick<ErrorJson, 'error'>> {
    if (this.printsText()) this.log(result.text)
    const failed = result.outcome.steps.find((s) => s.status === 'failed')
    if (!failed) return result.outcome
    // A config or state error inside a step keeps its own exit code (2, 3); anything else is a failed step (1).
    const Kind = { 2: ConfigError, 3: StateError }[failed.error?.exitCode ?? 1] ?? StepError
    const rerun = `infra ${result.outcome.command} --env ${result.outcome.env}`
    const failure = new Kind(failed.error?.code ?? 'StepFailed', `step ${failed.id} failed: ${failed.error?.message}`, {
      hint: failed.error?.hint ?? `Fix the cause, then rerun \`${rerun}\`; it resumes where it stopped.`,
    })
    if (!this.jsonEnabled()) throw failure
    process.exitCode = this.exitCodeFor(failure)
    return { ...result.outcome, error: errorJson(failure).error }
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const known = isInfraError(err) ? err : this.usageError(err)
    if (!known && !this.jsonEnabled()) return super.catch(err)
    const error = known ?? new StepError('UnexpectedError', err.message)
    const exit = this.exitCodeFor(error)
    if (this.jsonEnabled()) {
      process.exitCode = exit
      this.logJson(errorJson(error))
      return undefined
    }
    this.error(error.message, { exit, code: error.code, suggestions: error.hint ? [error.hint] : undefined })
  }

  /** With --json-events the stream ends with `run-end`: the exit code, and the error when there is one. */
  protected override async finally(err: Error | undefined): Promise<unknown> {
    // With --json too (refused as exclusive) stdout already holds the JSON error document.
    if (this.eventsEnabled() && !this.jsonEnabled()) {
      const known =
        err && (isInfraError(err) ? err : (this.usageError(err) ?? new StepError('UnexpectedError', err.message)))
      const exitCode = known ? this.exitCodeFor(known) : Number(process.exitCode ?? 0)
      jsonLines()({ type: 'run-end', exitCode, ...(known ? { error: errorJson(known).error } : {}) })
    }
    return super.finally(err)
  }

  /** oclif's parse errors (an unknown flag, a missing one) as one line with "did you mean", not the whole usage. */
  private usageError(err: Error): ConfigError | undefined {
    if (!(err instanceof Errors.CLIError) || !('parse' in err)) return undefined
    const help = `See \`${['infra', this.id].filter(Boolean).join(' ')} --help\` for its flags and examples.`
    const unknown = (err as { flags?: unknown }).flags
    if (Array.isArray(unknown)) {
      const known = Object.keys(this.ctor.flags ?? {}).map((f) => `--${f}`)
      const messages = unknown.map((flag: string) => {
        const near = closest(flag, known)
        return `unknown flag ${flag}${near ? ` (did you mean ${near}?)` : ''}`
      })
      return new ConfigError('UnknownFlag', messages.join('\n'), { hint: help })
    }
    return new ConfigError('InvalidUsage', err.message.replace(OCLIF_WRAPPING, ''), { hint: help })
  }
}

export function errorJson(e: InfraError): ErrorJson {
  return { ok: false, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } }
}
