// The www redirect's CloudFront Function through the engine's contract: created and published, unchanged code sends
// nothing, changed code is an update published, a crash after the create resumes without a second one, delete.
import type { CloudFrontFunctionSpec } from '../../src/resources/cloudfront/function.js'
import { cloudFrontFunctionKind } from '../../src/resources/cloudfront/function.js'
import type { FakeCloudFront } from '../support/fake-aws/cloudfront.js'
import type { AllFakes } from '../support/fake-aws/index.js'
import { contractSuite } from './harness.js'

const functions = (aws: AllFakes) => aws.service<FakeCloudFront>('cloudfront').functions.functions

contractSuite({
  kind: cloudFrontFunctionKind,
  spec: (): CloudFrontFunctionSpec => ({
    logicalId: 'www-redirect',
    name: 'contract-svc-test-www-redirect',
    comment: 'www.example.com -> https://example.com',
    code: 'function handler(event) { return event.request }\n',
    // None: a delete finds no distribution to take the association off.
    distributionId: 'ENONE',
  }),
  changed: (spec) => ({ ...spec, code: 'function handler(event) { return event.request } // changed\n' }),
  updateCalls: ['UpdateFunction', 'PublishFunction'],
  createCommand: 'CreateFunction',
  alreadyExists: 'FunctionAlreadyExists',
  count: (aws, spec) => (functions(aws)[spec.name] ? 1 : 0),
  deleteOutOfBand: (aws, spec) => delete functions(aws)[spec.name],
})
