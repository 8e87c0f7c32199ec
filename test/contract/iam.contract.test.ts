import { roleKind, type RoleSpec } from '../../src/resources/iam/role.js'
import { rolePolicyKind } from '../../src/resources/iam/role-policy.js'
import { converge } from '../../src/resources/engine/converge.js'
import { serviceTrustPolicy, type PolicyDocument } from '../../src/resources/policy-document.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const allow = (Sid: string, Action: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid, Effect: 'Allow', Action, Resource: 'arn:aws:dynamodb:us-east-1:887078546492:table/contract' }],
})

const role: RoleSpec = {
  logicalId: 'lambda',
  name: 'contract-svc-test-lambda-role',
  description: 'contract test role',
  trustPolicy: serviceTrustPolicy('lambda.amazonaws.com'),
  inlinePolicies: { 'service-access': allow('ReadTable', 'dynamodb:GetItem') },
  managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  tags: OUR_TAGS,
}

contractSuite({
  kind: roleKind,
  spec: () => role,
  changed: (spec) => ({ ...spec, inlinePolicies: { 'service-access': allow('WriteTable', 'dynamodb:PutItem') } }),
  updateCalls: ['PutRolePolicy'],
  createCommand: 'CreateRole',
  count: (aws, spec) => (aws.iam.role(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => aws.iam.deleteRoleOutOfBand(spec.name),
})

contractSuite({
  kind: rolePolicyKind,
  async setup(ctx) {
    await converge(ctx, roleKind, role)
    return { role: role.name }
  },
  spec: (parents) => ({
    logicalId: 'lambda-websocket',
    name: `${parents.role}/websocket-manage-connections`,
    roleName: parents.role!,
    policyName: 'websocket-manage-connections',
    document: allow('AnswerOnWebSocketConnections', 'execute-api:ManageConnections'),
  }),
  changed: (spec) => ({ ...spec, document: allow('AnswerOnWebSocketConnections', 'execute-api:*') }),
  updateCalls: ['PutRolePolicy'],
  createCommand: 'PutRolePolicy',
  alreadyExists: false,
  count: (aws, spec) => (aws.iam.role(spec.roleName)?.inline[spec.policyName] === undefined ? 0 : 1),
  deleteOutOfBand: (aws, spec) => {
    delete aws.iam.role(spec.roleName)!.inline[spec.policyName]
  },
})
