/**
 * The blueprint as a construct library: what a CDK app imports to make its own Lambda idempotent.
 */
export * from './definition';
export * from './errors';
export * from './idempotent-workflow';
export * from './operations/workflow-operations';
export * from './plan';
export * from './release/orphaned-lease-release';
export * from './sources/eventbridge-source';
export {
  EXECUTION_NAME_UNSAFE_CHARACTERS,
  ExecutionNameKeyEmptyError,
  executionNameForKey,
} from './sources/execution-name';
export * from './sources/sqs-pipe-source';
export * from './sources/sync-api-source';
export {
  IdempotencyError,
  INVALID_KEY_ERROR_PREFIX,
  ReleaseStateName,
  StateName,
} from './state-machines/names';
