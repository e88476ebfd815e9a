/**
 * The demo stream: orders with duplicates (some arriving at the same moment), a few declined
 * payments and one invalid event, sent to the blueprint through the Step Functions API; then a
 * summary built from what the services recorded (execution histories, the table, the Lambda's
 * invocation log), not from what the demo meant to send.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionHistory, waitForExecution } from '@sfn-idempotency/local-runtime';
import type { Order } from '../handlers/payment';
import { INVALID_KEY_ERROR_PREFIX, StateName } from '../lib/state-machines/names';

export interface DemoEvent {
  /** The order id, or undefined for the invalid event. */
  readonly orderId?: string;
  readonly event: {
    readonly source: string;
    readonly 'detail-type': string;
    readonly detail: Partial<Order>;
  };
  /** Sent together with the events of the same burst, at the same moment. */
  readonly burst: number;
}

export interface DemoStreamOptions {
  /** Distinct orders. @default 200 */
  readonly orders?: number;
  /** Extra sends of already-sent orders, as a share of all events. @default 1/3 */
  readonly duplicateShare?: number;
  /** Orders whose card is declined (the business Lambda fails). @default 4 */
  readonly declined?: number;
  /** Orders sent several times at once. @default 6 */
  readonly concurrentOrders?: number;
  /** Copies of each concurrent order in its burst. @default 5 */
  readonly concurrentCopies?: number;
  /** @default 42 */
  readonly seed?: number;
}

/** A small deterministic PRNG (mulberry32), so the demo stream is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function orderPlaced(detail: Partial<Order>): DemoEvent['event'] {
  return { source: 'shop.orders', 'detail-type': 'OrderPlaced', detail };
}

/**
 * Builds the stream: every order once, then duplicates of random earlier orders mixed in after
 * their original, bursts of simultaneous copies, and one event without an order id.
 */
export function demoStream(options: DemoStreamOptions = {}): DemoEvent[] {
  const orders = options.orders ?? 200;
  const duplicateShare = options.duplicateShare ?? 1 / 3;
  const declined = Math.min(options.declined ?? 4, orders);
  const concurrentOrders = Math.min(options.concurrentOrders ?? 6, orders);
  const copies = options.concurrentCopies ?? 5;
  const random = seededRandom(options.seed ?? 42);

  // Declined orders are spread evenly and kept clear of the concurrent bursts at the start.
  const step = Math.max(1, Math.floor((orders - concurrentOrders) / Math.max(declined, 1)));
  const declinedAt = new Set(
    Array.from({ length: declined }, (_, k) => concurrentOrders + k * step + Math.floor(step / 2)),
  );
  const order = (i: number): Order => ({
    orderId: `ord-${String(i + 1).padStart(5, '0')}`,
    amount: 500 + Math.floor(random() * 20_000),
    currency: 'EUR',
    card: declinedAt.has(i) ? 'declined' : `tok_${i}`,
  });
  const all = Array.from({ length: orders }, (_, i) => order(i));

  // Sequence of sends: originals in order, duplicates inserted later than their original.
  const sends: Order[][] = all.map((o, i) =>
    i < concurrentOrders ? Array.from({ length: copies }, () => o) : [o],
  );
  const concurrentExtras = concurrentOrders * (copies - 1);
  const total = Math.round((orders + 1) / (1 - duplicateShare));
  const extra = Math.max(0, total - orders - 1 - concurrentExtras);
  for (let d = 0; d < extra; d++) {
    const original = all[Math.floor(random() * orders)] as Order;
    const position = sends.findIndex((group) => group[0] === original);
    const at = position + 1 + Math.floor(random() * (sends.length - position));
    sends.splice(at, 0, [original]);
  }
  sends.splice(Math.floor(sends.length / 2), 0, []); // the invalid event's slot

  const stream: DemoEvent[] = [];
  sends.forEach((group, burst) => {
    if (group.length === 0) {
      stream.push({ event: orderPlaced({ amount: 1000, currency: 'EUR', card: 'tok_x' }), burst });
      return;
    }
    for (const o of group) stream.push({ orderId: o.orderId, event: orderPlaced(o), burst });
  });
  return stream;
}

export type Outcome = 'new' | 'duplicate' | 'failed' | 'invalid' | 'other';

export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly orderId?: string;
  readonly status: string;
  readonly outcome: Outcome;
  readonly error?: string;
  /** Billed state transitions: states entered plus task retries. */
  readonly transitions: number;
}

/** Reads what one finished execution did from its history. */
export function classify(
  description: Pick<DescribeExecutionCommandOutput, 'status' | 'error'>,
  events: readonly HistoryEvent[],
): { outcome: Outcome; transitions: number } {
  const entered = events
    .filter((e) => e.stateEnteredEventDetails)
    .map((e) => e.stateEnteredEventDetails?.name);
  const scheduled = events.filter((e) => e.type === 'TaskScheduled').length;
  const tasksEntered = events.filter((e) => e.type === 'TaskStateEntered').length;
  const transitions = entered.length + (scheduled - tasksEntered);
  let outcome: Outcome = 'other';
  if (entered.includes(StateName.Processed)) outcome = 'new';
  else if (entered.includes(StateName.AlreadyProcessed)) outcome = 'duplicate';
  else if (description.error?.startsWith(INVALID_KEY_ERROR_PREFIX)) outcome = 'invalid';
  else if (entered.includes(StateName.BusinessLogicFailed)) outcome = 'failed';
  return { outcome, transitions };
}

export interface RunDemoOptions {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly stream: readonly DemoEvent[];
  /** Executions in flight at once (a burst always goes out together). @default 16 */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Sends the stream and waits for every execution to end. */
export async function runDemo(options: RunDemoOptions): Promise<ExecutionOutcome[]> {
  const { sfn, stateMachineArn, stream } = options;
  const concurrency = options.concurrency ?? 16;
  const bursts = new Map<number, DemoEvent[]>();
  for (const e of stream) bursts.set(e.burst, [...(bursts.get(e.burst) ?? []), e]);
  const queue = [...bursts.values()];
  const outcomes: ExecutionOutcome[] = [];

  const runOne = async (e: DemoEvent): Promise<void> => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(e.event) }),
    );
    const executionArn = started.executionArn ?? '';
    const description = await waitForExecution(sfn, executionArn);
    const { outcome, transitions } = classify(description, await executionHistory(sfn, executionArn));
    outcomes.push({
      executionArn,
      orderId: e.orderId,
      status: description.status ?? 'UNKNOWN',
      outcome,
      error: description.error,
      transitions,
    });
    options.onProgress?.(outcomes.length, stream.length);
  };

  let inFlight = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (queue.length === 0 && inFlight === 0) {
        resolve();
        return;
      }
      while (queue.length > 0 && inFlight < concurrency) {
        const burst = queue.shift() as DemoEvent[];
        inFlight += burst.length;
        Promise.all(burst.map(runOne)).then(() => {
          inFlight -= burst.length;
          pump();
        }, reject);
      }
    };
    pump();
  });
  return outcomes;
}

export interface DemoSummary {
  readonly sent: number;
  readonly uniqueKeys: number;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /** Invocations of the business Lambda, and the keys they were for. */
  readonly businessInvocations: number;
  readonly keysInvokedMoreThanOnceAfterSuccess: readonly string[];
  readonly completedRecords: number;
  readonly averageTransitions: { readonly new: number; readonly duplicate: number };
  readonly seconds: number;
}

const average = (values: number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Puts the figures together. `invocationsByKey` counts business invocations per order id (from the
 * local Lambda's invocation hook); a key that completed must have exactly one successful invocation,
 * so a key is reported when it was invoked more often than it failed plus once.
 */
export function summarize(
  stream: readonly DemoEvent[],
  outcomes: readonly ExecutionOutcome[],
  invocationsByKey: ReadonlyMap<string, number>,
  completedRecords: number,
  seconds: number,
): DemoSummary {
  const byOutcome: Record<Outcome, number> = { new: 0, duplicate: 0, failed: 0, invalid: 0, other: 0 };
  for (const o of outcomes) byOutcome[o.outcome]++;
  const failuresByKey = new Map<string, number>();
  for (const o of outcomes) {
    if (o.outcome === 'failed' && o.orderId)
      failuresByKey.set(o.orderId, (failuresByKey.get(o.orderId) ?? 0) + 1);
  }
  const overInvoked = [...invocationsByKey.entries()]
    .filter(([key, count]) => count > (failuresByKey.get(key) ?? 0) + 1)
    .map(([key]) => key);
  return {
    sent: stream.length,
    uniqueKeys: new Set(stream.flatMap((e) => (e.orderId ? [e.orderId] : []))).size,
    byOutcome,
    businessInvocations: [...invocationsByKey.values()].reduce((a, b) => a + b, 0),
    keysInvokedMoreThanOnceAfterSuccess: overInvoked,
    completedRecords,
    averageTransitions: {
      new: average(outcomes.filter((o) => o.outcome === 'new').map((o) => o.transitions)),
      duplicate: average(outcomes.filter((o) => o.outcome === 'duplicate').map((o) => o.transitions)),
    },
    seconds,
  };
}

/** Counts the table's COMPLETED records (a Scan: fine for a demo table). */
export async function countCompleted(dynamodb: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey: start,
        FilterExpression: '#s = :c',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':c': { S: 'COMPLETED' } },
        Select: 'COUNT',
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** The summary as a person reads it. */
export function formatSummary(s: DemoSummary): string {
  const pad = (label: string) => `  ${label.padEnd(40)}`;
  const exactlyOnce =
    s.keysInvokedMoreThanOnceAfterSuccess.length === 0
      ? 'yes: no key ran its business logic again after it succeeded'
      : `NO: ${s.keysInvokedMoreThanOnceAfterSuccess.join(', ')}`;
  return [
    'Summary',
    `${pad('events sent')}${s.sent} (${s.uniqueKeys} distinct orders)`,
    `${pad('new (business logic ran)')}${s.byOutcome.new}`,
    `${pad('duplicates (answered by the guard)')}${s.byOutcome.duplicate}`,
    `${pad('failed (payment declined, key freed)')}${s.byOutcome.failed}`,
    `${pad('invalid (no order id, nothing written)')}${s.byOutcome.invalid}`,
    ...(s.byOutcome.other > 0 ? [`${pad('other')}${s.byOutcome.other}`] : []),
    `${pad('business Lambda invocations')}${s.businessInvocations} for ${s.uniqueKeys} distinct orders (${s.byOutcome.failed} of them failed)`,
    `${pad('completed records in the table')}${s.completedRecords}`,
    `${pad('exactly once')}${exactlyOnce}`,
    `${pad('states entered per event')}new ${s.averageTransitions.new.toFixed(1)}, duplicate ${s.averageTransitions.duplicate.toFixed(1)}`,
    `${pad('time taken')}${s.seconds.toFixed(1)} s (${(s.sent / Math.max(s.seconds, 0.001)).toFixed(0)} events/s)`,
  ].join('\n');
}
