import { Flags } from '@oclif/core'
import { envFlags, InfraCommand, offlineFlag, runFlags } from '../cli/base-command.js'
import type { RunOutcome } from '../runner/run-steps.js'

export default class DeployAll extends InfraCommand {
  static override summary = 'Create or update every resource of one environment, in dependency order'
  static override description =
    'Runs every implemented step. Each step observes what exists and changes only what differs, so a rerun after a crash resumes and a rerun after success sends no write.'
  static override examples = [
    '<%= config.bin %> deploy-all --env production',
    '<%= config.bin %> deploy-all --env dev --dry-run',
    '<%= config.bin %> deploy-all --env production --dry-run --offline',
    '<%= config.bin %> deploy-all --env staging --json',
  ]
  static override flags = {
    ...envFlags,
    ...runFlags,
    refresh: Flags.boolean({
      summary: 'Rebuild a corrupt manifest from AWS (the corrupt file is kept aside)',
      default: false,
    }),
    offline: offlineFlag,
  }

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(DeployAll)
    const { runDeployment } = await import('../cli/actions.js')
    return this.finish(
      await runDeployment(
        { ...flags, command: 'deploy-all', dryRun: flags['dry-run'] || flags.offline, renderer: this.renderer() },
        true,
      ),
    )
  }
}
