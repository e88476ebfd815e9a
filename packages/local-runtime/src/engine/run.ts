import {
  dataLimitCause,
  ErrorNames,
  ExecutionInterrupted,
  exceedsPayloadLimit,
  type QueryEvaluationError,
  TerminalError,
} from './errors';
import { type History, notTruncated } from './history';
import type { Branch, ChildResults, ContextObject, Cursor, StateNode, StateScope } from './model';
import type { Variables } from './query-language';
import { defaultTaskTokens, type TaskTokens } from './task-tokens';

export interface RunSettings {
  readonly history: History;
  readonly timeScale: number;
  readonly region: string;
  readonly executionArn: string;
  readonly execution: Record<string, unknown>;
  readonly stateMachine: Record<string, unknown>;
  /** Where callback tasks register their tokens. @default defaultTaskTokens */
  readonly taskTokens?: TaskTokens;
}

/** `setTimeout` cannot wait longer than this (about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/** One execution's running machinery: the history, the clock, the branch loop. States call back into it. */
export class Run {
  readonly history: History;
  readonly timeScale: number;
  readonly region: string;
  readonly executionArn: string;
  readonly taskTokens: TaskTokens;
  stateTransitions = 0;
  private readonly executionContext: Record<string, unknown>;
  private readonly stateMachineContext: Record<string, unknown>;
  private readonly evaluationFailures = new WeakSet<QueryEvaluationError>();
  /** Redrive of a failed Parallel or Map: the children that succeeded before, for its first attempt. */
  private keptChildren: { readonly node: StateNode; readonly children: ChildResults } | undefined;

  constructor(settings: RunSettings) {
    this.history = settings.history;
    this.timeScale = settings.timeScale;
    this.region = settings.region;
    this.executionArn = settings.executionArn;
    this.taskTokens = settings.taskTokens ?? defaultTaskTokens;
    this.executionContext = settings.execution;
    this.stateMachineContext = settings.stateMachine;
  }

  /** A redrive restarts `node`: its first attempt reuses the children that succeeded in `children`. */
  keepChildren(node: StateNode, children: ChildResults): void {
    this.keptChildren = { node, children };
  }

  /** The children kept for `node`'s first attempt after a redrive (once), if it still has `count` of them. */
  takeKeptChildren(node: StateNode, count: number): ChildResults | undefined {
    const kept = this.keptChildren;
    if (kept === undefined || kept.node !== node) return undefined;
    this.keptChildren = undefined;
    return kept.children.succeeded.length === count ? kept.children : undefined;
  }

  /** Waits `ms` milliseconds (real time; callers apply `timeScale`; longer than MAX_TIMER_MS is chained), or throws when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new ExecutionInterrupted());
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ExecutionInterrupted());
      };
      const wait = (left: number) => {
        timer = setTimeout(
          () => {
            if (left > MAX_TIMER_MS) wait(left - MAX_TIMER_MS);
            else {
              signal.removeEventListener('abort', onAbort);
              resolve();
            }
          },
          Math.min(left, MAX_TIMER_MS),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      wait(ms);
    });
  }

  /** Records `EvaluationFailed` once per error; it points where the state's entered event points (AWS quirk). */
  recordEvaluationFailed(scope: StateScope, error: QueryEvaluationError): void {
    if (this.evaluationFailures.has(error)) return;
    this.evaluationFailures.add(error);
    scope.cursor.last = this.history.add(
      'EvaluationFailed',
      scope.enteredPreviousEventId,
      'evaluationFailedEventDetails',
      {
        error: error.error,
        cause: error.cause,
        location: error.location,
        state: scope.stateName,
      },
    );
  }

  private contextFor(node: StateNode, enteredTime: Date, mapItem?: ContextObject['Map']): ContextObject {
    const state: ContextObject['State'] = node.retryable
      ? { Name: node.name, EnteredTime: enteredTime.toISOString(), RetryCount: 0 }
      : { Name: node.name, EnteredTime: enteredTime.toISOString() };
    const context: { -readonly [K in keyof ContextObject]: ContextObject[K] } = {
      Execution: this.executionContext,
      StateMachine: this.stateMachineContext,
      State: state,
    };
    if (mapItem !== undefined) context.Map = mapItem;
    return context;
  }

  /**
   * Runs the states of one branch (the machine, a Parallel branch, a Map iteration) from `StartAt` to an
   * end state, recording entered/exited events on `cursor`'s chain. Resolves with the branch output and
   * its JSON text; throws the StatesError that ended it.
   */
  async runBranch(
    branch: Branch,
    input: unknown,
    inputJson: string,
    vars: Variables,
    cursor: Cursor,
    signal: AbortSignal,
    mapItem?: ContextObject['Map'],
  ): Promise<{ output: unknown; json: string }> {
    const history = this.history;
    let node: StateNode = branch.start;
    let data = input;
    let json = inputJson;
    for (;;) {
      if (signal.aborted) throw new ExecutionInterrupted();
      this.stateTransitions++;
      const enteredPreviousEventId = cursor.last;
      const enteredTime = new Date();
      const name = node.name;
      const enteredJson = json;
      const enteredEventId = history.add(
        `${node.type}StateEntered`,
        enteredPreviousEventId,
        'stateEnteredEventDetails',
        {
          name,
          input: enteredJson,
          inputDetails: notTruncated(),
        },
      );
      cursor.last = enteredEventId;
      cursor.entered = { node, input: data, inputJson: json };
      const scope: StateScope = {
        stateName: name,
        enteredEventId,
        enteredPreviousEventId,
        input: data,
        context: this.contextFor(node, enteredTime, mapItem),
        vars,
        cursor,
        signal,
      };
      let outcome: Awaited<ReturnType<StateNode['execute']>>;
      try {
        outcome = await node.execute(this, scope);
      } catch (error) {
        if (error instanceof Error && error.name === ErrorNames.queryEvaluationError && 'location' in error) {
          this.recordEvaluationFailed(scope, error as QueryEvaluationError);
        }
        throw error;
      }
      if (signal.aborted) throw new ExecutionInterrupted();
      const output = outcome.output;
      const outputJson =
        outcome.outputJson ??
        (output === data ? json : ((JSON.stringify(output) as string | undefined) ?? 'null'));
      if (exceedsPayloadLimit(outputJson))
        throw new TerminalError(ErrorNames.dataLimitExceeded, dataLimitCause(name));
      const assigned = outcome.assigned;
      if (assigned !== undefined) Object.assign(vars, assigned);
      cursor.last = history.add(
        `${node.type}StateExited`,
        cursor.last,
        'stateExitedEventDetails',
        history.wanted ? () => exitedDetails(name, outputJson, assigned) : undefined,
      );
      if (outcome.next === undefined) return { output, json: outputJson };
      node = outcome.next;
      data = output;
      json = outputJson;
    }
  }
}

function exitedDetails(
  name: string,
  output: string,
  assigned: Variables | undefined,
): Record<string, unknown> {
  const details: Record<string, unknown> = { name, output, outputDetails: notTruncated() };
  if (assigned !== undefined) {
    const serialized: Record<string, string> = {};
    for (const key of Object.keys(assigned)) serialized[key] = JSON.stringify(assigned[key]) ?? 'null';
    details.assignedVariables = serialized;
    details.assignedVariablesDetails = notTruncated();
  }
  return details;
}
