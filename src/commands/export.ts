import { Flags } from '@oclif/core'
import { envFlags, InfraCommand } from '../cli/base-command.js'
import type { OpenApiDocument } from '../resources/apigateway/rest-api-openapi.js'

export default class Export extends InfraCommand {
  static override summary = 'Print the REST API as the OpenAPI 3.0 document the deploy sends, for API clients and docs'
  static override description =
    'The document step 04 puts into API Gateway (PutRestApi): every path and method with its Lambda proxy integration, the Cognito authorizer, CORS preflights and gateway responses, as API Gateway extensions (x-amazon-apigateway-*). Reads config.json and the manifest only: no AWS call besides reading the state when it is kept in S3. The ARNs of the functions’ aliases and of the user pool are the ones the manifest records; before the lambda step has run they are computed from config.json, and before the cognito step has run the pool reads "(known after apply)" (said on stderr). Exits 2 when config.json has no rest_api section.'
  static override examples = [
    '<%= config.bin %> export --openapi --env production',
    '<%= config.bin %> export --openapi --env staging --out openapi.json',
    '<%= config.bin %> export --openapi --env dev --json',
  ]
  static override flags = {
    ...envFlags,
    openapi: Flags.boolean({ summary: 'Export the REST API as an OpenAPI 3.0 document (JSON)', required: true }),
    out: Flags.string({ char: 'o', summary: 'Write to this file (replaced atomically) instead of stdout' }),
  }

  async run(): Promise<OpenApiDocument> {
    const { flags } = await this.parse(Export)
    const { exportOpenApi } = await import('../cli/export-actions.js')
    const result = await exportOpenApi(flags)
    this.warnAll(result.notes)
    if (this.jsonEnabled()) return result.document
    if (result.file) this.log(`Wrote the OpenAPI document of ${result.env} to ${result.file}`)
    else process.stdout.write(result.text)
    return result.document
  }
}
