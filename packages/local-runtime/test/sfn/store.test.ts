import type { HistoryEvent } from '../../src/engine/types';
import type { EngineExecution, EngineStateMachine } from '../../src/sfn/engine-port';
import {
  type ExecutionRecord,
  ExecutionStore,
  type ServiceEvent,
  type StateMachineRecord,
  type StateMachineType,
} from '../../src/sfn/store';

// The store never calls the engine: records only need to carry these objects (and the history it packs).
const engineMachine = {} as EngineStateMachine;
const engineExecution = { events: [] as HistoryEvent[] } as unknown as EngineExecution;

/** Retention by count only (the byte budget out of reach); log lines are collected. */
const byCount = (maxExecutions: number, logged: string[] = []) => ({
  maxExecutions,
  maxBytes: Number.POSITIVE_INFINITY,
  log: (line: string) => logged.push(line),
});

const machine = (name: string): StateMachineRecord => ({
  stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`,
  name,
  type: 'STANDARD',
  definition: '{}',
  roleArn: 'arn:aws:iam::123456789012:role/local',
  creationDate: new Date(),
  machine: engineMachine,
});

const execution = (
  name: string,
  type: StateMachineType = 'STANDARD',
  machineName = 'm',
): ExecutionRecord => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:${machineName}:${name}`,
  stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machineName}`,
  stateMachineName: machineName,
  name,
  type,
  input: '{}',
  startDate: new Date(),
  execution: engineExecution,
  status: 'RUNNING',
});

const withHistory = (record: ExecutionRecord, events: HistoryEvent[]): ExecutionRecord => ({
  ...record,
  execution: { events } as unknown as EngineExecution,
});

const event = (id: number, type: string): HistoryEvent => ({
  timestamp: new Date(),
  type,
  id,
  previousEventId: id - 1,
});

const ended = { stopDate: new Date(), stateTransitions: 3 };
const succeeded = { status: 'SUCCEEDED' as const, output: '{}', stopDate: new Date(), stateTransitions: 2 };

describe('ExecutionStore retention', () => {
  test('Given a bound of 1, When two executions finish, Then the one that finished first is forgotten and running ones stay', () => {
    const store = new ExecutionStore(byCount(1));
    const [a, b, c] = [execution('a'), execution('b'), execution('c')];
    for (const record of [a, b, c]) store.addExecution(record, []);
    store.finishExecution(b, succeeded);
    store.finishExecution(a, succeeded);
    expect(store.allExecutions().map((e) => e.name)).toEqual(['a', 'c']);
    expect(store.execution(b.executionArn)).toBeUndefined();
    expect(store.running().map((e) => e.name)).toEqual(['c']);
  });

  test('Given a stop date set by StopExecution, When the engine finishes, Then that stop date is kept', () => {
    const store = new ExecutionStore(byCount(10));
    const record = execution('stopped');
    store.addExecution(record, []);
    const stoppedAt = new Date(0);
    record.stopDate = stoppedAt;
    store.finishExecution(record, {
      status: 'ABORTED',
      error: 'E',
      stopDate: new Date(),
      stateTransitions: 1,
    });
    expect(record).toMatchObject({ status: 'ABORTED', error: 'E', stopDate: stoppedAt, stateTransitions: 1 });
    expect(store.execution(record.executionArn)).toMatchObject({ status: 'ABORTED', stopDate: stoppedAt });
  });

  test('Given a finished execution, When it is read back, Then its input, output, error, cause and history (with Date timestamps) are as they were', () => {
    const store = new ExecutionStore(byCount(10));
    const history = [event(1, 'ExecutionStarted'), event(2, 'ExecutionFailed')];
    const record = withHistory({ ...execution('packed'), input: '{"orderId":"注文-🧾"}' }, history);
    store.addExecution(record, []);
    store.finishExecution(record, { status: 'FAILED', error: 'E', cause: 'c'.repeat(5000), ...ended });
    const kept = store.execution(record.executionArn);
    expect(kept).not.toBe(record);
    expect(kept).toMatchObject({
      name: 'packed',
      status: 'FAILED',
      input: '{"orderId":"注文-🧾"}',
      output: undefined,
      error: 'E',
      cause: 'c'.repeat(5000),
      startDate: record.startDate,
      stateTransitions: 3,
    });
    expect(kept?.execution.events).toEqual(history);
    expect(kept?.execution.events[0]?.timestamp).toBeInstanceOf(Date);
  });

  test('Given a count bound of 1, When a STANDARD and an EXPRESS execution are forgotten, Then only the STANDARD name stays reserved and the log says so once', () => {
    const logged: string[] = [];
    const store = new ExecutionStore(byCount(1, logged));
    const [standard, express, last] = [execution('s'), execution('x', 'EXPRESS'), execution('last')];
    for (const record of [standard, express, last]) {
      store.addExecution(record, []);
      store.finishExecution(record, succeeded);
    }
    expect(store.execution(standard.executionArn)).toBeUndefined();
    expect(store.nameTaken(standard.executionArn)).toBe(true);
    expect(store.nameTaken(express.executionArn)).toBe(false);
    expect(store.retentionState()).toMatchObject({ executions: 1, reservedNames: 1, forgotten: 2 });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/its bound of 1 finished executions, so the oldest are forgotten/);
  });

  test('Given a byte budget, When histories outgrow it, Then the oldest are forgotten first, and reserved names go only once no history is left', () => {
    const logged: string[] = [];
    const store = new ExecutionStore({
      maxExecutions: Number.POSITIVE_INFINITY,
      maxBytes: 1000,
      log: (l) => logged.push(l),
    });
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) {
      const record = withHistory(execution(name), [event(1, 'ExecutionStarted')]);
      store.addExecution(record, []);
      store.finishExecution(record, succeeded);
    }
    const state = store.retentionState();
    expect(state.bytes).toBeLessThanOrEqual(1000);
    expect(state.executions).toBeGreaterThan(0);
    expect(state.executions).toBeLessThan(names.length);
    const kept = store.allExecutions().map((e) => e.name);
    expect(kept).toEqual(names.slice(names.length - kept.length));
    for (const name of names) expect(store.nameTaken(execution(name).executionArn)).toBe(true);
    expect(logged[0]).toMatch(/its retention budget of 0\.0 MB/);

    const tiny = new ExecutionStore({
      maxExecutions: Number.POSITIVE_INFINITY,
      maxBytes: 300,
      log: () => {},
    });
    for (const name of names) {
      const record = execution(name);
      tiny.addExecution(record, []);
      tiny.finishExecution(record, succeeded);
    }
    expect(tiny.retentionState()).toMatchObject({ executions: 0, forgotten: names.length });
    expect(tiny.nameTaken(execution('a').executionArn)).toBe(false);
    expect(tiny.nameTaken(execution('e').executionArn)).toBe(true);
  });
});

describe('ExecutionStore listing order', () => {
  test('Given machines created out of order, When listed by name, Then they come sorted by name', () => {
    const store = new ExecutionStore(byCount(10));
    for (const name of ['b', 'c', 'a']) store.addMachine(machine(name));
    expect(store.machinesByName().map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(store.allMachines().map((m) => m.name)).toEqual(['b', 'c', 'a']);
  });

  test("Given executions of several machines and types, When one machine's are listed, Then only its STANDARD ones come, newest first", () => {
    const store = new ExecutionStore(byCount(10));
    store.addExecution(execution('first'), []);
    store.addExecution(execution('express', 'EXPRESS'), []);
    store.addExecution(execution('other', 'STANDARD', 'n'), []);
    store.addExecution(execution('second'), []);
    const listed = store.standardExecutionsOf('arn:aws:states:us-east-1:123456789012:stateMachine:m');
    expect(listed.map((e) => e.name)).toEqual(['second', 'first']);
  });
});

describe('ExecutionStore feed', () => {
  test('Given subscribers, When an execution starts with early events and finishes, Then each sees the events in order despite a failing one', () => {
    const store = new ExecutionStore(byCount(10));
    const seen: string[] = [];
    store.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    const unsubscribe = store.subscribe((e: ServiceEvent) => {
      seen.push(e.kind === 'historyEvent' ? e.event.type : e.kind);
    });
    const record = execution('fed');
    store.addExecution(record, [event(1, 'ExecutionStarted')]);
    store.historyEvent(record, event(2, 'PassStateEntered'));
    store.finishExecution(record, succeeded);
    unsubscribe();
    store.historyEvent(record, event(3, 'Ignored'));
    expect(seen).toEqual(['executionStarted', 'ExecutionStarted', 'PassStateEntered', 'executionFinished']);
  });
});
