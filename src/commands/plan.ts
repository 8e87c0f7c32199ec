import { Flags } from '@oclif/core'
import { envFlags, InfraCommand, offlineFlag, runFlags } from '../cli/base-command.js'
import type { RunOutcome } from '../runner/run-steps.js'

export default class Plan extends InfraCommand {
  static override summary = 'Show what deploy-all would create and update, without changing anything'
  static override description =
    'Reads AWS (never writes: the clients refuse write calls) and lists creates, updates with the changed fields, and no-ops. Without AWS credentials it plans offline from the manifest and says so.'
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --env staging',
    '<%= config.bin %> plan --env production --only dynamodb --json',
  ]
  static override flags = {
    ...envFlags,
    concurrency: runFlags.concurrency,
    only: Flags.string({
      summary: 'Plan these steps only (ids or numbers, comma-separated)',
      multiple: true,
      delimiter: ',',
    }),
    offline: offlineFlag,
  }

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(Plan)
    const { runDeployment } = await import('../cli/actions.js')
    return this.finish(
      await runDeployment(
        { ...flags, command: 'plan', dryRun: true, adopt: false, renderer: this.jsonEnabled() ? 'silent' : 'plain' },
        false,
      ),
    )
  }
}
