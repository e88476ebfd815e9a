import { StatesError } from '../../src/engine';
import { errorMatches, retryDelaySeconds } from '../../src/engine/retry-catch';
import { details, fakeIntegration, jsonata, registry, run, types } from './helpers';

const PUT = 'arn:aws:states:::dynamodb:putItem';

function task(extra: object = {}): object {
  return JSON.parse(
    JSON.stringify({ Type: 'Task', Resource: PUT, Arguments: { TableName: 't' }, End: true, ...extra }),
  );
}

describe('error matching', () => {
  it('States.ALL matches any error but States.Runtime', () => {
    expect(errorMatches(['States.ALL'], 'DynamoDB.ConditionalCheckFailedException')).toBe(true);
    expect(errorMatches(['States.ALL'], 'States.Runtime')).toBe(false);
  });

  it('States.TaskFailed matches any error but States.Timeout', () => {
    expect(errorMatches(['States.TaskFailed'], 'Lambda.Unknown')).toBe(true);
    expect(errorMatches(['States.TaskFailed'], 'States.Timeout')).toBe(false);
  });

  it('a named error matches only itself', () => {
    expect(errorMatches(['Lambda.Unknown'], 'Exception')).toBe(false);
  });
});

describe('retry delays', () => {
  it('grows by BackoffRate and is capped by MaxDelaySeconds', () => {
    const retrier = {
      errorEquals: ['X'],
      intervalSeconds: 3,
      maxAttempts: 5,
      backoffRate: 2,
      maxDelaySeconds: 4,
      jitter: 'NONE' as const,
    };
    expect([0, 1, 2].map((n) => retryDelaySeconds(retrier, n))).toEqual([3, 4, 4]);
  });

  it('with FULL jitter, is a random share of the computed delay', () => {
    const retrier = {
      errorEquals: ['X'],
      intervalSeconds: 2,
      maxAttempts: 5,
      backoffRate: 2,
      jitter: 'FULL' as const,
    };
    expect(retryDelaySeconds(retrier, 1, () => 0.25)).toBe(1);
  });
});

describe('Retry and Catch', () => {
  it('given a failing task with a retrier, when it runs, then it retries, counts RetryCount and billed transitions, then succeeds', async () => {
    let attempts = 0;
    const integration = fakeIntegration((call) => {
      attempts++;
      if (attempts < 3) throw new StatesError('DynamoDB.ProvisionedThroughputExceededException', 'slow down');
      return { retry: (call.parameters as { retry: number }).retry };
    });
    const { result, execution } = await run(
      jsonata({
        T: task({
          Arguments: { retry: '{% $states.context.State.RetryCount %}' },
          Retry: [
            {
              ErrorEquals: ['DynamoDB.ProvisionedThroughputExceededException'],
              IntervalSeconds: 1,
              MaxAttempts: 2,
            },
          ],
        }),
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"retry":2}', stateTransitions: 3 });
    expect(types(execution).filter((t) => t.startsWith('Task'))).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
  });

  it('given catchers in order, when the error matches two, then the first wins and only its Assign runs', async () => {
    const integration = fakeIntegration(() => {
      throw new StatesError('DynamoDB.ConditionalCheckFailedException', 'The conditional request failed');
    });
    const { result, execution } = await run(
      jsonata({
        T: task({
          Assign: { top: true },
          Catch: [
            {
              ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
              Assign: { duplicate: true },
              Output: '{% $states.errorOutput.Error %}',
              Next: 'Dup',
            },
            { ErrorEquals: ['States.ALL'], Next: 'Dup' },
          ],
          End: undefined,
          Next: 'Dup',
        }),
        Dup: {
          Type: 'Pass',
          Output: { in: '{% $states.input %}', dup: '{% $duplicate %}', top: '{% $exists($top) %}' },
          End: true,
        },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(JSON.parse(result.output as string)).toEqual({
      in: 'DynamoDB.ConditionalCheckFailedException',
      dup: true,
      top: false,
    });
    const failed = execution.events.find((e) => e.type === 'TaskFailed');
    expect(details(failed as object)).toEqual({
      resource: 'putItem',
      resourceType: 'dynamodb',
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause: 'The conditional request failed',
    });
  });

  it('given a catcher without Output, when it catches, then the state output is the error output', async () => {
    const integration = fakeIntegration(() => {
      throw new StatesError('Boom', 'it broke');
    });
    const { result } = await run(
      jsonata({
        T: task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'C' }], End: undefined, Next: 'C' }),
        C: { Type: 'Succeed' },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(JSON.parse(result.output as string)).toEqual({ Error: 'Boom', Cause: 'it broke' });
  });

  it('given an uncaught task error, when it runs, then TaskFailed is followed by ExecutionFailed', async () => {
    const integration = fakeIntegration(() => {
      throw new StatesError('Lambda.Unknown', 'crashed');
    });
    const { result, execution } = await run(jsonata({ T: task() }), {}, registry({ [PUT]: integration }));
    expect(result).toMatchObject({ status: 'FAILED', error: 'Lambda.Unknown', cause: 'crashed' });
    expect(types(execution).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
  });
});

describe('TimeoutSeconds', () => {
  it('given a task slower than its timeout, when it runs, then TaskTimedOut, the signal aborts, and States.TaskFailed does not catch it', async () => {
    let aborted = false;
    const integration = fakeIntegration(
      (call) =>
        new Promise((resolve) => {
          call.signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(resolve, 3000);
        }),
    );
    const { result, execution } = await run(
      jsonata({
        T: task({
          TimeoutSeconds: 1,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' },
            { ErrorEquals: ['States.Timeout'], Next: 'Right' },
          ],
          End: undefined,
          Next: 'Right',
        }),
        Wrong: { Type: 'Fail', Error: 'Wrong' },
        Right: { Type: 'Succeed' },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(aborted).toBe(true);
    expect(JSON.parse(result.output as string)).toEqual({ Error: 'States.Timeout', Cause: '' });
    const timedOut = execution.events.find((e) => e.type === 'TaskTimedOut');
    expect(details(timedOut as object)).toEqual({
      resource: 'putItem',
      resourceType: 'dynamodb',
      error: 'States.Timeout',
    });
    const scheduled = execution.events.find((e) => e.type === 'TaskScheduled');
    expect(details(scheduled as object)).toMatchObject({ timeoutInSeconds: 1, region: 'eu-west-1' });
  });
});

describe('TimeoutSeconds against an integration that rejects when aborted', () => {
  it('given the integration fails at once on abort, when the timeout fires, then the error is still States.Timeout', async () => {
    // Not async: the returned promise itself rejects inside the abort listener, with no extra tick.
    const integration = {
      resourceType: 'dynamodb',
      resource: 'putItem',
      invoke: (call: { signal: AbortSignal }) =>
        new Promise((_, reject) => {
          call.signal.addEventListener('abort', () =>
            reject(new StatesError('Lambda.SdkClientException', 'aborted')),
          );
        }),
    };
    const { result, execution } = await run(
      jsonata({ T: task({ TimeoutSeconds: 1 }) }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(types(execution).slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
  });
});

describe('payload limit', () => {
  it('given a task result over 256 KiB, when it runs, then TaskFailed with States.DataLimitExceeded, catchable by States.ALL', async () => {
    const integration = fakeIntegration(() => ({ big: 'a'.repeat(262_144) }));
    const { result, execution } = await run(
      jsonata({
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }], End: undefined, Next: 'C' }),
        C: { Type: 'Succeed' },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(JSON.parse(result.output as string)).toEqual({
      Error: 'States.DataLimitExceeded',
      Cause:
        "The state/task 'dynamodb' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
    expect(types(execution)).toContain('TaskFailed');
  });

  it('given a state output over 256 KiB, when it runs, then the execution fails at once with States.DataLimitExceeded', async () => {
    const { result, execution } = await run(
      jsonata({
        P: { Type: 'Pass', Output: "{% $pad('', 262145, 'x') %}", Next: 'S' },
        S: { Type: 'Succeed' },
      }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(types(execution)).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
  });
});

describe('States.QueryEvaluationError', () => {
  it('given an expression that returns nothing, when the state runs, then EvaluationFailed points where the entered event points', async () => {
    const { result, execution } = await run(
      jsonata({
        A: { Type: 'Pass', Next: 'B' },
        B: { Type: 'Pass', Output: { r: '{% $missing %}' }, End: true },
      }),
    );
    const cause =
      "An error occurred while executing the state 'B' (entered at the event id #4). The JSONata expression '$missing' specified for the field 'Output/r' returned nothing (undefined).";
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError', cause });
    const evaluationFailed = execution.events[4];
    expect(evaluationFailed).toMatchObject({ type: 'EvaluationFailed', id: 5, previousEventId: 3 });
    expect(details(evaluationFailed as object)).toEqual({
      error: 'States.QueryEvaluationError',
      cause,
      location: 'Output/r',
      state: 'B',
    });
  });

  it('given an expression that throws, when the state runs, then the cause carries the JSONata code and message', async () => {
    const { result } = await run(jsonata({ A: { Type: 'Pass', Output: '{% $eval("1") %}', End: true } }));
    expect(result.cause).toBe(
      "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$eval(\"1\")' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });

  it('given a failing Arguments expression in a Task with a catcher, when it runs, then the catcher handles it', async () => {
    const integration = fakeIntegration(() => ({}));
    const { result, execution } = await run(
      jsonata({
        T: task({
          Arguments: { k: '{% $nope %}' },
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'C' }],
          End: undefined,
          Next: 'C',
        }),
        C: { Type: 'Succeed' },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(integration.calls).toHaveLength(0);
    expect(types(execution)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'EvaluationFailed',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });
});
