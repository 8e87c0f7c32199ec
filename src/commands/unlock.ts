import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { LockReport } from '../cli/state-actions.js'
import { ConfigError } from '../errors/index.js'

export default class Unlock extends InfraCommand {
  static override summary = 'Remove an environment’s lock after showing its holder (a run that died and left it)'
  static override description =
    'Shows who holds the lock (user, host, pid, command, since when; for S3 state, when the lease was last renewed) and asks before removing it (--yes in CI). Only the lock that was shown is removed: one renewed or replaced meanwhile is kept. A holder still running loses the lock and writes nothing more.'
  static override examples = ['<%= config.bin %> unlock --env production', '<%= config.bin %> unlock --env dev --yes']
  static override flags = {
    ...envFlags,
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation (CI)', default: false }),
  }

  async run(): Promise<LockReport> {
    const { flags } = await this.parse(Unlock)
    const { unlockState } = await import('../cli/state-actions.js')
    const { text, ...report } = await unlockState(flags, async (lock) => {
      const lease = lock.lease
        ? `; lease last renewed ${lock.lease.renewedAt}${lock.lease.expired ? ', expired' : ', still running'}`
        : ''
      if (!this.jsonEnabled()) this.log(`${lock.location} is locked by ${lock.holder}${lease}.`)
      if (!flags.yes) await this.confirm(lock.env)
    })
    if (!this.jsonEnabled()) this.log(text)
    return report
  }

  private async confirm(env: string): Promise<void> {
    if (!process.stdin.isTTY) {
      throw new ConfigError('ConfirmationRequired', `unlocking environment ${env}: no terminal to confirm on`, {
        hint: `Check that the holder shown is gone, then pass --yes: \`infra unlock --env ${env} --yes\`.`,
      })
    }
    const { createInterface } = await import('node:readline/promises')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question('Remove this lock? Type yes to remove it: ').finally(() => rl.close())
    if (!/^(y|yes)$/i.test(answer.trim()))
      throw new ConfigError('UnlockCancelled', `unlocking environment ${env}: cancelled, the lock was kept`, {
        hint: `Rerun \`infra unlock --env ${env}\` once the holder is gone, or wait for its run to finish.`,
      })
  }
}
