import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Integration, TaskCall } from '../../src/engine/types';
import { waitForExecution } from '../../src/executions';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The function the callback task invokes: it hands the token over and returns. */
let submitted: TaskCall[] = [];
let tokenArrived: (token: string) => void = () => undefined;
const handOver: Integration = {
  resourceType: 'lambda',
  resource: 'invoke.waitForTaskToken',
  pattern: 'waitForTaskToken',
  async invoke(call) {
    submitted.push(call);
    const payload = (call.parameters as { Payload: { token: string } }).Payload;
    setImmediate(() => tokenArrived(payload.token));
    return { StatusCode: 202, Payload: '' };
  },
};

let service: StepFunctionsService;
let sfn: SFNClient;
let machines = 0;

beforeAll(async () => {
  service = await startStepFunctionsService({
    integrations: { resolve: (r) => (r === CALLBACK ? handOver : undefined) },
    timeScale: 0.001,
  });
  sfn = localSfnClient(service.endpoint);
});
afterAll(async () => {
  sfn.destroy();
  await service.stop();
});
beforeEach(() => {
  submitted = [];
});

async function startWaiting(task: object, query: 'JSONata' | 'JSONPath' = 'JSONata') {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `callback-${++machines}`,
      roleArn: ROLE,
      definition: JSON.stringify({
        QueryLanguage: query,
        StartAt: 'Approve',
        States: { Approve: { Type: 'Task', Resource: CALLBACK, End: true, ...task } },
      }),
    }),
  );
  const token = new Promise<string>((resolve) => {
    tokenArrived = resolve;
  });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"id":7}' }));
  return { executionArn: executionArn as string, token: await token };
}

const JSONATA_TASK = {
  Arguments: { FunctionName: 'approver', Payload: { token: '{% $states.context.Task.Token %}' } },
};

const history = async (executionArn: string) =>
  (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];

describe('.waitForTaskToken with SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat', () => {
  test('Given a JSONata callback task, When SendTaskSuccess answers its token, Then the task succeeds with that output', async () => {
    const { executionArn, token } = await startWaiting(JSONATA_TASK);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    const events = await history(executionArn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resource: 'invoke.waitForTaskToken',
      resourceType: 'lambda',
    });
    expect(JSON.parse(events[2]?.taskScheduledEventDetails?.parameters as string).Payload.token).toBe(token);
    expect(events[4]?.taskSubmittedEventDetails).toMatchObject({
      resource: 'invoke.waitForTaskToken',
      resourceType: 'lambda',
      output: '{"StatusCode":202,"Payload":""}',
    });
    expect(events[5]?.taskSucceededEventDetails).toMatchObject({ output: '{"approved":true}' });
  });

  test('Given a JSONPath callback task, When SendTaskFailure answers $$.Task.Token, Then the task fails with its error and cause', async () => {
    const { executionArn, token } = await startWaiting(
      { Parameters: { FunctionName: 'approver', Payload: { 'token.$': '$$.Task.Token' } } },
      'JSONPath',
    );

    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'not today' }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'not today' });
    const failed = (await history(executionArn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toEqual({
      resource: 'invoke.waitForTaskToken',
      resourceType: 'lambda',
      error: 'Rejected',
      cause: 'not today',
    });
  });

  test('Given HeartbeatSeconds, When no heartbeat comes, Then the task fails with States.HeartbeatTimeout', async () => {
    const { executionArn, token } = await startWaiting({ ...JSONATA_TASK, HeartbeatSeconds: 1 });

    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    const events = await history(executionArn);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      heartbeatInSeconds: 1,
    });
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      resource: 'invoke.waitForTaskToken',
      resourceType: 'lambda',
      error: 'States.HeartbeatTimeout',
    });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  test('Given HeartbeatSeconds, When heartbeats keep coming, Then the task waits past it and succeeds', async () => {
    const { executionArn, token } = await startWaiting({ ...JSONATA_TASK, HeartbeatSeconds: 1 });

    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"late"' }));

    expect(await waitForExecution(sfn, executionArn, 5)).toMatchObject({
      status: 'SUCCEEDED',
      output: '"late"',
    });
  });

  test('Given TimeoutSeconds, When no callback comes, Then the task times out with States.Timeout', async () => {
    const { executionArn } = await startWaiting({ ...JSONATA_TASK, TimeoutSeconds: 1 });

    expect(await waitForExecution(sfn, executionArn, 5)).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
  });

  test('fails with TaskTimedOut when the task already ended, and InvalidOutput for output that is not JSON', async () => {
    const { executionArn, token } = await startWaiting(JSONATA_TASK);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await waitForExecution(sfn, executionArn, 5);

    for (const send of [
      () => sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      () => sfn.send(new SendTaskFailureCommand({ taskToken: token })),
      () => sfn.send(new SendTaskHeartbeatCommand({ taskToken: token })),
    ]) {
      await expect(send()).rejects.toMatchObject({ name: 'TaskTimedOut' });
    }
  });

  test('fails with InvalidToken for a malformed token and TaskDoesNotExist for a token never issued', async () => {
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
    const unknown = Buffer.alloc(64, 1).toString('base64');
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: unknown }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });

  test('Given a callback task with a Retry, When SendTaskFailure fails the first attempt, Then the retry waits on a new token', async () => {
    const { executionArn, token } = await startWaiting({
      ...JSONATA_TASK,
      Retry: [{ ErrorEquals: ['Rejected'], IntervalSeconds: 1, MaxAttempts: 1 }],
    });
    const second = new Promise<string>((resolve) => {
      tokenArrived = resolve;
    });
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' }));
    const retried = await second;
    await sfn.send(new SendTaskSuccessCommand({ taskToken: retried, output: '1' }));

    expect(retried).not.toBe(token);
    expect(await waitForExecution(sfn, executionArn, 5)).toMatchObject({ status: 'SUCCEEDED', output: '1' });
    expect(submitted).toHaveLength(2);
  });
});
