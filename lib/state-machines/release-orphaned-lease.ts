/**
 * The orphaned-lease release workflow's definition and the pattern of the rule that starts it.
 * It evaluates the idempotent workflow's own record-id fragment on the failed execution's input,
 * so it deletes the very record that execution claimed. Only `${TableName}` is left for
 * CloudFormation.
 */
import { businessTaskTimeoutSeconds, type ResolvedDefinitionOptions } from '../definition';
import { expression, type StateMachineDefinition } from './asl';
import { attributeNames, ownedBy, RecordStatus, recordIdExpression, validatesKey } from './fragments';
import { ReleaseStateName } from './names';
import { placeholder } from './placeholders';
import { CONDITIONAL_CHECK_FAILED, DYNAMODB_RETRIER } from './retries';

/** The execution statuses after which a lease may be left behind. */
export const ORPHANING_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type OrphaningStatus = (typeof ORPHANING_STATUSES)[number];

/**
 * The release's own timeout: the longest wait (Lambda's 900 s limit, Init and invoke margin) plus
 * the delete with its retries, with room to spare.
 */
const RELEASE_TIMEOUT_SECONDS = 1200;

/**
 * An EventBridge event pattern, as EventBridge (and the local event bus) reads it. A type, not an
 * interface, so it fits pattern types with an index signature.
 */
export type StatusChangePattern = {
  readonly source: readonly ['aws.states'];
  readonly 'detail-type': readonly ['Step Functions Execution Status Change'];
  readonly detail: {
    readonly status: readonly OrphaningStatus[];
    readonly stateMachineArn: readonly string[];
  };
};

/** The status changes of one workflow's executions that may leave a lease behind. */
export function statusChangePattern(stateMachineArn: string): StatusChangePattern {
  return {
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: [...ORPHANING_STATUSES], stateMachineArn: [stateMachineArn] },
  };
}

export function releaseDefinition(o: ResolvedDefinitionOptions): StateMachineDefinition {
  const recordId = recordIdExpression(o);
  // With the default key every input has a record id; a user's key expression may yield none ('').
  const checksKey = validatesKey(o);
  const taskTimeout = businessTaskTimeoutSeconds(o.businessTimeoutSeconds);
  const statuses = `${ORPHANING_STATUSES.slice(0, -1).join(', ')} or ${ORPHANING_STATUSES.at(-1)}`;
  return {
    Comment: `Releases the idempotency key still leased by an execution of the idempotent workflow that ended ${statuses}, so a retry need not wait for the lease to expire; first it waits until the business invocation that execution may have left running can no longer be running. Input: the EventBridge 'Step Functions Execution Status Change' event.`,
    QueryLanguage: 'JSONata',
    TimeoutSeconds: RELEASE_TIMEOUT_SECONDS,
    StartAt: ReleaseStateName.RestoreFailedExecutionInput,
    States: {
      [ReleaseStateName.RestoreFailedExecutionInput]: {
        Type: 'Pass',
        Comment:
          "The status-change event carries the failed execution's input as a JSON string (left out when input and output, escaped, add up to more than 248 KiB).",
        Assign: {
          failedExecutionArn: expression('$states.input.detail.executionArn'),
          stoppedAt: expression(
            "$type($states.input.detail.stopDate) = 'number' ? $states.input.detail.stopDate : $millis()",
          ),
        },
        Output: expression(
          "$type($states.input.detail.input) = 'string' ? $parse($states.input.detail.input) : null",
        ),
        Next: ReleaseStateName.FindLeasedKey,
      },
      [ReleaseStateName.FindLeasedKey]: {
        Type: 'Choice',
        Comment:
          "The workflow's own key expression, evaluated on the failed execution's input, gives the record id.",
        Choices: [
          {
            Condition: expression(
              checksKey ? `$states.input != null and (${recordId}) != ''` : '$states.input != null',
            ),
            Next: ReleaseStateName.WaitForInvocationToEnd,
          },
        ],
        Default: ReleaseStateName.NoKeyToRelease,
      },
      [ReleaseStateName.WaitForInvocationToEnd]: {
        Type: 'Wait',
        Comment: `StopExecution and a task timeout do not stop a Lambda invocation in flight: wait until the business task timeout (${taskTimeout} s: function timeout, Lambda Init, invoke margin) has passed since the execution stopped, so the invocation has ended before the key is freed. No wait when the event arrives later than that.`,
        Seconds: expression(`$max([0, $ceil(($stoppedAt + ${taskTimeout * 1000} - $millis()) / 1000)])`),
        Next: ReleaseStateName.ReleaseOrphanedLease,
      },
      [ReleaseStateName.ReleaseOrphanedLease]: {
        Type: 'Task',
        Comment: 'Deletes the record only if it is still INPROGRESS and owned by the failed execution',
        Resource: 'arn:aws:states:::dynamodb:deleteItem',
        Arguments: {
          TableName: placeholder('TableName'),
          Key: { id: { S: expression(recordId) } },
          ConditionExpression: `#status = :inprogress AND ${ownedBy(':execution')}`,
          ExpressionAttributeNames: attributeNames('status', 'execution'),
          ExpressionAttributeValues: {
            ':inprogress': { S: RecordStatus.InProgress },
            ':execution': { S: expression('$failedExecutionArn') },
          },
        },
        Retry: [DYNAMODB_RETRIER],
        Catch: [{ ErrorEquals: [CONDITIONAL_CHECK_FAILED], Next: ReleaseStateName.NoLeaseHeld }],
        Next: ReleaseStateName.LeaseReleased,
      },
      [ReleaseStateName.LeaseReleased]: {
        Type: 'Succeed',
        Comment:
          'The record was INPROGRESS and owned by the failed execution: it is gone, a retry can claim the key.',
      },
      [ReleaseStateName.NoLeaseHeld]: {
        Type: 'Succeed',
        Comment:
          'No record, a COMPLETED record, or a lease now owned by another execution: nothing to release.',
      },
      [ReleaseStateName.NoKeyToRelease]: {
        Type: 'Succeed',
        Comment: checksKey
          ? 'The event left the input out (input and output over 248 KiB escaped), or the input has no valid key, so no key was claimed from it: a left-over lease, if any, expires on its own.'
          : 'The event left the input out (input and output over 248 KiB escaped): a left-over lease, if any, expires on its own.',
      },
    },
  };
}
