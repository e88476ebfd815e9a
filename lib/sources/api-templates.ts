/**
 * API Gateway mapping templates (VTL) for a REST API that starts an EXPRESS workflow with
 * StartSyncExecution and answers with the workflow's output.
 */

import { IdempotencyError, INVALID_KEY_ERROR_PREFIX } from '../state-machines/names';
import { EXECUTION_NAME_UNSAFE_CHARACTERS, MAX_EXECUTION_NAME_LENGTH } from './execution-name';

/**
 * A VTL expression rendering `reference` as the content of a JSON string. `$util.escapeJavaScript`
 * escapes quotes, backslashes and control characters as JSON needs, but also turns `'` into `\'`,
 * which is not a JSON escape: the replaceAll (a Java regex matching a backslash and a quote) undoes
 * that one. Every `'` follows its own backslash, so an escaped backslash before it is left whole.
 */
export function jsonStringContent(reference: string): string {
  return `$util.escapeJavaScript(${reference}).replaceAll("\\\\'", "'")`;
}

/**
 * The request template: the request body becomes the execution input and, when `keyPath` selects
 * a value, the execution name is that value sanitised and cut to 80 characters (VTL cannot hash,
 * and EXPRESS executions need not have unique names), so the console search by key finds it.
 *
 * @param stateMachineArn the EXPRESS state machine (a token is fine)
 * @param keyPath a JSONPath into the body, e.g. `$.orderId`; undefined leaves naming to Step Functions
 */
export function startSyncExecutionRequestTemplate(stateMachineArn: string, keyPath?: string): string {
  const lines = [`#set($body = ${jsonStringContent("$input.json('$')")})`];
  if (keyPath === undefined) {
    lines.push(`{"stateMachineArn": "${stateMachineArn}", "input": "$body"}`);
    return lines.join('\n');
  }
  lines.push(
    `#set($key = "$!input.path('${keyPath}')")`,
    `#set($name = $key.replaceAll("${EXECUTION_NAME_UNSAFE_CHARACTERS}", "_"))`,
    `#if($name.length() > ${MAX_EXECUTION_NAME_LENGTH})#set($name = $name.substring(0, ${MAX_EXECUTION_NAME_LENGTH}))#end`,
    '#if($name.length() > 0)',
    `{"stateMachineArn": "${stateMachineArn}", "input": "$body", "name": "$name"}`,
    '#else',
    `{"stateMachineArn": "${stateMachineArn}", "input": "$body"}`,
    '#end',
  );
  return lines.join('\n');
}

/**
 * The response template: SUCCEEDED returns the workflow's output as the body (the business result,
 * or the stored result for a duplicate); a failure maps to an HTTP status, with
 * `{"status", "error", "cause"}` as the body:
 * - TIMED_OUT: 504;
 * - `Idempotency.AlreadyInProgress`: 409, the first execution is still running, retry later;
 * - `Idempotency.Key*` and `Idempotency.PayloadMismatch`: 422, the event is wrong and retrying it
 *   unchanged cannot help;
 * - any other failure (the business function's errors, `Idempotency.LeaseLost`, …): 502.
 */
export function startSyncExecutionResponseTemplate(): string {
  return [
    "#set($status = $input.path('$.status'))",
    "#if($status == 'SUCCEEDED')",
    "$input.path('$.output')",
    '#else',
    '#set($error = "$!input.path(\'$.error\')")',
    '#set($cause = "$!input.path(\'$.cause\')")',
    "#if($status == 'TIMED_OUT')",
    '#set($context.responseOverride.status = 504)',
    `#elseif($error == '${IdempotencyError.AlreadyInProgress}')`,
    '#set($context.responseOverride.status = 409)',
    `#elseif($error.startsWith('${INVALID_KEY_ERROR_PREFIX}'))`,
    '#set($context.responseOverride.status = 422)',
    `#elseif($error == '${IdempotencyError.PayloadMismatch}')`,
    '#set($context.responseOverride.status = 422)',
    '#else',
    '#set($context.responseOverride.status = 502)',
    '#end',
    `{"status": "$status", "error": "${jsonStringContent('$error')}", "cause": "${jsonStringContent('$cause')}"}`,
    '#end',
  ].join('\n');
}
