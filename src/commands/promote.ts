import { Flags } from '@oclif/core'
import { aliasFlagSummary, envFlags, InfraCommand } from '../cli/base-command.js'
import type { ReleaseOutcome } from '../releases/common.js'

export default class Promote extends InfraCommand {
  static override summary = 'End a Lambda canary: move all of the alias’s traffic to the canary version'
  static override description =
    '--alias is required. For each function (or each --function) whose alias routes a share of its traffic to a newer version (`infra step lambda --canary <percent>`), the alias moves to that version and the routing is removed. Functions without a canary are left as they are.'
  static override examples = [
    '<%= config.bin %> promote --alias production --env production',
    '<%= config.bin %> promote --alias production --env production --function conversation-api',
  ]
  static override flags = {
    ...envFlags,
    alias: Flags.string({ required: true, summary: aliasFlagSummary }),
    function: Flags.string({
      multiple: true,
      summary: 'Only these functions (logical id or function name); default: every function in the config',
    }),
    'dry-run': Flags.boolean({ summary: 'Show what would change; send no write call', default: false }),
  }

  async run(): Promise<ReleaseOutcome> {
    const { flags } = await this.parse(Promote)
    const { runRelease } = await import('../cli/release-actions.js')
    const { outcome, text } = await runRelease('promote', {
      ...flags,
      functions: flags.function,
      dryRun: flags['dry-run'],
    })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
