import { Flags } from '@oclif/core'
import { concurrencyFlag, envFlags, InfraCommand, jsonEventsFlag, offlineFlag, runFlags } from '../cli/base-command.js'
import type { RunOutcome } from '../runner/run-steps.js'

export default class DeployAll extends InfraCommand {
  static override summary = 'Create or update every resource of one environment, in dependency order'
  static override description =
    'Runs every implemented step. Each step observes what exists and changes only what differs, so a rerun after a crash resumes and a rerun after success sends no write.\n\nOn a terminal, when the plan creates or deletes anything or widens IAM permissions, it is printed first and the deploy asks before applying; --yes skips the question. In CI, with --json, or when piped it never asks.'
  static override examples = [
    '<%= config.bin %> deploy-all --env production',
    '<%= config.bin %> deploy-all --env dev --dry-run',
    '<%= config.bin %> deploy-all --env production --dry-run --offline',
    '<%= config.bin %> deploy-all --env staging --yes --json',
    '<%= config.bin %> deploy-all --env staging --yes --json-events',
  ]
  static override flags = {
    ...envFlags,
    ...runFlags,
    concurrency: concurrencyFlag,
    refresh: Flags.boolean({
      summary: 'Rebuild a corrupt manifest from AWS (the corrupt file is kept aside)',
      default: false,
    }),
    offline: offlineFlag,
    yes: Flags.boolean({ char: 'y', summary: 'Apply without asking, even on a terminal', default: false }),
    'json-events': jsonEventsFlag,
  }

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(DeployAll)
    const dryRun = flags['dry-run'] || flags.offline
    const interactive =
      !flags.yes && !dryRun && this.printsText() && process.stdin.isTTY && process.stdout.isTTY && !process.env.CI
    const [{ runDeployment }, { askToApply }, { stdoutPaint }] = await Promise.all([
      import('../cli/actions.js'),
      import('../cli/prompt.js'),
      import('../output/color.js'),
    ])
    return this.finish(
      await runDeployment(
        {
          ...flags,
          command: 'deploy-all',
          takeOverLogging: flags['take-over-logging'],
          certTimeout: flags['cert-timeout'],
          keepOldFiles: flags['keep-old-files'],
          dryRun,
          renderer: this.renderer(),
          events: this.eventSink(),
          paint: stdoutPaint(),
          warn: (w) => this.warnAll([w]),
        },
        true,
        interactive
          ? (plan, reasons) => askToApply(plan.text, reasons, plan.outcome.env, (t) => this.log(t))
          : undefined,
      ),
    )
  }
}
