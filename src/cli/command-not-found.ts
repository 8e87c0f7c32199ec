// oclif's hook for a command that does not exist: one line with "did you mean", exit 2 like any usage error, and
// JSON with --json. (@oclif/plugin-not-found suggests only on a terminal, by prompting, and exits 127.)
import { Errors, type Hook } from '@oclif/core'
import { closest } from '../config/issues.js'
import { ConfigError } from '../errors/index.js'
import { errorJson } from './base-command.js'

const hook: Hook<'command_not_found'> = async (opts) => {
  const visible = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const typed = opts.id.replaceAll(':', ' ')
  const near = closest(typed, visible)
  const error = new ConfigError(
    'UnknownCommand',
    `${typed} is not an infra command${near ? ` (did you mean ${near}?)` : ''}`,
    { hint: 'Run `infra help` for the list of commands.' },
  )
  if (opts.argv?.includes('--json')) {
    process.stdout.write(`${JSON.stringify(errorJson(error), null, 2)}\n`)
    process.exitCode = error.exitCode
    return
  }
  throw new Errors.CLIError(error.message, { exit: error.exitCode, code: error.code, suggestions: [error.hint!] })
}

export default hook
