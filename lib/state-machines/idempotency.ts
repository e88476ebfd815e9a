/**
 * The idempotent workflow's definition, built from resolved options: the states and fragments an
 * option needs are emitted only with that option, and every value known at synth (prefix, TTL,
 * lease, task timeout, expressions) is rendered in. Only `${TableName}` and `${BusinessFunctionArn}`
 * are left for CloudFormation.
 *
 * The default paths stay short: a duplicate enters 2 states and evaluates 3 expressions (the
 * claim's Item and ExpressionAttributeValues, the duplicate's output); a new event enters 4 states.
 */
import {
  businessTaskTimeoutSeconds,
  CLAIM_RETRY_PAUSE_SECONDS,
  CLAIM_RETRY_WINDOW_SECONDS,
  type InputShape,
  type ResolvedDefinitionOptions,
} from '../definition';
import {
  type Catcher,
  type ChoiceRule,
  expression,
  type State,
  type StateMachineDefinition,
  type TaskState,
} from './asl';
import { keptKeyBusinessErrors } from './failures';
import {
  attributeNames,
  CLAIM_CONDITION,
  causeOf,
  FENCE,
  jsonText,
  MAX_KEY_BYTES,
  payloadHashExpression,
  RecordStatus,
  recordIdExpression,
  THIS_EXECUTION,
  utf8Length,
  validatesKey,
} from './fragments';
import { IdempotencyError, StateName } from './names';
import { placeholder } from './placeholders';
import {
  businessRetrier,
  CLAIM_RETRIER,
  CONDITIONAL_CHECK_FAILED,
  DYNAMODB_RETRIER,
  UNMODELED_DYNAMODB_ERROR,
} from './retries';

/** Where the workflow reads the event: Pipes deliver `[event]`, and `x[0]` of a non-array is `x`. */
const EVENT: Readonly<Record<InputShape, string>> = {
  EVENT: '$states.input',
  BATCH_OF_ONE: '$states.input[0]',
};

/** The input passed on unchanged (a Task's output is otherwise its result). */
const INPUT = expression('$states.input');

/** The Key of the record this execution claimed. */
const RECORD_KEY = { id: { S: expression('$idempotencyKey') } };

/** Whether duplicates must read the stored record (one more state and a read on their path). */
export function duplicatesReadRecord(o: ResolvedDefinitionOptions): boolean {
  return (
    o.duplicateResponse === 'RETURN_STORED_RESULT' ||
    o.inProgressPolicy === 'FAIL' ||
    o.payloadValidationExpression !== undefined
  );
}

export function idempotencyDefinition(o: ResolvedDefinitionOptions): StateMachineDefinition {
  const recordId = recordIdExpression(o);
  return {
    Comment:
      'Idempotency guard: claims the event key in DynamoDB, runs the business Lambda only for new events, records completion. Duplicates succeed without calling the business Lambda.',
    QueryLanguage: 'JSONata',
    StartAt: StateName.ClaimIdempotencyKey,
    States: {
      [StateName.ClaimIdempotencyKey]: claim(o, recordId),
      [StateName.RunBusinessLogic]: runBusinessLogic(o),
      [StateName.RecordCompletion]: recordCompletion(o),
      [StateName.Processed]: {
        Type: 'Succeed',
        Comment: 'New event: the business result is the output',
      },
      [StateName.AlreadyProcessed]: {
        Type: 'Succeed',
        Comment: 'Duplicate: the business Lambda was not called',
      },
      ...(duplicatesReadRecord(o) ? duplicateInspection(o) : {}),
      ...rejectedClaim(o, recordId),
      ...businessFailure(o),
    },
  };
}

function claim(o: ResolvedDefinitionOptions, recordId: string): TaskState {
  const validation = o.payloadValidationExpression;
  const validationAttribute =
    validation === undefined ? '' : `, 'validation': {'S': ${payloadHashExpression(validation)}}`;
  // While INPROGRESS the record must outlive the lease, so a short TTL cannot expire a running claim.
  const inProgressTtl = Math.max(o.recordTtlSeconds, o.leaseSeconds);
  // The Item and its values are one expression each, not objects of expressions: every duplicate
  // evaluates them, and each reads $millis() once, so TTL and lease start at the same instant.
  const item =
    `( $now := $millis(); { 'id': {'S': ${recordId}}, 'status': {'S': '${RecordStatus.InProgress}'}, ` +
    `'expiration': {'N': $string($floor($now / 1000) + ${inProgressTtl})}, ` +
    `'in_progress_expiration': {'N': $string($now + ${o.leaseSeconds * 1000})}, ` +
    `'execution': {'S': ${THIS_EXECUTION}}${validationAttribute} } )`;
  const values =
    "( $now := $millis(); {':now': {'N': $string($floor($now / 1000))}, ':now_ms': {'N': $string($now)}, " +
    `':inprogress': {'S': '${RecordStatus.InProgress}'}, ':me': {'S': ${THIS_EXECUTION}}} )`;
  const checksKey = validatesKey(o);
  return {
    Type: 'Task',
    Comment: `One conditional PutItem: wins when the key is new, its record expired, its lease ran out, or this execution already holds it INPROGRESS (a retried write).${checksKey ? ' An invalid key becomes an empty id, which DynamoDB rejects before writing.' : ''}`,
    Resource: 'arn:aws:states:::dynamodb:putItem',
    Arguments: {
      TableName: placeholder('TableName'),
      Item: expression(item),
      ConditionExpression: CLAIM_CONDITION,
      ExpressionAttributeNames: attributeNames(
        'id',
        'expiration',
        'status',
        'in_progress_expiration',
        'execution',
      ),
      ExpressionAttributeValues: expression(values),
    },
    Assign: { idempotencyKey: expression(recordId) },
    Output: expression(EVENT[o.inputShape]),
    Retry: [CLAIM_RETRIER],
    Catch: [
      duplicateCatcher(o, recordId),
      {
        Comment: checksKey
          ? 'DynamoDB rejected the request: a ValidationException (an invalid key, or a real error), or an unmodeled error such as throttling or a 503, told apart by the status and the words of the cause'
          : 'DynamoDB rejected the request: an unmodeled error such as throttling or a 503, or a ValidationException (a real error, such as a table without the id key), told apart by the status and the words of the cause',
        ErrorEquals: [UNMODELED_DYNAMODB_ERROR],
        Assign: { claimError: expression('$states.errorOutput') },
        Output: INPUT,
        Next: StateName.ClassifyRejectedClaim,
      },
    ],
    Next: StateName.RunBusinessLogic,
  };
}

/**
 * In the default setting a duplicate goes straight to AlreadyProcessed and assigns nothing; the
 * options that read the record give LoadExistingRecord the id (and InspectDuplicate the payload hash).
 */
function duplicateCatcher(o: ResolvedDefinitionOptions, recordId: string): Catcher {
  const validation = o.payloadValidationExpression;
  const readsRecord = duplicatesReadRecord(o);
  return {
    Comment: 'The key is held by a completed or running execution: a duplicate',
    ErrorEquals: [CONDITIONAL_CHECK_FAILED],
    ...(readsRecord && {
      Assign: {
        idempotencyKey: expression(recordId),
        ...(validation !== undefined && { payloadHash: expression(payloadHashExpression(validation)) }),
      },
    }),
    Output: { duplicate: true, idempotencyKey: expression(recordId) },
    Next: readsRecord ? StateName.LoadExistingRecord : StateName.AlreadyProcessed,
  };
}

function runBusinessLogic(o: ResolvedDefinitionOptions): TaskState {
  const payload =
    o.payloadShape === 'ENVELOPE'
      ? "{'idempotencyKey': $idempotencyKey, 'event': $states.input}"
      : '$states.input';
  const storedResult =
    `( $json := ${jsonText('$states.result.Payload')}; ` +
    `${utf8Length('$json')} <= ${o.maxStoredResultBytes} ? $json : null )`;
  const caught = (comment: string, errors: readonly string[], next: StateName): Catcher => ({
    Comment: comment,
    ErrorEquals: errors,
    Assign: { businessError: expression('$states.errorOutput') },
    Output: expression('$states.errorOutput'),
    Next: next,
  });
  return {
    Type: 'Task',
    Comment: 'The business Lambda, called only for new events',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: {
      FunctionName: placeholder('BusinessFunctionArn'),
      Payload: expression(payload),
    },
    TimeoutSeconds: businessTaskTimeoutSeconds(o.businessTimeoutSeconds),
    ...(o.duplicateResponse === 'RETURN_STORED_RESULT' && {
      Assign: { storedResult: expression(storedResult) },
    }),
    Output: expression('$states.result.Payload'),
    Retry: [businessRetrier(o.payloadShape === 'ENVELOPE')],
    Catch: [
      caught(
        'The outcome is unknown: the function may have run, may still run, or may have succeeded (a Lambda 5xx or client-side failure, Step Functions stopped waiting, or the result could not be used): keep the key, so a redelivery does not run the business logic again',
        keptKeyBusinessErrors(),
        StateName.BusinessOutcomeUnknown,
      ),
      caught(
        'The function did not run (Lambda refused the invocation: throttling after the retries, a bad request, an environment that could not be set up) or it ran and failed (its own error, a crash, its own timeout): the invocation is over, release the key so a redelivery runs it again',
        ['States.ALL'],
        StateName.ReleaseIdempotencyKey,
      ),
    ],
    Next: StateName.RecordCompletion,
  };
}

function recordCompletion(o: ResolvedDefinitionOptions): TaskState {
  const values =
    `{':completed': {'S': '${RecordStatus.Completed}'}, ` +
    `':expiration': {'N': $string($floor($millis() / 1000) + ${o.recordTtlSeconds})}, ':me': {'S': ${THIS_EXECUTION}}}`;
  const completed = 'SET #status = :completed, #expiration = :expiration';
  // The record was written whole by this execution's claim, so it holds no `data` yet. With stored
  // results, #data is named for the SET; a result that is not kept (too large) uses it in a REMOVE,
  // a no-op, because DynamoDB rejects a name the update expression does not use.
  const storesResult = o.duplicateResponse === 'RETURN_STORED_RESULT';
  return {
    Type: 'Task',
    Comment:
      'Marks the record COMPLETED, fenced on this execution, so a stale execution cannot overwrite a record another execution took over',
    Resource: 'arn:aws:states:::dynamodb:updateItem',
    Arguments: {
      TableName: placeholder('TableName'),
      Key: RECORD_KEY,
      UpdateExpression: storesResult
        ? expression(`'${completed}' & ($storedResult != null ? ', #data = :data' : ' REMOVE #data')`)
        : completed,
      ConditionExpression: FENCE,
      ExpressionAttributeNames: storesResult
        ? attributeNames('status', 'expiration', 'data', 'execution')
        : attributeNames('status', 'expiration', 'execution'),
      ExpressionAttributeValues: expression(
        storesResult
          ? `$merge([${values}, $storedResult != null ? {':data': {'S': $storedResult}} : {}])`
          : values,
      ),
    },
    Output: INPUT,
    Retry: [DYNAMODB_RETRIER],
    Catch: [
      {
        Comment: 'Another execution took the key over after this lease ran out',
        ErrorEquals: [CONDITIONAL_CHECK_FAILED],
        Next: StateName.LeaseLost,
      },
    ],
    Next: StateName.Processed,
  };
}

/** LoadExistingRecord, InspectDuplicate and the Fail states of the options that read the record. */
function duplicateInspection(o: ResolvedDefinitionOptions): Record<string, State> {
  const validation = o.payloadValidationExpression;
  const failsInProgress = o.inProgressPolicy === 'FAIL';
  const storesResult = o.duplicateResponse === 'RETURN_STORED_RESULT';
  const rules: ChoiceRule[] = [
    {
      Comment: 'The record was released or expired since the claim: claim again',
      Condition: expression('$existingRecord = null'),
      Output: expression('$states.context.Execution.Input'),
      Next: StateName.ClaimIdempotencyKey,
    },
  ];
  if (validation !== undefined) {
    rules.push({
      Comment:
        'A record without a validation hash (written before validation was on) cannot prove the payload matches',
      Condition: expression(
        '$not($exists($existingRecord.validation.S)) or $existingRecord.validation.S != $payloadHash',
      ),
      Next: StateName.RejectPayloadMismatch,
    });
  }
  if (failsInProgress) {
    rules.push({
      Condition: expression(`$existingRecord.status.S = '${RecordStatus.InProgress}'`),
      Next: StateName.RejectWhileInProgress,
    });
  }
  if (storesResult) {
    rules.push({
      Condition: expression(
        `$existingRecord.status.S = '${RecordStatus.Completed}' and $exists($existingRecord.data.S)`,
      ),
      Output: expression('$parse($existingRecord.data.S)'),
      Next: StateName.AlreadyProcessed,
    });
  }
  return {
    [StateName.LoadExistingRecord]: {
      Type: 'Task',
      Comment:
        'Reads the record that won the claim, for the options that need it: stored result, in-progress policy, payload validation',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Arguments: { TableName: placeholder('TableName'), Key: RECORD_KEY, ConsistentRead: true },
      Assign: { existingRecord: expression('$exists($states.result.Item) ? $states.result.Item : null') },
      Output: INPUT,
      Retry: [DYNAMODB_RETRIER],
      Next: StateName.InspectDuplicate,
    },
    [StateName.InspectDuplicate]: {
      Type: 'Choice',
      Comment: 'Decides from the record what the duplicate answers',
      Choices: rules,
      Default: StateName.AlreadyProcessed,
    },
    ...(validation !== undefined && {
      [StateName.RejectPayloadMismatch]: {
        Type: 'Fail',
        Comment: 'Same key, different payload',
        Error: IdempotencyError.PayloadMismatch,
        Cause: `This event has the idempotency key of an earlier event but a different validated payload (${validation}). Send a new key for a new request, or resend the original payload.`,
      },
    }),
    ...(failsInProgress && {
      [StateName.RejectWhileInProgress]: {
        Type: 'Fail',
        Comment: 'Another execution is processing this key: the sender should retry later',
        Error: IdempotencyError.AlreadyInProgress,
        Cause:
          'Another execution is still processing this idempotency key. Retry later: the duplicate succeeds once the first execution completed, or runs again if it failed.',
      },
    }),
  };
}

/**
 * Whether the claim's unmodeled DynamoDB error is throttling or a server error, read from the cause
 * in any SDK's format: the HTTP status (`Status Code: 503;` in the SDK for Java v1, `Status Code:
 * 503,` in v2) or DynamoDB's own throttling words (its codes ThrottlingException and
 * ProvisionedThroughputExceeded..., and its messages: "Rate of requests exceeds the allowed
 * throughput", "Throughput exceeds the current throughput limit"). Anything else, a
 * ValidationException above all, is a 4xx DynamoDB refused before writing: not claimed again.
 */
const TRANSIENT_CLAIM_ERROR =
  "($type($claimError.Cause) = 'string' and $contains($claimError.Cause, /Status Code: 5[0-9][0-9]|[Tt]hrottl|[Tt]hroughput/))";

/**
 * Why DynamoDB rejected the claim, and the states each reason ends in. Throttling or a 5xx is
 * claimed again for a while, then fails in ClaimFailed. The key checks (three
 * rules and their Fail states) come only with a key expression of the user's own (validatesKey):
 * with the default key a ValidationException cannot be the key's, so it goes to ClaimFailed.
 */
function rejectedClaim(o: ResolvedDefinitionOptions, recordId: string): Record<string, State> {
  const retry: ChoiceRule = {
    Comment:
      'Throttling or a 5xx: claiming again is safe (a claim this execution already holds wins again), after a short pause, for a bounded time',
    Condition: expression(
      `${TRANSIENT_CLAIM_ERROR} and $millis() - $toMillis($states.context.Execution.StartTime) < ${CLAIM_RETRY_WINDOW_SECONDS * 1000}`,
    ),
    Next: StateName.WaitBeforeClaimingAgain,
  };
  const checksKey = validatesKey(o);
  return {
    [StateName.ClassifyRejectedClaim]: {
      Type: 'Choice',
      Comment: 'Finds out why DynamoDB rejected the claim; nothing was written',
      Choices: checksKey ? [retry, ...keyChecks(o, recordId)] : [retry],
      Default: StateName.ClaimFailed,
    },
    [StateName.WaitBeforeClaimingAgain]: {
      Type: 'Wait',
      Comment: `1 to ${CLAIM_RETRY_PAUSE_SECONDS} s, random, so throttled executions do not claim again in step`,
      Seconds: expression(`$floor($random() * ${CLAIM_RETRY_PAUSE_SECONDS}) + 1`),
      Next: StateName.ClaimIdempotencyKey,
    },
    ...(checksKey && invalidKeyRejections(o)),
    [StateName.ClaimFailed]: {
      Type: 'Fail',
      Comment: checksKey
        ? 'DynamoDB rejected the claim for another reason (a table without the id key, or throttling that outlasted the retries)'
        : 'DynamoDB rejected the claim (a validation error such as a table without the id key, or throttling that outlasted the retries)',
      Error: expression('$claimError.Error'),
      Cause: expression(causeOf('$claimError')),
    },
  };
}

/**
 * ClassifyRejectedClaim's rules for a key expression of the user's own: a non-validation error past
 * the retry window fails as itself; a validation error is the key's when the key is missing, of
 * another type or too long (the record id is then ''), else DynamoDB's own (the Choice's Default).
 */
function keyChecks(o: ResolvedDefinitionOptions, recordId: string): ChoiceRule[] {
  const key = `$key := (${o.keyExpression})`;
  return [
    {
      Comment:
        "Still throttling or a 5xx after the retry window: fail with DynamoDB's error, not as an invalid key",
      Condition: expression(TRANSIENT_CLAIM_ERROR),
      Next: StateName.ClaimFailed,
    },
    {
      Condition: expression(`( ${key}; $not($exists($key)) or $key = null or $key = '' )`),
      Next: StateName.RejectEventWithoutKey,
    },
    {
      Condition: expression(`( ${key}; $not($type($key) in ['string', 'number']) )`),
      Next: StateName.RejectEventWithInvalidKey,
    },
    { Condition: expression(`${recordId} = ''`), Next: StateName.RejectEventWithKeyTooLong },
  ];
}

/** The Fail states of an event whose key (from the user's key expression) cannot be a record id. */
function invalidKeyRejections(o: ResolvedDefinitionOptions): Record<string, State> {
  return {
    [StateName.RejectEventWithoutKey]: {
      Type: 'Fail',
      Comment: 'The key expression yielded nothing, null or an empty string',
      Error: IdempotencyError.KeyMissing,
      Cause: `The idempotency key expression ${o.keyExpression} yielded nothing, null or an empty string for this event; nothing was written. Send events that carry the key, or change the key expression (idempotencyKey).`,
    },
    [StateName.RejectEventWithInvalidKey]: {
      Type: 'Fail',
      Comment: 'The key expression yielded an object, an array or a boolean',
      Error: IdempotencyError.KeyInvalidType,
      Cause: `The idempotency key expression ${o.keyExpression} yielded an object, an array or a boolean for this event; it must yield a string or a number. Nothing was written. Select a single field, or hash the value: $hash($string(<expression>), 'SHA-256').`,
    },
    [StateName.RejectEventWithKeyTooLong]: {
      Type: 'Fail',
      Comment: `The record id, prefix included, is longer than DynamoDB's ${MAX_KEY_BYTES}-byte partition key limit`,
      Error: IdempotencyError.KeyTooLong,
      Cause: `The idempotency key yielded by ${o.keyExpression}, with its prefix '${o.keyPrefix}#', is longer than DynamoDB's ${MAX_KEY_BYTES}-byte partition key limit; nothing was written. Hash long keys: $hash(<expression>, 'SHA-256').`,
    },
  };
}

/** Where a new event ends when the business logic fails or its outcome is unknown. */
function businessFailure(o: ResolvedDefinitionOptions): Record<string, State> {
  return {
    [StateName.ReleaseIdempotencyKey]: {
      Type: 'Task',
      Comment:
        'Deletes the record if this execution still owns it, so a retry of the event runs the business logic again',
      Resource: 'arn:aws:states:::dynamodb:deleteItem',
      Arguments: {
        TableName: placeholder('TableName'),
        Key: RECORD_KEY,
        ConditionExpression: FENCE,
        ExpressionAttributeNames: attributeNames('execution'),
        ExpressionAttributeValues: { ':me': { S: expression(THIS_EXECUTION) } },
      },
      Output: INPUT,
      Retry: [DYNAMODB_RETRIER],
      Catch: [
        {
          Comment:
            'Not ours any more, or DynamoDB failed: the lease expires on its own; report the business error',
          ErrorEquals: ['States.ALL'],
          Output: INPUT,
          Next: StateName.BusinessLogicFailed,
        },
      ],
      Next: StateName.BusinessLogicFailed,
    },
    [StateName.BusinessLogicFailed]: {
      Type: 'Fail',
      Comment: "Carries the business Lambda's error name and cause",
      Error: expression('$businessError.Error'),
      Cause: expression(causeOf('$businessError')),
    },
    [StateName.BusinessOutcomeUnknown]: {
      Type: 'Fail',
      Comment:
        'The outcome of the business invocation is unknown: a Lambda 5xx or client-side failure, Step Functions stopped waiting, or the result could not be used. The key is not released: the invocation may still be running or may have succeeded, so a redelivery must not run the business logic again. The record stays INPROGRESS until its lease ends (or, on STANDARD, the orphaned-lease release frees it once the invocation can no longer be running).',
      Error: IdempotencyError.BusinessOutcomeUnknown,
      Cause: expression(
        `'${StateName.RunBusinessLogic} ended with ' & $businessError.Error & ' although the business function may still be running or may already have succeeded, so the idempotency key stays claimed (INPROGRESS) until its lease (${o.leaseSeconds} s) ends. Check the function logs for the outcome before sending the event again. ' & (${causeOf('$businessError')})`,
      ),
    },
    [StateName.LeaseLost]: {
      Type: 'Fail',
      Comment:
        'The business logic finished after another execution took the key over: the result was not recorded',
      Error: IdempotencyError.LeaseLost,
      Cause: `The business logic finished, but this execution no longer holds the idempotency record: its lease (${o.leaseSeconds} s) ran out and another execution took the key over, or the record was removed. The result was not recorded. Raise the lease above the worst-case run time of the business function.`,
    },
  };
}
