import { StateMachine } from '../../src/engine';
import { ARNS, details, fakeIntegration, jsonata, registry, run } from './helpers';

const PUT = 'arn:aws:states:::dynamodb:putItem';

describe('history', () => {
  it('given a task machine, when it runs, then ids, previousEventIds and details read like AWS', async () => {
    const integration = fakeIntegration(() => ({ SdkHttpMetadata: {}, SdkResponseMetadata: {} }));
    const { execution } = await run(
      jsonata({
        Claim: {
          Type: 'Task',
          Resource: PUT,
          Arguments: { TableName: 'keys', Item: { id: { S: '{% $states.input.id %}' } } },
          Assign: { claimed: true },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      }),
      { id: 'k1' },
      registry({ [PUT]: integration }),
    );
    const shape = execution.events.map((e) => [e.type, e.id, e.previousEventId]);
    expect(shape).toEqual([
      ['ExecutionStarted', 1, 0],
      ['TaskStateEntered', 2, 0],
      ['TaskScheduled', 3, 2],
      ['TaskStarted', 4, 3],
      ['TaskSucceeded', 5, 4],
      ['TaskStateExited', 6, 5],
      ['SucceedStateEntered', 7, 6],
      ['SucceedStateExited', 8, 7],
      ['ExecutionSucceeded', 9, 8],
    ]);
    expect(details(execution.events[0] as object)).toEqual({
      input: '{"id":"k1"}',
      inputDetails: { truncated: false },
      roleArn: ARNS.roleArn,
    });
    expect(details(execution.events[2] as object)).toEqual({
      resource: 'putItem',
      resourceType: 'dynamodb',
      region: 'eu-west-1',
      parameters: '{"TableName":"keys","Item":{"id":{"S":"k1"}}}',
    });
    expect(details(execution.events[5] as object)).toEqual({
      name: 'Claim',
      output: '{"SdkHttpMetadata":{},"SdkResponseMetadata":{}}',
      outputDetails: { truncated: false },
      assignedVariables: { claimed: 'true' },
      assignedVariablesDetails: { truncated: false },
    });
    expect(execution.events.every((e) => e.timestamp instanceof Date)).toBe(true);
  });

  it('given recordHistory false, when it runs, then no events are kept but the result is the same', async () => {
    const sm = StateMachine.create(jsonata({ P: { Type: 'Pass', End: true } }), { integrations: registry() });
    const execution = sm.start({ a: 1 }, { ...ARNS, recordHistory: false });
    expect(await execution.done).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"a":1}',
      stateTransitions: 1,
    });
    expect(execution.events).toHaveLength(0);
  });

  it('given onEvent, when it runs, then each event is reported as it is appended', async () => {
    const seen: string[] = [];
    const sm = StateMachine.create(jsonata({ P: { Type: 'Pass', End: true } }), { integrations: registry() });
    await sm.start({}, { ...ARNS, onEvent: (e) => seen.push(e.type) }).done;
    expect(seen).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  });
});

describe('context object', () => {
  it('given a Pass state, when it reads $states.context, then it has AWS fields and no RetryCount', async () => {
    const startTime = new Date('2026-01-02T03:04:05.678Z');
    const sm = StateMachine.create(
      jsonata({ P: { Type: 'Pass', Output: '{% $states.context %}', End: true } }),
      { integrations: registry() },
    );
    const result = await sm.start({ k: 1 }, { ...ARNS, startTime }).done;
    const context = JSON.parse(result.output as string);
    expect(context).toEqual({
      Execution: {
        Id: ARNS.executionArn,
        Input: { k: 1 },
        StartTime: '2026-01-02T03:04:05.678Z',
        Name: 'run-1',
        RoleArn: ARNS.roleArn,
        RedriveCount: 0,
      },
      StateMachine: { Id: ARNS.stateMachineArn, Name: 'Orders' },
      State: {
        Name: 'P',
        EnteredTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
    });
  });

  it('given a Task state, when it reads $states.context.State, then RetryCount is there', async () => {
    const integration = fakeIntegration(() => ({}));
    const { result } = await run(
      jsonata({
        T: { Type: 'Task', Resource: PUT, Output: '{% $states.context.State.RetryCount %}', End: true },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(result.output).toBe('0');
  });
});

describe('stop', () => {
  it('given a running task, when the execution is stopped, then it is ABORTED and the task signal aborts', async () => {
    let aborted = false;
    const integration = fakeIntegration(
      (call) =>
        new Promise(() => {
          call.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    );
    const sm = StateMachine.create(jsonata({ T: { Type: 'Task', Resource: PUT, End: true } }), {
      integrations: registry({ [PUT]: integration }),
    });
    const execution = sm.start({}, ARNS);
    await new Promise((resolve) => setTimeout(resolve, 10));
    execution.stop('Operator', 'stopped by hand');
    const result = await execution.done;
    expect(result).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by hand' });
    expect(aborted).toBe(true);
    expect(execution.events.at(-1)?.type).toBe('ExecutionAborted');
  });
});
