/**
 * What the local console (packages/local-runtime, src/console) shows about the blueprint's
 * workflows: the outcome of each execution, read from the states it entered and the error it ended
 * with, and where its idempotency record is. Plain data built from the names the workflows show to
 * the outside (lib/state-machines/names.ts), so a renamed state or error changes it too. `npm start`,
 * `npm run serve` and `npm run local -- console` pass it to the runtime (bin/local.ts); the URLs of
 * the console's execution and record pages (the runtime's consoleUrls) are built below for what the
 * demo prints.
 */
import { type ConsoleProfile, consoleUrls, type OutcomeRule } from '@sfn-idempotency/local-runtime';
import {
  IdempotencyError,
  INVALID_KEY_ERROR_PREFIX,
  ReleaseStateName,
  StateName,
} from '../lib/state-machines/names';

/** The outcome ids, as they appear in the console's URLs (`?outcome=duplicate`) and filters. */
export const OUTCOME = {
  new: 'new',
  duplicate: 'duplicate',
  businessFailure: 'business-failure',
  invalidKey: 'invalid-key',
  payloadMismatch: 'payload-mismatch',
  inProgress: 'in-progress',
  outcomeUnknown: 'outcome-unknown',
  leaseLost: 'lease-lost',
  leaseReleased: 'lease-released',
  noLeaseHeld: 'no-lease-held',
  noKeyToRelease: 'no-key-to-release',
} as const;

/**
 * The idempotent workflow's outcomes. Checked in order; the first that matches wins. The icons are
 * characters that common fonts have (DejaVu Sans, which Debian's headless Chromium uses, included):
 * a missing glyph would show as an empty box.
 */
const WORKFLOW_OUTCOMES: readonly OutcomeRule[] = [
  {
    id: OUTCOME.new,
    label: 'New event',
    icon: '✚',
    tone: 'success',
    description: 'The key was claimed, the business function ran once and the record was marked COMPLETED',
    when: { enteredState: StateName.Processed },
  },
  {
    id: OUTCOME.duplicate,
    label: 'Duplicate',
    icon: '≡',
    tone: 'info',
    description: 'The key was already claimed: answered without calling the business function',
    when: { enteredState: StateName.AlreadyProcessed },
  },
  {
    id: OUTCOME.businessFailure,
    label: 'Business failure, key released',
    icon: '↩',
    tone: 'danger',
    description: 'The business function failed; its key was released, so a retry of the event runs it again',
    when: { enteredState: StateName.BusinessLogicFailed },
  },
  {
    id: OUTCOME.invalidKey,
    label: 'Invalid key',
    icon: '⚠',
    tone: 'warning',
    description:
      'The event has no usable idempotency key (missing, not a string or number, or too long); nothing was written',
    when: { errorPrefix: INVALID_KEY_ERROR_PREFIX },
  },
  {
    id: OUTCOME.payloadMismatch,
    label: 'Payload mismatch',
    icon: '≠',
    tone: 'warning',
    description: 'The key was already used with a different payload: send a new key for a new request',
    when: { error: IdempotencyError.PayloadMismatch },
  },
  {
    id: OUTCOME.inProgress,
    label: 'Already in progress',
    icon: '◷',
    tone: 'warning',
    description: 'Another execution was still processing the key: retry later',
    when: { error: IdempotencyError.AlreadyInProgress },
  },
  {
    id: OUTCOME.outcomeUnknown,
    label: 'Outcome unknown',
    icon: '?',
    tone: 'warning',
    description:
      'Step Functions stopped waiting for the business function, which may still run: the key stays claimed',
    when: { error: IdempotencyError.BusinessOutcomeUnknown },
  },
  {
    id: OUTCOME.leaseLost,
    label: 'Lease lost',
    icon: '⇄',
    tone: 'danger',
    description: 'Another execution took the key over after this lease ran out; this result was not recorded',
    when: { error: IdempotencyError.LeaseLost },
  },
];

/** The orphaned-lease release workflow's outcomes (its end states). */
const RELEASE_OUTCOMES: readonly OutcomeRule[] = [
  {
    id: OUTCOME.leaseReleased,
    label: 'Lease released',
    icon: '↩',
    tone: 'success',
    description: "The failed execution's lease was still held: it was deleted, so a retry can claim the key",
    when: { enteredState: ReleaseStateName.LeaseReleased },
  },
  {
    id: OUTCOME.noLeaseHeld,
    label: 'Nothing to release',
    icon: '∅',
    tone: 'neutral',
    description: 'No record, a COMPLETED one, or a lease owned by another execution: nothing was deleted',
    when: { enteredState: ReleaseStateName.NoLeaseHeld },
  },
  {
    id: OUTCOME.noKeyToRelease,
    label: 'No key to release',
    icon: '∅',
    tone: 'neutral',
    description: "The failed execution's input has no valid key (or was left out), so it claimed none",
    when: { enteredState: ReleaseStateName.NoKeyToRelease },
  },
];

/** The blueprint's console profile. */
export const CONSOLE_PROFILE: ConsoleProfile = {
  name: 'Idempotency blueprint',
  outcomes: [...WORKFLOW_OUTCOMES, ...RELEASE_OUTCOMES],
  records: {
    state: StateName.ClaimIdempotencyKey,
    tableNameParameter: 'TableName',
    keyParameter: 'Item.id.S',
    ownerAttribute: 'execution',
    statusAttribute: 'status',
    expirationAttribute: 'expiration',
    leaseAttribute: 'in_progress_expiration',
  },
};

/** The console's page of one execution (`/state-machines/<machine>/executions/<name>`). */
export function consoleExecutionUrl(consoleUrl: string, executionArn: string): string {
  return consoleUrls(consoleUrl).executionOfArn(executionArn);
}

/** The console's page of one idempotency record (`/state-machines/<machine>/records/<key>`). */
export function consoleRecordUrl(consoleUrl: string, stateMachineArn: string, recordId: string): string {
  return consoleUrls(consoleUrl).record(stateMachineArn, recordId);
}
