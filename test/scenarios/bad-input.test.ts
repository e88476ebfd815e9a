/**
 * Bad input swept through the blueprint's workflow on the local runtime, through the SDK: each
 * input gets a named error (the API's, as AWS names it, or the workflow's Idempotency.Key*), writes
 * nothing to the idempotency table, and leaves the runtime serving. Unicode and emoji keys work
 * and are idempotent. The endpoint's own checks are pinned in
 * packages/local-runtime/test/sfn/bad-requests.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartExecutionCommand, StartSyncExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type LocalRuntime, startLocalRuntime } from '@sfn-idempotency/local-runtime';
import { MAX_KEY_BYTES } from '../../lib/state-machines/fragments';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { type DeployedWorkflow, deployWorkflow, PROJECT_ROOT } from '../support/deploy-plan';
import {
  allRecords,
  enteredStates,
  finished,
  type Item,
  invocationGate,
  releaseAllGates,
  runExecution,
  startExecution,
} from './support';

const TABLE = 'scenario-bad-input';

let runtime: LocalRuntime;
let workDir: string;
/** The default key: the SHA-256 of the whole event. */
let hashed: DeployedWorkflow;
/** A key expression of the user's own, `$states.input.orderId`, with the key checks. */
let keyed: DeployedWorkflow;
/** The keyed workflow as EXPRESS, for StartSyncExecution. */
let express: DeployedWorkflow;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'scenarios-bad-input-'));
  runtime = await startLocalRuntime({ baseDir: PROJECT_ROOT, onLambdaLog: () => {} });
  await runtime.createTable(TABLE);
  runtime.registerFunction('bad-input-orders', {
    handler: 'test/scenarios/handlers/recording.ts#handler',
    environment: { CALLS_FILE: join(workDir, 'calls.jsonl') },
  });
  const common = { functionName: 'bad-input-orders', tableName: TABLE };
  hashed = await deployWorkflow(runtime, { name: 'bad-input-hashed', keyPrefix: 'hashed', ...common });
  keyed = await deployWorkflow(runtime, {
    name: 'bad-input-keyed',
    keyPrefix: 'keyed',
    keyExpression: '$states.input.orderId',
    ...common,
  });
  express = await deployWorkflow(runtime, {
    name: 'bad-input-express',
    type: 'EXPRESS',
    keyPrefix: 'express',
    keyExpression: '$states.input.orderId',
    ...common,
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

afterEach(() => {
  runtime.lambda.setBeforeInvoke(undefined);
  releaseAllGates();
});

const sfn = () => runtime.clients.sfn;
const recordIds = async (): Promise<string[]> =>
  (await allRecords(runtime.clients.dynamodb, TABLE)).map((item: Item) => item.id?.S ?? '?').sort();

let liveness = 0;
/** A normal event still runs to Processed on the STANDARD and EXPRESS workflows. */
async function expectStillServing(): Promise<void> {
  liveness++;
  const done = await runExecution(sfn(), keyed.stateMachineArn, { orderId: `alive-${liveness}` });
  expect(done.status).toBe('SUCCEEDED');
  const sync = await sfn().send(
    new StartSyncExecutionCommand({
      stateMachineArn: express.stateMachineArn,
      input: JSON.stringify({ orderId: `alive-express-${liveness}` }),
    }),
  );
  expect(sync.status).toBe('SUCCEEDED');
}

/** Runs `act`, then checks that the table holds exactly what it held before, and that the runtime serves. */
async function expectNothingWritten(act: () => Promise<void>): Promise<void> {
  const before = await recordIds();
  await act();
  expect(await recordIds()).toEqual(before);
  await expectStillServing();
}

/** The error an SDK call fails with. */
async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}

/** StartExecution on each STANDARD workflow and StartSyncExecution on the EXPRESS one, with raw input text. */
const everyStart = (input: string) => [
  () => sfn().send(new StartExecutionCommand({ stateMachineArn: hashed.stateMachineArn, input })),
  () => sfn().send(new StartExecutionCommand({ stateMachineArn: keyed.stateMachineArn, input })),
  () => sfn().send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn, input })),
];

/** An object nested `depth` levels deep, the outermost included, carrying the key at the top. */
const nestedEvent = (orderId: string, depth: number): string =>
  `{"orderId":${JSON.stringify(orderId)},"n":${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}}`;

describe('Given input the Step Functions API refuses', () => {
  test('When it is not JSON, Then every start fails with InvalidExecutionInput and nothing is written', async () => {
    await expectNothingWritten(async () => {
      for (const start of everyStart('{"orderId": "o-1"')) {
        expect((await errorOf(start())).name).toBe('InvalidExecutionInput');
      }
    });
  });

  test('When it is over 262,144 bytes of UTF-8, Then every start fails with ValidationException and nothing is written', async () => {
    // 3-byte characters: under the limit in characters, over it in bytes.
    const input = JSON.stringify({ orderId: 'big-1', note: '€'.repeat(90_000) });
    expect(input.length).toBeLessThan(262_144);
    await expectNothingWritten(async () => {
      for (const start of everyStart(input)) {
        expect(await errorOf(start())).toMatchObject({
          name: 'ValidationException',
          message:
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
        });
      }
    });
  });

  test('When it is nested deeper than 1,000 levels, Then every start fails with InvalidExecutionInput and nothing is written', async () => {
    await expectNothingWritten(async () => {
      for (const start of everyStart(nestedEvent('deep-1001', 1001))) {
        expect(await errorOf(start())).toMatchObject({
          name: 'InvalidExecutionInput',
          message: expect.stringContaining(
            'Document nesting depth (1001) exceeds the maximum allowed (1000)',
          ),
        });
      }
    });
  });

  test('When the execution name is invalid, Then StartExecution fails with InvalidName or ValidationException and nothing is written', async () => {
    const start = (name: string) =>
      sfn().send(
        new StartExecutionCommand({
          stateMachineArn: keyed.stateMachineArn,
          name,
          input: JSON.stringify({ orderId: `name-${name.length}` }),
        }),
      );
    await expectNothingWritten(async () => {
      expect((await errorOf(start('order#1'))).name).toBe('InvalidName');
      expect((await errorOf(start('n'.repeat(81)))).name).toBe('ValidationException');
    });
  });

  test('When the request body is malformed, Then the API answers SerializationException, ValidationException or UnknownOperationException and nothing is written', async () => {
    const post = async (target: string, body: string) => {
      const response = await fetch(runtime.stepFunctions.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target },
        body,
      });
      return { status: response.status, type: ((await response.json()) as { __type: string }).__type };
    };
    await expectNothingWritten(async () => {
      const arn = keyed.stateMachineArn;
      expect(await post('AWSStepFunctions.StartExecution', `{"stateMachineArn":"${arn}",`)).toEqual({
        status: 400,
        type: 'SerializationException',
      });
      expect(
        await post(
          'AWSStepFunctions.StartExecution',
          JSON.stringify({ stateMachineArn: arn, input: { orderId: 'x' } }),
        ),
      ).toEqual({ status: 400, type: 'SerializationException' });
      expect(await post('AWSStepFunctions.StartExecution', '{"input":"{}"}')).toEqual({
        status: 400,
        type: 'ValidationException',
      });
      expect(await post('AWSStepFunctions.StartAll', JSON.stringify({ stateMachineArn: arn }))).toEqual({
        status: 400,
        type: 'UnknownOperationException',
      });
    });
  });
});

describe('Given an execution name already used', () => {
  test('When it is started again with other input, Then ExecutionAlreadyExists, and with the same input while it runs, Then the running execution is answered', async () => {
    const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'named-1');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const input = { orderId: 'named-1' };
    const first = await startExecution(sfn(), keyed.stateMachineArn, input, 'order-named-1');
    await gate.arrived;
    const before = await recordIds();

    const again = await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: keyed.stateMachineArn,
        name: 'order-named-1',
        input: JSON.stringify(input),
      }),
    );
    expect(again.executionArn).toBe(first);
    const other = await errorOf(
      startExecution(sfn(), keyed.stateMachineArn, { orderId: 'named-2' }, 'order-named-1'),
    );
    expect(other).toEqual({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${first}'`,
    });
    expect(await recordIds()).toEqual(before);

    gate.release();
    expect((await finished(sfn(), first)).status).toBe('SUCCEEDED');
    // Closed: AWS refuses the name whatever the input (for 90 days).
    expect((await errorOf(startExecution(sfn(), keyed.stateMachineArn, input, 'order-named-1'))).name).toBe(
      'ExecutionAlreadyExists',
    );
    await expectStillServing();
  });
});

describe("Given an event the workflow refuses (a key expression of the user's own)", () => {
  test.each([
    ['an empty object', {}, IdempotencyError.KeyMissing, StateName.RejectEventWithoutKey],
    ['no key', { amount: 5 }, IdempotencyError.KeyMissing, StateName.RejectEventWithoutKey],
    ['a null key', { orderId: null }, IdempotencyError.KeyMissing, StateName.RejectEventWithoutKey],
    ['an empty key', { orderId: '' }, IdempotencyError.KeyMissing, StateName.RejectEventWithoutKey],
    [
      'an object key',
      { orderId: { id: 1 } },
      IdempotencyError.KeyInvalidType,
      StateName.RejectEventWithInvalidKey,
    ],
    [
      'an array key',
      { orderId: ['a'] },
      IdempotencyError.KeyInvalidType,
      StateName.RejectEventWithInvalidKey,
    ],
    [
      'a boolean key',
      { orderId: true },
      IdempotencyError.KeyInvalidType,
      StateName.RejectEventWithInvalidKey,
    ],
    [
      `a key over ${MAX_KEY_BYTES} bytes in 3-byte characters`,
      { orderId: '€'.repeat(700) },
      IdempotencyError.KeyTooLong,
      StateName.RejectEventWithKeyTooLong,
    ],
  ])(
    'When it has %s, Then STANDARD and EXPRESS fail with its Idempotency error and nothing is written',
    async (_what, event, error, failState) => {
      await expectNothingWritten(async () => {
        const standard = await runExecution(sfn(), keyed.stateMachineArn, event);
        expect(standard).toMatchObject({ status: 'FAILED', error });
        expect(enteredStates(standard.events)).toEqual([
          StateName.ClaimIdempotencyKey,
          StateName.ClassifyRejectedClaim,
          failState,
        ]);
        const sync = await sfn().send(
          new StartSyncExecutionCommand({
            stateMachineArn: express.stateMachineArn,
            input: JSON.stringify(event),
          }),
        );
        expect(sync).toMatchObject({ status: 'FAILED', error });
      });
    },
  );

  test(`When the record id is exactly ${MAX_KEY_BYTES} bytes, Then it is processed`, async () => {
    const orderId = 'k'.repeat(MAX_KEY_BYTES - 'keyed#'.length);
    const done = await runExecution(sfn(), keyed.stateMachineArn, { orderId });
    expect(done.status).toBe('SUCCEEDED');
    expect(await recordIds()).toContain(`keyed#${orderId}`);
  });
});

describe('Given events the default key (a hash of the whole event) accepts', () => {
  test('When the event is an empty object, a key-less event or one with a 200 KB field, Then each is processed once and its resend is a duplicate', async () => {
    for (const event of [{}, { amount: 5 }, { orderId: 'h-big', note: 'x'.repeat(200_000) }]) {
      const first = await runExecution(sfn(), hashed.stateMachineArn, event);
      const again = await runExecution(sfn(), hashed.stateMachineArn, event);
      expect(enteredStates(first.events)).toContain(StateName.Processed);
      expect(enteredStates(again.events)).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.AlreadyProcessed,
      ]);
    }
  });

  test('When the event is nested 1,000 levels deep, Then it is processed with either key, and its resend is a duplicate', async () => {
    for (const workflow of [hashed, keyed]) {
      const input = nestedEvent(`deep-${workflow.name}`, 1000);
      const run = async () => {
        const { executionArn } = await sfn().send(
          new StartExecutionCommand({ stateMachineArn: workflow.stateMachineArn, input }),
        );
        return finished(sfn(), executionArn as string);
      };
      expect(enteredStates((await run()).events)).toContain(StateName.Processed);
      expect(enteredStates((await run()).events)).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.AlreadyProcessed,
      ]);
    }
  });
});

describe('Given unicode and emoji keys', () => {
  test('When each is sent twice, Then the first is processed under its own record id and the second is a duplicate', async () => {
    for (const orderId of ['注文-2024-001', 'café-über-ß', '🧾💳✅', 'emoji👩‍👩‍👧‍👦family', 'עברית-עסקה']) {
      const first = await runExecution(sfn(), keyed.stateMachineArn, { orderId });
      const again = await runExecution(sfn(), keyed.stateMachineArn, { orderId });
      expect(enteredStates(first.events)).toContain(StateName.Processed);
      expect(again.output).toEqual({ duplicate: true, idempotencyKey: `keyed#${orderId}` });
      expect(await recordIds()).toContain(`keyed#${orderId}`);
    }
  });

  test('When only the Unicode normalization differs, Then the keys are different records, as DynamoDB compares bytes', async () => {
    const composed = 'caf\u00e9-n1';
    const decomposed = 'cafe\u0301-n1';
    await runExecution(sfn(), keyed.stateMachineArn, { orderId: composed });
    const other = await runExecution(sfn(), keyed.stateMachineArn, { orderId: decomposed });
    expect(enteredStates(other.events)).toContain(StateName.Processed);
  });
});

test('Given a running execution stopped by its caller, When the sweep is over, Then no execution of the sweep is left RUNNING', async () => {
  const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'stopped-1');
  runtime.lambda.setBeforeInvoke(gate.hook);
  const arn = await startExecution(sfn(), keyed.stateMachineArn, { orderId: 'stopped-1' });
  await gate.arrived;
  await sfn().send(new StopExecutionCommand({ executionArn: arn }));
  gate.release();
  const running = runtime.stepFunctions.api
    .allExecutions()
    .filter((e) => e.status === 'RUNNING' && e.stateMachineArn !== keyed.releaseStateMachineArn);
  expect(running.map((e) => e.name)).toEqual([]);
});
