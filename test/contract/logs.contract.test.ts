import { logGroupKind } from '../../src/resources/logs/log-group.js'
import { contractSuite, OUR_TAGS } from './harness.js'

contractSuite({
  kind: logGroupKind,
  spec: () => ({ logicalId: 'fn', name: '/aws/lambda/contract-fn', retentionDays: 14, tags: OUR_TAGS }),
  changed: (spec) => ({ ...spec, retentionDays: 30 }),
  updateCalls: ['PutRetentionPolicy'],
  createCommand: 'CreateLogGroup',
  count: (aws, spec) => (aws.logs.group(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => aws.logs.deleteLogGroupOutOfBand(spec.name),
})
