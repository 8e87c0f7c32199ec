import type { TableConfig } from '../../src/config/types.js'
import { tableKind } from '../../src/resources/dynamodb/table.js'
import { contractSuite, OUR_TAGS } from './harness.js'

const table: TableConfig = {
  logicalId: 'conversations',
  name: 'contract-svc-test-conversations',
  partitionKey: { name: 'conversation_id', type: 'S' },
  sortKey: { name: 'timestamp', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  globalIndexes: [{ name: 'user-index', partitionKey: { name: 'user_id', type: 'S' }, projection: 'ALL' }],
  stream: 'NEW_AND_OLD_IMAGES',
  ttlAttribute: 'ttl',
  pointInTimeRecovery: false,
  // Protected, so that destroy exercises lifting it (the harness's destroy passes --disable-deletion-protection).
  deletionProtection: true,
  encryption: 'AWS_OWNED',
  tableClass: 'STANDARD',
  tags: OUR_TAGS,
}

contractSuite({
  kind: tableKind,
  spec: () => table,
  changed: (spec) => ({ ...spec, pointInTimeRecovery: true }),
  updateCalls: ['UpdateContinuousBackups'],
  createCommand: 'CreateTable',
  count: (aws, spec) => (aws.dynamodb.table(spec.name) ? 1 : 0),
  deleteOutOfBand: (aws, spec) => aws.dynamodb.deleteTableOutOfBand(spec.name),
})
