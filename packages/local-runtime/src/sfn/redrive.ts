import type { RedrivePoint, RedriveStart } from '../engine/execution';
import type { HistoryEvent } from '../engine/types';
import type { EngineExecutionResult } from './engine-port';
import { StepFunctionsApiError, validationError } from './errors';
import { type Json, optionalString } from './members';
import type { ExecutionRecord, StateMachineRecord } from './store';

/** Redrives one execution may have (docs/local-engine.md, "Redrive"). */
export const MAX_REDRIVES = 1000;
/** AWS: an execution can be redriven within 14 days of its end. */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 60 * 60 * 1000;
/** AWS: the history must leave room for ExecutionRedriven and one more event (25,000 at most). */
const MAX_HISTORY_EVENTS = 24_999;
/** AWS answers the same redrive for the last 10 client tokens, each for 15 minutes. */
const CLIENT_TOKENS_KEPT = 10;
const CLIENT_TOKEN_MS = 15 * 60 * 1000;
const CLIENT_TOKEN = /^[!-~]+$/;

export const executionNotRedrivable = (arn: string, reason: string): StepFunctionsApiError =>
  new StepFunctionsApiError('ExecutionNotRedrivable', `Execution '${arn}' cannot be redriven: ${reason}`);

interface RedriveState {
  count: number;
  date?: Date;
  /** Where the last attempt ended (unsuccessful executions). */
  point?: RedrivePoint;
  readonly clientTokens: { readonly token: string; readonly date: Date; readonly at: number }[];
}

/** What RedriveExecution needs from the service. */
export interface RedriveHost {
  execution(arn: unknown): ExecutionRecord;
  machine(stateMachineArn: string): StateMachineRecord | undefined;
  /** Starts the engine again on the record's execution ARN, continuing as `start` says. */
  relaunch(record: ExecutionRecord, machine: StateMachineRecord, start: RedriveStart): void;
}

/**
 * The rules of RedriveExecution in one place: which executions can be redriven and why not
 * (`redriveStatus`/`redriveStatusReason`), the count and date DescribeExecution and ListExecutions
 * show, client-token idempotency, and where each execution would restart. Kept per execution ARN.
 */
export class Redrives {
  private readonly states = new Map<string, RedriveState>();

  /** Remembers where an unsuccessful execution would restart. */
  finished(executionArn: string, result: EngineExecutionResult): void {
    if (result.redrivePoint === undefined) return;
    this.state(executionArn).point = result.redrivePoint;
  }

  /** `redriveCount` and, once redriven, `redriveDate` (DescribeExecution, ListExecutions). */
  summary(record: ExecutionRecord): Json {
    const state = this.states.get(record.executionArn);
    return { redriveCount: state?.count ?? 0, ...(state?.date ? { redriveDate: state.date } : {}) };
  }

  /** DescribeExecution's redrive members. */
  describe(record: ExecutionRecord, machine: StateMachineRecord | undefined, now = new Date()): Json {
    const reason = this.notRedrivable(record, machine, now);
    return {
      ...this.summary(record),
      ...(reason === undefined
        ? { redriveStatus: 'REDRIVABLE' }
        : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason }),
    };
  }

  /** Whether ListExecutions' `redriveFilter` (REDRIVEN | NOT_REDRIVEN) keeps the execution. */
  matches(record: ExecutionRecord, filter: unknown): boolean {
    if (filter === undefined || filter === null) return true;
    const redriven = (this.states.get(record.executionArn)?.count ?? 0) > 0;
    return filter === 'REDRIVEN' ? redriven : !redriven;
  }

  redrive(input: Json, host: RedriveHost, now = new Date()): Json {
    const record = host.execution(input.executionArn);
    const clientToken = optionalString(input, 'clientToken');
    if (clientToken !== undefined) {
      if (clientToken.length > 64) {
        throw validationError(clientToken, 'clientToken', 'Member must have length less than or equal to 64');
      }
      if (!CLIENT_TOKEN.test(clientToken)) {
        throw validationError(
          clientToken,
          'clientToken',
          'Member must satisfy regular expression pattern: [!-~]+',
        );
      }
      const earlier = this.states
        .get(record.executionArn)
        ?.clientTokens.find((t) => t.token === clientToken && now.getTime() - t.at <= CLIENT_TOKEN_MS);
      if (earlier) return { redriveDate: earlier.date };
    }
    const machine = host.machine(record.stateMachineArn);
    const events: readonly HistoryEvent[] = record.execution.events;
    // Checked here only: reading a finished execution's history unpacks it.
    const reason =
      this.notRedrivable(record, machine, now) ??
      (events.length >= MAX_HISTORY_EVENTS ? 'Execution history event limit exceeded.' : undefined);
    const state = this.state(record.executionArn);
    if (reason !== undefined || machine === undefined || state.point === undefined) {
      throw executionNotRedrivable(record.executionArn, reason ?? 'Execution has no state to redrive');
    }
    state.count++;
    state.date = now;
    if (clientToken !== undefined) {
      state.clientTokens.push({ token: clientToken, date: now, at: now.getTime() });
      if (state.clientTokens.length > CLIENT_TOKENS_KEPT) state.clientTokens.shift();
    }
    host.relaunch(record, machine, {
      point: state.point,
      events,
      redriveCount: state.count,
      redriveDate: now,
    });
    return { redriveDate: now };
  }

  /** Why the execution cannot be redriven now, in AWS's words where AWS documents them; undefined if it can. */
  private notRedrivable(
    record: ExecutionRecord,
    machine: StateMachineRecord | undefined,
    now: Date,
  ): string | undefined {
    if (record.status === 'RUNNING' || record.status === 'SUCCEEDED') {
      return `Execution is ${record.status} and cannot be redriven`;
    }
    if (machine === undefined) return 'State machine is in DELETING status.';
    const stop = record.stopDate?.getTime() ?? now.getTime();
    if (now.getTime() - stop > REDRIVABLE_PERIOD_MS) return 'Execution redrivable period exceeded.';
    const state = this.states.get(record.executionArn);
    if ((state?.count ?? 0) >= MAX_REDRIVES) return 'Execution redrive limit exceeded.';
    if (state?.point === undefined) return 'Execution has no state to redrive.';
    return undefined;
  }

  private state(executionArn: string): RedriveState {
    let state = this.states.get(executionArn);
    if (state === undefined) {
      state = { count: 0, clientTokens: [] };
      this.states.set(executionArn, state);
    }
    return state;
  }
}
