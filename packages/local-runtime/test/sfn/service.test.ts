import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { waitForExecution } from '../../src/executions';
import { type ServiceEvent, type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { createFakeStateMachine } from './fake-engine';
import { errorOf, localSfnClient, sendRaw } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const DEFINITION = JSON.stringify({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } });
const ACCOUNT = '123456789012';

let service: StepFunctionsService;
let sfn: SFNClient;
let counter = 0;

const uniqueName = (prefix: string): string => `${prefix}-${++counter}`;

const createMachine = async (type: 'STANDARD' | 'EXPRESS' = 'STANDARD', name = uniqueName('machine')) => {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE, type }),
  );
  return stateMachineArn as string;
};

const waitUntilDone = (executionArn: string) => waitForExecution(sfn, executionArn, 5);

/** A raw JSON 1.0 call, for bodies the SDK would never send (members of the wrong JSON type). */
const rawCall = (operation: string, body: unknown) =>
  sendRaw(service.endpoint, `AWSStepFunctions.${operation}`, JSON.stringify(body));

beforeAll(async () => {
  service = await startStepFunctionsService({
    integrations: { resolve: () => undefined },
    createStateMachine: createFakeStateMachine,
    maxRetainedExecutions: 1000,
  });
  sfn = localSfnClient(service.endpoint);
});

afterAll(async () => {
  sfn.destroy();
  await service.stop();
});

describe('CreateStateMachine', () => {
  test('Given a valid definition, When created, Then the ARN has AWS format and creationDate is a Date', async () => {
    const name = uniqueName('orders');
    const response = await sfn.send(
      new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE }),
    );
    expect(response.stateMachineArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`);
    expect(response.creationDate).toBeInstanceOf(Date);
  });

  test('Given an existing machine, When created again identically, Then the same ARN and creationDate return', async () => {
    const name = uniqueName('same');
    const first = await sfn.send(
      new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE }),
    );
    const second = await sfn.send(
      new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE }),
    );
    expect(second).toMatchObject({
      stateMachineArn: first.stateMachineArn,
      creationDate: first.creationDate,
    });
  });

  test('fails with StateMachineAlreadyExists when the name is reused with another definition', async () => {
    const name = uniqueName('taken');
    const arn = await createMachine('STANDARD', name);
    const other = JSON.stringify({ StartAt: 'B', States: { B: { Type: 'Succeed' } } });
    const error = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name, definition: other, roleArn: ROLE })),
    );
    expect(error).toEqual({
      name: 'StateMachineAlreadyExists',
      message: `State Machine Already Exists: '${arn}'`,
    });
  });

  test('fails with InvalidDefinition carrying the engine message', async () => {
    const error = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('bad'),
          definition: '{"States":{}}',
          roleArn: ROLE,
        }),
      ),
    );
    expect(error).toEqual({
      name: 'InvalidDefinition',
      message:
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required at /'",
    });
  });

  test.each(['has space', 'a/b', 'colon:name', 'tab\tname'])(
    'fails with InvalidName for the name %j',
    async (name) => {
      const error = await errorOf(
        sfn.send(new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE })),
      );
      expect(error).toEqual({ name: 'InvalidName', message: `Invalid Name: '${name}'` });
    },
  );

  test.each([
    ['x'.repeat(81), 'Member must have length less than or equal to 80'],
    ['', 'Member must have length greater than or equal to 1'],
  ])('fails with ValidationException for the name %j, outside the model length', async (name, constraint) => {
    const error = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE })),
    );
    expect(error).toEqual({
      name: 'ValidationException',
      message: `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: ${constraint}`,
    });
  });

  test.each([
    ['not an ARN', 'notanarn'],
    ['a policy, not a role', 'arn:aws:iam::aws:policy/AWSBatchFullAccess'],
    ['no account', 'arn:aws:iam:::role/local'],
    ['another service', 'arn:aws:s3:::bucket'],
  ])('fails with InvalidArn for a roleArn that is %s', async (_what, roleArn) => {
    const error = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name: uniqueName('role'), definition: DEFINITION, roleArn })),
    );
    expect(error).toEqual({ name: 'InvalidArn', message: `Invalid Role Arn: '${roleArn}'` });
  });

  test('Given a role ARN with a path, When created, Then it is accepted', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/service-role/StepFunctions-orders-role-1a2b3c';
    const out = await sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('pathed'), definition: DEFINITION, roleArn }),
    );
    expect(out.stateMachineArn).toMatch(/:stateMachine:pathed-\d+$/);
  });

  test('fails with ValidationException for an unknown type', async () => {
    const error = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('typed'),
          definition: DEFINITION,
          roleArn: ROLE,
          type: 'FAST' as 'STANDARD',
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("Value 'FAST' at 'type'");
  });
});

describe('DescribeStateMachine, ListStateMachines and DeleteStateMachine', () => {
  test('Given a machine, When described, Then AWS fields come back with the definition unchanged', async () => {
    const name = uniqueName('described');
    const arn = await createMachine('EXPRESS', name);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({
      stateMachineArn: arn,
      name,
      status: 'ACTIVE',
      definition: DEFINITION,
      roleArn: ROLE,
      type: 'EXPRESS',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    });
    expect(described.creationDate).toBeInstanceOf(Date);
  });

  test('fails with StateMachineDoesNotExist for an unknown machine', async () => {
    const arn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:nobody`;
    const error = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
    expect(error).toEqual({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${arn}'`,
    });
  });

  test('fails with InvalidArn when given an execution ARN or no ARN at all', async () => {
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:e`;
    expect(
      await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: executionArn }))),
    ).toEqual({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: execution'",
    });
    expect(await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'nope' })))).toEqual({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Invalid ARN prefix: nope'",
    });
  });

  test('Given machines, When listed two at a time, Then every machine appears exactly once across the pages', async () => {
    await createMachine();
    await createMachine();
    await createMachine();
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const pageResult = await sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
      expect(pageResult.stateMachines?.length).toBeLessThanOrEqual(2);
      seen.push(...(pageResult.stateMachines ?? []).map((m) => m.stateMachineArn as string));
      nextToken = pageResult.nextToken;
    } while (nextToken);
    const all = service.api.stateMachines().map((m) => m.stateMachineArn);
    expect(seen.sort()).toEqual([...all].sort());
  });

  test('Given a machine, When deleted, Then it can no longer be described', async () => {
    const arn = await createMachine();
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const error = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
    expect(error.name).toBe('StateMachineDoesNotExist');
  });
});

describe('StartExecution', () => {
  test('Given a STANDARD machine, When started with a name, Then the execution ARN has AWS format', async () => {
    const machineName = uniqueName('std');
    const arn = await createMachine('STANDARD', machineName);
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'run-1', input: '{"a":1}' }),
    );
    expect(started.executionArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:${machineName}:run-1`);
    expect(started.startDate).toBeInstanceOf(Date);
    const described = await waitUntilDone(started.executionArn as string);
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1}' });
  });

  test('Given no name and no input, When started, Then a UUID name is generated and the input is {}', async () => {
    const arn = await createMachine();
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const described = await waitUntilDone(started.executionArn as string);
    expect(described.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(described.input).toBe('{}');
  });

  test('Given a running execution, When started again with the same name and input, Then the original is returned', async () => {
    const arn = await createMachine();
    const input = '{"hold":true}';
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'once', input }));
    expect(second).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  test('fails with ExecutionAlreadyExists when the running execution had another input', async () => {
    const arn = await createMachine();
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'dup', input: '{"hold":true}' }),
    );
    const error = await errorOf(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'dup', input: '{"hold":true,"x":1}' }),
      ),
    );
    expect(error).toEqual({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${first.executionArn}'`,
    });
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });

  test('fails with ExecutionAlreadyExists when the named execution has ended, even with the same input', async () => {
    const arn = await createMachine();
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'closed', input: '{}' }),
    );
    await waitUntilDone(first.executionArn as string);
    const error = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'closed', input: '{}' })),
    );
    expect(error.name).toBe('ExecutionAlreadyExists');
  });

  test('fails with InvalidName for a name with forbidden characters', async () => {
    const arn = await createMachine();
    const error = await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a*b' })));
    expect(error).toEqual({ name: 'InvalidName', message: "Invalid Name: 'a*b'" });
  });

  test('fails with InvalidExecutionInput when the input is not JSON', async () => {
    const arn = await createMachine();
    const error = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{oops' })),
    );
    expect(error.name).toBe('InvalidExecutionInput');
    expect(error.message).toMatch(/^Invalid State Machine Execution Input: '/);
  });

  test('fails with StateMachineDoesNotExist for an unknown machine', async () => {
    const arn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:ghost`;
    const error = await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn })));
    expect(error.name).toBe('StateMachineDoesNotExist');
  });

  test('Given an EXPRESS machine, When started twice with one name, Then two express ARNs return and neither is describable', async () => {
    const machineName = uniqueName('fast');
    const arn = await createMachine('EXPRESS', machineName);
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'same' }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'same' }));
    const pattern = new RegExp(
      `^arn:aws:states:us-east-1:${ACCOUNT}:express:${machineName}:same:[0-9a-f-]{36}$`,
    );
    expect(first.executionArn).toMatch(pattern);
    expect(second.executionArn).toMatch(pattern);
    expect(second.executionArn).not.toBe(first.executionArn);
    const error = await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn })));
    expect(error).toEqual({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Resource type not valid in this context: express'",
    });
  });
});

describe('StartSyncExecution', () => {
  test('Given an EXPRESS machine, When run synchronously, Then the response carries output and billing details', async () => {
    const machineName = uniqueName('sync');
    const arn = await createMachine('EXPRESS', machineName);
    const response = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: arn, name: 'go', input: '{"n":2}' }),
    );
    expect(response).toMatchObject({
      stateMachineArn: arn,
      name: 'go',
      status: 'SUCCEEDED',
      input: '{"n":2}',
      inputDetails: { included: true },
      output: '{"n":2}',
      outputDetails: { included: true },
      billingDetails: { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 },
    });
    expect(response.executionArn).toMatch(new RegExp(`:express:${machineName}:go:[0-9a-f-]{36}$`));
    expect(response.stopDate).toBeInstanceOf(Date);
  });

  test('Given a failing execution, When run synchronously, Then the call succeeds with status FAILED, error and cause', async () => {
    const arn = await createMachine('EXPRESS');
    const response = await sfn.send(
      new StartSyncExecutionCommand({
        stateMachineArn: arn,
        input: '{"fail":{"error":"Boom","cause":"why"}}',
      }),
    );
    expect(response).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'why' });
    expect(response.output).toBeUndefined();
  });

  test('fails with StateMachineTypeNotSupported on a STANDARD machine', async () => {
    const arn = await createMachine('STANDARD');
    const error = await errorOf(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn })));
    expect(error.name).toBe('StateMachineTypeNotSupported');
  });
});

describe('DescribeExecution', () => {
  test('Given a succeeded execution, When described, Then fields match AWS including redrive status', async () => {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'd', input: '{"k":"v"}' }),
    );
    const described = await waitUntilDone(executionArn as string);
    expect(described).toMatchObject({
      executionArn,
      stateMachineArn: arn,
      name: 'd',
      status: 'SUCCEEDED',
      input: '{"k":"v"}',
      inputDetails: { included: true },
      output: '{"k":"v"}',
      outputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect((described.stopDate as Date).getTime()).toBeGreaterThanOrEqual(
      (described.startDate as Date).getTime(),
    );
  });

  test('Given a failed execution, When described, Then error, cause and REDRIVABLE are reported without output', async () => {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"fail":{"error":"E","cause":"C"}}' }),
    );
    const described = await waitUntilDone(executionArn as string);
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'E',
      cause: 'C',
      redriveStatus: 'REDRIVABLE',
    });
    expect(described.output).toBeUndefined();
  });

  test('Given a running execution, When described, Then it has no stopDate', async () => {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"hold":true}' }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('RUNNING');
    expect(described.stopDate).toBeUndefined();
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  test('fails with ExecutionDoesNotExist for an unknown execution', async () => {
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:missing`;
    const error = await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn })));
    expect(error).toEqual({
      name: 'ExecutionDoesNotExist',
      message: `Execution Does Not Exist: '${executionArn}'`,
    });
  });
});

describe('ListExecutions', () => {
  test('Given finished and running executions, When filtered by status, Then only matching ones come back newest first', async () => {
    const arn = await createMachine();
    const done1 = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'one' }));
    await waitUntilDone(done1.executionArn as string);
    const done2 = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'two' }));
    await waitUntilDone(done2.executionArn as string);
    const running = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'three', input: '{"hold":true}' }),
    );

    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }),
    );
    expect(succeeded.executions?.map((e) => e.name)).toEqual(['two', 'one']);
    const runningOnes = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );
    expect(runningOnes.executions?.map((e) => e.name)).toEqual(['three']);
    expect(runningOnes.executions?.[0]?.stopDate).toBeUndefined();
    await sfn.send(new StopExecutionCommand({ executionArn: running.executionArn }));
  });

  test('Given five executions, When paged two at a time, Then pages are 2, 2, 1 with no repeats', async () => {
    const arn = await createMachine();
    for (let i = 0; i < 5; i++) {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: `p${i}` }),
      );
      await waitUntilDone(executionArn as string);
    }
    const sizes: number[] = [];
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const result = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken }),
      );
      sizes.push(result.executions?.length ?? 0);
      names.push(...(result.executions ?? []).map((e) => e.name as string));
      nextToken = result.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([2, 2, 1]);
    expect(names).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);
  });

  test('fails with InvalidToken for a token it did not issue', async () => {
    const arn = await createMachine();
    const error = await errorOf(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken: 'garbage' })),
    );
    expect(error.name).toBe('InvalidToken');
  });

  test('fails with StateMachineTypeNotSupported for an EXPRESS machine', async () => {
    const arn = await createMachine('EXPRESS');
    const error = await errorOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: arn })));
    expect(error.name).toBe('StateMachineTypeNotSupported');
  });

  test('fails with ValidationException when maxResults is above 1000', async () => {
    const arn = await createMachine();
    const error = await errorOf(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1001 })),
    );
    expect(error.name).toBe('ValidationException');
  });

  test('fails with ValidationException naming the lower limit when maxResults is negative', async () => {
    const arn = await createMachine();
    const error = await errorOf(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: -1 })),
    );
    expect(error).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0",
    });
  });
});

describe('GetExecutionHistory', () => {
  const runToEnd = async () => {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"h":1}' }),
    );
    await waitUntilDone(executionArn as string);
    return executionArn as string;
  };

  test('Given a finished execution, When its history is read, Then events have AWS shapes with dates', async () => {
    const executionArn = await runToEnd();
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events?.[0]).toMatchObject({
      id: 1,
      previousEventId: 0,
      executionStartedEventDetails: { input: '{"h":1}', inputDetails: { truncated: false }, roleArn: ROLE },
    });
    expect(events?.[0]?.timestamp).toBeInstanceOf(Date);
  });

  test('Given a history, When paged in reverse one event at a time, Then ids come newest first', async () => {
    const executionArn = await runToEnd();
    const ids: number[] = [];
    let nextToken: string | undefined;
    do {
      const result = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1, nextToken }),
      );
      ids.push(...(result.events ?? []).map((e) => e.id as number));
      nextToken = result.nextToken;
    } while (nextToken);
    expect(ids).toEqual([4, 3, 2, 1]);
  });

  test('Given includeExecutionData false, When read, Then inputs and outputs are left out', async () => {
    const executionArn = await runToEnd();
    const { events } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    expect(events?.[0]?.executionStartedEventDetails).toEqual({
      inputDetails: { truncated: false },
      roleArn: ROLE,
    });
    expect(events?.[3]?.executionSucceededEventDetails).toEqual({ outputDetails: { truncated: false } });
  });

  test('fails with ExecutionDoesNotExist for an unknown execution', async () => {
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:none`;
    const error = await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn })));
    expect(error.name).toBe('ExecutionDoesNotExist');
  });
});

describe('StopExecution', () => {
  test('Given a running execution, When stopped with error and cause, Then it is ABORTED with them', async () => {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"hold":true}' }),
    );
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'operator' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await waitUntilDone(executionArn as string);
    expect(described).toMatchObject({
      status: 'ABORTED',
      error: 'Manual',
      cause: 'operator',
      redriveStatus: 'REDRIVABLE',
    });
    const { events } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(events?.[0]?.type).toBe('ExecutionAborted');
  });

  test('fails with ExecutionDoesNotExist for an unknown execution', async () => {
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:gone`;
    const error = await errorOf(sfn.send(new StopExecutionCommand({ executionArn })));
    expect(error.name).toBe('ExecutionDoesNotExist');
  });
});

describe('in-process handle', () => {
  test('Given a subscriber, When an execution runs, Then it sees start, every history event, then the end', async () => {
    const arn = await createMachine();
    const seen: string[] = [];
    const unsubscribe = service.api.subscribe((event: ServiceEvent) => {
      seen.push(event.kind === 'historyEvent' ? event.event.type : event.kind);
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await waitUntilDone(executionArn as string);
    unsubscribe();
    expect(seen).toEqual([
      'executionStarted',
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
      'executionFinished',
    ]);
  });

  test('Given a retention of 2, When a third execution finishes, Then the oldest is forgotten, its name stays taken and the log says so', async () => {
    const logged: string[] = [];
    const small = await startStepFunctionsService({
      integrations: { resolve: () => undefined },
      createStateMachine: createFakeStateMachine,
      maxRetainedExecutions: 2,
      log: (line) => logged.push(line),
    });
    try {
      const { stateMachineArn } = small.api.createStateMachine({
        name: 'r',
        definition: DEFINITION,
        roleArn: ROLE,
      });
      const arns: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        const { executionArn } = small.api.startExecution({ stateMachineArn, name });
        arns.push(executionArn as string);
        await small.api.execution(executionArn as string)?.execution.done;
        await new Promise(setImmediate);
      }
      expect(small.api.allExecutions().map((e) => e.name)).toEqual(['b', 'c']);
      expect(() => small.api.describeExecution({ executionArn: arns[0] })).toThrow(
        /Execution Does Not Exist/,
      );
      expect(() => small.api.startExecution({ stateMachineArn, name: 'a' })).toThrow(
        /Execution Already Exists/,
      );
      expect(logged).toEqual([
        expect.stringMatching(/^Step Functions \(local\): finished executions reached/),
      ]);
    } finally {
      await small.stop();
    }
  });
});

describe('members of the wrong JSON type', () => {
  test('fails with SerializationException, not a ValidationException showing [object Object], when input is an object', async () => {
    const arn = await createMachine();
    const { status, json } = await rawCall('StartExecution', { stateMachineArn: arn, input: { a: 1 } });
    expect(status).toBe(400);
    expect(json).toEqual({
      __type: 'SerializationException',
      message: 'Start of structure or map found where not expected.',
    });
  });

  test.each([
    ['a list', ['x'], 'Start of list found where not expected'],
    ['a boolean', true, 'class java.lang.Boolean can not be converted to an String'],
    ['a small number', 7, 'class java.lang.Short can not be converted to an String'],
    ['a fraction', 1.5, 'class java.lang.Double can not be converted to an String'],
  ])('fails with SerializationException when a string member is %s', async (_what, name, message) => {
    const { json } = await rawCall('CreateStateMachine', { name, definition: DEFINITION, roleArn: ROLE });
    expect(json).toEqual({ __type: 'SerializationException', message });
  });

  test('fails with SerializationException when maxResults is a string', async () => {
    const arn = await createMachine();
    const { json } = await rawCall('ListExecutions', { stateMachineArn: arn, maxResults: '5' });
    expect(json).toEqual({
      __type: 'SerializationException',
      message: 'class java.lang.String can not be converted to an Integer',
    });
  });

  test('fails with SerializationException when an ARN member is an object', async () => {
    const { json } = await rawCall('DescribeStateMachine', { stateMachineArn: { arn: 'x' } });
    expect(json).toMatchObject({ __type: 'SerializationException' });
  });
});
