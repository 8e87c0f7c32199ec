// The plan and outputs as people read them: policy statements added and removed, colours, the manual's order, what
// a first plan says, why a plan was offline, and the values `infra outputs` prints.
import { describe, expect, test } from 'vitest'
import type { Manifest } from '../../src/manifest/types.js'
import { ansi } from '../../src/output/color.js'
import { collectOutputs, formatOutputs } from '../../src/output/outputs.js'
import { confirmationReasons, describeResult, paintResult } from '../../src/output/plan.js'
import { diffPolicy } from '../../src/output/policy-diff.js'
import { formatStatus } from '../../src/output/status.js'
import { formatOutcome, planHasChanges } from '../../src/output/summary.js'
import type { Ensured } from '../../src/resources/types.js'
import type { RunOutcome, StepOutcome } from '../../src/runner/run-steps.js'
import { STEP_IDS } from '../../src/steps/types.js'

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/svc-usage'
const before = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Read', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [TABLE] },
    { Sid: 'Logs', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:*:*:*' },
  ],
}
const after = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadWrite',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Resource: TABLE,
    },
  ],
}

const policyUpdate = (from: unknown): Ensured => ({
  kind: 'iam-role',
  key: 'iam-role:lambda',
  name: 'svc-lambda-role',
  action: 'would-update',
  changes: [
    { field: 'InlinePolicy[service-access]', from, to: after },
    { field: 'Tags[team]', from: 'a', to: 'b' },
  ],
})

describe('policy documents in a plan', () => {
  test('the statements added and removed, compared by meaning (Sid and list order do not count)', () => {
    expect(diffPolicy(before, after)).toEqual({
      added: [`Allow dynamodb:PutItem on ${TABLE}`],
      removed: ['Allow logs:PutLogEvents on arn:aws:logs:*:*:*'],
      previousUnknown: false,
      widens: true,
    })
    // IAM returns documents URL-encoded.
    expect(diffPolicy(encodeURIComponent(JSON.stringify(after)), after)).toMatchObject({
      added: [],
      removed: [],
      widens: false,
    })
  })

  test('one line per statement, whole, under the resource; other fields stay on its line', () => {
    expect(describeResult(policyUpdate(before))).toBe(
      [
        '~ update iam-role svc-lambda-role (Tags[team]: a → b)',
        '    InlinePolicy[service-access]:',
        '      - Allow logs:PutLogEvents on arn:aws:logs:*:*:*',
        `      + Allow dynamodb:PutItem on ${TABLE}`,
      ].join('\n'),
    )
  })

  test('when the previous document is not known, what the new one allows, said as such', () => {
    const text = describeResult(policyUpdate('differs'))
    expect(text).toContain('InlinePolicy[service-access]: changed; it now allows (the previous document is not shown):')
    expect(text).toContain(`        Allow dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query on ${TABLE}`)
  })

  test('a trust policy names its principals; removing a Deny widens', () => {
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }
    expect(diffPolicy(deny, { Version: '2012-10-17', Statement: [] })?.widens).toBe(true)
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }
    expect(diffPolicy(undefined, trust)?.added).toEqual(['Allow sts:AssumeRole for Service lambda.amazonaws.com'])
  })

  test('colours: + green, ~ yellow, - red, and nothing else', () => {
    const text = paintResult(policyUpdate(before), ansi)
    expect(text).toContain('\u001b[33m~ update\u001b[39m iam-role')
    expect(text).toContain('\u001b[31m- Allow logs:PutLogEvents')
    expect(text).toContain('\u001b[32m+ \u001b[39mAllow dynamodb:PutItem')
    expect(describeResult(policyUpdate(before))).not.toContain('\u001b[')
  })

  test('a deploy asks first when it creates, deletes or widens IAM, not for an update that narrows', () => {
    const create: Ensured = { kind: 'dynamodb-table', key: 'k', name: 't', action: 'would-create', changes: [] }
    const narrowed = { ...after, Statement: [{ ...after.Statement[0]!, Action: ['dynamodb:GetItem'] }] }
    const narrows: Ensured = {
      ...policyUpdate(after),
      changes: [{ field: 'InlinePolicy[x]', from: after, to: narrowed }],
    }
    expect(confirmationReasons([create, policyUpdate(before)])).toEqual([
      '1 to create',
      'IAM permissions widened on iam-role svc-lambda-role',
    ])
    expect(confirmationReasons([narrows])).toEqual([])
  })
})

function step(id: StepOutcome['id'], number: number, extra: Partial<StepOutcome> = {}): StepOutcome {
  return {
    id,
    number,
    title: id,
    status: 'done',
    inputsChanged: true,
    results: [],
    outputs: {},
    durationMs: 0,
    ...extra,
  }
}
const outcome = (steps: StepOutcome[], extra: Partial<RunOutcome> = {}): RunOutcome => ({
  command: 'plan',
  env: 'dev',
  dryRun: true,
  offline: false,
  ok: true,
  durationMs: 0,
  steps,
  waits: [],
  ...extra,
})

describe('the plan summary', () => {
  test('steps in the manual’s order; "inputs changed" only for a step that finished before', () => {
    const text = formatOutcome(outcome([step('cognito', 8), step('iam', 1), step('dynamodb', 2)]), {
      before: { dynamodb: 'done', cognito: 'failed' },
    })
    const labels = text.split('\n').filter((l) => /^\d\d \w+:/.test(l))
    expect(labels).toEqual([
      '01 iam: nothing to do',
      '02 dynamodb: nothing to do (inputs changed since the last run)',
      '08 cognito: nothing to do (its last run did not finish)',
    ])
  })

  test('the offline banner says why', () => {
    const offline = outcome([step('iam', 1)], { offline: true })
    expect(formatOutcome(offline, { offlineBecause: 'flag' })).toMatch(
      /^Offline plan \(--offline\): AWS was not contacted/,
    )
    expect(formatOutcome(offline, { offlineBecause: 'no-credentials' })).toMatch(
      /^Offline plan: no AWS credentials were found/,
    )
  })

  test('changes for --detailed-exitcode: a create, update or delete; not unchanged or unverified', () => {
    const r = (action: Ensured['action']): Ensured => ({ kind: 'k', key: 'k:a', name: 'a', action, changes: [] })
    expect(planHasChanges(outcome([step('iam', 1, { results: [r('unchanged'), r('unverified')] })]))).toBe(false)
    expect(planHasChanges(outcome([step('iam', 1, { results: [r('would-delete')] })]))).toBe(true)
  })
})

describe('infra outputs', () => {
  const manifest = {
    service: 'svc-dev',
    region: 'eu-west-1',
    account: '123456789012',
    steps: {
      api: {
        status: 'done',
        outputs: {
          restApiId: 'abc',
          url: 'https://abc/dev',
          definitionHash: 'f00',
          endpoints: { 'REST API': 'https://abc/dev' },
        },
      },
      websocket: { status: 'done', outputs: { websocketApiId: 'ws1', url: 'wss://ws1/dev' } },
      dynamodb: {
        status: 'done',
        outputs: { tables: { 'websocket-connections': { name: 'svc-dev-websocket-connections' } } },
      },
      cognito: { status: 'done', outputs: { userPoolId: 'eu-west-1_X', clientId: 'c1', hostedUiUrl: 'https://auth' } },
    },
  } as unknown as Manifest

  test('every recorded value, keyed by step and path in upper case; fingerprints and display copies left out', () => {
    expect(collectOutputs(manifest, STEP_IDS)).toEqual({
      SERVICE_NAME: 'svc-dev',
      AWS_REGION: 'eu-west-1',
      AWS_ACCOUNT_ID: '123456789012',
      DYNAMODB_TABLES_WEBSOCKET_CONNECTIONS_NAME: 'svc-dev-websocket-connections',
      API_REST_API_ID: 'abc',
      API_URL: 'https://abc/dev',
      WEBSOCKET_API_ID: 'ws1',
      WEBSOCKET_URL: 'wss://ws1/dev',
      COGNITO_USER_POOL_ID: 'eu-west-1_X',
      COGNITO_CLIENT_ID: 'c1',
      COGNITO_HOSTED_UI_URL: 'https://auth',
    })
  })

  test('dotenv, shell and JSON, quoted where needed', () => {
    const values = { A: 'https://x/y', B: "it's spaced" }
    expect(formatOutputs(values, 'dotenv')).toBe('A=https://x/y\nB="it\'s spaced"\n')
    expect(formatOutputs(values, 'shell')).toBe("export A='https://x/y'\nexport B='it'\\''s spaced'\n")
    expect(JSON.parse(formatOutputs(values, 'json'))).toEqual(values)
  })
})

describe('infra status', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:a-function-name-long-enough-to-be-cut-in-a-cell'
  const manifest = {
    service: 'svc',
    region: 'us-east-1',
    steps: {
      dynamodb: { status: 'done', finishedAt: '2026-01-01T00:00:00.000Z', outputs: {} },
      lambda: {
        status: 'failed',
        outputs: {},
        error: { code: 'FunctionCreateFailed', message: `creating Lambda function (${arn}): boom` },
      },
      api: {
        status: 'done',
        outputs: { endpoints: { 'REST API': 'https://abc.execute-api.us-east-1.amazonaws.com/dev' } },
      },
    },
    resources: {
      'dynamodb-table:a': { kind: 'dynamodb-table', step: 'dynamodb', name: 'a' },
      'dynamodb-table:b': { kind: 'dynamodb-table', step: 'dynamodb', name: 'b' },
      'log-group:a': { kind: 'log-group', step: 'dynamodb', name: 'x' },
    },
    history: [],
  } as unknown as Manifest

  test('a table of what each step made; errors and endpoints whole, below it', () => {
    const text = formatStatus({ env: 'dev', manifest })
    expect(text).toMatch(
      /02 dynamodb\s+│ done\s+│ 2026-01-01T00:00:00.000Z │ 2 dynamodb-table\s+│\n│\s+│\s+│\s+│ 1 log-group/,
    )
    expect(text).toMatch(/01 iam\s+│ never run/)
    expect(text).toContain(`  lambda: FunctionCreateFailed: creating Lambda function (${arn}): boom`)
    expect(text).toContain('Endpoints:\n  REST API: https://abc.execute-api.us-east-1.amazonaws.com/dev')
    expect(text).not.toMatch(/…|\.\.\./)
  })

  test('never deployed: how to start', () => {
    expect(formatStatus({ env: 'dev', manifest: null })).toContain('Start with `infra plan --env dev`')
  })
})
