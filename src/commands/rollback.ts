import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { ReleaseOutcome } from '../releases/common.js'

export default class Rollback extends InfraCommand {
  static override summary = 'Point Lambda aliases back at the previous version (or --to), or remove a running canary'
  static override description =
    'For each function (or each --function), the alias goes back to the version published before the one it serves, as recorded in the manifest or, without one, as listed by Lambda; the version is checked to exist first. During a canary, the canary is removed and the alias stays on its version. The rollback holds: later deploys leave the alias there until the code changes (or --to returns to the version rolled back from).'
  static override examples = [
    '<%= config.bin %> rollback --alias production --env production',
    '<%= config.bin %> rollback --alias production --env production --function prompt-crud --to 4',
    '<%= config.bin %> rollback --alias staging --env staging --dry-run',
  ]
  static override flags = {
    ...envFlags,
    alias: Flags.string({
      required: true,
      summary: 'The alias to move (the lambda step names it after ENVIRONMENT, e.g. production)',
    }),
    function: Flags.string({
      multiple: true,
      summary: 'Only these functions (logical id or function name); default: every function in the config',
    }),
    to: Flags.string({ summary: 'Go to this version number instead of the previous one (with one --function)' }),
    'dry-run': Flags.boolean({ summary: 'Show what would change; send no write call', default: false }),
  }

  async run(): Promise<ReleaseOutcome> {
    const { flags } = await this.parse(Rollback)
    const { runRelease } = await import('../cli/release-actions.js')
    const { outcome, text } = await runRelease('rollback', {
      ...flags,
      functions: flags.function,
      dryRun: flags['dry-run'],
    })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
