import {
  dataLimitCause,
  ErrorNames,
  ExecutionInterrupted,
  exceedsPayloadLimit,
  FailStateError,
  StatesError,
} from './errors';
import { History, notTruncated } from './history';
import type { Branch, ChildResults, Cursor } from './model';
import type { Variables } from './query-language';
import { MAX_TIMER_MS, Run } from './run';
import { defaultTaskTokens, type TaskTokens } from './task-tokens';
import type { ExecutionStatus, HistoryEvent } from './types';

/**
 * Where a redrive restarts: the top-level state that was running when the execution ended, its input,
 * the variables as they were then, and for a Parallel or Map the branches or iterations that succeeded
 * in its last attempt (they are not rerun).
 */
export interface RedrivePoint {
  readonly stateName: string;
  readonly input: unknown;
  readonly inputJson: string;
  readonly variables: Variables;
  readonly children?: ChildResults;
}

/** What a redriven execution continues from. */
export interface RedriveStart {
  readonly point: RedrivePoint;
  /** The history so far: the redrive appends `ExecutionRedriven` and what follows. */
  readonly events: readonly HistoryEvent[];
  /** This redrive's number (1 for the first). */
  readonly redriveCount: number;
  readonly redriveDate: Date;
}

export interface StartOptions {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  /** Default: now. */
  startTime?: Date;
  /** Multiplies Wait durations and Retry pauses (tests use e.g. 0.001); default 1 = real time. */
  timeScale?: number;
  /** Called synchronously for each history event as it is appended. */
  onEvent?: (event: HistoryEvent) => void;
  /** Default true. */
  recordHistory?: boolean;
  /** Default 0. */
  redriveCount?: number;
  /** Continue an execution that ended FAILED/TIMED_OUT/ABORTED (RedriveExecution) instead of starting afresh. */
  redrive?: RedriveStart;
  /** Where `.waitForTaskToken` tasks register their tokens (the service's, for SendTask*). Default: one shared registry. */
  taskTokens?: TaskTokens;
}

export interface ExecutionResult {
  status: ExecutionStatus;
  /** JSON text (SUCCEEDED). */
  output?: string;
  /** Only the fields that were set (FAILED/TIMED_OUT/ABORTED). */
  error?: string;
  cause?: string;
  stopDate: Date;
  /** Billed state transitions (states entered, plus retries). */
  stateTransitions: number;
  /** Unsuccessful executions: where RedriveExecution would restart. */
  redrivePoint?: RedrivePoint;
}

export interface Execution {
  readonly executionArn: string;
  readonly startDate: Date;
  /** RUNNING until done. */
  readonly status: ExecutionStatus;
  /** AWS HistoryEvent shapes. */
  readonly events: readonly HistoryEvent[];
  /** Never rejects. */
  readonly done: Promise<ExecutionResult>;
  /** -> ABORTED, ExecutionAborted event, running task aborted via its AbortSignal. */
  stop(error?: string, cause?: string): void;
}

/** The region an ARN names (`arn:aws:states:<region>:…`), for `TaskScheduled.region`. */
function regionOf(arn: string): string {
  return arn.split(':')[3] || 'us-east-1';
}

function errorFields(
  error: string | undefined,
  cause: string | undefined,
): { error?: string; cause?: string } {
  const fields: { error?: string; cause?: string } = {};
  if (error !== undefined) fields.error = error;
  if (cause !== undefined) fields.cause = cause;
  return fields;
}

export class RunningExecution implements Execution {
  readonly executionArn: string;
  readonly startDate: Date;
  readonly done: Promise<ExecutionResult>;
  private currentStatus: ExecutionStatus = 'RUNNING';
  private readonly history: History;
  private readonly controller = new AbortController();
  private readonly run: Run;
  private resolveDone!: (result: ExecutionResult) => void;
  private timer: NodeJS.Timeout | undefined;
  /** The top-level branch's cursor: it knows the state entered last (the redrive point). */
  private readonly cursor: Cursor = { last: 0 };
  private readonly vars: Variables;

  constructor(
    root: Branch,
    input: unknown,
    options: StartOptions,
    machineTimeoutSeconds: number | undefined,
  ) {
    this.executionArn = options.executionArn;
    this.startDate = options.startTime ?? new Date();
    const redrive = options.redrive;
    this.history = new History(options.recordHistory ?? true, options.onEvent, redrive?.events);
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    const value = input === undefined ? {} : input;
    this.run = new Run({
      history: this.history,
      timeScale: options.timeScale ?? 1,
      region: regionOf(options.stateMachineArn),
      executionArn: options.executionArn,
      execution: {
        Id: options.executionArn,
        Input: value,
        StartTime: this.startDate.toISOString(),
        Name: options.name,
        RoleArn: options.roleArn,
        RedriveCount: redrive?.redriveCount ?? options.redriveCount ?? 0,
        ...(redrive ? { RedriveTime: redrive.redriveDate.toISOString() } : {}),
      },
      stateMachine: { Id: options.stateMachineArn, Name: options.stateMachineName },
      taskTokens: options.taskTokens ?? defaultTaskTokens,
    });
    if (machineTimeoutSeconds !== undefined) {
      this.timer = setTimeout(() => this.timeOut(), Math.min(machineTimeoutSeconds * 1000, MAX_TIMER_MS));
    }
    if (redrive !== undefined) {
      const { point } = redrive;
      const from = root.states.get(point.stateName);
      if (from === undefined) throw new Error(`redrive: no state '${point.stateName}' at the top level`);
      this.cursor.last = this.history.add(
        'ExecutionRedriven',
        this.history.last,
        'executionRedrivenEventDetails',
        {
          redriveCount: redrive.redriveCount,
        },
      );
      this.vars = Object.assign(Object.create(null), point.variables);
      if (point.children !== undefined) this.run.keepChildren(from, point.children);
      void this.execute({ start: from, states: root.states }, point.input, point.inputJson);
      return;
    }
    const inputJson = JSON.stringify(value) ?? 'null';
    // The first state entered points at event 0, not at ExecutionStarted, as AWS records it.
    this.history.add('ExecutionStarted', 0, 'executionStartedEventDetails', {
      input: inputJson,
      inputDetails: notTruncated(),
      roleArn: options.roleArn,
    });
    this.vars = Object.create(null);
    void this.execute(root, value, inputJson);
  }

  get status(): ExecutionStatus {
    return this.currentStatus;
  }

  get events(): readonly HistoryEvent[] {
    return this.history.events;
  }

  get stateTransitions(): number {
    return this.run.stateTransitions;
  }

  stop(error?: string, cause?: string): void {
    if (this.currentStatus !== 'RUNNING') return;
    const fields = errorFields(error, cause);
    this.history.add('ExecutionAborted', this.history.last, 'executionAbortedEventDetails', fields);
    this.end('ABORTED', fields);
  }

  private timeOut(): void {
    if (this.currentStatus !== 'RUNNING') return;
    const fields = {
      error: ErrorNames.timeout,
      cause: 'The execution timed out (the state machine TimeoutSeconds elapsed).',
    };
    this.history.add('ExecutionTimedOut', this.history.last, 'executionTimedOutEventDetails', fields);
    this.end('TIMED_OUT', fields);
  }

  private end(status: ExecutionStatus, fields: { output?: string; error?: string; cause?: string }): void {
    this.currentStatus = status;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.controller.abort();
    const entered = this.cursor.entered;
    this.resolveDone({
      status,
      ...fields,
      stopDate: new Date(),
      stateTransitions: this.run.stateTransitions,
      ...(status !== 'SUCCEEDED' && entered !== undefined
        ? {
            redrivePoint: {
              stateName: entered.node.name,
              input: entered.input,
              inputJson: entered.inputJson,
              variables: this.vars,
              ...(entered.children !== undefined
                ? {
                    children: {
                      outputs: [...entered.children.outputs],
                      succeeded: [...entered.children.succeeded],
                    },
                  }
                : {}),
            },
          }
        : {}),
    });
  }

  private fail(error: string | undefined, cause: string | undefined): void {
    const fields = errorFields(error, cause);
    this.history.add('ExecutionFailed', this.history.last, 'executionFailedEventDetails', fields);
    this.end('FAILED', fields);
  }

  private async execute(root: Branch, input: unknown, inputJson: string): Promise<void> {
    try {
      const { json } = await this.run.runBranch(
        root,
        input,
        inputJson,
        this.vars,
        this.cursor,
        this.controller.signal,
      );
      if (this.currentStatus !== 'RUNNING') return;
      if (exceedsPayloadLimit(json)) {
        this.fail(ErrorNames.dataLimitExceeded, dataLimitCause('execution'));
        return;
      }
      this.history.add('ExecutionSucceeded', this.history.last, 'executionSucceededEventDetails', {
        output: json,
        outputDetails: notTruncated(),
      });
      this.end('SUCCEEDED', { output: json });
    } catch (error) {
      if (this.currentStatus !== 'RUNNING') return;
      if (error instanceof ExecutionInterrupted) return;
      if (error instanceof FailStateError) this.fail(error.errorSet ? error.error : undefined, error.cause);
      else if (error instanceof StatesError) this.fail(error.error, error.cause);
      else
        this.fail(
          ErrorNames.runtime,
          `The local engine failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`,
        );
    }
  }
}
