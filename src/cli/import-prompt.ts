// The questions `infra import` asks on a terminal: which of several same-named resources is this service's, and
// whether to adopt what the plan lists. Without a terminal the answers come from --choose and --yes.
import { createInterface } from 'node:readline/promises'
import { ConfigError } from '../errors/index.js'
import type { AmbiguousResource } from '../resources/types.js'

/** One line per candidate: its id, when it was made, and whether it already carries this service's tags. */
export function describeCandidates(a: AmbiguousResource): string[] {
  return a.candidates.map(
    (c, i) =>
      `  ${i + 1}) ${c.id}${c.createdAt ? `  created ${c.createdAt}` : ''}${c.managed ? '  (tagged for this service)' : ''}`,
  )
}

/** Without a terminal: refused, listing every duplicate with its candidates and the --choose that settles it. */
export function ambiguityError(ambiguous: AmbiguousResource[], env: string): ConfigError {
  const listed = ambiguous.flatMap((a) => [
    `${a.label} ${a.name} (${a.key}) has ${a.candidates.length} candidates:`,
    ...describeCandidates(a),
  ])
  const flags = ambiguous.map((a) => `--choose ${a.key}=${a.candidates[0]!.id}`).join(' ')
  return new ConfigError('ImportAmbiguous', `importing environment ${env}: ${listed.join('\n')}`, {
    hint: `Check which one holds this service's data, then choose it: \`infra import --env ${env} ${flags}\` (with the right ids); nothing was changed.`,
  })
}

/** Asks, for each duplicate, which candidate to adopt; an answer that is not a listed number stops the import. */
export async function askToChoose(ambiguous: AmbiguousResource[], log: (text: string) => void) {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const chosen: Record<string, string> = {}
    for (const a of ambiguous) {
      log([`${a.label} ${a.name} has ${a.candidates.length} candidates:`, ...describeCandidates(a)].join('\n'))
      const answer = Number((await rl.question(`Which one is this service's ${a.label}? Number: `)).trim())
      const candidate = a.candidates[answer - 1]
      if (!Number.isInteger(answer) || !candidate)
        throw new ConfigError(
          'ImportCancelled',
          `importing ${a.label} (${a.name}): no candidate chosen, nothing was changed`,
          {
            hint: `Answer with one of the numbers listed, or pass \`--choose ${a.key}=<id>\`.`,
          },
        )
      chosen[a.key] = candidate.id
    }
    return chosen
  } finally {
    rl.close()
  }
}

/** Asks before adopting; anything but yes stops with nothing changed. */
export async function askToImport(env: string, toAdopt: number): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  const answer = await rl
    .question(`Adopt ${toAdopt} resource(s) into ${env} (ownership tags and manifest records only)? Type yes: `)
    .finally(() => rl.close())
  if (!/^(y|yes)$/i.test(answer.trim())) throw cancelled(env)
}

/** Without a terminal and without --yes: the plan was printed, nothing was changed. */
export function confirmationRequired(env: string): ConfigError {
  return new ConfigError('ConfirmationRequired', `importing into environment ${env}: no terminal to confirm on`, {
    hint: `Review the plan above, then pass --yes: \`infra import --env ${env} --yes\`.`,
  })
}

const cancelled = (env: string) =>
  new ConfigError(
    'ImportCancelled',
    `importing into environment ${env}: cancelled at the prompt, nothing was changed`,
    {
      hint: `Answer yes, or pass --yes, to adopt what the plan lists.`,
    },
  )
