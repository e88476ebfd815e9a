import type { ExecutionStatus, HistoryEvent } from '../engine/types';
import type { EngineExecution, EngineExecutionResult, EngineStateMachine } from './engine-port';
import { ExecutionPacker, type RetainedExecution, reservedNameBytes } from './retention';

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

/** How much of the finished executions' past the store keeps. */
export interface RetentionLimits {
  /** Finished executions kept with their history (the oldest finished are forgotten first). */
  readonly maxExecutions: number;
  /** What the finished executions may take in the heap, in bytes (as the store estimates it). */
  readonly maxBytes: number;
  /** Where the store says that it forgets executions (once, then every 10,000 more). */
  readonly log: (line: string) => void;
}

/** What the store holds of the past, for the log line, the bench and tests. */
export interface RetentionState {
  /** Finished executions kept with their history. */
  readonly executions: number;
  /** Forgotten executions whose names stay reserved (StartExecution answers ExecutionAlreadyExists). */
  readonly reservedNames: number;
  /** The store's estimate of the heap both take. */
  readonly bytes: number;
  /** Executions forgotten so far (their names reserved or, later, freed). */
  readonly forgotten: number;
}

const LOG_EVERY = 10_000;

/**
 * The in-memory state of the service: state machines, executions and the feed of their events. It
 * checks nothing: the API operations validate requests and decide what to store. A finished
 * execution is packed (retention.ts) and kept until the finished ones exceed the count or the
 * bytes of `RetentionLimits`; then the oldest finished is forgotten, but its name stays reserved,
 * as AWS keeps names for 90 days. Only when no history is left to forget are the oldest reserved
 * names freed. Running executions are never dropped.
 */
export class ExecutionStore {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished executions in the order they finished, with their bytes: the eviction queue. */
  private readonly finished = new Map<string, number>();
  /** Names (execution ARNs) of forgotten STANDARD executions, in the order they were forgotten, with their bytes. */
  private readonly reserved = new Map<string, number>();
  private readonly packer = new ExecutionPacker();
  private readonly listeners = new Set<(event: ServiceEvent) => void>();
  private bytes = 0;
  private forgotten = 0;
  /** `forgotten` when the last log line was written. */
  private loggedAt: number | undefined;

  constructor(readonly retention: RetentionLimits) {}

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

  /**
   * A finished execution runs again (RedriveExecution): it leaves the retention queue; the caller then
   * adds the running record under the same ARN (its place in listings is kept).
   */
  reopen(executionArn: string): void {
    const bytes = this.finished.get(executionArn);
    if (bytes === undefined) return;
    this.finished.delete(executionArn);
    this.bytes -= bytes;
  }

  historyEvent(record: ExecutionRecord, event: HistoryEvent): void {
    this.emit({ kind: 'historyEvent', execution: record, event });
  }

  /** Whether a STANDARD execution of this ARN exists or existed (its name is still reserved). */
  nameTaken(executionArn: string): boolean {
    return this.executions.has(executionArn) || this.reserved.has(executionArn);
  }

  retentionState(): RetentionState {
    return {
      executions: this.finished.size,
      reservedNames: this.reserved.size,
      bytes: this.bytes,
      forgotten: this.forgotten,
    };
  }

  /**
   * Copies the engine's result into the record and tells subscribers (who see the engine's own
   * history), then packs the record and applies retention.
   */
  finishExecution(record: ExecutionRecord, result: EngineExecutionResult): void {
    record.status = result.status;
    // StopExecution already set the stop date the API reports.
    record.stopDate ??= result.stopDate;
    if (result.output !== undefined) record.output = result.output;
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    record.stateTransitions = result.stateTransitions;
    this.emit({ kind: 'executionFinished', execution: record });
    this.retire(this.packer.pack(record));
  }

  /** Subscribe to execution starts, history events and ends; returns the unsubscribe function. */
  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private retire(retained: RetainedExecution): void {
    const size = retained.retainedBytes;
    this.executions.set(retained.executionArn, retained);
    this.finished.set(retained.executionArn, size);
    this.bytes += size;
    const { maxExecutions, maxBytes } = this.retention;
    while (this.finished.size > maxExecutions || (this.bytes > maxBytes && this.finished.size > 0)) {
      const [oldest, oldestBytes] = this.finished.entries().next().value as [string, number];
      const forgotten = this.executions.get(oldest);
      this.finished.delete(oldest);
      this.executions.delete(oldest);
      this.bytes -= oldestBytes;
      this.forgotten++;
      if (forgotten?.type === 'STANDARD') {
        const nameBytes = reservedNameBytes(oldest);
        this.reserved.set(oldest, nameBytes);
        this.bytes += nameBytes;
      }
    }
    while (this.bytes > maxBytes && this.reserved.size > 0) {
      const [oldest, nameBytes] = this.reserved.entries().next().value as [string, number];
      this.reserved.delete(oldest);
      this.bytes -= nameBytes;
    }
    if (this.forgotten > 0 && (this.loggedAt === undefined || this.forgotten - this.loggedAt >= LOG_EVERY)) {
      this.loggedAt = this.forgotten;
      this.retention.log(retentionWarning(this.retentionState(), this.retention));
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

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The plain log line that replaces silent forgetting. */
const retentionWarning = (state: RetentionState, limits: RetentionLimits): string => {
  const bound =
    state.executions >= limits.maxExecutions
      ? `its bound of ${limits.maxExecutions} finished executions`
      : `its retention budget of ${megabytes(limits.maxBytes)}`;
  return (
    `Step Functions (local): finished executions reached ${bound}, so the oldest are forgotten ` +
    `(${state.forgotten} so far; ${state.executions} kept in ${megabytes(state.bytes)}). ` +
    'DescribeExecution answers ExecutionDoesNotExist for a forgotten execution; its name stays reserved. ' +
    'Raise the budget with --retention-mb (SFN_LOCAL_RETENTION_MB) or the retentionMegabytes option.'
  );
};
