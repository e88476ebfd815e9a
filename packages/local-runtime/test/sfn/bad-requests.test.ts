/**
 * The Step Functions endpoint under bad requests and bad clients: each request gets AWS's named
 * error, and the service keeps serving afterwards (a normal StartExecution still works). The
 * blueprint's own sweep of the same inputs through its workflow is test/scenarios/bad-input.test.ts.
 */
import { connect } from 'node:net';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { waitForExecution } from '../../src/executions';
import { MAX_INPUT_DEPTH, type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { createFakeStateMachine } from './fake-engine';
import { errorOf, localSfnClient, sendRaw } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const DEFINITION = JSON.stringify({ StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } });

let service: StepFunctionsService;
let sfn: SFNClient;
let standardArn: string;
let expressArn: string;

beforeAll(async () => {
  service = await startStepFunctionsService({
    integrations: { resolve: () => undefined },
    createStateMachine: createFakeStateMachine,
  });
  sfn = localSfnClient(service.endpoint);
  const create = async (name: string, type: 'STANDARD' | 'EXPRESS') =>
    (await sfn.send(new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE, type })))
      .stateMachineArn as string;
  standardArn = await create('bad-requests', 'STANDARD');
  expressArn = await create('bad-requests-express', 'EXPRESS');
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
});

/** A raw JSON 1.0 call with any body text and target. */
const raw = (target: string, body: string) => sendRaw(service.endpoint, target, body);

/** The service still starts and finishes a normal execution. */
const stillServing = async (): Promise<void> => {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: standardArn, input: '{"ok":true}' }),
  );
  expect((await waitForExecution(sfn, executionArn as string, 5)).status).toBe('SUCCEEDED');
};

/** JSON `depth` levels deep: arrays, so that 60,000 levels stay under the size limit. */
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

afterEach(stillServing);

describe('bad execution input, through StartExecution and StartSyncExecution', () => {
  /** Both calls, each sent when called. */
  const both = (input: string) => [
    () => sfn.send(new StartExecutionCommand({ stateMachineArn: standardArn, input })),
    () => sfn.send(new StartSyncExecutionCommand({ stateMachineArn: expressArn, input })),
  ];

  test('fails with InvalidExecutionInput when the input is not JSON, and starts nothing', async () => {
    const before = service.api.allExecutions().length;
    for (const call of both('{"orderId": ')) {
      const error = await errorOf(call());
      expect(error.name).toBe('InvalidExecutionInput');
      expect(error.message).toMatch(/^Invalid State Machine Execution Input: '.+'$/);
    }
    expect(service.api.allExecutions()).toHaveLength(before);
  });

  test('fails with ValidationException in the words AWS uses for a sensitive member (no value shown) when the input is over 262,144 bytes of UTF-8, however few characters', async () => {
    // 2-byte characters: 140,000 characters, 280,000 bytes plus quotes.
    const input = JSON.stringify({ note: 'é'.repeat(140_000) });
    expect(input.length).toBeLessThan(262_144);
    for (const call of both(input)) {
      expect(await errorOf(call())).toEqual({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
      });
    }
  });

  test(`Given input nested ${MAX_INPUT_DEPTH} levels deep, When started, Then it runs; one level deeper fails with InvalidExecutionInput`, async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: standardArn, input: nested(MAX_INPUT_DEPTH) }),
    );
    expect((await waitForExecution(sfn, executionArn as string, 5)).status).toBe('SUCCEEDED');
    // Brackets inside strings are not nesting.
    const inStrings = JSON.stringify({ text: '{['.repeat(5000) });
    await sfn.send(new StartExecutionCommand({ stateMachineArn: standardArn, input: inStrings }));
    for (const depth of [MAX_INPUT_DEPTH + 1, 60_000]) {
      for (const call of both(nested(depth))) {
        expect(await errorOf(call())).toEqual({
          name: 'InvalidExecutionInput',
          message: `Invalid State Machine Execution Input: 'Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_INPUT_DEPTH}) of the local service'`,
        });
      }
    }
  });
});

describe('bad execution names', () => {
  test.each([
    ['a forbidden character', 'order#1', 'InvalidName', "Invalid Name: 'order#1'"],
    ['whitespace', 'order 1', 'InvalidName', "Invalid Name: 'order 1'"],
    [
      '81 characters',
      'n'.repeat(81),
      'ValidationException',
      `1 validation error detected: Value '${'n'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    ],
    [
      'nothing',
      '',
      'ValidationException',
      "1 validation error detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
  ])('fails when the name has %s', async (_what, name, errorName, message) => {
    expect(
      await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: standardArn, name }))),
    ).toEqual({
      name: errorName,
      message,
    });
  });

  test('Given a name of unicode letters and emoji, When started, Then it is accepted as AWS accepts it', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: standardArn, name: '注文-über-🧾' }),
    );
    expect(executionArn).toMatch(/:execution:bad-requests:注文-über-🧾$/);
  });
});

describe('malformed request bodies', () => {
  test('fails with SerializationException for a body that is not JSON, or not an object', async () => {
    for (const body of ['{"stateMachineArn":', '[1,2]', '"text"']) {
      const response = await raw('AWSStepFunctions.StartExecution', body);
      expect(response).toMatchObject({ status: 400, errorType: 'SerializationException' });
    }
  });

  test('fails with SerializationException for members of the wrong JSON type', async () => {
    for (const body of [
      { stateMachineArn: standardArn, input: { orderId: 'o-1' } },
      { stateMachineArn: standardArn, name: 12 },
      { stateMachineArn: [standardArn] },
    ]) {
      const response = await raw('AWSStepFunctions.StartExecution', JSON.stringify(body));
      expect(response).toMatchObject({ status: 400, json: { __type: 'SerializationException' } });
    }
  });

  test('fails with ValidationException when a required member is missing or empty', async () => {
    expect((await raw('AWSStepFunctions.StartExecution', '{"name":"n"}')).json).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    });
    expect((await raw('AWSStepFunctions.DescribeExecution', '{"executionArn":""}')).json).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value '' at 'executionArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });

  test('fails with UnknownOperationException for a target of another service or an unknown operation', async () => {
    for (const target of ['DynamoDB_20120810.PutItem', 'AWSStepFunctions.StartEverything', '']) {
      const response = await raw(target, '{}');
      expect(response).toMatchObject({ status: 400, json: { __type: 'UnknownOperationException' } });
    }
  });
});

describe('clients that go away', () => {
  test('Given StartSyncExecution of a long execution, When the client disconnects, Then the execution runs on and can be stopped', async () => {
    const controller = new AbortController();
    const call = fetch(service.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'AWSStepFunctions.StartSyncExecution',
      },
      body: JSON.stringify({ stateMachineArn: expressArn, name: 'walked-away', input: '{"hold":true}' }),
      signal: controller.signal,
    });
    const running = () =>
      service.api.allExecutions().filter((e) => e.name === 'walked-away' && e.status === 'RUNNING');
    while (running().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(call).rejects.toThrow();
    const [execution] = running();
    execution?.execution.stop();
    await execution?.execution.done;
    expect(running()).toEqual([]);
  });

  test('Given a request whose body stops halfway, When the client disconnects, Then the service answers the next request', async () => {
    const port = new URL(service.endpoint).port;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions.StartExecution\r\n' +
            'Content-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{"stateMachineArn":',
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    const described = await errorOf(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${standardArn.replace('stateMachine', 'execution')}:none`,
        }),
      ),
    );
    expect(described.name).toBe('ExecutionDoesNotExist');
  });
});
