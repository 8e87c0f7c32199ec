// The question deploy-all asks on a terminal before it applies a plan that creates, deletes or widens IAM.
import { createInterface } from 'node:readline/promises'
import { ConfigError } from '../errors/index.js'

/** Prints the plan and asks; anything but yes stops the run with nothing changed. */
export async function askToApply(
  planText: string,
  reasons: string[],
  env: string,
  log: (text: string) => void,
): Promise<void> {
  log(`${planText}\n`)
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  const answer = await rl
    .question(`This deploy of ${env} has ${reasons.join('; ')}. Apply it? Type yes to apply: `)
    .finally(() => rl.close())
  if (!/^(y|yes)$/i.test(answer.trim()))
    throw new ConfigError(
      'DeployCancelled',
      `deploying environment ${env}: cancelled at the prompt, nothing was changed`,
      {
        hint: `Review the plan with \`infra plan --env ${env}\`; answer yes, or pass --yes, to apply.`,
      },
    )
}
