/**
 * Behaviour of the blueprint in its default setting, on the local runtime, through the AWS SDK
 * clients: each test checks the execution's output, its history and the DynamoDB record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type LocalRuntime, serviceFaults, startLocalRuntime } from '@sfn-idempotency/local-runtime';
import { defaultLeaseSeconds } from '../../lib/definition';
import { IdempotencyError, ReleaseStateName, StateName } from '../../lib/state-machines/names';
import { type DeployedWorkflow, deployWorkflow, PROJECT_ROOT } from '../support/deploy-plan';
import {
  allRecords,
  billedTransitions,
  enteredStates,
  type FinishedExecution,
  finished,
  getRecord,
  invocationGate,
  lambdaInvokesScheduled,
  lastEvent,
  nowSeconds,
  orderIdOf,
  putRecord,
  recordedCalls,
  releaseAllGates,
  releaseRunFor,
  runExecution,
  startExecution,
} from './support';

const TABLE = 'scenario-orders';
const TTL_SECONDS = 3600;
/** The lease the blueprint derives from the local functions' 3 s timeout. */
const DEFAULT_LEASE_SECONDS = defaultLeaseSeconds(3);
const NEW_EVENT_PATH = [
  StateName.ClaimIdempotencyKey,
  StateName.RunBusinessLogic,
  StateName.RecordCompletion,
  StateName.Processed,
];
const DUPLICATE_PATH = [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed];

let runtime: LocalRuntime;
let workDir: string;
let callsFile: string;
let failFlag: string;
/** Business function `orders` (records its calls) behind the default workflow, keyed by orderId. */
let orders: DeployedWorkflow;
/** The same function behind a workflow with the ENVELOPE payload shape. */
let envelopeOrders: DeployedWorkflow;
/** Business function `slow-orders` (waits `waitMs`). */
let slowOrders: DeployedWorkflow;
/** Business function `rejecting-orders` (fails on demand). */
let rejectingOrders: DeployedWorkflow;
/** Business function `timing-out` (waits `waitMs`, with a 1 s timeout). */
let timingOut: DeployedWorkflow;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'scenarios-'));
  callsFile = join(workDir, 'calls.jsonl');
  failFlag = join(workDir, 'provider-down');
  // Retry pauses (Lambda service faults) run at a tenth of their real length.
  runtime = await startLocalRuntime({ baseDir: PROJECT_ROOT, onLambdaLog: () => {}, timeScale: 0.1 });
  await runtime.createTable(TABLE);
  const environment = { CALLS_FILE: callsFile, FAIL_FLAG_FILE: failFlag };
  runtime.registerFunction('orders', {
    handler: 'test/scenarios/handlers/recording.ts#handler',
    environment,
  });
  runtime.registerFunction('slow-orders', {
    handler: 'test/scenarios/handlers/slow.ts#handler',
    environment,
    maxConcurrency: 4,
  });
  runtime.registerFunction('rejecting-orders', {
    handler: 'test/scenarios/handlers/failing.ts#handler',
    environment,
  });
  runtime.registerFunction('timing-out', {
    handler: 'test/scenarios/handlers/slow.ts#handler',
    environment,
    timeoutSeconds: 1,
  });
  const common = { tableName: TABLE, keyExpression: '$states.input.orderId', recordTtlSeconds: TTL_SECONDS };
  orders = await deployWorkflow(runtime, {
    name: 'orders',
    functionName: 'orders',
    keyPrefix: 'orders',
    ...common,
  });
  slowOrders = await deployWorkflow(runtime, {
    name: 'slow-orders',
    functionName: 'slow-orders',
    keyPrefix: 'slow-orders',
    ...common,
  });
  rejectingOrders = await deployWorkflow(runtime, {
    name: 'rejecting-orders',
    functionName: 'rejecting-orders',
    keyPrefix: 'rejecting-orders',
    ...common,
  });
  envelopeOrders = await deployWorkflow(runtime, {
    name: 'envelope-orders',
    functionName: 'orders',
    keyPrefix: 'envelope-orders',
    payloadShape: 'ENVELOPE',
    ...common,
  });
  timingOut = await deployWorkflow(runtime, {
    name: 'timing-out',
    functionName: 'timing-out',
    keyPrefix: 'timing-out',
    businessTimeoutSeconds: 1,
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
  rmSync(failFlag, { force: true });
});

const sfn = () => runtime.clients.sfn;
const ddb = () => runtime.clients.dynamodb;

function expectSucceededAs(execution: FinishedExecution, path: string[]): void {
  expect(execution.status).toBe('SUCCEEDED');
  expect(enteredStates(execution.events)).toEqual(path);
  expect(lastEvent(execution.events)?.type).toBe('ExecutionSucceeded');
}

describe('Given a new event', () => {
  test('When it is sent, Then the business function runs once and the record is COMPLETED with its TTL', async () => {
    const event = { orderId: 'new-1', amount: 1200 };
    const before = nowSeconds();

    const execution = await runExecution(sfn(), orders.stateMachineArn, event);
    const after = nowSeconds();

    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect(billedTransitions(execution.events)).toBe(4);
    expect(lambdaInvokesScheduled(execution.events)).toBe(1);
    const calls = recordedCalls(callsFile, 'new-1');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.event).toEqual(event);
    expect(execution.output).toEqual({ orderId: 'new-1', callId: expect.any(String), handledBy: 'orders' });

    const record = await getRecord(ddb(), TABLE, 'orders#new-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(execution.executionArn);
    const expiration = Number(record?.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(before + TTL_SECONDS);
    expect(expiration).toBeLessThanOrEqual(after + TTL_SECONDS);
    expect(record?.data).toBeUndefined();
  });

  test('When the business function is running, Then the record is INPROGRESS, names the execution and holds a lease of the default length', async () => {
    const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'new-2');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const beforeMs = Date.now();

    const executionArn = await startExecution(sfn(), orders.stateMachineArn, { orderId: 'new-2' });
    await gate.arrived;
    const afterMs = Date.now();
    const whileRunning = await getRecord(ddb(), TABLE, 'orders#new-2');
    gate.release();
    const execution = await finished(sfn(), executionArn);

    expect(whileRunning?.status?.S).toBe('INPROGRESS');
    expect(whileRunning?.execution?.S).toBe(executionArn);
    const lease = Number(whileRunning?.in_progress_expiration?.N);
    expect(lease).toBeGreaterThanOrEqual(beforeMs + DEFAULT_LEASE_SECONDS * 1000);
    expect(lease).toBeLessThanOrEqual(afterMs + DEFAULT_LEASE_SECONDS * 1000);
    const expiration = Number(whileRunning?.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(beforeMs / 1000) + TTL_SECONDS);
    expect(expiration).toBeLessThanOrEqual(Math.floor(afterMs / 1000) + TTL_SECONDS);
    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect((await getRecord(ddb(), TABLE, 'orders#new-2'))?.status?.S).toBe('COMPLETED');
  });
});

describe('Given an event that was already processed', () => {
  test('When the same event is sent again, Then it ends in AlreadyProcessed and the business function is not called', async () => {
    const event = { orderId: 'dup-1', amount: 500 };
    const first = await runExecution(sfn(), orders.stateMachineArn, event);
    const recordAfterFirst = await getRecord(ddb(), TABLE, 'orders#dup-1');

    const duplicate = await runExecution(sfn(), orders.stateMachineArn, event);

    expectSucceededAs(first, NEW_EVENT_PATH);
    expectSucceededAs(duplicate, DUPLICATE_PATH);
    expect(billedTransitions(duplicate.events)).toBe(2);
    expect(lambdaInvokesScheduled(duplicate.events)).toBe(0);
    expect(duplicate.output).toEqual({ duplicate: true, idempotencyKey: 'orders#dup-1' });
    expect(recordedCalls(callsFile, 'dup-1')).toHaveLength(1);
    expect(await getRecord(ddb(), TABLE, 'orders#dup-1')).toEqual(recordAfterFirst);
    expect(recordAfterFirst?.execution?.S).toBe(first.executionArn);
  });
});

describe('Given 60 executions of one key started at the same moment', () => {
  test('When they all end, Then the business function ran exactly once and every other execution is a duplicate', async () => {
    const copies = 60;
    const event = { orderId: 'burst-1', waitMs: 300 };
    const invocationsBefore = runtime.lambda.invocations('slow-orders');

    const arns = await Promise.all(
      Array.from({ length: copies }, () => startExecution(sfn(), slowOrders.stateMachineArn, event)),
    );
    const executions = await Promise.all(arns.map((arn) => finished(sfn(), arn)));

    expect(runtime.lambda.invocations('slow-orders') - invocationsBefore).toBe(1);
    expect(recordedCalls(callsFile, 'burst-1')).toHaveLength(1);
    const processed = executions.filter((e) => enteredStates(e.events).includes(StateName.Processed));
    const duplicates = executions.filter((e) => enteredStates(e.events).includes(StateName.AlreadyProcessed));
    expect(processed).toHaveLength(1);
    expect(duplicates).toHaveLength(copies - 1);
    expectSucceededAs(processed[0] as FinishedExecution, NEW_EVENT_PATH);
    for (const duplicate of duplicates) {
      expectSucceededAs(duplicate, DUPLICATE_PATH);
      expect(lambdaInvokesScheduled(duplicate.events)).toBe(0);
    }
    const records = (await allRecords(ddb(), TABLE)).filter((r) => r.id?.S === 'slow-orders#burst-1');
    expect(records).toHaveLength(1);
    expect(records[0]?.status?.S).toBe('COMPLETED');
    expect(records[0]?.execution?.S).toBe(processed[0]?.executionArn);
  });
});

describe('Given a business function that fails', () => {
  test('When the event is sent, Then the key is released and the execution fails with the business error', async () => {
    writeFileSync(failFlag, 'down');
    const event = { orderId: 'fail-1', amount: 700 };

    const failed = await runExecution(sfn(), rejectingOrders.stateMachineArn, event);

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('OrderRejected');
    expect(JSON.parse(failed.cause ?? '{}')).toMatchObject({
      errorType: 'OrderRejected',
      errorMessage: 'order "fail-1" was rejected by the provider',
    });
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
    ]);
    expect(lastEvent(failed.events)?.executionFailedEventDetails).toEqual({
      error: 'OrderRejected',
      cause: failed.cause,
    });
    const taskFailure = failed.events.find((e) => e.type === 'TaskFailed');
    expect(taskFailure?.taskFailedEventDetails?.error).toBe('OrderRejected');
    expect(await getRecord(ddb(), TABLE, 'rejecting-orders#fail-1')).toBeUndefined();
    expect(recordedCalls(callsFile, 'fail-1')).toHaveLength(1);
  });

  test('When the same event is retried after the business recovered, Then it runs again and completes', async () => {
    writeFileSync(failFlag, 'down');
    const event = { orderId: 'fail-2', amount: 900 };
    const failed = await runExecution(sfn(), rejectingOrders.stateMachineArn, event);
    rmSync(failFlag);

    const retry = await runExecution(sfn(), rejectingOrders.stateMachineArn, event);

    expect(failed.status).toBe('FAILED');
    expectSucceededAs(retry, NEW_EVENT_PATH);
    expect(retry.output).toMatchObject({ orderId: 'fail-2', handledBy: 'rejecting-orders' });
    expect(recordedCalls(callsFile, 'fail-2')).toHaveLength(2);
    const record = await getRecord(ddb(), TABLE, 'rejecting-orders#fail-2');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(retry.executionArn);
  });
});

describe('Given a business function that runs past its own timeout', () => {
  test('When the event is sent, Then the key is released and the execution fails with the timeout; a faster retry completes', async () => {
    const event = { orderId: 'timeout-1', waitMs: 2500 };

    const failed = await runExecution(sfn(), timingOut.stateMachineArn, event);
    const retry = await runExecution(sfn(), timingOut.stateMachineArn, { orderId: 'timeout-1', waitMs: 0 });

    expect(failed.status).toBe('FAILED');
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
    ]);
    const taskFailure = failed.events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
    expect(failed.error).toBe(taskFailure?.error);
    expect(failed.cause).toContain('Task timed out after');
    expectSucceededAs(retry, NEW_EVENT_PATH);
    expect(recordedCalls(callsFile, 'timeout-1')).toHaveLength(2);
    expect((await getRecord(ddb(), TABLE, 'timing-out#timeout-1'))?.execution?.S).toBe(retry.executionArn);
  });
});

describe('Given an event without the key', () => {
  test.each([
    ['no orderId', { amount: 100 }],
    ['a null orderId', { orderId: null, amount: 100 }],
    ['an empty orderId', { orderId: '', amount: 100 }],
  ])('When it has %s, Then it fails with Idempotency.KeyMissing and nothing is written', async (_, event) => {
    const recordsBefore = await allRecords(ddb(), TABLE);
    const invocationsBefore = runtime.lambda.invocations();

    const failed = await runExecution(sfn(), orders.stateMachineArn, event);

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(IdempotencyError.KeyMissing);
    expect(failed.cause).toContain('$states.input.orderId');
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.RejectEventWithoutKey,
    ]);
    expect(lastEvent(failed.events)?.executionFailedEventDetails?.error).toBe(IdempotencyError.KeyMissing);
    expect(lambdaInvokesScheduled(failed.events)).toBe(0);
    expect(runtime.lambda.invocations()).toBe(invocationsBefore);
    expect(await allRecords(ddb(), TABLE)).toEqual(recordsBefore);
  });
});

describe('Given an event whose key is not a single string', () => {
  test('When the key is a number, Then it is used as its decimal text', async () => {
    const execution = await runExecution(sfn(), orders.stateMachineArn, { orderId: 4711 });

    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect((await getRecord(ddb(), TABLE, 'orders#4711'))?.execution?.S).toBe(execution.executionArn);
  });

  test.each([
    ['an object', { id: 1 }],
    ['an array', ['a', 'b']],
    ['a boolean', true],
  ])(
    'When the key is %s, Then it fails with Idempotency.KeyInvalidType and nothing is written',
    async (_, key) => {
      const recordsBefore = await allRecords(ddb(), TABLE);

      const failed = await runExecution(sfn(), orders.stateMachineArn, { orderId: key });

      expect(failed.status).toBe('FAILED');
      expect(failed.error).toBe(IdempotencyError.KeyInvalidType);
      expect(enteredStates(failed.events)).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.ClassifyRejectedClaim,
        StateName.RejectEventWithInvalidKey,
      ]);
      expect(lambdaInvokesScheduled(failed.events)).toBe(0);
      expect(await allRecords(ddb(), TABLE)).toEqual(recordsBefore);
    },
  );

  test('When the key is longer than DynamoDB allows, Then it fails with Idempotency.KeyTooLong and nothing is written', async () => {
    const recordsBefore = await allRecords(ddb(), TABLE);

    const failed = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'é'.repeat(1100) });

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(IdempotencyError.KeyTooLong);
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.RejectEventWithKeyTooLong,
    ]);
    expect(lambdaInvokesScheduled(failed.events)).toBe(0);
    expect(await allRecords(ddb(), TABLE)).toEqual(recordsBefore);
  });
});

describe('Given the Lambda service answers with a service error', () => {
  test('When it throttles the first invoke only, Then the invoke is retried and the business function runs once', async () => {
    let throttled = 0;
    runtime.lambda.setBeforeInvoke((info) => {
      if (orderIdOf(info.payload) !== 'throttle-1' || throttled > 0) return;
      throttled++;
      return serviceFaults.tooManyRequests();
    });

    const execution = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'throttle-1' });

    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect(throttled).toBe(1);
    expect(lambdaInvokesScheduled(execution.events)).toBe(2);
    const failures = execution.events.filter((e) => e.type === 'TaskFailed');
    expect(failures.map((e) => e.taskFailedEventDetails?.error)).toEqual(['Lambda.TooManyRequestsException']);
    expect(billedTransitions(execution.events)).toBe(5);
    expect(recordedCalls(callsFile, 'throttle-1')).toHaveLength(1);
    expect((await getRecord(ddb(), TABLE, 'orders#throttle-1'))?.status?.S).toBe('COMPLETED');
  });

  test('When it answers 5xx, Then the outcome is unknown: without the envelope no retry, the key stays claimed, and a redelivery is a duplicate', async () => {
    runtime.lambda.setBeforeInvoke((info) =>
      orderIdOf(info.payload) === 'outage-1' ? serviceFaults.serviceException() : undefined,
    );

    const failed = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'outage-1' });
    runtime.lambda.setBeforeInvoke(undefined);
    const redelivery = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'outage-1' });

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
    expect(failed.cause).toContain('Lambda.ServiceException');
    expect(enteredStates(failed.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.BusinessOutcomeUnknown,
    ]);
    expect(lambdaInvokesScheduled(failed.events)).toBe(1);
    const record = await getRecord(ddb(), TABLE, 'orders#outage-1');
    expect(record?.status?.S).toBe('INPROGRESS');
    expect(record?.execution?.S).toBe(failed.executionArn);
    expectSucceededAs(redelivery, DUPLICATE_PATH);
    expect(recordedCalls(callsFile, 'outage-1')).toHaveLength(0);
  });

  test('When it answers 5xx with the ENVELOPE payload, Then the invoke is retried (the function can drop a second call), and after the last attempt the key stays claimed', async () => {
    let failures = 0;
    runtime.lambda.setBeforeInvoke((info) => {
      if (orderIdOf(info.payload) !== 'outage-2') return;
      failures++;
      return failures <= 1 ? serviceFaults.serviceException() : undefined;
    });
    const recovered = await runExecution(sfn(), envelopeOrders.stateMachineArn, { orderId: 'outage-2' });
    runtime.lambda.setBeforeInvoke((info) =>
      orderIdOf(info.payload) === 'outage-3' ? serviceFaults.serviceException() : undefined,
    );
    const failed = await runExecution(sfn(), envelopeOrders.stateMachineArn, { orderId: 'outage-3' });
    runtime.lambda.setBeforeInvoke(undefined);

    expectSucceededAs(recovered, NEW_EVENT_PATH);
    expect(lambdaInvokesScheduled(recovered.events)).toBe(2);
    expect(recordedCalls(callsFile, 'outage-2')).toHaveLength(1);
    expect(failed.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
    expect(lambdaInvokesScheduled(failed.events)).toBe(3);
    expect((await getRecord(ddb(), TABLE, 'envelope-orders#outage-3'))?.status?.S).toBe('INPROGRESS');
  });
});

describe('Given a record left INPROGRESS by a crashed execution', () => {
  const crashed = 'arn:aws:states:us-east-1:123456789012:execution:orders:crashed-run';

  test('When its lease has expired and the event is sent again, Then the new execution takes the key over and completes', async () => {
    await putRecord(ddb(), TABLE, {
      id: { S: 'orders#lease-1' },
      status: { S: 'INPROGRESS' },
      expiration: { N: String(nowSeconds() + TTL_SECONDS) },
      in_progress_expiration: { N: String(Date.now() - 60_000) },
      execution: { S: crashed },
    });

    const takeover = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'lease-1' });

    expectSucceededAs(takeover, NEW_EVENT_PATH);
    expect(recordedCalls(callsFile, 'lease-1')).toHaveLength(1);
    const record = await getRecord(ddb(), TABLE, 'orders#lease-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(takeover.executionArn);
  });

  test('When its lease is still running and the event is sent again, Then it is a duplicate and the record is left alone', async () => {
    const leftBehind = {
      id: { S: 'orders#lease-2' },
      status: { S: 'INPROGRESS' },
      expiration: { N: String(nowSeconds() + TTL_SECONDS) },
      in_progress_expiration: { N: String(Date.now() + 600_000) },
      execution: { S: crashed },
    };
    await putRecord(ddb(), TABLE, leftBehind);

    const duplicate = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'lease-2' });

    expectSucceededAs(duplicate, DUPLICATE_PATH);
    expect(recordedCalls(callsFile, 'lease-2')).toHaveLength(0);
    expect(await getRecord(ddb(), TABLE, 'orders#lease-2')).toEqual(leftBehind);
  });
});

describe('Given an execution whose lease ran out while its business function was running', () => {
  /** Starts A and holds its invocation; expires A's lease; B takes the key over and completes. */
  async function staleAfterTakeover(
    workflow: DeployedWorkflow,
    orderId: string,
    staleEvent: object,
  ): Promise<{ stale: string; takeover: FinishedExecution; recordAfterTakeover: unknown; release(): void }> {
    const gate = invocationGate((payload) => (payload as { sender?: string }).sender === 'A');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const stale = await startExecution(sfn(), workflow.stateMachineArn, {
      orderId,
      sender: 'A',
      ...staleEvent,
    });
    await gate.arrived;
    await ddb().send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { id: { S: `${workflow.name}#${orderId}` } },
        UpdateExpression: 'SET in_progress_expiration = :past',
        ConditionExpression: 'execution = :a',
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) }, ':a': { S: stale } },
      }),
    );
    const takeover = await runExecution(sfn(), workflow.stateMachineArn, { orderId, sender: 'B' });
    const recordAfterTakeover = await getRecord(ddb(), TABLE, `${workflow.name}#${orderId}`);
    return { stale, takeover, recordAfterTakeover, release: gate.release };
  }

  test('When it finishes after another execution took the key over, Then it fails with Idempotency.LeaseLost and the record still names the other execution', async () => {
    const { stale, takeover, recordAfterTakeover, release } = await staleAfterTakeover(orders, 'stale-1', {});
    expectSucceededAs(takeover, NEW_EVENT_PATH);
    expect(recordAfterTakeover).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: takeover.executionArn },
    });

    release();
    const late = await finished(sfn(), stale);

    expect(late.status).toBe('FAILED');
    expect(late.error).toBe(IdempotencyError.LeaseLost);
    expect(enteredStates(late.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.LeaseLost,
    ]);
    const rejectedWrite = late.events.find(
      (e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.resource === 'updateItem',
    );
    expect(rejectedWrite?.taskFailedEventDetails?.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(await getRecord(ddb(), TABLE, 'orders#stale-1')).toEqual(recordAfterTakeover);
    // The price of a lease shorter than the run: both executions ran the business logic.
    expect(
      recordedCalls(callsFile, 'stale-1')
        .map((c) => (c.event as { sender: string }).sender)
        .sort(),
    ).toEqual(['A', 'B']);
  });

  test('When nobody took the key over, Then it still completes its own record', async () => {
    const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'late-1');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const executionArn = await startExecution(sfn(), orders.stateMachineArn, { orderId: 'late-1' });
    await gate.arrived;
    await ddb().send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { id: { S: 'orders#late-1' } },
        UpdateExpression: 'SET in_progress_expiration = :past',
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) } },
      }),
    );

    gate.release();
    const execution = await finished(sfn(), executionArn);

    expectSucceededAs(execution, NEW_EVENT_PATH);
    const record = await getRecord(ddb(), TABLE, 'orders#late-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(executionArn);
  });

  test('When it fails after another execution took the key over, Then its release deletes nothing and the record still names the other execution', async () => {
    const { stale, takeover, recordAfterTakeover, release } = await staleAfterTakeover(
      rejectingOrders,
      'stale-2',
      { reject: true },
    );
    expectSucceededAs(takeover, NEW_EVENT_PATH);

    release();
    const late = await finished(sfn(), stale);

    expect(late.status).toBe('FAILED');
    expect(late.error).toBe('OrderRejected');
    expect(enteredStates(late.events)).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
    ]);
    const rejectedDelete = late.events.find(
      (e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.resource === 'deleteItem',
    );
    expect(rejectedDelete?.taskFailedEventDetails?.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(await getRecord(ddb(), TABLE, 'rejecting-orders#stale-2')).toEqual(recordAfterTakeover);
    expect(recordAfterTakeover).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: takeover.executionArn },
    });
  });
});

describe('Given an execution stopped while its business function runs', () => {
  test('When it is aborted, Then the status-change event starts the release workflow, which frees its key, and a retry is processed', async () => {
    const gate = invocationGate((payload) => (payload as { orderId?: string }).orderId === 'stopped-1');
    runtime.lambda.setBeforeInvoke(gate.hook);
    const stoppedArn = await startExecution(sfn(), orders.stateMachineArn, { orderId: 'stopped-1' });
    await gate.arrived;

    await sfn().send(new StopExecutionCommand({ executionArn: stoppedArn, error: 'Operator.Stop' }));
    const stopped = await finished(sfn(), stoppedArn);
    gate.release();
    const release = await releaseRunFor(sfn(), orders.releaseStateMachineArn ?? '', stoppedArn);
    const recordAfterRelease = await getRecord(ddb(), TABLE, 'orders#stopped-1');
    const retry = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'stopped-1' });

    expect(stopped.status).toBe('ABORTED');
    expect(lastEvent(stopped.events)?.type).toBe('ExecutionAborted');
    expect(release.status).toBe('SUCCEEDED');
    // The release first waits out the business task timeout since the stop: the invocation may still run.
    expect(enteredStates(release.events)).toEqual([
      ReleaseStateName.RestoreFailedExecutionInput,
      ReleaseStateName.FindLeasedKey,
      ReleaseStateName.WaitForInvocationToEnd,
      ReleaseStateName.ReleaseOrphanedLease,
      ReleaseStateName.LeaseReleased,
    ]);
    expect(recordAfterRelease).toBeUndefined();
    expectSucceededAs(retry, NEW_EVENT_PATH);
    const record = await getRecord(ddb(), TABLE, 'orders#stopped-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(retry.executionArn);
  });
});

describe('Given a record that names the very execution now claiming (an at-least-once re-run keeps its id)', () => {
  const executionArnFor = (name: string) =>
    `${orders.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

  test('When the record is COMPLETED, Then the claim is a duplicate and the business function is not called again', async () => {
    const name = 'rerun-completed';
    const completed = {
      id: { S: 'orders#rerun-1' },
      status: { S: 'COMPLETED' },
      expiration: { N: String(nowSeconds() + TTL_SECONDS) },
      in_progress_expiration: { N: String(Date.now() - 1000) },
      execution: { S: executionArnFor(name) },
    };
    await putRecord(ddb(), TABLE, completed);

    const rerun = await finished(
      sfn(),
      await startExecution(sfn(), orders.stateMachineArn, { orderId: 'rerun-1' }, name),
    );

    expect(rerun.executionArn).toBe(executionArnFor(name));
    expectSucceededAs(rerun, DUPLICATE_PATH);
    expect(recordedCalls(callsFile, 'rerun-1')).toHaveLength(0);
    expect(await getRecord(ddb(), TABLE, 'orders#rerun-1')).toEqual(completed);
  });

  test('When the record is INPROGRESS (its own earlier write that looked failed), Then the claim succeeds and the event is processed', async () => {
    const name = 'rerun-inprogress';
    await putRecord(ddb(), TABLE, {
      id: { S: 'orders#rerun-2' },
      status: { S: 'INPROGRESS' },
      expiration: { N: String(nowSeconds() + TTL_SECONDS) },
      in_progress_expiration: { N: String(Date.now() + 600_000) },
      execution: { S: executionArnFor(name) },
    });

    const rerun = await finished(
      sfn(),
      await startExecution(sfn(), orders.stateMachineArn, { orderId: 'rerun-2' }, name),
    );

    expectSucceededAs(rerun, NEW_EVENT_PATH);
    expect(recordedCalls(callsFile, 'rerun-2')).toHaveLength(1);
    expect((await getRecord(ddb(), TABLE, 'orders#rerun-2'))?.status?.S).toBe('COMPLETED');
  });
});

describe('Given a COMPLETED record whose TTL has passed (DynamoDB has not deleted it yet)', () => {
  test('When the event is sent again, Then it is processed again and the record is renewed', async () => {
    const old = 'arn:aws:states:us-east-1:123456789012:execution:orders:last-month';
    await putRecord(ddb(), TABLE, {
      id: { S: 'orders#ttl-1' },
      status: { S: 'COMPLETED' },
      expiration: { N: String(nowSeconds() - 60) },
      in_progress_expiration: { N: String(Date.now() - 3_600_000) },
      execution: { S: old },
      data: { S: '{"orderId":"ttl-1","callId":"old"}' },
    });
    const before = nowSeconds();

    const again = await runExecution(sfn(), orders.stateMachineArn, { orderId: 'ttl-1' });

    expectSucceededAs(again, NEW_EVENT_PATH);
    expect(recordedCalls(callsFile, 'ttl-1')).toHaveLength(1);
    const record = await getRecord(ddb(), TABLE, 'orders#ttl-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(record?.execution?.S).toBe(again.executionArn);
    expect(Number(record?.expiration?.N)).toBeGreaterThanOrEqual(before + TTL_SECONDS);
    expect(record?.data).toBeUndefined();
  });
});

describe('Given the invocation hook sees each business call', () => {
  test('When an event is sent, Then the business function receives the event unchanged', async () => {
    const seen: unknown[] = [];
    runtime.lambda.setBeforeInvoke((info) => {
      if (orderIdOf(info.payload) === 'payload-1') seen.push(JSON.parse(info.payload));
    });
    const event = { orderId: 'payload-1', nested: { items: [1, 2, 3] }, note: 'é' };

    const execution = await runExecution(sfn(), orders.stateMachineArn, event);

    expectSucceededAs(execution, NEW_EVENT_PATH);
    expect(seen).toEqual([event]);
  });
});
