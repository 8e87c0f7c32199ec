import { Flags } from '@oclif/core'
import { envFlags, InfraCommand, jsonEventsFlag } from '../cli/base-command.js'
import { ConfigError } from '../errors/index.js'
import type { DestroyOutcome } from '../runner/destroy.js'

export default class Destroy extends InfraCommand {
  static override summary = 'Delete every resource infra made for one environment, in reverse dependency order'
  static override description =
    'Prints the plan first, then asks for the environment’s name on a terminal (--yes in CI). Tables, user pools and other data-bearing resources are retained unless --delete-data; deletion protection is never lifted without --disable-deletion-protection. A destroy killed at any point finishes on the next run; a second destroy is a no-op.'
  static override examples = [
    '<%= config.bin %> destroy --env dev --dry-run',
    '<%= config.bin %> destroy --env dev',
    '<%= config.bin %> destroy --env staging --yes --delete-data --disable-deletion-protection',
    '<%= config.bin %> destroy --env dev --only websocket --yes',
  ]
  static override flags = {
    ...envFlags,
    'dry-run': Flags.boolean({ summary: 'Print what would be deleted and retained; delete nothing', default: false }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation (CI)', default: false }),
    'delete-data': Flags.boolean({
      summary: 'Also delete data-bearing resources (tables, user pools); in production this asks twice',
      default: false,
    }),
    'disable-deletion-protection': Flags.boolean({
      summary: 'Switch off DynamoDB and Cognito deletion protection where it is on, then delete',
      default: false,
    }),
    only: Flags.string({ summary: 'Destroy this step (id or number) and the steps that depend on it' }),
    'json-events': jsonEventsFlag,
  }

  async run(): Promise<DestroyOutcome> {
    const { flags } = await this.parse(Destroy)
    const { destroyEnvironment } = await import('../cli/destroy-actions.js')
    const result = await destroyEnvironment(
      {
        ...flags,
        dryRun: flags['dry-run'],
        deleteData: flags['delete-data'],
        disableDeletionProtection: flags['disable-deletion-protection'],
        events: this.eventSink(),
      },
      async ({ text, plan, production }) => {
        if (this.printsText()) this.log(`${text}\n`)
        if (flags.yes) return
        await this.confirmByName(plan.env, `Type the environment’s name (${plan.env}) to destroy it: `)
        if (production && flags['delete-data'])
          await this.confirmByName(
            plan.env,
            `${plan.env} is a production environment and --delete-data deletes its data. Type its name again: `,
          )
      },
      (line) => {
        if (this.printsText()) this.log(line)
      },
    )
    if (this.printsText()) this.log(result.text)
    return result.outcome
  }

  /** Reads one line from the terminal; anything but the environment's name cancels. Without one (or stdout): --yes. */
  private async confirmByName(env: string, question: string): Promise<void> {
    if (!process.stdin.isTTY || !this.printsText()) {
      throw new ConfigError('ConfirmationRequired', `destroying environment ${env}: no terminal to confirm on`, {
        hint: `Review the plan (\`infra destroy --env ${env} --dry-run\`), then pass --yes to confirm without a prompt.`,
      })
    }
    const { createInterface } = await import('node:readline/promises')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question(question).finally(() => rl.close())
    if (answer.trim() !== env)
      throw new ConfigError('DestroyCancelled', `destroying environment ${env}: cancelled, nothing was deleted`, {
        hint: `Type the environment's name exactly (${env}) to confirm, or pass --yes.`,
      })
  }
}
