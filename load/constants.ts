/** What the load app (app.ts) and the driver (driver.ts) agree on; importing app.ts would synthesize it. */

/** The stack outputs load/run.ts reads, besides each workflow's ARN (LOAD_WORKFLOWS). */
export const LOAD_OUTPUTS = {
  idempotencyTable: 'IdempotencyTableName',
  ledger: 'LedgerTableName',
  calls: 'CallsTableName',
  businessFunction: 'BusinessFunctionName',
} as const;

/** The key expression of every workflow of the load app. */
export const LOAD_KEY_EXPRESSION = '$states.input.eventId';

/** What a workflow does with a duplicate of a running execution (the construct's inProgressPolicy). */
export type InProgressPolicy = 'FAIL' | 'SUCCEED';

export interface LoadWorkflow {
  /** The construct id in the load app. */
  readonly id: string;
  /** The stack output with its state machine ARN. */
  readonly output: string;
  readonly keyPrefix: string;
  /** The function gets `{ idempotencyKey, event }` (ENVELOPE) or the bare event. */
  readonly withKey: boolean;
  readonly inProgressPolicy: InProgressPolicy;
}

/**
 * The load app's workflows: with and without the key downstream, each with the in-progress policy a
 * source that redelivers failed executions needs (FAIL) and with the construct's default (SUCCEED).
 */
export const LOAD_WORKFLOWS: readonly LoadWorkflow[] = [
  {
    id: 'WithKey',
    output: 'WithKeyStateMachineArn',
    keyPrefix: 'load',
    withKey: true,
    inProgressPolicy: 'FAIL',
  },
  {
    id: 'WithoutKey',
    output: 'WithoutKeyStateMachineArn',
    keyPrefix: 'load-nokey',
    withKey: false,
    inProgressPolicy: 'FAIL',
  },
  {
    id: 'WithKeySucceedInProgress',
    output: 'WithKeySucceedInProgressStateMachineArn',
    keyPrefix: 'load-succeed',
    withKey: true,
    inProgressPolicy: 'SUCCEED',
  },
  {
    id: 'WithoutKeySucceedInProgress',
    output: 'WithoutKeySucceedInProgressStateMachineArn',
    keyPrefix: 'load-nokey-succeed',
    withKey: false,
    inProgressPolicy: 'SUCCEED',
  },
];

/** The workflow a run drives. */
export function loadWorkflow(options: {
  readonly withKey: boolean;
  readonly inProgressPolicy: InProgressPolicy;
}): LoadWorkflow {
  const found = LOAD_WORKFLOWS.find(
    (w) => w.withKey === options.withKey && w.inProgressPolicy === options.inProgressPolicy,
  );
  if (found === undefined) throw new Error('the load app has a workflow for every mode');
  return found;
}

/** The business function's timeout: task timeout, lease and the release workflow's wait follow from it. */
export const LOAD_BUSINESS_TIMEOUT_SECONDS = 3;
