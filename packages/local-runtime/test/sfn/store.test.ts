import type { HistoryEvent } from '../../src/engine/types';
import type { EngineExecution, EngineStateMachine } from '../../src/sfn/engine-port';
import {
  type ExecutionRecord,
  ExecutionStore,
  type ServiceEvent,
  type StateMachineRecord,
  type StateMachineType,
} from '../../src/sfn/store';

// The store never calls the engine: records only need to carry these objects.
const engineMachine = {} as EngineStateMachine;
const engineExecution = {} as EngineExecution;

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

const event = (id: number, type: string): HistoryEvent => ({
  timestamp: new Date(),
  type,
  id,
  previousEventId: id - 1,
});

const succeeded = { status: 'SUCCEEDED' as const, output: '{}', stopDate: new Date(), stateTransitions: 2 };

describe('ExecutionStore retention', () => {
  test('Given a bound of 1, When two executions finish, Then the one that finished first is forgotten and running ones stay', () => {
    const store = new ExecutionStore(1);
    const [a, b, c] = [execution('a'), execution('b'), execution('c')];
    for (const record of [a, b, c]) store.addExecution(record, []);
    store.finishExecution(b, succeeded);
    store.finishExecution(a, succeeded);
    expect(store.allExecutions().map((e) => e.name)).toEqual(['a', 'c']);
    expect(store.execution(b.executionArn)).toBeUndefined();
    expect(store.running().map((e) => e.name)).toEqual(['c']);
  });

  test('Given a stop date set by StopExecution, When the engine finishes, Then that stop date is kept', () => {
    const store = new ExecutionStore(10);
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
  });
});

describe('ExecutionStore listing order', () => {
  test('Given machines created out of order, When listed by name, Then they come sorted by name', () => {
    const store = new ExecutionStore(10);
    for (const name of ['b', 'c', 'a']) store.addMachine(machine(name));
    expect(store.machinesByName().map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(store.allMachines().map((m) => m.name)).toEqual(['b', 'c', 'a']);
  });

  test("Given executions of several machines and types, When one machine's are listed, Then only its STANDARD ones come, newest first", () => {
    const store = new ExecutionStore(10);
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
    const store = new ExecutionStore(10);
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
