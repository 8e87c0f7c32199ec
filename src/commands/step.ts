import { Args } from '@oclif/core'
import { envFlags, InfraCommand, jsonEventsFlag, offlineFlag, runFlags } from '../cli/base-command.js'
import type { RunOutcome } from '../runner/run-steps.js'

export default class StepCommand extends InfraCommand {
  static override summary = 'Run one step of the manual (by id or number)'
  static override description =
    'Runs one step alone. The steps it needs must have run before (their outputs come from the manifest); otherwise it names the command to run first. --dry-run prints its plan; --offline plans it from the manifest without contacting AWS.'
  static override examples = [
    '<%= config.bin %> step dynamodb --env dev',
    '<%= config.bin %> step 02 --env production --dry-run',
    '<%= config.bin %> step iam --env staging --offline',
    '<%= config.bin %> step lambda --env production --canary 10',
  ]
  static override args = {
    step: Args.string({ required: true, description: 'Step id (iam, dynamodb, …) or the manual’s number (01, 2, …)' }),
  }
  static override flags = {
    ...envFlags,
    ...runFlags,
    offline: offlineFlag,
    'json-events': jsonEventsFlag,
  }

  async run(): Promise<RunOutcome> {
    const { args, flags } = await this.parse(StepCommand)
    const [{ runDeployment }, { stdoutPaint }] = await Promise.all([
      import('../cli/actions.js'),
      import('../output/color.js'),
    ])
    return this.finish(
      await runDeployment(
        {
          ...flags,
          command: `step ${args.step}`,
          only: [args.step],
          takeOverLogging: flags['take-over-logging'],
          certTimeout: flags['cert-timeout'],
          keepOldFiles: flags['keep-old-files'],
          dryRun: flags['dry-run'] || flags.offline,
          renderer: this.renderer(),
          events: this.eventSink(),
          paint: stdoutPaint(),
          warn: (w) => this.warnAll([w]),
        },
        false,
      ),
    )
  }
}
