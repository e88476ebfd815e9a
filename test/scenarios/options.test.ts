/**
 * Behaviour of the blueprint's options on the local runtime: payload validation, the stored
 * result for duplicates, the in-progress policy, the envelope payload, EXPRESS workflows through
 * StartSyncExecution, and two workflows sharing one table.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartSyncExecutionCommand,
  type StartSyncExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { type LocalRuntime, startLocalRuntime } from '@sfn-idempotency/local-runtime';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { type DeployedWorkflow, deployWorkflow, PROJECT_ROOT } from '../support/deploy-plan';
import {
  billedTransitions,
  enteredStates,
  type FinishedExecution,
  finished,
  getRecord,
  invocationGate,
  lambdaInvokesScheduled,
  lastEvent,
  putRecord,
  recordedCalls,
  releaseAllGates,
  runExecution,
  startExecution,
} from './support';

const TABLE = 'scenario-options';
const NEW_EVENT_PATH = [
  StateName.ClaimIdempotencyKey,
  StateName.RunBusinessLogic,
  StateName.RecordCompletion,
  StateName.Processed,
];
const INSPECTED_DUPLICATE_PATH = [
  StateName.ClaimIdempotencyKey,
  StateName.LoadExistingRecord,
  StateName.InspectDuplicate,
];

let runtime: LocalRuntime;
let workDir: string;
let callsFile: string;
/** Workflows by name; each has its own business function and key prefix of that name. */
const workflows: Record<string, DeployedWorkflow> = {};
/** History events of Express executions, as the runtime publishes them to in-process subscribers. */
const expressEvents = new Map<string, unknown[]>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'scenarios-options-'));
  callsFile = join(workDir, 'calls.jsonl');
  runtime = await startLocalRuntime({ baseDir: PROJECT_ROOT, onLambdaLog: () => {} });
  await runtime.createTable(TABLE);
  runtime.stepFunctions.api.subscribe((event) => {
    if (event.kind !== 'historyEvent' || event.execution.type !== 'EXPRESS') return;
    const events = expressEvents.get(event.execution.executionArn) ?? [];
    events.push(event.event);
    expressEvents.set(event.execution.executionArn, events);
  });
  const deploy = async (
    name: string,
    options: Partial<Parameters<typeof deployWorkflow>[1]> = {},
    handler = 'test/scenarios/handlers/recording.ts#handler',
  ) => {
    runtime.registerFunction(name, {
      handler,
      environment: { CALLS_FILE: callsFile },
    });
    workflows[name] = await deployWorkflow(runtime, {
      name,
      functionName: name,
      tableName: TABLE,
      keyExpression: '$states.input.orderId',
      keyPrefix: name,
      ...options,
    });
  };
  await deploy('validated', { payloadValidationExpression: '$states.input.amount' });
  await deploy('stored', { duplicateResponse: 'RETURN_STORED_RESULT' });
  await deploy('stored-small', { duplicateResponse: 'RETURN_STORED_RESULT', maxStoredResultBytes: 64 });
  await deploy('in-progress', { inProgressPolicy: 'FAIL' });
  await deploy('envelope', { payloadShape: 'ENVELOPE' });
  await deploy('express', { type: 'EXPRESS' });
  await deploy('hashed', { keyExpression: undefined });
  await deploy('batched', { inputShape: 'BATCH_OF_ONE' });
  await deploy('batched-envelope', { inputShape: 'BATCH_OF_ONE', payloadShape: 'ENVELOPE' });
  await deploy('batched-hashed', { inputShape: 'BATCH_OF_ONE', keyExpression: undefined });
  await deploy('big-result', {}, 'test/scenarios/handlers/big-result.ts#handler');
  await deploy('billing');
  await deploy('shipping');
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
const ddb = () => runtime.clients.dynamodb;
const arnOf = (name: string): string => {
  const workflow = workflows[name];
  if (!workflow) throw new Error(`workflow ${name} was not deployed`);
  return workflow.stateMachineArn;
};
const callsOf = (functionName: string, orderId: string) =>
  recordedCalls(callsFile, orderId).filter((c) => c.functionName === functionName);

function expectSucceededAs(execution: FinishedExecution, path: string[]): void {
  expect(execution.status).toBe('SUCCEEDED');
  expect(enteredStates(execution.events)).toEqual(path);
  expect(lastEvent(execution.events)?.type).toBe('ExecutionSucceeded');
}

describe('Given the default key (a SHA-256 of the whole event)', () => {
  test('When the identical event is sent twice, Then the second is a duplicate; When any field differs, Then it is a new event', async () => {
    const event = { orderId: 'h-1', amount: 5 };

    const first = await runExecution(sfn(), arnOf('hashed'), event);
    const identical = await runExecution(sfn(), arnOf('hashed'), { orderId: 'h-1', amount: 5 });
    const different = await runExecution(sfn(), arnOf('hashed'), { orderId: 'h-1', amount: 6 });

    expectSucceededAs(first, NEW_EVENT_PATH);
    expectSucceededAs(identical, [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expectSucceededAs(different, NEW_EVENT_PATH);
    expect(callsOf('hashed', 'h-1')).toHaveLength(2);
    const id = `hashed#${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
    expect(identical.output).toEqual({ duplicate: true, idempotencyKey: id });
    expect((await getRecord(ddb(), TABLE, id))?.execution?.S).toBe(first.executionArn);
  });
});

describe('Given payload validation on the amount', () => {
  test('When a duplicate carries the same amount, Then it succeeds as AlreadyProcessed without calling the business function', async () => {
    const event = { orderId: 'pv-1', amount: 100 };
    const first = await runExecution(sfn(), arnOf('validated'), event);

    const duplicate = await runExecution(sfn(), arnOf('validated'), { ...event, note: 'not validated' });

    expectSucceededAs(first, NEW_EVENT_PATH);
    expectSucceededAs(duplicate, [...INSPECTED_DUPLICATE_PATH, StateName.AlreadyProcessed]);
    expect(billedTransitions(duplicate.events)).toBe(4);
    expect(callsOf('validated', 'pv-1')).toHaveLength(1);
    const record = await getRecord(ddb(), TABLE, 'validated#pv-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.validation?.S).toBe(createHash('sha256').update('100').digest('hex'));
  });

  test('When a duplicate carries another amount, Then it fails with Idempotency.PayloadMismatch and the record is unchanged', async () => {
    const first = await runExecution(sfn(), arnOf('validated'), { orderId: 'pv-2', amount: 100 });
    const recordAfterFirst = await getRecord(ddb(), TABLE, 'validated#pv-2');

    const mismatch = await runExecution(sfn(), arnOf('validated'), { orderId: 'pv-2', amount: 200 });

    expectSucceededAs(first, NEW_EVENT_PATH);
    expect(mismatch.status).toBe('FAILED');
    expect(mismatch.error).toBe(IdempotencyError.PayloadMismatch);
    expect(mismatch.cause).toContain('$states.input.amount');
    expect(enteredStates(mismatch.events)).toEqual([
      ...INSPECTED_DUPLICATE_PATH,
      StateName.RejectPayloadMismatch,
    ]);
    expect(lastEvent(mismatch.events)?.executionFailedEventDetails?.error).toBe(
      IdempotencyError.PayloadMismatch,
    );
    expect(lambdaInvokesScheduled(mismatch.events)).toBe(0);
    expect(callsOf('validated', 'pv-2')).toHaveLength(1);
    expect(await getRecord(ddb(), TABLE, 'validated#pv-2')).toEqual(recordAfterFirst);
    expect(recordAfterFirst?.execution?.S).toBe(first.executionArn);
  });
});

describe('Given payload validation and a record written without a validation hash', () => {
  test('When a duplicate arrives, Then it fails with Idempotency.PayloadMismatch: nothing proves the payload matches', async () => {
    const before = {
      id: { S: 'validated#pv-3' },
      status: { S: 'COMPLETED' },
      expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
      in_progress_expiration: { N: String(Date.now() - 1000) },
      execution: { S: 'arn:aws:states:us-east-1:123456789012:execution:validated:before-validation' },
    };
    await putRecord(ddb(), TABLE, before);

    const duplicate = await runExecution(sfn(), arnOf('validated'), { orderId: 'pv-3', amount: 100 });

    expect(duplicate.status).toBe('FAILED');
    expect(duplicate.error).toBe(IdempotencyError.PayloadMismatch);
    expect(enteredStates(duplicate.events)).toEqual([
      ...INSPECTED_DUPLICATE_PATH,
      StateName.RejectPayloadMismatch,
    ]);
    expect(callsOf('validated', 'pv-3')).toHaveLength(0);
    expect(await getRecord(ddb(), TABLE, 'validated#pv-3')).toEqual(before);
  });
});

describe('Given a workflow fed by EventBridge Pipes (inputShape BATCH_OF_ONE)', () => {
  test('When the input is [event], Then the business function receives the event, in 4 transitions, and its duplicate is AlreadyProcessed in 2', async () => {
    const event = { orderId: 'pipe-1', amount: 7 };

    const first = await runExecution(sfn(), arnOf('batched'), [event]);
    const duplicate = await runExecution(sfn(), arnOf('batched'), [event]);

    expectSucceededAs(first, NEW_EVENT_PATH);
    expect(billedTransitions(first.events)).toBe(4);
    expect(callsOf('batched', 'pipe-1').map((c) => c.event)).toEqual([event]);
    expect(first.output).toMatchObject({ orderId: 'pipe-1', handledBy: 'batched' });
    expectSucceededAs(duplicate, [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(billedTransitions(duplicate.events)).toBe(2);
    expect(duplicate.output).toEqual({ duplicate: true, idempotencyKey: 'batched#pipe-1' });
  });

  test('When the same event comes once as [event] and once bare (an EventBridge rule), Then the second is a duplicate', async () => {
    const event = { orderId: 'pipe-2' };

    const fromQueue = await runExecution(sfn(), arnOf('batched'), [event]);
    const fromRule = await runExecution(sfn(), arnOf('batched'), event);

    expectSucceededAs(fromQueue, NEW_EVENT_PATH);
    expectSucceededAs(fromRule, [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(callsOf('batched', 'pipe-2')).toHaveLength(1);
  });

  test('When the key is the default hash, Then [event] and the bare event hash to one key: the event’s', async () => {
    const event = { orderId: 'pipe-3', amount: 1 };
    const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');

    const fromQueue = await runExecution(sfn(), arnOf('batched-hashed'), [event]);
    const fromRule = await runExecution(sfn(), arnOf('batched-hashed'), event);

    expectSucceededAs(fromQueue, NEW_EVENT_PATH);
    expectSucceededAs(fromRule, [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(fromRule.output).toEqual({ duplicate: true, idempotencyKey: `batched-hashed#${digest}` });
    expect((await getRecord(ddb(), TABLE, `batched-hashed#${digest}`))?.status?.S).toBe('COMPLETED');
  });

  test('When the payload shape is ENVELOPE, Then the envelope carries the event, not the array', async () => {
    const event = { orderId: 'pipe-4' };

    const execution = await runExecution(sfn(), arnOf('batched-envelope'), [event]);

    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect(callsOf('batched-envelope', 'pipe-4').map((c) => c.event)).toEqual([
      { idempotencyKey: 'batched-envelope#pipe-4', event },
    ]);
  });
});

describe('Given a business function whose result is larger than Step Functions accepts', () => {
  test('When it succeeds, Then the execution fails with Idempotency.BusinessOutcomeUnknown and the key stays claimed, so a redelivery is a duplicate', async () => {
    const event = { orderId: 'big-1', resultBytes: 300_000 };

    const failed = await runExecution(sfn(), arnOf('big-result'), event);
    const redelivery = await runExecution(sfn(), arnOf('big-result'), event);

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
    expect(failed.cause).toContain('States.DataLimitExceeded');
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.BusinessOutcomeUnknown,
    ]);
    const record = await getRecord(ddb(), TABLE, 'big-result#big-1');
    expect(record?.status?.S).toBe('INPROGRESS');
    expect(record?.execution?.S).toBe(failed.executionArn);
    expectSucceededAs(redelivery, [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(callsOf('big-result', 'big-1')).toHaveLength(1);
  });
});

describe('Given duplicates configured to return the stored result', () => {
  test('When a duplicate arrives, Then it returns the first execution’s result, read from the record', async () => {
    const first = await runExecution(sfn(), arnOf('stored'), { orderId: 'sr-1', amount: 300 });

    const duplicate = await runExecution(sfn(), arnOf('stored'), { orderId: 'sr-1', amount: 300 });

    expectSucceededAs(first, NEW_EVENT_PATH);
    expectSucceededAs(duplicate, [...INSPECTED_DUPLICATE_PATH, StateName.AlreadyProcessed]);
    expect(lambdaInvokesScheduled(duplicate.events)).toBe(0);
    expect(callsOf('stored', 'sr-1')).toHaveLength(1);
    expect(first.output).toMatchObject({ orderId: 'sr-1', callId: expect.any(String) });
    expect(duplicate.output).toEqual(first.output);
    const record = await getRecord(ddb(), TABLE, 'stored#sr-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(JSON.parse(record?.data?.S ?? 'null')).toEqual(first.output);
  });
});

describe('Given duplicates configured to return the stored result, for results of every JSON type', () => {
  test.each([
    ['a string', 'paid'],
    ['a number', 42],
    ['an array', [1, 'two', { three: 3 }]],
    ['false', false],
    ['null', null],
  ])(
    'When the business function returned %s, Then a duplicate returns the same value',
    async (label, result) => {
      const orderId = `sr-type-${label.replace(/ /g, '-')}`;
      const event = { orderId, respondWith: result };
      const first = await runExecution(sfn(), arnOf('stored'), event);

      const duplicate = await runExecution(sfn(), arnOf('stored'), event);

      expectSucceededAs(first, NEW_EVENT_PATH);
      expect(first.output).toEqual(result);
      expectSucceededAs(duplicate, [...INSPECTED_DUPLICATE_PATH, StateName.AlreadyProcessed]);
      expect(duplicate.output).toEqual(result);
      expect(callsOf('stored', orderId)).toHaveLength(1);
      expect((await getRecord(ddb(), TABLE, `stored#${orderId}`))?.data?.S).toBe(JSON.stringify(result));
    },
  );

  test('When the result is larger than maxStoredResultBytes, Then it is not stored and a duplicate gets the plain duplicate answer', async () => {
    const event = { orderId: 'sr-big', respondWith: { text: 'x'.repeat(100) } };
    const first = await runExecution(sfn(), arnOf('stored-small'), event);

    const duplicate = await runExecution(sfn(), arnOf('stored-small'), event);

    expectSucceededAs(first, NEW_EVENT_PATH);
    expect(first.output).toEqual(event.respondWith);
    expectSucceededAs(duplicate, [...INSPECTED_DUPLICATE_PATH, StateName.AlreadyProcessed]);
    expect(duplicate.output).toEqual({ duplicate: true, idempotencyKey: 'stored-small#sr-big' });
    const record = await getRecord(ddb(), TABLE, 'stored-small#sr-big');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.data).toBeUndefined();
  });
});

describe('Given the FAIL in-progress policy', () => {
  test('When 50 executions of one key arrive while the first still runs, Then the business function runs once and the others fail with Idempotency.AlreadyInProgress', async () => {
    const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'ip-1');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const first = await startExecution(sfn(), arnOf('in-progress'), { orderId: 'ip-1' });
    await gate.arrived;

    const others = await Promise.all(
      Array.from({ length: 50 }, () => runExecution(sfn(), arnOf('in-progress'), { orderId: 'ip-1' })),
    );
    gate.release();
    const winner = await finished(sfn(), first);

    expectSucceededAs(winner, NEW_EVENT_PATH);
    expect(gate.held()).toBe(1);
    expect(callsOf('in-progress', 'ip-1')).toHaveLength(1);
    for (const other of others) {
      expect(other.status).toBe('FAILED');
      expect(other.error).toBe(IdempotencyError.AlreadyInProgress);
      expect(enteredStates(other.events)).toEqual([
        ...INSPECTED_DUPLICATE_PATH,
        StateName.RejectWhileInProgress,
      ]);
      expect(lambdaInvokesScheduled(other.events)).toBe(0);
    }
    const record = await getRecord(ddb(), TABLE, 'in-progress#ip-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(first);
  });

  test('When the sender retries after the first execution completed, Then the retry succeeds as AlreadyProcessed', async () => {
    const first = await runExecution(sfn(), arnOf('in-progress'), { orderId: 'ip-2' });

    const retry = await runExecution(sfn(), arnOf('in-progress'), { orderId: 'ip-2' });

    expectSucceededAs(first, NEW_EVENT_PATH);
    expectSucceededAs(retry, [...INSPECTED_DUPLICATE_PATH, StateName.AlreadyProcessed]);
    expect(retry.output).toEqual({ duplicate: true, idempotencyKey: 'in-progress#ip-2' });
    expect(callsOf('in-progress', 'ip-2')).toHaveLength(1);
  });
});

describe('Given the ENVELOPE payload shape', () => {
  test('When a new event is sent, Then the business function receives the record id and the event', async () => {
    const event = { orderId: 'env-1', amount: 42 };

    const execution = await runExecution(sfn(), arnOf('envelope'), event);

    expectSucceededAs(execution, NEW_EVENT_PATH);
    const calls = callsOf('envelope', 'env-1');
    expect(calls.map((c) => c.event)).toEqual([{ idempotencyKey: 'envelope#env-1', event }]);
    expect((await getRecord(ddb(), TABLE, 'envelope#env-1'))?.execution?.S).toBe(execution.executionArn);
  });
});

describe('Given an EXPRESS workflow', () => {
  const startSync = (input: unknown): Promise<StartSyncExecutionCommandOutput> =>
    sfn().send(
      new StartSyncExecutionCommand({ stateMachineArn: arnOf('express'), input: JSON.stringify(input) }),
    );
  /**
   * Express histories are not in GetExecutionHistory (AWS sends them to CloudWatch Logs when
   * logging is on); the runtime publishes the same events to in-process subscribers.
   */
  const expressHistory = (executionArn: string): HistoryEvent[] =>
    JSON.parse(JSON.stringify(expressEvents.get(executionArn) ?? []));

  test('When a new event and then its duplicate are sent with StartSyncExecution, Then the first runs the business function and the second is AlreadyProcessed', async () => {
    const event = { orderId: 'ex-1', amount: 10 };

    const first = await startSync(event);
    const duplicate = await startSync(event);

    expect(first.status).toBe('SUCCEEDED');
    expect(first.executionArn).toContain(':express:express:');
    expect(JSON.parse(first.output ?? 'null')).toMatchObject({ orderId: 'ex-1', handledBy: 'express' });
    expect(enteredStates(expressHistory(first.executionArn ?? ''))).toEqual(NEW_EVENT_PATH);
    expect(duplicate.status).toBe('SUCCEEDED');
    expect(JSON.parse(duplicate.output ?? 'null')).toEqual({
      duplicate: true,
      idempotencyKey: 'express#ex-1',
    });
    expect(enteredStates(expressHistory(duplicate.executionArn ?? ''))).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.AlreadyProcessed,
    ]);
    expect(duplicate.billingDetails?.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);
    expect(callsOf('express', 'ex-1')).toHaveLength(1);
    const record = await getRecord(ddb(), TABLE, 'express#ex-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(first.executionArn);
  });

  test('When an event without the key is sent with StartSyncExecution, Then the call answers FAILED with Idempotency.KeyMissing', async () => {
    const failed = await startSync({ amount: 10 });

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(IdempotencyError.KeyMissing);
    expect(enteredStates(expressHistory(failed.executionArn ?? ''))).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.RejectEventWithoutKey,
    ]);
  });

  test('When its history is asked for through the API, Then it is refused as on AWS (Express histories go to CloudWatch Logs)', async () => {
    const execution = await startSync({ orderId: 'ex-2' });

    await expect(
      sfn().send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn })),
    ).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('Given two workflows sharing one table under different key prefixes', () => {
  test('When the same event is sent to both, Then each runs its business function once and keeps its own record', async () => {
    const event = { orderId: 'shared-1', amount: 77 };

    const [billing, shipping] = await Promise.all([
      runExecution(sfn(), arnOf('billing'), event),
      runExecution(sfn(), arnOf('shipping'), event),
    ]);
    const [billingAgain, shippingAgain] = await Promise.all([
      runExecution(sfn(), arnOf('billing'), event),
      runExecution(sfn(), arnOf('shipping'), event),
    ]);

    expectSucceededAs(billing as FinishedExecution, NEW_EVENT_PATH);
    expectSucceededAs(shipping as FinishedExecution, NEW_EVENT_PATH);
    expectSucceededAs(billingAgain as FinishedExecution, [
      StateName.ClaimIdempotencyKey,
      StateName.AlreadyProcessed,
    ]);
    expectSucceededAs(shippingAgain as FinishedExecution, [
      StateName.ClaimIdempotencyKey,
      StateName.AlreadyProcessed,
    ]);
    expect(billingAgain?.output).toEqual({ duplicate: true, idempotencyKey: 'billing#shared-1' });
    expect(shippingAgain?.output).toEqual({ duplicate: true, idempotencyKey: 'shipping#shared-1' });
    expect(callsOf('billing', 'shared-1')).toHaveLength(1);
    expect(callsOf('shipping', 'shared-1')).toHaveLength(1);
    const billingRecord = await getRecord(ddb(), TABLE, 'billing#shared-1');
    const shippingRecord = await getRecord(ddb(), TABLE, 'shipping#shared-1');
    expect(billingRecord).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: billing?.executionArn },
    });
    expect(shippingRecord).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: shipping?.executionArn },
    });
  });
});
