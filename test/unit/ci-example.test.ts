// The documented GitHub Actions workflow (examples/ci/) stays valid: every infra command it runs exists with the
// flags it passes, it plans on pull requests and deploys on main with production behind an approval gate, and AWS
// credentials come from an OIDC role, never from stored keys.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from '../support/cli.js'

interface WorkflowStep {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  if?: string
  needs?: string | string[]
  environment?: string | { name: string }
  permissions?: Record<string, string>
  strategy?: { matrix?: Record<string, unknown[]> }
  steps: WorkflowStep[]
}
interface Workflow {
  on: Record<string, { branches?: string[] }>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

const CI_DIR = join(REPO_ROOT, 'examples', 'ci')
const text = readFileSync(join(CI_DIR, 'github-actions.yml'), 'utf8')
const workflow = parse(text) as Workflow
const jobs = Object.entries(workflow.jobs)

/** Every `npx infra …` in the jobs' scripts: its command and words (a `${{ … }}` is one word), up to a redirection. */
function infraCalls(): Array<{ job: Job; command: string; args: string[] }> {
  return jobs.flatMap(([, job]) =>
    job.steps.flatMap((step) =>
      (step.run ?? '').split('\n').flatMap((line) => {
        const at = line.indexOf('npx infra ')
        if (at < 0) return []
        const words = line
          .slice(at + 'npx infra '.length)
          .split(/\s+(?:>|2>|\||&&|;).*$/)[0]!
          .match(/\$\{\{.*?\}\}|\S+/g)!
        return [{ job, command: words[0]!, args: words.slice(1) }]
      }),
    ),
  )
}

/** A GitHub expression `${{ matrix.x }}` stands for each value of the job's matrix entry. */
function valuesOf(job: Job, word: string): string[] {
  const matrixKey = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(word)?.[1]
  if (!matrixKey) return [word]
  return (job.strategy?.matrix?.[matrixKey] ?? []).map(String)
}

describe('examples/ci/github-actions.yml', () => {
  test('runs only infra commands that exist, with flags they accept, for environments that exist', async () => {
    const calls = infraCalls()
    expect(calls.map((c) => c.command).sort()).toEqual(['deploy-all', 'deploy-all', 'plan', 'validate'])
    for (const { job, command, args } of calls) {
      const { default: Command } = (await import(
        pathToFileURL(join(REPO_ROOT, 'src', 'commands', `${command}.ts`)).href
      )) as {
        default: { flags: Record<string, { char?: string }>; enableJsonFlag?: boolean }
      }
      const known = new Set(Object.keys(Command.flags).map((f) => `--${f}`))
      if (Command.enableJsonFlag) known.add('--json')
      for (const word of args.filter((a) => a.startsWith('--')))
        expect(known, `infra ${command} has no flag ${word}`).toContain(word.split('=')[0])
      const env = args[args.indexOf('--env') + 1]
      expect(env, `infra ${command} names its environment`).toBeDefined()
      for (const name of valuesOf(job, env!))
        expect(existsSync(join(REPO_ROOT, 'environments', `${name}.env`)), `environments/${name}.env`).toBe(true)
    }
  })

  test('plans on pull requests and deploys on pushes to main, production after staging and an approval', () => {
    expect(workflow.on.pull_request?.branches).toEqual(['main'])
    expect(workflow.on.push?.branches).toEqual(['main'])
    const byCommand = (command: string) =>
      jobs.filter(([, job]) => job.steps.some((s) => s.run?.includes(`npx infra ${command} `)))
    const [[, plan]] = byCommand('plan') as [[string, Job]]
    expect(plan.if).toContain("github.event_name == 'pull_request'")
    expect(plan.steps.find((s) => s.run?.includes('infra plan'))?.run).toMatch(
      /--detailed-exitcode[\s\S]*\$GITHUB_STEP_SUMMARY/,
    )
    const deploys: Record<string, Job> = Object.fromEntries(
      byCommand('deploy-all').map(([, job]) => [String(job.environment), job]),
    )
    expect(Object.keys(deploys).sort()).toEqual(['production', 'staging'])
    expect(deploys.staging!.if).toContain("github.event_name == 'push'")
    expect(deploys.staging!.if).toContain("github.ref == 'refs/heads/main'")
    const [stagingJob] = jobs.find(([, job]) => job === deploys.staging)!
    expect(deploys.production!.needs).toBe(stagingJob)
    for (const job of Object.values(deploys)) expect(job.steps.some((s) => s.run?.includes('--yes'))).toBe(true)
  })

  test('takes AWS credentials from an OIDC role, never from stored keys', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' })
    for (const [name, job] of jobs) {
      const login = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
      expect(login, `job ${name} assumes a role`).toBeDefined()
      expect(job.permissions?.['id-token'], `job ${name}`).toBe('write')
      expect(String(login!.with?.['role-to-assume'])).toMatch(/^\$\{\{ vars\.INFRA_\w+_ROLE_ARN \}\}$/)
      expect(Object.keys(login!.with ?? {})).not.toContain('aws-access-key-id')
    }
    expect(text).not.toMatch(/aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|secrets\./i)
  })
})

describe('examples/ci/oidc-trust-policy.json', () => {
  test('lets GitHub’s OIDC provider assume the role for one repository’s environments only', () => {
    const policy = JSON.parse(readFileSync(join(CI_DIR, 'oidc-trust-policy.json'), 'utf8')) as {
      Statement: Array<{
        Effect: string
        Principal: { Federated: string }
        Action: string
        Condition: { StringEquals: Record<string, string | string[]> }
      }>
    }
    const [statement] = policy.Statement
    expect(policy.Statement).toHaveLength(1)
    expect(statement!.Effect).toBe('Allow')
    expect(statement!.Action).toBe('sts:AssumeRoleWithWebIdentity')
    expect(statement!.Principal.Federated).toMatch(/:oidc-provider\/token\.actions\.githubusercontent\.com$/)
    const equals = statement!.Condition.StringEquals
    expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com')
    const subjects = [equals['token.actions.githubusercontent.com:sub']].flat()
    expect(subjects.length).toBeGreaterThan(0)
    // One repository, and only its deploy environments: no wildcard lets another repository or branch in.
    for (const sub of subjects!) expect(sub).toMatch(/^repo:[\w.-]+\/[\w.-]+:environment:(staging|production)$/)
  })
})
