import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { LocalRuntime } from '@sfn-idempotency/local-runtime';
import {
  classify,
  countCompleted,
  type DemoEvent,
  demoStream,
  formatSummary,
  runDemo,
  summarize,
} from '../../local/demo';
import { LOCAL_EXAMPLE, startBlueprintRuntime } from '../../local/deploy';

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
      entered('ClaimIdempotencyKey'),
      event('TaskScheduled'),
      entered('RunBusinessLogic'),
      event('TaskScheduled'),
      event('TaskScheduled'),
      entered('RecordCompletion'),
      event('TaskScheduled'),
      entered('Processed', 'SucceedStateEntered'),
    ];
    expect(classify({ status: 'SUCCEEDED' }, history)).toEqual({ outcome: 'new', transitions: 5 });
  });

  it('tells duplicates, failures and invalid events apart', () => {
    expect(classify({ status: 'SUCCEEDED' }, [entered('AlreadyProcessed')]).outcome).toBe('duplicate');
    expect(
      classify({ status: 'FAILED', error: 'PaymentDeclined' }, [entered('BusinessLogicFailed')]).outcome,
    ).toBe('failed');
    expect(classify({ status: 'FAILED', error: 'Idempotency.KeyMissing' }, []).outcome).toBe('invalid');
    expect(classify({ status: 'FAILED', error: 'States.Runtime' }, []).outcome).toBe('other');
  });
});

describe('summarize', () => {
  it('reports a key whose business logic ran twice', () => {
    const stream = demoStream({ orders: 3, duplicateShare: 0, concurrentOrders: 0, declined: 0 });
    const summary = summarize(stream, [], new Map([['ord-00001', 2]]), 0, 1);
    expect(summary.keysInvokedMoreThanOnceAfterSuccess).toEqual(['ord-00001']);
    expect(formatSummary(summary)).toContain('NO: ord-00001');
  });

  it('allows one more invocation per failed attempt', () => {
    const stream = demoStream({ orders: 3, duplicateShare: 0, concurrentOrders: 0, declined: 0 });
    const failed = {
      executionArn: 'a',
      orderId: 'ord-00002',
      status: 'FAILED',
      outcome: 'failed',
      transitions: 4,
    } as const;
    const summary = summarize(stream, [failed], new Map([['ord-00002', 2]]), 0, 1);
    expect(summary.keysInvokedMoreThanOnceAfterSuccess).toEqual([]);
  });
});

describe('the demo on the local runtime', () => {
  let runtime: LocalRuntime & { workflow: { stateMachineArn: string } };
  beforeAll(async () => {
    runtime = await startBlueprintRuntime({ onLambdaLog: () => {} });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('processes each order once, answers duplicates from the guard and reports it', async () => {
    // Given a small stream with duplicates, a concurrent burst, a declined card and an invalid event
    const stream = demoStream({ orders: 24, declined: 2, concurrentOrders: 2, concurrentCopies: 4, seed: 3 });
    const invocations = new Map<string, number>();
    runtime.lambda.setBeforeInvoke((info) => {
      const id = (JSON.parse(info.payload) as { detail?: { orderId?: string } }).detail?.orderId;
      if (id) invocations.set(id, (invocations.get(id) ?? 0) + 1);
    });

    // When it is sent through the Step Functions API
    const outcomes = await runDemo({
      sfn: runtime.clients.sfn,
      stateMachineArn: runtime.workflow.stateMachineArn,
      stream,
    });
    const completed = await countCompleted(runtime.clients.dynamodb, LOCAL_EXAMPLE.tableName);
    const summary = summarize(stream, outcomes, invocations, completed, 1);

    // Then every distinct valid order completed once and nothing ran twice
    expect(summary.byOutcome.invalid).toBe(1);
    expect(summary.byOutcome.other).toBe(0);
    expect(summary.byOutcome.failed).toBeGreaterThanOrEqual(2);
    expect(summary.byOutcome.new).toBe(22);
    expect(summary.completedRecords).toBe(22);
    expect(summary.byOutcome.duplicate).toBe(
      stream.length - 1 - summary.byOutcome.new - summary.byOutcome.failed,
    );
    expect(summary.keysInvokedMoreThanOnceAfterSuccess).toEqual([]);
    expect(summary.averageTransitions).toEqual({ new: 4, duplicate: 2 });
  });
});
