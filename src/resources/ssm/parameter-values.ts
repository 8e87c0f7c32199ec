// `${ssm:/name}` in config: an existing String parameter read at plan time. Never a secret: a SecureString is refused
// (its value would land in a function's configuration and the manifest); secrets are passed by name (`secrets`).
import { GetParametersCommand, SSMClient, type Parameter } from '@aws-sdk/client-ssm'
import { awsFailure } from '../../aws/errors.js'
import { ConfigError, StepError } from '../../errors/index.js'
import type { ResourceContext } from '../types.js'

// GetParameters takes at most 10 names per call.
const NAMES_PER_CALL = 10

/** Name → value of each String (or StringList) parameter; missing ones and SecureStrings are errors. */
export async function readStringParameters(ctx: ResourceContext, names: string[]): Promise<Record<string, string>> {
  const ssm = ctx.aws.get(SSMClient)
  const found: Parameter[] = []
  const missing: string[] = []
  try {
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      // Without decryption: a SecureString comes back as ciphertext, and is refused below without being used.
      const page = await ssm.send(
        new GetParametersCommand({ Names: names.slice(i, i + NAMES_PER_CALL), WithDecryption: false }),
      )
      found.push(...(page.Parameters ?? []))
      missing.push(...(page.InvalidParameters ?? []))
    }
  } catch (e) {
    throw awsFailure(e, {
      code: 'ParameterReadFailed',
      doing: 'reading',
      kind: 'SSM parameters',
      name: names.join(', '),
      hint: 'Check that your credentials may call ssm:GetParameters, then rerun.',
    })
  }
  const secure = found.filter((p) => p.Type === 'SecureString').map((p) => p.Name)
  if (secure.length > 0)
    throw new ConfigError(
      'SecureParameterReference',
      `reading SSM parameters (${secure.join(', ')}): ${secure.length === 1 ? 'it is a SecureString' : 'they are SecureStrings'}, and \${ssm:…} only copies String parameters into config values`,
      {
        hint: 'Pass a secret by name instead: list it under the function\'s "secrets" (env var -> parameter name); the function reads the value at run time.',
      },
    )
  if (missing.length > 0)
    throw new StepError(
      'ReferencedParameterMissing',
      `reading SSM parameters: ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in ${ctx.identity.region}`,
      {
        hint: `Create ${missing.length === 1 ? 'it' : 'them'} (\`aws ssm put-parameter --type String --name ${missing[0]} --value …\`) or fix the \${ssm:…} reference in config.json, then rerun.`,
      },
    )
  return Object.fromEntries(found.map((p) => [p.Name!, p.Value ?? '']))
}
