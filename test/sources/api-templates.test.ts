import {
  jsonStringContent,
  startSyncExecutionRequestTemplate,
  startSyncExecutionResponseTemplate,
} from '../../lib/sources/api-templates';
import { IdempotencyError } from '../../lib/state-machines/names';
import { escapeJavaScript, renderVtl } from './vtl';

const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:quotes';
/** A cause as the blueprint writes them: quotes, a backslash, a newline, a slash and non-ASCII. */
const AWKWARD = `the key must be a string or number, got 'x' from "$.id" \\ C:/tmp\nnaïve 💳`;

function failed(status: string, error: string, cause: string) {
  return renderVtl(startSyncExecutionResponseTemplate(), { status, error, cause });
}

describe('startSyncExecutionResponseTemplate, rendered', () => {
  test('given an Idempotency error whose cause holds single quotes, then the body is valid JSON with the cause intact and the status is 422', () => {
    const cause = "idempotencyKey must yield a string or number; prefix 'payments#' leaves 0 bytes";
    const rendered = failed('FAILED', IdempotencyError.KeyInvalidType, cause);
    expect(rendered.status).toBe(422);
    expect(JSON.parse(rendered.body)).toEqual({
      status: 'FAILED',
      error: IdempotencyError.KeyInvalidType,
      cause,
    });
  });

  test('given a business error named with an apostrophe and an awkward cause, then the body parses back to them and the status is 502', () => {
    const rendered = failed('FAILED', "PaymentDeclined'", AWKWARD);
    expect(rendered.status).toBe(502);
    expect(JSON.parse(rendered.body)).toEqual({
      status: 'FAILED',
      error: "PaymentDeclined'",
      cause: AWKWARD,
    });
  });

  test.each([
    [IdempotencyError.AlreadyInProgress, 409],
    [IdempotencyError.KeyMissing, 422],
    [IdempotencyError.KeyInvalidType, 422],
    [IdempotencyError.KeyTooLong, 422],
    [IdempotencyError.PayloadMismatch, 422],
    [IdempotencyError.LeaseLost, 502],
    ['PaymentDeclined', 502],
    ['States.TaskFailed', 502],
  ])('given a failure with error %s, then the status is %i', (error, status) => {
    expect(failed('FAILED', error, '').status).toBe(status);
  });

  test('given a timed-out execution without error or cause, then the body has empty strings and the status is 504', () => {
    const rendered = renderVtl(startSyncExecutionResponseTemplate(), { status: 'TIMED_OUT' });
    expect(rendered.status).toBe(504);
    expect(JSON.parse(rendered.body)).toEqual({ status: 'TIMED_OUT', error: '', cause: '' });
  });

  test('given a succeeded execution, then the body is its output and the status is left alone', () => {
    const output = JSON.stringify({ quote: "it's 42", duplicate: false });
    const rendered = renderVtl(startSyncExecutionResponseTemplate(), { status: 'SUCCEEDED', output });
    expect(rendered.status).toBeUndefined();
    expect(JSON.parse(rendered.body)).toEqual(JSON.parse(output));
  });

  test("given escapeJavaScript alone, then a ' makes the body invalid JSON (the defect the template avoids)", () => {
    const bare = renderVtl('{"cause": "$util.escapeJavaScript($input.path(\'$.cause\'))"}', {
      cause: "it's",
    });
    expect(() => JSON.parse(bare.body)).toThrow(SyntaxError);
    const fixed = renderVtl(`{"cause": "${jsonStringContent("$input.path('$.cause')")}"}`, { cause: "it's" });
    expect(JSON.parse(fixed.body)).toEqual({ cause: "it's" });
  });
});

describe('startSyncExecutionRequestTemplate, rendered', () => {
  test('given a body with quotes and a key, then the request is valid JSON whose input is the body and whose name is the sanitised key', () => {
    const body = { orderId: "o'1 / 2", note: AWKWARD };
    const request = JSON.parse(renderVtl(startSyncExecutionRequestTemplate(ARN, '$.orderId'), body).body);
    expect(request).toEqual({ stateMachineArn: ARN, input: JSON.stringify(body), name: 'o_1___2' });
    expect(JSON.parse(request.input)).toEqual(body);
  });

  test('given a key longer than 80 characters, then the name is cut to 80', () => {
    const request = JSON.parse(
      renderVtl(startSyncExecutionRequestTemplate(ARN, '$.orderId'), { orderId: 'k'.repeat(100) }).body,
    );
    expect(request.name).toBe('k'.repeat(80));
  });

  test('given a body without the key, then no name is sent', () => {
    const request = JSON.parse(
      renderVtl(startSyncExecutionRequestTemplate(ARN, '$.orderId'), { other: 1 }).body,
    );
    expect(request).toEqual({ stateMachineArn: ARN, input: '{"other":1}' });
  });
});

describe('escapeJavaScript (the emulation of $util.escapeJavaScript)', () => {
  test('then it escapes quotes, backslash, slash, controls and non-ASCII as Commons Lang does', () => {
    expect(escapeJavaScript(`'"\\/\n\u0001é`)).toBe('\\\'\\"\\\\\\/\\n\\u0001\\u00E9');
  });
});
