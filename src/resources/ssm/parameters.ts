// SSM parameters that functions name as secrets: we only check they exist. Their values are never read, and a
// function receives the parameter's name (it reads the value itself at run time).
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import { awsFailure } from '../../aws/errors.js'
import type { ResourceContext } from '../types.js'

// DescribeParameters takes at most 50 values per filter and returns metadata only (no values, no decryption).
const NAMES_PER_CALL = 50

/** The names, among `names`, that have no parameter in this account and region. */
export async function findMissingParameters(ctx: ResourceContext, names: string[]): Promise<string[]> {
  const wanted = [...new Set(names)].sort()
  if (wanted.length === 0 || ctx.offline) return []
  const ssm = ctx.aws.get(SSMClient)
  const found = new Set<string>()
  try {
    for (let i = 0; i < wanted.length; i += NAMES_PER_CALL) {
      const Values = wanted.slice(i, i + NAMES_PER_CALL)
      let NextToken: string | undefined
      do {
        const page = await ssm.send(
          new DescribeParametersCommand({
            ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values }],
            MaxResults: 50,
            NextToken,
          }),
        )
        for (const p of page.Parameters ?? []) if (p.Name) found.add(p.Name)
        NextToken = page.NextToken
      } while (NextToken)
    }
  } catch (e) {
    throw awsFailure(e, {
      code: 'SecretCheckFailed',
      doing: 'checking',
      kind: 'SSM parameters',
      name: wanted.join(', '),
      hint: 'Check that your credentials may call ssm:DescribeParameters, then rerun.',
    })
  }
  return wanted.filter((n) => !found.has(n))
}
