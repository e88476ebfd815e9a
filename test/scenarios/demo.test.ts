/**
 * The demo (local/demo.ts): its stream, how it reads an execution and checks exactly once, and the
 * demo itself against the blueprint's CDK app as `npm start` deploys it (synthesized, or the cached
 * assembly, then deployed by the runtime's deployer).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { type AppRuntime, blueprintTargets, startApp } from '../../local/app';
import {
  businessFunctionOf,
  classify,
  type DemoEvent,
  type DemoRecord,
  demoStream,
  distinctOrders,
  type ExecutionOutcome,
  formatSummary,
  InvocationLog,
  readPayload,
  readRecords,
  runDemo,
  summarizeWorkflow,
} from '../../local/demo';

describe('demoStream', () => {
  const stream = demoStream();
  const ids = stream.map((e) => e.orderId);

  it('sends about a third duplicates of 200 orders', () => {
    const distinct = new Set(ids.filter(Boolean)).size;
    expect(distinct).toBe(200);
    const duplicates = stream.length - distinct - 1;
    expect(duplicates / stream.length).toBeGreaterThan(0.3);
    expect(duplicates / stream.length).toBeLessThan(0.36);
  });

  it('carries what both example handlers read: the order to pay and the parcel to ship', () => {
    for (const e of stream.filter((x) => x.orderId)) {
      expect(e.event.detail).toEqual({
        orderId: e.orderId,
        amount: expect.any(Number),
        currency: 'EUR',
        card: expect.any(String),
        country: expect.stringMatching(/^[A-Z]{2}$/),
        weightGrams: expect.any(Number),
      });
    }
  });

  it('has exactly one event without an order id', () => {
    expect(stream.filter((e) => e.orderId === undefined)).toHaveLength(1);
    expect(stream.find((e) => e.orderId === undefined)?.event.detail.orderId).toBeUndefined();
  });

  it('declines the cards of a few orders, outside the concurrent bursts', () => {
    const declined = new Set(stream.filter((e) => e.event.detail.card === 'declined').map((e) => e.orderId));
    expect(declined.size).toBe(4);
    for (const id of declined) {
      const bursts = new Set(stream.filter((e) => e.orderId === id).map((e) => e.burst));
      expect(stream.filter((e) => e.orderId === id && e.burst === [...bursts][0]).length).toBe(1);
    }
  });

  it('sends some orders several times in one burst', () => {
    const sizes = new Map<number, DemoEvent[]>();
    for (const e of stream) sizes.set(e.burst, [...(sizes.get(e.burst) ?? []), e]);
    const concurrent = [...sizes.values()].filter((burst) => burst.length > 1);
    expect(concurrent).toHaveLength(6);
    for (const burst of concurrent) expect(new Set(burst.map((e) => e.orderId)).size).toBe(1);
  });

  it('sends a duplicate only after its original', () => {
    const first = new Map<string, number>();
    stream.forEach((e, i) => {
      if (e.orderId && !first.has(e.orderId)) first.set(e.orderId, i);
    });
    // Originals appear in order: ord-00001 before ord-00002 and so on.
    const order = [...first.keys()];
    expect(order).toEqual([...order].sort());
  });

  it('is the same stream for the same seed', () => {
    expect(demoStream({ seed: 7 })).toEqual(demoStream({ seed: 7 }));
    expect(demoStream({ seed: 7 })).not.toEqual(demoStream({ seed: 8 }));
  });
});

describe('classify', () => {
  const entered = (name: string, type = 'TaskStateEntered'): HistoryEvent =>
    ({
      type,
      id: 0,
      previousEventId: 0,
      timestamp: new Date(),
      stateEnteredEventDetails: { name },
    }) as HistoryEvent;
  const event = (type: string): HistoryEvent =>
    ({ type, id: 0, previousEventId: 0, timestamp: new Date() }) as HistoryEvent;

  it('counts a new event as four transitions, retries included', () => {
    const history = [
      entered(StateName.ClaimIdempotencyKey),
      event('TaskScheduled'),
      entered(StateName.RunBusinessLogic),
      event('TaskScheduled'),
      event('TaskScheduled'),
      entered(StateName.RecordCompletion),
      event('TaskScheduled'),
      entered(StateName.Processed, 'SucceedStateEntered'),
    ];
    expect(classify({ status: 'SUCCEEDED' }, history)).toEqual({ outcome: 'new', transitions: 5 });
  });

  it('tells duplicates, failures and invalid events apart', () => {
    expect(classify({ status: 'SUCCEEDED' }, [entered(StateName.AlreadyProcessed)]).outcome).toBe(
      'duplicate',
    );
    expect(
      classify({ status: 'FAILED', error: 'PaymentDeclined' }, [entered(StateName.BusinessLogicFailed)])
        .outcome,
    ).toBe('failed');
    expect(classify({ status: 'FAILED', error: IdempotencyError.KeyMissing }, []).outcome).toBe('invalid');
    expect(classify({ status: 'FAILED', error: 'States.Runtime' }, []).outcome).toBe('other');
  });
});

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:Payments-abc';
const exec = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:Payments-abc:${name}`;
const outcome = (
  orderId: string,
  o: ExecutionOutcome['outcome'],
  name = `${orderId}-${o}`,
): ExecutionOutcome => ({
  executionArn: exec(name),
  orderId,
  status: o === 'new' || o === 'duplicate' ? 'SUCCEEDED' : 'FAILED',
  outcome: o,
  transitions: o === 'duplicate' ? 2 : 4,
});
const invocations = (byKey: Record<string, number>, envelopes = 0) => ({
  total: Object.values(byKey).reduce((a, b) => a + b, 0),
  byKey: new Map(Object.entries(byKey)),
  envelopes,
});
const completed = (orderId: string, name = `${orderId}-new`): DemoRecord => ({
  id: `payments#${orderId}`,
  status: 'COMPLETED',
  execution: exec(name),
});

describe('summarizeWorkflow', () => {
  it('holds exactly once when the invocation log, the histories and the table agree', () => {
    const summary = summarizeWorkflow({
      label: 'payment',
      stateMachineArn: SM,
      outcomes: [outcome('o-1', 'new'), outcome('o-1', 'duplicate'), outcome('o-2', 'failed')],
      invocations: invocations({ 'o-1': 1, 'o-2': 1 }, 2),
      // A record of another workflow on the same table is not this workflow's.
      records: [
        completed('o-1'),
        { id: 'shipping#o-1', status: 'COMPLETED', execution: exec('x').replace('Payments-abc', 'Ship-1') },
      ],
    });
    expect(summary).toMatchObject({
      stateMachineName: 'Payments-abc',
      byOutcome: { new: 1, duplicate: 1, failed: 1, invalid: 0, other: 0 },
      businessInvocations: 2,
      payload: 'envelope',
      completedRecords: 1,
      recordPrefixes: ['payments'],
      exactlyOnceProblems: [],
      averageTransitions: { new: 4, duplicate: 2 },
    });
  });

  it('reports an order whose business logic ran again after it succeeded (invocation log)', () => {
    const summary = summarizeWorkflow({
      label: 'payment',
      stateMachineArn: SM,
      outcomes: [outcome('o-1', 'new')],
      invocations: invocations({ 'o-1': 2 }),
      records: [completed('o-1')],
    });
    expect(summary.exactlyOnceProblems).toEqual([
      'o-1 ran its business logic 2 times (0 failed) (Lambda invocation log)',
    ]);
    expect(
      formatSummary({ sent: 1, uniqueKeys: 1, tableName: 't', workflows: [summary], seconds: 1 }),
    ).toContain('payment: o-1 ran its business logic 2 times');
  });

  it('allows one more invocation per failed attempt', () => {
    const summary = summarizeWorkflow({
      label: 'payment',
      stateMachineArn: SM,
      outcomes: [outcome('o-2', 'failed'), outcome('o-2', 'new')],
      invocations: invocations({ 'o-2': 2 }),
      records: [completed('o-2')],
    });
    expect(summary.exactlyOnceProblems).toEqual([]);
  });

  it('reports two executions processing one order (histories) and records the table does not back', () => {
    const summary = summarizeWorkflow({
      label: 'payment',
      stateMachineArn: SM,
      outcomes: [outcome('o-1', 'new', 'first'), outcome('o-1', 'new', 'second'), outcome('o-3', 'new')],
      invocations: invocations({ 'o-1': 1, 'o-3': 1 }),
      records: [
        completed('o-1', 'second'),
        { id: 'payments#o-9', status: 'INPROGRESS', execution: exec('y') },
      ],
    });
    expect(summary.exactlyOnceProblems).toEqual([
      'o-1 was processed by 2 executions (histories)',
      'o-1 has no COMPLETED record held by the execution that processed it (table)',
      'o-3 has no COMPLETED record held by the execution that processed it (table)',
      'payments#o-9 was left INPROGRESS (table)',
    ]);
  });
});

describe('the invocation log', () => {
  it('counts invocations per function and order id, telling the envelope from the event', () => {
    const log = new InvocationLog();
    const invoke = (functionName: string, payload: unknown) =>
      log.hook({
        functionName,
        requestId: 'r',
        payload: JSON.stringify(payload),
        invocationType: 'RequestResponse',
      });
    invoke('pay', { idempotencyKey: 'payments#o-1', event: { detail: { orderId: 'o-1' } } });
    invoke('pay', { idempotencyKey: 'payments#o-1', event: { detail: { orderId: 'o-1' } } });
    invoke('ship', { detail: { orderId: 'o-1' } });
    expect(log.of('pay')).toEqual({ total: 2, byKey: new Map([['o-1', 2]]), envelopes: 2 });
    expect(log.of('ship')).toEqual({ total: 1, byKey: new Map([['o-1', 1]]), envelopes: 0 });
    expect(log.of('other').total).toBe(0);
    expect(readPayload('not json')).toEqual({ envelope: false });
  });
});

describe('the demo on the blueprint app, deployed from its cloud assembly', () => {
  let runtime: AppRuntime;
  beforeAll(async () => {
    runtime = await startApp({ print: false, onLambdaLog: () => {} });
  }, 180_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('drives the payment and the shipping workflow on one table: each order once per workflow, duplicates answered by the guard', async () => {
    // Given the app's workflows and table, found through its stack outputs
    const targets = blueprintTargets(runtime.deployment);
    expect(targets.workflows.map((w) => w.label)).toEqual(['payment', 'shipping']);
    const log = new InvocationLog();
    runtime.lambda.setBeforeInvoke(log.hook);
    // and a small stream with duplicates, a concurrent burst, a declined card and an invalid event
    const stream = demoStream({ orders: 24, declined: 2, concurrentOrders: 2, concurrentCopies: 4, seed: 3 });

    // When it is sent to both workflows through the Step Functions API
    const outcomes = await Promise.all(
      targets.workflows.map((w) =>
        runDemo({ sfn: runtime.clients.sfn, stateMachineArn: w.stateMachine.arn, stream }),
      ),
    );
    const records = await readRecords(runtime.clients.dynamodb, targets.tableName);
    const summaries = await Promise.all(
      targets.workflows.map(async (w, i) =>
        summarizeWorkflow({
          label: w.label,
          stateMachineArn: w.stateMachine.arn,
          outcomes: outcomes[i] ?? [],
          invocations: log.of(await businessFunctionOf(runtime.clients.sfn, w.stateMachine.arn)),
          records,
        }),
      ),
    );
    const [payment, shipping] = summaries;

    // Then every valid order completed once per workflow, with its own prefix in the one table
    expect(distinctOrders(stream)).toBe(24);
    expect(payment).toMatchObject({
      byOutcome: { invalid: 1, other: 0, new: 22 },
      completedRecords: 22,
      recordPrefixes: ['payments'],
      payload: 'envelope',
      exactlyOnceProblems: [],
      averageTransitions: { new: 4, duplicate: 2 },
    });
    expect(payment?.byOutcome.failed).toBeGreaterThanOrEqual(2);
    expect(payment?.byOutcome.duplicate).toBe(stream.length - 1 - 22 - (payment?.byOutcome.failed ?? 0));
    expect(shipping).toMatchObject({
      byOutcome: { invalid: 1, other: 0, new: 24, failed: 0, duplicate: stream.length - 25 },
      businessInvocations: 24,
      completedRecords: 24,
      recordPrefixes: ['shipping'],
      payload: 'event',
      exactlyOnceProblems: [],
    });
    expect(records).toHaveLength(22 + 24);
    const text = formatSummary({
      sent: stream.length,
      uniqueKeys: 24,
      tableName: targets.tableName,
      workflows: summaries,
      seconds: 1,
    });
    expect(text).toMatch(/completed records in the table +22 payments#… +24 shipping#…/);
    expect(text).toContain('Exactly once: no order ran its business logic again after it succeeded');
  });
});
