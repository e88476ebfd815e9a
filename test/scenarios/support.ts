/**
 * What the behaviour tests share: running one execution through the Step Functions API and reading
 * back what the services recorded (its history, the idempotency record, the business calls).
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type BeforeInvokeHook, executionHistory, waitForExecution } from '@sfn-idempotency/local-runtime';
import { classify } from '../../local/demo';
import type { RecordedCall } from './handlers/calls';

export type Item = Record<string, AttributeValue>;

/** One finished execution, as the API reports it. */
export interface FinishedExecution {
  readonly executionArn: string;
  readonly status: string;
  /** The parsed output (undefined when the execution failed). */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly HistoryEvent[];
}

/** Starts an execution (optionally named) without waiting for it. */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: unknown,
  name?: string,
): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  if (!started.executionArn) throw new Error('StartExecution returned no executionArn');
  return started.executionArn;
}

/** Waits for an execution to end and reads its description and whole history. */
export async function finished(sfn: SFNClient, executionArn: string): Promise<FinishedExecution> {
  const description = await waitForExecution(sfn, executionArn);
  return {
    executionArn,
    status: description.status ?? 'UNKNOWN',
    output: description.output === undefined ? undefined : JSON.parse(description.output),
    error: description.error,
    cause: description.cause,
    events: await executionHistory(sfn, executionArn),
  };
}

/** Starts one execution and waits for its end. */
export async function runExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: unknown,
): Promise<FinishedExecution> {
  return finished(sfn, await startExecution(sfn, stateMachineArn, input));
}

/** The names of the states the execution entered, in order. */
export function enteredStates(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
}

/** Billed state transitions (states entered plus task retries), as the demo counts them. */
export function billedTransitions(events: readonly HistoryEvent[]): number {
  return classify({ status: 'SUCCEEDED' }, events).transitions;
}

/** Lambda invocations the execution scheduled (0 for a duplicate). */
export function lambdaInvokesScheduled(events: readonly HistoryEvent[]): number {
  return events.filter(
    (e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'lambda',
  ).length;
}

/** The last event of the history (ExecutionSucceeded, ExecutionFailed, ...). */
export function lastEvent(events: readonly HistoryEvent[]): HistoryEvent | undefined {
  return events[events.length - 1];
}

/** Reads one record with a strongly consistent read. */
export async function getRecord(
  ddb: DynamoDBClient,
  tableName: string,
  id: string,
): Promise<Item | undefined> {
  const result = await ddb.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return result.Item;
}

/** Writes a record directly, as an earlier (crashed or old) execution would have left it. */
export async function putRecord(ddb: DynamoDBClient, tableName: string, item: Item): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName: tableName, Item: item }));
}

/** Every record of the table (small test tables only). */
export async function allRecords(ddb: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The calls the scenario handlers wrote to their calls file, optionally for one order id. */
export function recordedCalls(callsFile: string, orderId?: string): RecordedCall[] {
  if (!existsSync(callsFile)) return [];
  const calls = readFileSync(callsFile, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RecordedCall);
  if (orderId === undefined) return calls;
  return calls.filter((call) => {
    const event = call.event as { orderId?: unknown; event?: { orderId?: unknown } } | null;
    return event?.orderId === orderId || event?.event?.orderId === orderId;
  });
}

/** Epoch seconds and milliseconds for records written by a test. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The order id of an invocation payload (raw event or envelope), if any. */
export function orderIdOf(payload: string): unknown {
  const event = JSON.parse(payload) as { orderId?: unknown; event?: { orderId?: unknown } } | null;
  return event?.orderId ?? event?.event?.orderId;
}

/** Gates not yet released, so a failing test cannot leave an invocation (and the runtime's shutdown) hanging. */
const openGates = new Set<() => void>();

/** Releases every gate a test left closed (call it in afterEach). */
export function releaseAllGates(): void {
  for (const release of openGates) release();
  openGates.clear();
}

/**
 * A beforeInvoke hook that holds the invocations `matches` selects until `release()` is called,
 * and tells when the first one arrived; every other invocation passes at once.
 */
export function invocationGate(matches: (payload: unknown) => boolean): {
  readonly hook: BeforeInvokeHook;
  /** Resolves when the first held invocation reached the Lambda service. */
  readonly arrived: Promise<void>;
  /** How many invocations were held so far. */
  held(): number;
  release(): void;
} {
  let signalArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => {
    signalArrived = resolve;
  });
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  openGates.add(open);
  return {
    hook: async (info) => {
      if (!matches(JSON.parse(info.payload))) return;
      held++;
      signalArrived();
      await opened;
    },
    arrived,
    held: () => held,
    release: () => {
      openGates.delete(open);
      open();
    },
  };
}

/**
 * Waits for the orphaned-lease release workflow to finish the run the status-change event of
 * `executionArn` started, and returns it.
 */
export async function releaseRunFor(
  sfn: SFNClient,
  releaseStateMachineArn: string,
  executionArn: string,
  timeoutMs = 20_000,
): Promise<FinishedExecution> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: releaseStateMachineArn }));
    for (const run of listed.executions ?? []) {
      if (!run.executionArn) continue;
      const description = await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
      const event = JSON.parse(description.input ?? '{}') as { detail?: { executionArn?: string } };
      if (event.detail?.executionArn === executionArn) return finished(sfn, run.executionArn);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no release run for ${executionArn} within ${timeoutMs} ms`);
}
