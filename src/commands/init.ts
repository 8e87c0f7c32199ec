import path from 'node:path'
import { Flags } from '@oclif/core'
import { InfraCommand } from '../cli/base-command.js'
import type { InitResult } from '../cli/init-actions.js'

export default class Init extends InfraCommand {
  static override summary = 'Start a new service: config.json, environments/dev.env and production.env, one handler'
  static override description =
    'Writes the smallest service that `infra validate` and `infra plan --offline` accept at once: one DynamoDB table and one TypeScript function, plus a REST API, a WebSocket API or a Cognito user pool with --with. It never overwrites: if any of its files exists, it writes nothing.'
  static override examples = [
    '<%= config.bin %> init --name my-service',
    '<%= config.bin %> init --name my-service --region eu-west-1 --account-id 123456789012 --with rest,cognito',
    '<%= config.bin %> init --name chat --with rest,websocket,cognito --dir chat',
  ]
  static override flags = {
    name: Flags.string({
      summary: 'service_name: 3-40 lower-case letters, digits and dashes (default: the folder’s name)',
    }),
    region: Flags.string({ summary: 'AWS region', default: 'us-east-1' }),
    'account-id': Flags.string({
      summary: 'The 12-digit AWS account to deploy to (default: a placeholder to replace)',
    }),
    with: Flags.string({
      summary: 'Also: rest, websocket, cognito (comma-separated)',
      multiple: true,
      delimiter: ',',
      default: [],
    }),
    dir: Flags.string({ summary: 'Folder to write into', default: '.' }),
  }

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init)
    const { initService } = await import('../cli/init-actions.js')
    const dir = path.resolve(flags.dir)
    const result = await initService({
      dir,
      name: flags.name ?? path.basename(dir).toLowerCase(),
      region: flags.region,
      accountId: flags['account-id'],
      with: flags.with,
    })
    this.log(
      `Wrote ${result.files.join(', ')} in ${result.dir}.\n\nNext:\n${result.next.map((l) => `  ${l}`).join('\n')}`,
    )
    return result
  }
}
