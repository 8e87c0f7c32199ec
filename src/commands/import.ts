import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import { ConfigError } from '../errors/index.js'
import type { RunOutcome } from '../runner/run-steps.js'

export default class Import extends InfraCommand {
  static override summary =
    'Adopt what the manual’s scripts (or a person) made: find it by name, show it, then tag and record it'
  static override description =
    'For a service first deployed without infra: every resource config describes is looked up by its name, and the plan lists what would be adopted, what is already managed, what is missing (deploy-all creates it) and what differs from config (left as it is; the next deploy-all changes it). On confirmation (--yes without a terminal) each found resource gets this service’s ownership tags and a manifest record; nothing else is written. Several resources with one name (two REST APIs or user pools) are listed with their ids and creation dates: choose with --choose <key>=<id>, or answer the question on a terminal.'
  static override examples = [
    '<%= config.bin %> import --env production',
    '<%= config.bin %> import --env production --yes --choose rest-api:rest-api=a1b2c3d4e5',
  ]
  static override flags = {
    ...envFlags,
    choose: Flags.string({
      summary: 'Adopt this candidate where several share a name: <manifest key>=<id> (repeatable)',
      multiple: true,
    }),
    only: Flags.string({
      summary: 'Import these steps only (ids or numbers, comma-separated), with the steps they need',
      multiple: true,
      delimiter: ',',
    }),
    yes: Flags.boolean({ char: 'y', summary: 'Adopt without asking (CI)', default: false }),
  }

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(Import)
    const interactive = this.printsText() && process.stdin.isTTY && process.stdout.isTTY && !process.env.CI
    const [{ importEnvironment }, prompt, { stdoutPaint }] = await Promise.all([
      import('../cli/import-actions.js'),
      import('../cli/import-prompt.js'),
      import('../output/color.js'),
    ])
    return this.finish(
      await importEnvironment(
        {
          ...flags,
          choices: parseChoices(flags.choose ?? []),
          renderer: this.renderer(),
          paint: this.printsText() ? stdoutPaint() : undefined,
        },
        {
          choose: async (ambiguous, env) => {
            if (!interactive) throw prompt.ambiguityError(ambiguous, env)
            return prompt.askToChoose(ambiguous, (t) => this.log(t))
          },
          confirm: async (plan, toAdopt) => {
            if (flags.yes) return
            if (this.printsText()) this.log(`${plan.text}\n`)
            if (!interactive) throw prompt.confirmationRequired(plan.outcome.env)
            await prompt.askToImport(plan.outcome.env, toAdopt)
          },
        },
      ),
    )
  }
}

/** `--choose rest-api:rest-api=a1b2c3` → `{ 'rest-api:rest-api': 'a1b2c3' }` (keys hold colons, so split at the first `=`). */
function parseChoices(values: string[]): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const at = value.indexOf('=')
      if (at <= 0 || at === value.length - 1)
        throw new ConfigError('InvalidUsage', `--choose ${value}: expected <manifest key>=<id>`, {
          hint: 'For example `--choose rest-api:rest-api=a1b2c3d4e5`; the import lists each key with its candidates.',
        })
      return [value.slice(0, at), value.slice(at + 1)]
    }),
  )
}
