import type { ExecutionStatus, HistoryEvent } from '../engine/types';
import type { EngineExecution, EngineExecutionResult, EngineStateMachine } from './engine-port';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  /** The definition text exactly as submitted (DescribeStateMachine returns it unchanged). */
  readonly definition: string;
  readonly roleArn: string;
  readonly creationDate: Date;
  readonly machine: EngineStateMachine;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly type: StateMachineType;
  /** The execution input as JSON text. */
  readonly input: string;
  readonly startDate: Date;
  readonly execution: EngineExecution;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  stateTransitions?: number;
}

/** What in-process subscribers (CLI, local console, load tests) are told, in order, per execution. */
export type ServiceEvent =
  | { readonly kind: 'executionStarted'; readonly execution: ExecutionRecord }
  | { readonly kind: 'historyEvent'; readonly execution: ExecutionRecord; readonly event: HistoryEvent }
  | { readonly kind: 'executionFinished'; readonly execution: ExecutionRecord };

/**
 * The in-memory state of the service: state machines, executions and the feed of their events. It
 * checks nothing: the API operations validate requests and decide what to store. Memory stays bounded
 * because at most `maxRetainedExecutions` finished executions are kept (oldest finished forgotten first);
 * running executions are never dropped.
 */
export class ExecutionStore {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished executions in the order they finished: the eviction queue. */
  private readonly finished = new Set<string>();
  private readonly listeners = new Set<(event: ServiceEvent) => void>();

  constructor(readonly maxRetainedExecutions: number) {}

  machine(stateMachineArn: string): StateMachineRecord | undefined {
    return this.machines.get(stateMachineArn);
  }

  addMachine(record: StateMachineRecord): void {
    this.machines.set(record.stateMachineArn, record);
  }

  /** Executions of a deleted machine stay in the store, readable until retention forgets them. */
  deleteMachine(stateMachineArn: string): void {
    this.machines.delete(stateMachineArn);
  }

  /** In creation order. */
  allMachines(): readonly StateMachineRecord[] {
    return [...this.machines.values()];
  }

  /** ListStateMachines order: by name. */
  machinesByName(): readonly StateMachineRecord[] {
    return [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  execution(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  /** Every retained execution (STANDARD and EXPRESS), oldest first. */
  allExecutions(): readonly ExecutionRecord[] {
    return [...this.executions.values()];
  }

  /** ListExecutions order: the STANDARD executions of one machine, newest first (EXPRESS ones are not listed). */
  standardExecutionsOf(stateMachineArn: string): readonly ExecutionRecord[] {
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && e.type === 'STANDARD')
      .reverse();
  }

  running(): readonly ExecutionRecord[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING');
  }

  /**
   * Stores a just-started execution and tells subscribers, then replays the history events the engine
   * emitted before the record existed (ExecutionStarted is emitted while the engine starts).
   */
  addExecution(record: ExecutionRecord, earlyEvents: readonly HistoryEvent[]): void {
    this.executions.set(record.executionArn, record);
    this.emit({ kind: 'executionStarted', execution: record });
    for (const event of earlyEvents) this.historyEvent(record, event);
  }

  historyEvent(record: ExecutionRecord, event: HistoryEvent): void {
    this.emit({ kind: 'historyEvent', execution: record, event });
  }

  /** Copies the engine's result into the record, applies retention, then tells subscribers. */
  finishExecution(record: ExecutionRecord, result: EngineExecutionResult): void {
    record.status = result.status;
    // StopExecution already set the stop date the API reports.
    record.stopDate ??= result.stopDate;
    if (result.output !== undefined) record.output = result.output;
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    record.stateTransitions = result.stateTransitions;
    this.retire(record.executionArn);
    this.emit({ kind: 'executionFinished', execution: record });
  }

  /** Subscribe to execution starts, history events and ends; returns the unsubscribe function. */
  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private retire(executionArn: string): void {
    this.finished.add(executionArn);
    while (this.finished.size > this.maxRetainedExecutions) {
      const oldest = this.finished.values().next().value as string;
      this.finished.delete(oldest);
      this.executions.delete(oldest);
    }
  }

  private emit(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not break an execution or the other subscribers.
      }
    }
  }
}
