import { Flags } from '@oclif/core'
import { concurrencyFlag, envFlags, InfraCommand, jsonEventsFlag, offlineFlag } from '../cli/base-command.js'
import type { InfraError } from '../errors/index.js'
import type { RunOutcome } from '../runner/run-steps.js'

const DETAILED = '--detailed-exitcode'

export default class Plan extends InfraCommand {
  static override summary = 'Show what deploy-all would create, update and delete, without changing anything'
  static override description =
    'Reads AWS (never writes: the clients refuse write calls) and lists creates, updates with the changed fields (a policy change as the statements it adds and removes), deletes and no-ops. Without AWS credentials it plans offline from the manifest and says so; --offline does so on purpose.\n\nWith --detailed-exitcode the exit code says whether anything would change: 0 nothing, 2 changes, 1 an error (for CI checks).'
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --env staging',
    '<%= config.bin %> plan --env production --only dynamodb --json',
    '<%= config.bin %> plan --env production --detailed-exitcode',
  ]
  static override flags = {
    ...envFlags,
    concurrency: concurrencyFlag,
    only: Flags.string({
      summary: 'Plan these steps only (ids or numbers, comma-separated)',
      multiple: true,
      delimiter: ',',
    }),
    offline: offlineFlag,
    'detailed-exitcode': Flags.boolean({
      summary: 'Exit 0 when nothing would change, 2 when something would, 1 on any error',
      default: false,
    }),
    'json-events': jsonEventsFlag,
  }

  protected override exitCodeFor(error: InfraError): number {
    return this.argv.includes(DETAILED) ? 1 : error.exitCode
  }

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(Plan)
    const [{ runDeployment }, { stdoutPaint }, { planHasChanges }] = await Promise.all([
      import('../cli/actions.js'),
      import('../output/color.js'),
      import('../output/summary.js'),
    ])
    const outcome = this.finish(
      await runDeployment(
        {
          ...flags,
          command: 'plan',
          dryRun: true,
          adopt: false,
          renderer: this.printsText() ? 'plain' : 'silent',
          events: this.eventSink(),
          paint: this.printsText() ? stdoutPaint() : undefined,
          warn: (w) => this.warnAll([w]),
        },
        false,
      ),
    )
    if (flags['detailed-exitcode'] && outcome.ok && planHasChanges(outcome)) process.exitCode = 2
    return outcome
  }
}
