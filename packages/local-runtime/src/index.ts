/**
 * The local runtime's public API: what the blueprint's demo, CLI, tests and benchmarks use.
 * Everything here runs on this machine; nothing of it is deployed to AWS.
 */
export * from './cli';
export * from './cli-commands';
export * from './cloud-assembly';
export * from './console';
export { placeholdersOf, substitute, UnknownPlaceholderError } from './definition-substitutions';
export {
  type CreatedTable,
  checkJava,
  createTable,
  type DynamoDbLocal,
  DynamoDbLocalStartError,
  freePort,
  JAVA_INSTALL_HINT,
  JavaNotFoundError,
  type KeyAttribute,
  type KeyAttributeType,
  LOCAL_AWS_CONFIG,
  type SecondaryIndexOptions,
  startDynamoDbLocal,
  type TableOptions,
} from './dynamodb-local';
export * from './engine';
export * from './eventbridge';
export {
  DEFAULT_EVENT_BUS,
  type EventPattern,
  type EventRule,
  InvalidEventPatternError,
  LocalEventBus,
  ruleKey,
  type StatusChangeEvent,
  targetInput,
} from './events';
export { executionHistory, waitForExecution } from './executions';
export * from './faults';
export { createIntegrations, type IntegrationsConfig, type LocalIntegrations } from './integrations';
export * from './lambda';
export * from './metering';
export * from './runtime';
export * from './sfn';
export * from './testing/local-services';
