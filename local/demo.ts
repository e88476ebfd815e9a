/**
 * The demo stream: orders with duplicates (some arriving at the same moment), a few declined
 * payments and one invalid event, sent to each of the blueprint app's workflows (payment and
 * shipping, one table) through the Step Functions API; then a summary per workflow built from what
 * the services recorded (execution histories, the table, the Lambda invocation log by function),
 * not from what the demo meant to send.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  executionHistory,
  type InvokeInfo,
  seededRandom,
  waitForExecution,
} from '@sfn-idempotency/local-runtime';
import type { Order } from '../handlers/payment';
import type { ShipmentRequest } from '../handlers/shipping';
import { INVALID_KEY_ERROR_PREFIX, StateName } from '../lib/state-machines/names';

export interface DemoEvent {
  /** The order id, or undefined for the invalid event. */
  readonly orderId?: string;
  readonly event: {
    readonly source: string;
    readonly 'detail-type': string;
    /** What the payment handler reads (an Order) and what the shipping handler reads. */
    readonly detail: Partial<Order & ShipmentRequest>;
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

const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT'] as const;

function orderPlaced(detail: Partial<Order & ShipmentRequest>): DemoEvent['event'] {
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
  const order = (i: number): Order & ShipmentRequest => ({
    orderId: `ord-${String(i + 1).padStart(5, '0')}`,
    amount: 500 + Math.floor(random() * 20_000),
    currency: 'EUR',
    card: declinedAt.has(i) ? 'declined' : `tok_${i}`,
    // Not drawn from `random`, so the duplicates fall where they always did.
    country: COUNTRIES[i % COUNTRIES.length] as string,
    weightGrams: 250 + ((i * 7919) % 40_000),
  });
  const all = Array.from({ length: orders }, (_, i) => order(i));

  // Sequence of sends: originals in order, duplicates inserted later than their original.
  const sends: (Order & ShipmentRequest)[][] = all.map((o, i) =>
    i < concurrentOrders ? Array.from({ length: copies }, () => o) : [o],
  );
  const concurrentExtras = concurrentOrders * (copies - 1);
  const total = Math.round((orders + 1) / (1 - duplicateShare));
  const extra = Math.max(0, total - orders - 1 - concurrentExtras);
  for (let d = 0; d < extra; d++) {
    const original = all[Math.floor(random() * orders)] as Order & ShipmentRequest;
    const position = sends.findIndex((group) => group[0] === original);
    const at = position + 1 + Math.floor(random() * (sends.length - position));
    sends.splice(at, 0, [original]);
  }
  sends.splice(Math.floor(sends.length / 2), 0, []); // the invalid event's slot

  const stream: DemoEvent[] = [];
  sends.forEach((group, burst) => {
    if (group.length === 0) {
      stream.push({
        event: orderPlaced({ amount: 1000, currency: 'EUR', card: 'tok_x', country: 'DE', weightGrams: 500 }),
        burst,
      });
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

/** One record of the idempotency table, as the demo reads it. */
export interface DemoRecord {
  readonly id: string;
  readonly status: string;
  /** The execution that holds the key (or completed it). */
  readonly execution?: string;
}

/** What one business function was invoked with, as the local Lambda service saw it. */
export interface FunctionInvocations {
  readonly total: number;
  /** Invocations per order id. */
  readonly byKey: ReadonlyMap<string, number>;
  /** Invocations whose payload was the ENVELOPE `{ idempotencyKey, event }` rather than the event. */
  readonly envelopes: number;
}

/** The Lambda invocation log, by function: fed by `runtime.lambda.setBeforeInvoke(log.hook)`. */
export class InvocationLog {
  private readonly functions = new Map<
    string,
    { total: number; byKey: Map<string, number>; envelopes: number }
  >();

  readonly hook = (info: InvokeInfo): void => {
    const entry = this.functions.get(info.functionName) ?? { total: 0, byKey: new Map(), envelopes: 0 };
    this.functions.set(info.functionName, entry);
    entry.total++;
    const { orderId, envelope } = readPayload(info.payload);
    if (envelope) entry.envelopes++;
    if (orderId !== undefined) entry.byKey.set(orderId, (entry.byKey.get(orderId) ?? 0) + 1);
  };

  of(functionName: string): FunctionInvocations {
    return this.functions.get(functionName) ?? { total: 0, byKey: new Map(), envelopes: 0 };
  }
}

/** The order id an invocation was for, and whether it came as the envelope. */
export function readPayload(payload: string): { orderId?: string; envelope: boolean } {
  try {
    const body = JSON.parse(payload) as {
      idempotencyKey?: unknown;
      detail?: { orderId?: unknown };
      event?: { detail?: { orderId?: unknown } };
    } | null;
    const envelope = typeof body?.idempotencyKey === 'string' && body.event !== undefined;
    const id = envelope ? body?.event?.detail?.orderId : body?.detail?.orderId;
    return typeof id === 'string' ? { orderId: id, envelope } : { envelope };
  } catch {
    return { envelope: false };
  }
}

/** `<name>` of a state machine or execution ARN (`arn:aws:states:<region>:<account>:<kind>:<name>[:…]`). */
export const stateMachineNameOf = (arn: string): string => arn.split(':')[6] ?? '';

/**
 * The function the workflow's business task invokes, read from the deployed definition
 * (DescribeStateMachine): the `FunctionName` of its `lambda:invoke` task, as a function name.
 */
export async function businessFunctionOf(sfn: SFNClient, stateMachineArn: string): Promise<string> {
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const state = node as {
        Resource?: unknown;
        Arguments?: { FunctionName?: unknown };
        Parameters?: { FunctionName?: unknown };
      };
      if (typeof state.Resource === 'string' && state.Resource.endsWith(':lambda:invoke')) {
        const name = state.Arguments?.FunctionName ?? state.Parameters?.FunctionName;
        if (typeof name === 'string') found.push(name);
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(JSON.parse(described.definition ?? '{}'));
  const [first] = found;
  if (first === undefined) throw new Error(`${stateMachineArn} invokes no Lambda function`);
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>], or a bare name
  return first.startsWith('arn:') ? (first.split(':')[6] ?? first) : first;
}

/** Every record of the table (a Scan: fine for a demo table). */
export async function readRecords(dynamodb: DynamoDBClient, tableName: string): Promise<DemoRecord[]> {
  const records: DemoRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey: start,
        ConsistentRead: true,
        ProjectionExpression: 'id, #s, execution',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    for (const item of page.Items ?? []) {
      records.push({
        id: item.id?.S ?? '',
        status: item.status?.S ?? '',
        ...(item.execution?.S !== undefined ? { execution: item.execution.S } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

export interface WorkflowSummary {
  /** `payment`, `shipping`. */
  readonly label: string;
  readonly stateMachineName: string;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /** Invocations of the workflow's business function, from the Lambda invocation log. */
  readonly businessInvocations: number;
  /** What the function was invoked with: the ENVELOPE `{ idempotencyKey, event }` or the event itself. */
  readonly payload: 'envelope' | 'event' | 'none';
  /** COMPLETED records held by this workflow's executions. */
  readonly completedRecords: number;
  /** The key prefixes of its records (`payments` for `payments#<orderId>`). */
  readonly recordPrefixes: readonly string[];
  /** Why exactly once does not hold (empty: it holds), each naming the order and the evidence. */
  readonly exactlyOnceProblems: readonly string[];
  readonly averageTransitions: { readonly new: number; readonly duplicate: number };
}

export interface DemoSummary {
  /** Events sent to each workflow. */
  readonly sent: number;
  readonly uniqueKeys: number;
  /** The table both workflows keep their records in. */
  readonly tableName: string;
  readonly workflows: readonly WorkflowSummary[];
  readonly seconds: number;
}

const average = (values: number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

const countBy = (keys: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

/**
 * One workflow's figures, and exactly once checked three ways, each from what a service recorded:
 * - the Lambda invocation log (by function): an order ran its business logic at most once more
 *   than it failed (a failure frees the key, so a duplicate may run it again; a success never);
 * - the histories: at most one execution per order reached `Processed`;
 * - the table: each order that was processed has a COMPLETED record held by that very execution
 *   (the fence), and no record of the workflow is left INPROGRESS.
 */
export function summarizeWorkflow(input: {
  readonly label: string;
  readonly stateMachineArn: string;
  readonly outcomes: readonly ExecutionOutcome[];
  readonly invocations: FunctionInvocations;
  /** Every record of the table; the workflow's are those its executions hold. */
  readonly records: readonly DemoRecord[];
}): WorkflowSummary {
  const { outcomes, invocations } = input;
  const stateMachineName = stateMachineNameOf(input.stateMachineArn);
  const byOutcome: Record<Outcome, number> = { new: 0, duplicate: 0, failed: 0, invalid: 0, other: 0 };
  for (const o of outcomes) byOutcome[o.outcome]++;
  const keysOf = (outcome: Outcome) =>
    outcomes.flatMap((o) => (o.outcome === outcome && o.orderId ? [o.orderId] : []));
  const failures = countBy(keysOf('failed'));
  const processed = countBy(keysOf('new'));
  const records = input.records.filter(
    (r) => r.execution !== undefined && stateMachineNameOf(r.execution) === stateMachineName,
  );
  const keyOf = (id: string) => id.slice(id.indexOf('#') + 1);
  const recordByKey = new Map(records.map((r) => [keyOf(r.id), r]));

  const problems: string[] = [];
  for (const [key, count] of invocations.byKey) {
    const failed = failures.get(key) ?? 0;
    if (count > failed + 1) {
      problems.push(
        `${key} ran its business logic ${count} times (${failed} failed) (Lambda invocation log)`,
      );
    }
  }
  for (const [key, count] of processed) {
    if (count > 1) problems.push(`${key} was processed by ${count} executions (histories)`);
  }
  for (const o of outcomes) {
    if (o.outcome !== 'new' || !o.orderId) continue;
    const record = recordByKey.get(o.orderId);
    if (record?.status !== 'COMPLETED' || record.execution !== o.executionArn) {
      problems.push(`${o.orderId} has no COMPLETED record held by the execution that processed it (table)`);
    }
  }
  for (const r of records) {
    if (r.status !== 'COMPLETED') problems.push(`${r.id} was left ${r.status} (table)`);
  }

  return {
    label: input.label,
    stateMachineName,
    byOutcome,
    businessInvocations: invocations.total,
    payload: invocations.total === 0 ? 'none' : invocations.envelopes > 0 ? 'envelope' : 'event',
    completedRecords: records.filter((r) => r.status === 'COMPLETED').length,
    recordPrefixes: [...new Set(records.map((r) => r.id.slice(0, r.id.indexOf('#'))))].sort(),
    exactlyOnceProblems: problems,
    averageTransitions: {
      new: average(outcomes.filter((o) => o.outcome === 'new').map((o) => o.transitions)),
      duplicate: average(outcomes.filter((o) => o.outcome === 'duplicate').map((o) => o.transitions)),
    },
  };
}

/** Distinct order ids of the stream. */
export const distinctOrders = (stream: readonly DemoEvent[]): number =>
  new Set(stream.flatMap((e) => (e.orderId ? [e.orderId] : []))).size;

/** The summary as a person reads it: one column per workflow. */
export function formatSummary(s: DemoSummary): string {
  const ws = s.workflows;
  const rows: string[][] = [
    ['', ...ws.map((w) => w.label)],
    ['new (business logic ran)', ...ws.map((w) => String(w.byOutcome.new))],
    ['duplicates (answered by the guard)', ...ws.map((w) => String(w.byOutcome.duplicate))],
    ['failed (business error, key freed)', ...ws.map((w) => String(w.byOutcome.failed))],
    ['invalid (no order id, nothing written)', ...ws.map((w) => String(w.byOutcome.invalid))],
    ...(ws.some((w) => w.byOutcome.other > 0)
      ? [['other', ...ws.map((w) => String(w.byOutcome.other))]]
      : []),
    ['business Lambda invocations', ...ws.map((w) => String(w.businessInvocations))],
    [
      'the business Lambda received',
      ...ws.map((w) => (w.payload === 'envelope' ? 'envelope' : w.payload === 'event' ? 'the event' : '-')),
    ],
    [
      'completed records in the table',
      ...ws.map(
        (w) =>
          `${w.completedRecords}${w.recordPrefixes.length > 0 ? ` ${w.recordPrefixes.map((p) => `${p}#…`).join(', ')}` : ''}`,
      ),
    ],
    ['exactly once', ...ws.map((w) => (w.exactlyOnceProblems.length === 0 ? 'yes' : 'NO'))],
    [
      'states entered, new / duplicate',
      ...ws.map(
        (w) => `${w.averageTransitions.new.toFixed(1)} / ${w.averageTransitions.duplicate.toFixed(1)}`,
      ),
    ],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: readonly string[]) =>
    `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join('')}`.trimEnd();
  const executions = s.sent * ws.length;
  const allHold = ws.every((w) => w.exactlyOnceProblems.length === 0);
  return [
    'Summary',
    `  ${s.sent} events (${s.uniqueKeys} distinct orders) sent to each workflow; one table holds both workflows' records:`,
    `  ${s.tableName}`,
    '',
    ...rows.map(line),
    line([
      'time taken',
      `${s.seconds.toFixed(1)} s for ${executions} executions (${(executions / Math.max(s.seconds, 0.001)).toFixed(0)}/s)`,
    ]),
    '',
    allHold
      ? '  Exactly once: no order ran its business logic again after it succeeded, checked per workflow\n' +
        "  in the Lambda invocation log (by function), the table's records and the execution histories."
      : '  Exactly once does NOT hold:',
    ...ws.flatMap((w) => {
      const shown = w.exactlyOnceProblems.slice(0, 5).map((p) => `    ${w.label}: ${p}`);
      const more = w.exactlyOnceProblems.length - shown.length;
      return more > 0 ? [...shown, `    ${w.label}: and ${more} more`] : shown;
    }),
  ].join('\n');
}
