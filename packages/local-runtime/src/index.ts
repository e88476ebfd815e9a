/**
 * The local runtime's public API: what the blueprint's demo, CLI, tests and benchmarks use.
 * Everything here runs on this machine; nothing of it is deployed to AWS.
 */
export * from './cli';
export * from './cli-commands';
export { placeholdersOf, substitute, UnknownPlaceholderError } from './definition-substitutions';
export {
  checkJava,
  createTable,
  type DynamoDbLocal,
  DynamoDbLocalStartError,
  freePort,
  JAVA_INSTALL_HINT,
  JavaNotFoundError,
  LOCAL_AWS_CONFIG,
  startDynamoDbLocal,
  type TableOptions,
} from './dynamodb-local';
export * from './engine';
export {
  type EventPattern,
  type EventRule,
  InvalidEventPatternError,
  LocalEventBus,
  type StatusChangeEvent,
} from './events';
export { executionHistory, waitForExecution } from './executions';
export { createIntegrations, type IntegrationsConfig, type LocalIntegrations } from './integrations';
export * from './lambda';
export * from './runtime';
export * from './sfn';
export * from './testing/local-services';
