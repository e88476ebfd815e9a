/**
 * Reads an execution history the way the Step Functions console does: which states were entered,
 * in which order, and how each visit ended (succeeded, failed, caught, retried, running, stopped),
 * with its input, output, assigned variables, errors and attempts. Pure code over the
 * GetExecutionHistory events, so it works on any endpoint's history.
 */
import { classifyOutcome, type OutcomeRule, type RecordsProfile, valueAtPath } from './profile';

/** A history event as GetExecutionHistory returns it (timestamps as Date or ISO text). */
export interface HistoryEventLike {
  readonly id?: number;
  readonly type?: string;
  readonly timestamp?: unknown;
  readonly previousEventId?: number;
}

export type StepStatus =
  | 'succeeded'
  | 'failed'
  | 'caught'
  | 'retried'
  | 'running'
  | 'aborted'
  | 'not-reached';

/** One attempt of a Task (a TaskScheduled or LambdaFunctionScheduled event and what followed). */
export interface StepAttempt {
  readonly scheduledEventId: number;
  readonly resourceType?: string;
  readonly resource?: string;
  /** The parameters the task was called with (JSON text). */
  readonly parameters?: string;
  readonly error?: string;
  readonly cause?: string;
  /** The task's own result (JSON text), on success. */
  readonly result?: string;
}

/** One time the execution entered a state. */
export interface StepVisit {
  readonly name: string;
  /** Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map. */
  readonly type: string;
  /** Nesting depth: 0 for top-level states, more inside Parallel branches and Map iterations. */
  readonly depth: number;
  readonly enteredEventId: number;
  readonly exitedEventId?: number;
  readonly startedAt?: string;
  /** Milliseconds from the execution's start to this visit's start. */
  readonly startedAfterMs?: number;
  readonly durationMs?: number;
  readonly input?: string;
  readonly output?: string;
  /** Variables assigned on leaving the state (name -> JSON text). */
  readonly assignedVariables?: Readonly<Record<string, string>>;
  readonly attempts: readonly StepAttempt[];
  /** The error that ended or was caught in this visit (the last failure). */
  readonly error?: string;
  readonly cause?: string;
  readonly status: StepStatus;
}

export interface Transition {
  readonly from: string;
  readonly to: string;
  /** The `from` visit ended in a caught error, so the transition is a Catch edge. */
  readonly caught: boolean;
}

export interface ExecutionAnalysis {
  readonly status: string;
  readonly visits: readonly StepVisit[];
  /** Per state name: the status of its last visit, how many visits and retries. */
  readonly states: Readonly<Record<string, { status: StepStatus; visits: number; retries: number }>>;
  /** The top-level path: `__start` -> states -> `__end` (when the execution succeeded). */
  readonly transitions: readonly Transition[];
  /** Every state entered, at any depth. */
  readonly enteredStates: readonly string[];
  /** For each event id, the state it belongs to (the event view's Step column). */
  readonly stepOfEvent: Readonly<Record<number, string>>;
  readonly error?: string;
  readonly cause?: string;
  readonly startedAt?: string;
}

const ENDED: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

const details = (event: HistoryEventLike): Record<string, unknown> => {
  for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      return value as Record<string, unknown>;
    }
  }
  return {};
};

const time = (value: unknown): number | undefined => {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') {
    const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface OpenVisit {
  name: string;
  type: string;
  depth: number;
  enteredEventId: number;
  exitedEventId?: number;
  entered?: number;
  exited?: number;
  input?: string;
  output?: string;
  assignedVariables?: Record<string, string>;
  attempts: {
    scheduledEventId: number;
    resourceType?: string;
    resource?: string;
    parameters?: string;
    error?: string;
    cause?: string;
    result?: string;
  }[];
  /** Failure events of the state itself (TaskFailed, ParallelStateFailed, ...), in order. */
  failures: { error?: string; cause?: string }[];
  /** The last outcome seen was a failure. */
  lastFailed: boolean;
  failState: boolean;
}

const isFailure = (type: string) =>
  /(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/.test(type) &&
  !type.startsWith('Execution') &&
  !type.startsWith('MapIteration') &&
  !type.startsWith('MapRun');
const isSuccess = (type: string) =>
  /(TaskSucceeded|LambdaFunctionSucceeded|ActivitySucceeded|ParallelStateSucceeded|MapStateSucceeded)$/.test(
    type,
  );

/** Analyses a whole history (in order, as GetExecutionHistory returns it). */
export function analyzeHistory(events: readonly HistoryEventLike[], statusHint?: string): ExecutionAnalysis {
  const visits: OpenVisit[] = [];
  /** Visits entered and not exited yet, in order of entry. */
  const open: OpenVisit[] = [];
  /**
   * Which visit each event belongs to, and the depth a state entered after it has. Events name the
   * event before them in their own flow (`previousEventId`), so the branches of a Parallel state and
   * the iterations of a Map state, which interleave, are told apart.
   */
  const ownerOf = new Map<number, OpenVisit | undefined>();
  const depthAfter = new Map<number, number>();
  const stepOfEvent: Record<number, string> = {};
  let status = statusHint ?? 'RUNNING';
  let error: string | undefined;
  let cause: string | undefined;
  let started: number | undefined;
  const innermostOpen = (test: (visit: OpenVisit) => boolean) => {
    for (let i = open.length - 1; i >= 0; i--) {
      const visit = open[i];
      if (visit && test(visit)) return visit;
    }
    return undefined;
  };
  for (const event of events) {
    const type = String(event.type ?? '');
    const id = Number(event.id ?? 0);
    const previous = event.previousEventId;
    const known = previous !== undefined && ownerOf.has(previous);
    const previousOwner = known ? ownerOf.get(previous) : open[open.length - 1];
    const previousDepth = known ? (depthAfter.get(previous) ?? 0) : (previousOwner?.depth ?? 0);
    const d = details(event);
    const at = time(event.timestamp);
    if (type === 'ExecutionStarted') started = at;
    let owner: OpenVisit | undefined = previousOwner;
    let depth = owner?.depth ?? previousDepth;
    if (type.endsWith('StateEntered')) {
      const visit: OpenVisit = {
        name: String(d.name ?? ''),
        type: type.slice(0, -'StateEntered'.length),
        depth: previousDepth,
        enteredEventId: id,
        entered: at,
        input: text(d.input),
        attempts: [],
        failures: [],
        lastFailed: false,
        failState: type === 'FailStateEntered',
      };
      visits.push(visit);
      open.push(visit);
      owner = visit;
      depth = visit.depth;
    } else if (type.endsWith('StateExited')) {
      const name = String(d.name ?? '');
      const visit =
        previousOwner?.name === name && open.includes(previousOwner)
          ? previousOwner
          : innermostOpen((v) => v.name === name);
      if (visit) {
        visit.exitedEventId = id;
        visit.exited = at;
        visit.output = text(d.output);
        if (d.assignedVariables && typeof d.assignedVariables === 'object') {
          visit.assignedVariables = d.assignedVariables as Record<string, string>;
        }
        open.splice(open.indexOf(visit), 1);
        owner = visit;
        depth = visit.depth;
      }
    } else if (type.startsWith('MapIteration')) {
      // An iteration's events name their Map state; the states inside run one level deeper.
      const name = String(d.name ?? '');
      owner = innermostOpen((v) => v.type === 'Map' && (name === '' || v.name === name));
      depth = (owner?.depth ?? 0) + 1;
    } else if (/^(Parallel|Map)State/.test(type)) {
      const kind = type.startsWith('Parallel') ? 'Parallel' : 'Map';
      owner =
        previousOwner?.type === kind && open.includes(previousOwner)
          ? previousOwner
          : innermostOpen((v) => v.type === kind);
      depth = (owner?.depth ?? 0) + (type === 'ParallelStateStarted' ? 1 : 0);
    } else if (type in ENDED) {
      status = ENDED[type] ?? status;
      error = text(d.error) ?? error;
      cause = text(d.cause) ?? cause;
    } else if (owner) {
      if (/(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/.test(type)) {
        owner.attempts.push({
          scheduledEventId: id,
          resourceType: text(d.resourceType),
          resource: text(d.resource),
          parameters: text(d.parameters) ?? text(d.input),
        });
      }
    }
    if (owner && !(type in ENDED) && (isFailure(type) || isSuccess(type))) {
      if (isFailure(type)) {
        const failure = { error: text(d.error), cause: text(d.cause) };
        owner.failures.push(failure);
        owner.lastFailed = true;
        const attempt = owner.attempts[owner.attempts.length - 1];
        if (attempt && attempt.error === undefined) Object.assign(attempt, failure);
      } else {
        owner.lastFailed = false;
        const attempt = owner.attempts[owner.attempts.length - 1];
        if (attempt) attempt.result = text(d.output);
      }
    }
    ownerOf.set(id, owner);
    depthAfter.set(id, depth);
    if (owner) stepOfEvent[id] = owner.name;
  }
  if (status === 'FAILED' && error === undefined) {
    const lastFailure = visits.flatMap((visit) => visit.failures).pop();
    error = lastFailure?.error;
  }
  const finished = status !== 'RUNNING';
  const done: StepVisit[] = visits.map((visit) => {
    let visitStatus: StepStatus;
    const last = visit.failures[visit.failures.length - 1];
    if (visit.failState) visitStatus = 'failed';
    else if (visit.exitedEventId === undefined) {
      visitStatus = !finished ? 'running' : status === 'ABORTED' ? 'aborted' : 'failed';
    } else if (visit.lastFailed) visitStatus = 'caught';
    else if (visit.failures.length > 0) visitStatus = 'retried';
    else visitStatus = 'succeeded';
    const failedHere = visitStatus === 'failed' && visit.exitedEventId === undefined && !visit.failState;
    return {
      name: visit.name,
      type: visit.type,
      depth: visit.depth,
      enteredEventId: visit.enteredEventId,
      ...(visit.exitedEventId !== undefined ? { exitedEventId: visit.exitedEventId } : {}),
      ...(visit.entered !== undefined ? { startedAt: new Date(visit.entered).toISOString() } : {}),
      ...(visit.entered !== undefined && started !== undefined
        ? { startedAfterMs: visit.entered - started }
        : {}),
      ...(visit.entered !== undefined && visit.exited !== undefined
        ? { durationMs: visit.exited - visit.entered }
        : {}),
      ...(visit.input !== undefined ? { input: visit.input } : {}),
      ...(visit.output !== undefined ? { output: visit.output } : {}),
      ...(visit.assignedVariables ? { assignedVariables: visit.assignedVariables } : {}),
      attempts: visit.attempts,
      ...(last?.error !== undefined
        ? { error: last.error }
        : (visit.failState || failedHere) && error !== undefined
          ? { error }
          : {}),
      ...(last?.cause !== undefined
        ? { cause: last.cause }
        : (visit.failState || failedHere) && cause !== undefined
          ? { cause }
          : {}),
      status: visitStatus,
    };
  });
  const states: Record<string, { status: StepStatus; visits: number; retries: number }> = {};
  for (const visit of done) {
    const entry = states[visit.name] ?? { status: visit.status, visits: 0, retries: 0 };
    entry.status = visit.status;
    entry.visits += 1;
    entry.retries += Math.max(0, visit.attempts.length - 1);
    states[visit.name] = entry;
  }
  const topLevel = done.filter((visit) => visit.depth === 0);
  const transitions: Transition[] = [];
  const first = topLevel[0];
  if (first) transitions.push({ from: '__start', to: first.name, caught: false });
  topLevel.forEach((visit, index) => {
    const next = topLevel[index + 1];
    if (next) transitions.push({ from: visit.name, to: next.name, caught: visit.status === 'caught' });
  });
  const last = topLevel[topLevel.length - 1];
  if (last && status === 'SUCCEEDED') transitions.push({ from: last.name, to: '__end', caught: false });
  return {
    status,
    visits: done,
    states,
    transitions,
    enteredStates: [...new Set(done.map((visit) => visit.name))],
    stepOfEvent,
    ...(error !== undefined ? { error } : {}),
    ...(cause !== undefined ? { cause } : {}),
    ...(started !== undefined ? { startedAt: new Date(started).toISOString() } : {}),
  };
}

/** The outcome of a finished execution under the profile's rules: a rule id, or `none`. */
export function outcomeOf(analysis: ExecutionAnalysis, rules: readonly OutcomeRule[]): string | undefined {
  if (analysis.status === 'RUNNING' || rules.length === 0) return undefined;
  const rule = classifyOutcome(rules, {
    status: analysis.status,
    error: analysis.error,
    enteredStates: new Set(analysis.enteredStates),
  });
  return rule?.id ?? 'none';
}

/** The record an execution worked on: read from the first attempt of the profile's state. */
export function recordOf(
  analysis: ExecutionAnalysis,
  records: RecordsProfile,
): { key: string; tableName?: string } | undefined {
  for (const visit of analysis.visits) {
    if (visit.name !== records.state) continue;
    for (const attempt of visit.attempts) {
      if (attempt.parameters === undefined) continue;
      let parameters: unknown;
      try {
        parameters = JSON.parse(attempt.parameters);
      } catch {
        continue;
      }
      const key = valueAtPath(parameters, records.keyParameter);
      if (typeof key !== 'string' && typeof key !== 'number') continue;
      if (String(key) === '') return undefined; // an invalid key: nothing was written
      const table = valueAtPath(parameters, records.tableNameParameter ?? 'TableName');
      return { key: String(key), ...(typeof table === 'string' ? { tableName: table } : {}) };
    }
  }
  return undefined;
}
