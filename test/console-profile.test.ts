/**
 * The blueprint's console profile (local/console-profile.ts) against the workflows' own names: it is
 * a profile the runtime accepts, each way an execution of the idempotent workflow can end gets its
 * outcome, every `Idempotency.*` error has one, and the console URLs the demo prints are the pages'.
 * No services: the runtime's classifyOutcome is pure.
 */
import { classifyOutcome, validateProfile } from '@sfn-idempotency/local-runtime';
import { IdempotencyError, ReleaseStateName, StateName } from '../lib/state-machines/names';
import { CONSOLE_PROFILE, consoleExecutionUrl, consoleRecordUrl, OUTCOME } from '../local/console-profile';

const rules = CONSOLE_PROFILE.outcomes ?? [];
const outcomeOf = (status: string, entered: readonly string[], error?: string) =>
  classifyOutcome(rules, { status, error, enteredStates: new Set(entered) })?.id;

describe('the blueprint console profile', () => {
  it('is a profile the runtime accepts, with an icon and a description for every outcome', () => {
    expect(validateProfile(CONSOLE_PROFILE)).toBe(CONSOLE_PROFILE);
    for (const rule of rules) {
      expect([rule.id, rule.icon?.length, rule.description]).toEqual([
        rule.id,
        expect.any(Number),
        expect.any(String),
      ]);
    }
  });

  it('names each way the idempotent workflow ends', () => {
    const S = StateName;
    expect(
      outcomeOf('SUCCEEDED', [S.ClaimIdempotencyKey, S.RunBusinessLogic, S.RecordCompletion, S.Processed]),
    ).toBe(OUTCOME.new);
    expect(outcomeOf('SUCCEEDED', [S.ClaimIdempotencyKey, S.AlreadyProcessed])).toBe(OUTCOME.duplicate);
    expect(
      outcomeOf(
        'FAILED',
        [S.ClaimIdempotencyKey, S.RunBusinessLogic, S.ReleaseIdempotencyKey, S.BusinessLogicFailed],
        'PaymentDeclined',
      ),
    ).toBe(OUTCOME.businessFailure);
    for (const error of [
      IdempotencyError.KeyMissing,
      IdempotencyError.KeyInvalidType,
      IdempotencyError.KeyTooLong,
    ]) {
      expect(outcomeOf('FAILED', [S.ClaimIdempotencyKey, S.ClassifyRejectedClaim], error)).toBe(
        OUTCOME.invalidKey,
      );
    }
    expect(outcomeOf('FAILED', [S.InspectDuplicate], IdempotencyError.PayloadMismatch)).toBe(
      OUTCOME.payloadMismatch,
    );
    expect(outcomeOf('FAILED', [S.RejectWhileInProgress], IdempotencyError.AlreadyInProgress)).toBe(
      OUTCOME.inProgress,
    );
    expect(outcomeOf('FAILED', [S.BusinessOutcomeUnknown], IdempotencyError.BusinessOutcomeUnknown)).toBe(
      OUTCOME.outcomeUnknown,
    );
    expect(outcomeOf('FAILED', [S.RecordCompletion, S.LeaseLost], IdempotencyError.LeaseLost)).toBe(
      OUTCOME.leaseLost,
    );
    // A claim DynamoDB refused for another reason is shown by its status alone.
    expect(outcomeOf('FAILED', [S.ClaimFailed], 'DynamoDB.AmazonDynamoDBException')).toBeUndefined();
  });

  it('gives every Idempotency.* error an outcome, so a new one cannot go unnamed', () => {
    for (const error of Object.values(IdempotencyError)) {
      expect([error, outcomeOf('FAILED', [], error)]).toEqual([error, expect.any(String)]);
    }
  });

  it("names the release workflow's ends", () => {
    expect(outcomeOf('SUCCEEDED', [ReleaseStateName.LeaseReleased])).toBe(OUTCOME.leaseReleased);
    expect(outcomeOf('SUCCEEDED', [ReleaseStateName.NoLeaseHeld])).toBe(OUTCOME.noLeaseHeld);
    expect(outcomeOf('SUCCEEDED', [ReleaseStateName.NoKeyToRelease])).toBe(OUTCOME.noKeyToRelease);
  });

  it('finds the record where the claim writes it', () => {
    expect(CONSOLE_PROFILE.records).toMatchObject({
      state: StateName.ClaimIdempotencyKey,
      tableNameParameter: 'TableName',
      keyParameter: 'Item.id.S',
      ownerAttribute: 'execution',
    });
  });

  it("builds the URLs of the console's execution and record pages", () => {
    const machine =
      'arn:aws:states:us-east-1:123456789012:stateMachine:PaymentWorkflowStateMachine19CA364F-x';
    expect(
      consoleExecutionUrl(
        'http://127.0.0.1:8084',
        'arn:aws:states:us-east-1:123456789012:execution:PaymentWorkflowStateMachine19CA364F-x:0b1c-2d',
      ),
    ).toBe('http://127.0.0.1:8084/state-machines/PaymentWorkflowStateMachine19CA364F-x/executions/0b1c-2d');
    expect(consoleRecordUrl('http://127.0.0.1:8084', machine, 'payments#ord-1')).toBe(
      'http://127.0.0.1:8084/state-machines/PaymentWorkflowStateMachine19CA364F-x/records/payments%23ord-1',
    );
  });
});
