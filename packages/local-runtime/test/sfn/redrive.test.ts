import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { StatesError } from '../../src/engine';
import type { Integration, TaskCall } from '../../src/engine/types';
import { waitForExecution } from '../../src/executions';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const jsonata = (states: object, startAt = Object.keys(states)[0]) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });

/** What the task answers: it fails while `failures` > 0 (only for the calls `failOnly` picks, when set). */
let failures = 0;
let failOnly: ((call: TaskCall) => boolean) | undefined;
let calls: TaskCall[] = [];
const flaky: Integration = {
  resourceType: 'lambda',
  resource: 'invoke',
  async invoke(call) {
    calls.push(call);
    if (failures > 0 && (failOnly === undefined || failOnly(call))) {
      failures--;
      throw new StatesError('Lambda.ServiceException', 'try again later');
    }
    return { Payload: { done: true } };
  },
};

let service: StepFunctionsService;
let sfn: SFNClient;
let machines = 0;

beforeAll(async () => {
  service = await startStepFunctionsService({
    integrations: { resolve: (r) => (r === 'arn:aws:states:::lambda:invoke' ? flaky : undefined) },
    timeScale: 0.001,
  });
  sfn = localSfnClient(service.endpoint);
});
afterAll(async () => {
  sfn.destroy();
  await service.stop();
});
beforeEach(() => {
  failures = 0;
  failOnly = undefined;
  calls = [];
});

const PREPARE_CALL = {
  Prepare: {
    Type: 'Pass',
    Assign: { order: '{% $states.input.order %}' },
    Output: { step: 2 },
    Next: 'Call',
  },
  Call: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
    Output: {
      order: '{% $order %}',
      result: '{% $states.result.Payload %}',
      redriveCount: '{% $states.context.Execution.RedriveCount %}',
    },
    End: true,
  },
};

async function machine(states: object = PREPARE_CALL): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `redrive-${++machines}`,
      roleArn: ROLE,
      definition: jsonata(states),
    }),
  );
  return stateMachineArn as string;
}

async function failedExecution(stateMachineArn: string): Promise<string> {
  failures = 1;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ order: 'o-1' }) }),
  );
  const described = await waitForExecution(sfn, executionArn as string, 5);
  expect(described.status).toBe('FAILED');
  return executionArn as string;
}

describe('RedriveExecution', () => {
  test('Given a FAILED execution, When it is redriven, Then the failed state runs again with its input and the variables, and the execution succeeds', async () => {
    const executionArn = await failedExecution(await machine());
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'FAILED',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });

    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(redriveDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(described.redriveDate?.getTime()).toBe(redriveDate?.getTime());
    expect(JSON.parse(described.output as string)).toEqual({
      order: 'o-1',
      result: { done: true },
      redriveCount: 1,
    });
    expect(calls.map((c) => c.parameters)).toEqual([
      { FunctionName: 'f', Payload: { step: 2 } },
      { FunctionName: 'f', Payload: { step: 2 } },
    ]);
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'PassStateEntered')).toHaveLength(1);
    const redriven = events.find((e) => e.type === 'ExecutionRedriven');
    expect(redriven?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(events[types.indexOf('ExecutionRedriven') - 1]?.type).toBe('ExecutionFailed');
    const reentered = events[types.indexOf('ExecutionRedriven') + 1];
    expect(reentered).toMatchObject({
      type: 'TaskStateEntered',
      previousEventId: redriven?.id,
      stateEnteredEventDetails: { name: 'Call', input: '{"step":2}' },
    });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  test('Given a Parallel whose one branch failed, When redriven, Then only that branch runs again and the others keep their results', async () => {
    const call = (branch: string) => ({
      StartAt: `Call${branch}`,
      States: {
        [`Call${branch}`]: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'f', Payload: { branch } },
          Output: `{% '${branch}' & ':' & $string($states.context.Execution.RedriveCount) %}`,
          End: true,
        },
      },
    });
    // B waits first, so that A and C have succeeded when it fails.
    const late = call('B');
    const branchB = {
      StartAt: 'Later',
      States: { Later: { Type: 'Wait', Seconds: 10, Next: 'CallB' }, ...late.States },
    };
    const stateMachineArn = await machine({
      Fan: { Type: 'Parallel', Branches: [call('A'), branchB, call('C')], End: true },
    });
    failOnly = (c) => (c.parameters as { Payload: { branch: string } }).Payload.branch === 'B';
    const executionArn = await failedExecution(stateMachineArn);
    expect(calls.map((c) => c.parameters)).toHaveLength(3);
    calls = [];

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output as string)).toEqual(['A:0', 'B:1', 'C:0']);
    expect(calls.map((c) => c.parameters)).toEqual([{ FunctionName: 'f', Payload: { branch: 'B' } }]);
  });

  test('Given an inline Map whose one iteration failed and a later one was aborted, When redriven, Then only those two run again', async () => {
    const stateMachineArn = await machine({
      Each: {
        Type: 'Map',
        Items: '{% [1, 2, 3] %}',
        ItemProcessor: {
          StartAt: 'Pause',
          States: {
            // Iteration i waits i * 10 s (scaled): 1 succeeds before 2 fails, and 3 is aborted.
            Pause: { Type: 'Wait', Seconds: '{% $states.input * 10 %}', Next: 'Call' },
            Call: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
              Output: '{% $states.input & ":" & $string($states.context.Execution.RedriveCount) %}',
              End: true,
            },
          },
        },
        End: true,
      },
    });
    failOnly = (c) => (c.parameters as { Payload: number }).Payload === 2;
    const executionArn = await failedExecution(stateMachineArn);
    expect(calls.map((c) => (c.parameters as { Payload: number }).Payload)).toEqual([1, 2]);
    calls = [];

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output as string)).toEqual(['1:0', '2:1', '3:1']);
    expect(calls.map((c) => (c.parameters as { Payload: number }).Payload)).toEqual([2, 3]);
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const afterRedrive = events.slice(events.findIndex((e) => e.type === 'ExecutionRedriven'));
    expect(
      afterRedrive
        .filter((e) => e.type === 'MapIterationStarted')
        .map((e) => e.mapIterationStartedEventDetails?.index),
    ).toEqual([1, 2]);
  });

  test('Given a redriven execution, When ListExecutions filters by redriveFilter, Then only the matching executions are listed with their redriveCount', async () => {
    const stateMachineArn = await machine();
    const redriven = await failedExecution(stateMachineArn);
    const notRedriven = await failedExecution(stateMachineArn);
    await sfn.send(new RedriveExecutionCommand({ executionArn: redriven }));
    await waitForExecution(sfn, redriven, 5);

    const listed = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter }))).executions ?? [];

    expect((await listed('REDRIVEN')).map((e) => [e.executionArn, e.redriveCount])).toEqual([[redriven, 1]]);
    expect((await listed('NOT_REDRIVEN')).map((e) => e.executionArn)).toEqual([notRedriven]);
    expect((await listed()).find((e) => e.executionArn === redriven)?.redriveDate).toBeInstanceOf(Date);
  });

  test('Given the same clientToken twice, When redriving, Then the second request answers the first redrive and does not run again', async () => {
    const executionArn = await failedExecution(await machine());
    const first = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    const second = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    await waitForExecution(sfn, executionArn, 5);

    expect(second.redriveDate?.getTime()).toBe(first.redriveDate?.getTime());
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ redriveCount: 1 });
    expect(calls).toHaveLength(2);
  });

  test('Given an execution that fails again after a redrive, When redriven once more, Then redriveCount is 2', async () => {
    const executionArn = await failedExecution(await machine());
    failures = 1;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect((await waitForExecution(sfn, executionArn, 5)).status).toBe('FAILED');
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await waitForExecution(sfn, executionArn, 5);

    expect(described).toMatchObject({ status: 'SUCCEEDED', redriveCount: 2 });
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(
      events.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails),
    ).toEqual([{ redriveCount: 1 }, { redriveCount: 2 }]);
  });

  test('Given an execution stopped in a Wait state, When redriven, Then it resumes at the Wait state', async () => {
    const stateMachineArn = await machine({
      First: { Type: 'Pass', Output: { waited: true }, Next: 'Hold' },
      Hold: {
        Type: 'Wait',
        Seconds: '{% $exists($states.context.Execution.RedriveTime) ? 0 : 3600 %}',
        End: true,
      },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'ABORTED',
      redriveStatus: 'REDRIVABLE',
    });

    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const described = await waitForExecution(sfn, executionArn as string, 5);

    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"waited":true}' });
  });

  test('fails with ExecutionNotRedrivable when the execution SUCCEEDED or is RUNNING', async () => {
    const stateMachineArn = await machine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: '{"order":"o-2"}' }),
    );
    await waitForExecution(sfn, executionArn as string, 5);
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: expect.stringContaining('Execution is SUCCEEDED and cannot be redriven'),
    });

    const waiting = await machine({ Hold: { Type: 'Wait', Seconds: 3600, End: true } });
    const running = await sfn.send(new StartExecutionCommand({ stateMachineArn: waiting }));
    await expect(
      sfn.send(new RedriveExecutionCommand({ executionArn: running.executionArn })),
    ).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: expect.stringContaining('Execution is RUNNING and cannot be redriven'),
    });
    await sfn.send(new StopExecutionCommand({ executionArn: running.executionArn }));
  });

  test('fails with ExecutionNotRedrivable when the state machine was deleted', async () => {
    const stateMachineArn = await machine();
    const executionArn = await failedExecution(stateMachineArn);
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));

    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'State machine is in DELETING status.',
    });
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
    });
  });

  test('fails with ExecutionDoesNotExist for an unknown execution', async () => {
    const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:nothing:here';
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${executionArn}'`,
    });
  });
});
