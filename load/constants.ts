/** What the load app (app.ts) and the driver (driver.ts) agree on; importing app.ts would synthesize it. */

/** The stack outputs load/run.ts reads. */
export const LOAD_OUTPUTS = {
  withKey: 'WithKeyStateMachineArn',
  withoutKey: 'WithoutKeyStateMachineArn',
  idempotencyTable: 'IdempotencyTableName',
  ledger: 'LedgerTableName',
  calls: 'CallsTableName',
  businessFunction: 'BusinessFunctionName',
} as const;

/** The key expression of both workflows, and their key prefixes. */
export const LOAD_KEY = {
  expression: '$states.input.eventId',
  withKey: 'load',
  withoutKey: 'load-nokey',
} as const;

/** The business function's timeout: task timeout, lease and the release workflow's wait follow from it. */
export const LOAD_BUSINESS_TIMEOUT_SECONDS = 3;
