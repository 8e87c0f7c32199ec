import { Flags } from '@oclif/core'
import { aliasFlagSummary, envFlags, InfraCommand } from '../cli/base-command.js'
import type { ReleaseOutcome } from '../releases/common.js'
import type { StageRollbackOutcome } from '../releases/stage-rollback.js'

export default class Rollback extends InfraCommand {
  static override summary =
    'Point Lambda aliases back at the previous version (or --to), or remove a running canary; or, with --stage, point the REST API stage back at its previous deployment'
  static override description =
    'Exactly one of --alias (Lambda) or --stage (REST API) is required. By default each goes back one step: the previous version, or the previous deployment; --to picks another.\n\nFor each function (or each --function), the alias goes back to the version published before the one it serves, as recorded in the manifest or, without one, as listed by Lambda; the version is checked to exist first. During a canary, the canary is removed and the alias stays on its version. The next deploy of unchanged code moves the alias forward again.\n\nWith --stage, the REST API stage goes back to the deployment created before the one it serves (by creation date), or to --to <deployment id>; the next deploy moves it forward again to the deployment of the current definition.'
  static override examples = [
    '<%= config.bin %> rollback --alias production --env production',
    '<%= config.bin %> rollback --alias production --env production --function prompt-crud --to 4',
    '<%= config.bin %> rollback --alias staging --env staging --dry-run',
    '<%= config.bin %> rollback --stage production --env production',
  ]
  static override flags = {
    ...envFlags,
    alias: Flags.string({
      summary: `${aliasFlagSummary}; this or --stage is required`,
      exactlyOne: ['alias', 'stage'],
    }),
    stage: Flags.string({
      summary:
        'The REST API stage to move back a deployment: the api step names it after ENVIRONMENT; this or --alias is required',
      exactlyOne: ['alias', 'stage'],
      exclusive: ['function'],
    }),
    function: Flags.string({
      multiple: true,
      summary: 'Only these functions (logical id or function name); default: every function in the config',
    }),
    to: Flags.string({
      summary:
        'Go to this version number instead of the previous one (with one --function); with --stage, this deployment ID',
    }),
    'dry-run': Flags.boolean({ summary: 'Show what would change; send no write call', default: false }),
  }

  async run(): Promise<ReleaseOutcome | StageRollbackOutcome> {
    const { flags } = await this.parse(Rollback)
    const actions = await import('../cli/release-actions.js')
    const { outcome, text } = flags.stage
      ? await actions.runStageRollback({ ...flags, stage: flags.stage, dryRun: flags['dry-run'] })
      : await actions.runRelease('rollback', {
          ...flags,
          alias: flags.alias ?? '',
          functions: flags.function,
          dryRun: flags['dry-run'],
        })
    if (!this.jsonEnabled()) this.log(text)
    return outcome
  }
}
