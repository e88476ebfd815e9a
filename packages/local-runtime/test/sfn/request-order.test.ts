/**
 * The order in which the endpoint checks a request, as AWS does: the API model's constraints first
 * (every violation in one ValidationException), then name rules and lookups; and a history page token
 * belongs to the execution it came from.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { waitForExecution } from '../../src/executions';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { checkRequest } from '../../src/sfn/request-model';
import { createFakeStateMachine } from './fake-engine';
import { errorOf, localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const DEFINITION = JSON.stringify({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } });
const MISSING_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:missing';
const MISSING_EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:missing:run';

let service: StepFunctionsService;
let sfn: SFNClient;
let machineArn: string;

beforeAll(async () => {
  service = await startStepFunctionsService({
    integrations: { resolve: () => undefined },
    createStateMachine: createFakeStateMachine,
  });
  sfn = localSfnClient(service.endpoint);
  machineArn = (
    await sfn.send(new CreateStateMachineCommand({ name: 'order', definition: DEFINITION, roleArn: ROLE }))
  ).stateMachineArn as string;
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
});

const long = 'a'.repeat(81);
const tooLongName = `Value '${long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`;

describe('the API model is checked before name rules and lookups', () => {
  test('Given an 81-character name and an unknown state machine, When started, Then the answer is the ValidationException AWS gives', async () => {
    expect(
      await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: MISSING_MACHINE, name: long }))),
    ).toEqual({ name: 'ValidationException', message: `1 validation error detected: ${tooLongName}` });
  });

  test('Given a name of the right length with a space, When started on an unknown machine, Then the lookup answers first', async () => {
    // What AWS answers, as measured and published by an independent emulator's tests (see src/sfn/README.md).
    expect(
      (await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: MISSING_MACHINE, name: 'a b' }))))
        .name,
    ).toBe('StateMachineDoesNotExist');
    expect(
      (await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'a b' })))).name,
    ).toBe('InvalidName');
  });

  test('Given several broken members, When called, Then one ValidationException lists them all in the model order', async () => {
    expect(
      await errorOf(
        sfn.send(
          new StartExecutionCommand({
            stateMachineArn: MISSING_MACHINE,
            name: long,
            input: '"'.padEnd(262_146, 'x'),
            traceHeader: 'é',
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: `3 validation errors detected: ${tooLongName}; Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding; Value 'é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*`,
    });
  });

  test('Given an unknown execution with an out-of-range maxResults or statusFilter, When listed or read, Then the model answers first', async () => {
    expect(
      await errorOf(
        sfn.send(new GetExecutionHistoryCommand({ executionArn: MISSING_EXECUTION, maxResults: 1001 })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
    expect(
      (
        await errorOf(
          sfn.send(
            new ListExecutionsCommand({ stateMachineArn: MISSING_MACHINE, statusFilter: 'DONE' as never }),
          ),
        )
      ).message,
    ).toBe(
      "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]",
    );
    expect(
      await errorOf(
        sfn.send(new StopExecutionCommand({ executionArn: MISSING_EXECUTION, error: 'e'.repeat(257) })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
    });
  });

  test('Given a well-formed request for something that does not exist, When called, Then the lookup error comes back', async () => {
    expect(
      (await errorOf(sfn.send(new DescribeExecutionCommand({ executionArn: MISSING_EXECUTION })))).name,
    ).toBe('ExecutionDoesNotExist');
  });

  test('every member of the wrong JSON type is a SerializationException before any constraint', () => {
    expect(() => checkRequest('StartExecution', { stateMachineArn: '', name: 5 })).toThrow(
      expect.objectContaining({ name: 'SerializationException' }),
    );
  });
});

describe('history page tokens', () => {
  test("Given a page token of one execution's history, When used for another execution, Then it is InvalidToken", async () => {
    const start = async (name: string) => {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: machineArn, name }),
      );
      await waitForExecution(sfn, executionArn as string, 5);
      return executionArn as string;
    };
    const first = await start('history-a');
    const second = await start('history-b');
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: first, maxResults: 1 }));
    expect(page.nextToken).toBeDefined();
    const next = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: first, maxResults: 1, nextToken: page.nextToken }),
    );
    expect(next.events?.[0]?.id).toBe(2);
    expect(
      (
        await errorOf(
          sfn.send(
            new GetExecutionHistoryCommand({
              executionArn: second,
              maxResults: 1,
              nextToken: page.nextToken,
            }),
          ),
        )
      ).name,
    ).toBe('InvalidToken');
  });
});
