import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'

export default class Outputs extends InfraCommand {
  static override summary = 'Print every URL, id and name the environment’s steps recorded, for a frontend build or CI'
  static override description =
    'Reads the manifest only (no AWS call): the API and WebSocket URLs, the user pool, client and hosted UI, table and function names, and whatever later steps record, as KEY=value lines (dotenv), `export` lines (shell) or one JSON object. Keys are the step id and the value’s path in upper case: API_URL, WEBSOCKET_URL, COGNITO_USER_POOL_ID, DYNAMODB_TABLES_USAGE_NAME. An environment never deployed exits 2 and says how to start.'
  static override examples = [
    '<%= config.bin %> outputs --env production',
    '<%= config.bin %> outputs --env dev --format dotenv --output frontend/.env.local',
    'eval "$(<%= config.bin %> outputs --env staging --format shell)"',
    '<%= config.bin %> outputs --env production --format json',
    '<%= config.bin %> outputs --env production --to-ssm /new-service/production',
  ]
  static override flags = {
    ...envFlags,
    format: Flags.string({
      summary: 'dotenv (KEY=value), shell (export KEY=…) or json',
      options: ['dotenv', 'shell', 'json'],
      default: 'dotenv',
    }),
    output: Flags.string({ char: 'o', summary: 'Write to this file (replaced atomically) instead of stdout' }),
    'to-ssm': Flags.string({
      summary: 'Also write every value to SSM Parameter Store as <prefix>/<KEY> String parameters, and report them',
      helpValue: '<prefix>',
    }),
  }

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Outputs)
    const { showOutputs } = await import('../cli/outputs-actions.js')
    const result = await showOutputs({
      ...flags,
      format: flags.format as 'dotenv' | 'shell' | 'json',
      toSsm: flags['to-ssm'],
    })
    if (!this.jsonEnabled()) {
      if (result.file) this.log(`Wrote ${Object.keys(result.values).length} values to ${result.file}`)
      // With --to-ssm the report of what was written replaces the values on stdout.
      else if (!result.ssm) process.stdout.write(result.text)
      if (result.ssm) {
        process.stdout.write(result.ssm.text)
        this.log(`${result.ssm.results.length} parameters under ${result.ssm.prefix}`)
      }
    }
    if (!result.ssm) return result.values
    const parameters = result.ssm.results.map((r) => ({ name: r.name, action: r.action }))
    return { values: result.values, parameters }
  }
}
