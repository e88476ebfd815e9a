/**
 * The names the workflows show to the outside: state names (in the console, the execution history,
 * the logs the metric filters read) and the `Idempotency.*` errors a failed execution reports (what
 * senders and the API source match on). Renaming one changes that contract, so every user imports
 * them from here.
 */

/** The states of the idempotent workflow. */
export const StateName = {
  ClaimIdempotencyKey: 'ClaimIdempotencyKey',
  RunBusinessLogic: 'RunBusinessLogic',
  RecordCompletion: 'RecordCompletion',
  Processed: 'Processed',
  AlreadyProcessed: 'AlreadyProcessed',
  LoadExistingRecord: 'LoadExistingRecord',
  InspectDuplicate: 'InspectDuplicate',
  RejectPayloadMismatch: 'RejectPayloadMismatch',
  RejectWhileInProgress: 'RejectWhileInProgress',
  ClassifyRejectedClaim: 'ClassifyRejectedClaim',
  WaitBeforeClaimingAgain: 'WaitBeforeClaimingAgain',
  RejectEventWithoutKey: 'RejectEventWithoutKey',
  RejectEventWithInvalidKey: 'RejectEventWithInvalidKey',
  RejectEventWithKeyTooLong: 'RejectEventWithKeyTooLong',
  ClaimFailed: 'ClaimFailed',
  ReleaseIdempotencyKey: 'ReleaseIdempotencyKey',
  BusinessLogicFailed: 'BusinessLogicFailed',
  BusinessOutcomeUnknown: 'BusinessOutcomeUnknown',
  LeaseLost: 'LeaseLost',
} as const;
export type StateName = (typeof StateName)[keyof typeof StateName];

/** The states of the orphaned-lease release workflow. */
export const ReleaseStateName = {
  RestoreFailedExecutionInput: 'RestoreFailedExecutionInput',
  FindLeasedKey: 'FindLeasedKey',
  WaitForInvocationToEnd: 'WaitForInvocationToEnd',
  ReleaseOrphanedLease: 'ReleaseOrphanedLease',
  LeaseReleased: 'LeaseReleased',
  NoLeaseHeld: 'NoLeaseHeld',
  NoKeyToRelease: 'NoKeyToRelease',
} as const;
export type ReleaseStateName = (typeof ReleaseStateName)[keyof typeof ReleaseStateName];

/** The errors the idempotent workflow fails with itself (other failures carry the business error). */
export const IdempotencyError = {
  KeyMissing: 'Idempotency.KeyMissing',
  KeyInvalidType: 'Idempotency.KeyInvalidType',
  KeyTooLong: 'Idempotency.KeyTooLong',
  PayloadMismatch: 'Idempotency.PayloadMismatch',
  AlreadyInProgress: 'Idempotency.AlreadyInProgress',
  LeaseLost: 'Idempotency.LeaseLost',
  BusinessOutcomeUnknown: 'Idempotency.BusinessOutcomeUnknown',
} as const;
export type IdempotencyError = (typeof IdempotencyError)[keyof typeof IdempotencyError];

/**
 * What the three invalid-key errors, and no other, start with: the event itself is unusable, so a
 * sender (or the API source, or the demo) can treat them as one case.
 */
export const INVALID_KEY_ERROR_PREFIX = 'Idempotency.Key';

/** What each error tells the sender to do; docs/behaviour.md's error table is generated from it. */
export const SENDER_ACTION: Readonly<Record<IdempotencyError, string>> = {
  [IdempotencyError.KeyMissing]:
    'Fix the event: it must carry the key (or change the key expression). Resending it unchanged fails again.',
  [IdempotencyError.KeyInvalidType]:
    'Fix the event or the key expression: the key must be a string or a number.',
  [IdempotencyError.KeyTooLong]: 'Hash long keys in the key expression.',
  [IdempotencyError.PayloadMismatch]: 'Send a new key for a new request, or resend the original payload.',
  [IdempotencyError.AlreadyInProgress]:
    'Retry later: once the first execution ends, the retry is answered as a duplicate (or runs, if the first one failed).',
  [IdempotencyError.LeaseLost]:
    'Nothing: the execution that took the key over stands, and a retry is answered as a duplicate. Raise the lease above the business run time.',
  [IdempotencyError.BusinessOutcomeUnknown]:
    "Check the business function's logs before resending: the key stays claimed until the lease ends (or the release workflow frees it), and a resend until then is answered as a duplicate.",
};
