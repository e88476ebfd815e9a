/**
 * The one place that pins the names the workflows show to the outside, as literal strings: state
 * names (the console, the execution history, the logs the metric filters read) and the errors a
 * failed execution reports (what senders and the API source match on). They are contracts users
 * match on, so renaming one must fail here. Every other test uses the constants.
 */
import * as blueprint from '../../lib';
import {
  IdempotencyError,
  INVALID_KEY_ERROR_PREFIX,
  ReleaseStateName,
  SENDER_ACTION,
  StateName,
} from '../../lib/state-machines/names';

describe('the names users match on', () => {
  test('the states of the idempotent workflow', () => {
    expect(StateName).toEqual({
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
    });
  });

  test('the states of the orphaned-lease release workflow', () => {
    expect(ReleaseStateName).toEqual({
      RestoreFailedExecutionInput: 'RestoreFailedExecutionInput',
      FindLeasedKey: 'FindLeasedKey',
      WaitForInvocationToEnd: 'WaitForInvocationToEnd',
      ReleaseOrphanedLease: 'ReleaseOrphanedLease',
      LeaseReleased: 'LeaseReleased',
      NoLeaseHeld: 'NoLeaseHeld',
      NoKeyToRelease: 'NoKeyToRelease',
    });
  });

  test('the errors the idempotent workflow fails with itself', () => {
    expect(IdempotencyError).toEqual({
      KeyMissing: 'Idempotency.KeyMissing',
      KeyInvalidType: 'Idempotency.KeyInvalidType',
      KeyTooLong: 'Idempotency.KeyTooLong',
      PayloadMismatch: 'Idempotency.PayloadMismatch',
      AlreadyInProgress: 'Idempotency.AlreadyInProgress',
      LeaseLost: 'Idempotency.LeaseLost',
      BusinessOutcomeUnknown: 'Idempotency.BusinessOutcomeUnknown',
    });
  });

  test('the invalid-key errors, and no other, start with the prefix a sender can match on', () => {
    expect(INVALID_KEY_ERROR_PREFIX).toBe('Idempotency.Key');
    expect(
      Object.values(IdempotencyError).filter((error) => error.startsWith(INVALID_KEY_ERROR_PREFIX)),
    ).toEqual([IdempotencyError.KeyMissing, IdempotencyError.KeyInvalidType, IdempotencyError.KeyTooLong]);
  });

  test('every error tells the sender what to do', () => {
    expect(Object.keys(SENDER_ACTION).sort()).toEqual(Object.values(IdempotencyError).sort());
  });

  test('the construct library exports them', () => {
    expect(blueprint.StateName).toBe(StateName);
    expect(blueprint.ReleaseStateName).toBe(ReleaseStateName);
    expect(blueprint.IdempotencyError).toBe(IdempotencyError);
    expect(blueprint.INVALID_KEY_ERROR_PREFIX).toBe(INVALID_KEY_ERROR_PREFIX);
  });
});
