import type { DataFlow, EvalScope, Evaluator, Variables } from './query-language';
import type { Run } from './run';

/** Where a branch's next event points (`previousEventId`): each Parallel branch and Map iteration has its own chain. */
export interface Cursor {
  last: number;
  /** The state this branch entered last, with its input: where a redrive restarts (root branch). */
  entered?: {
    readonly node: StateNode;
    readonly input: unknown;
    readonly inputJson: string;
    /** A Parallel or Map: its children in the current attempt (a redrive reruns only the unsuccessful ones). */
    readonly children?: ChildResults;
  };
}

/** The branches of a Parallel or the iterations of a Map in one attempt: which succeeded, with their outputs. */
export interface ChildResults {
  readonly outputs: unknown[];
  readonly succeeded: boolean[];
}

/** What a state sees while it runs: the evaluation scope plus the machinery of its branch. */
export interface StateScope extends EvalScope {
  context: ContextObject;
  result?: unknown;
  errorOutput?: unknown;
  /** `previousEventId` of the `…StateEntered` event (where `EvaluationFailed` points, as AWS records). */
  readonly enteredPreviousEventId: number;
  readonly cursor: Cursor;
  /** Aborted when the execution stops or a sibling branch fails. */
  readonly signal: AbortSignal;
}

export interface ContextObject {
  readonly Execution: unknown;
  readonly StateMachine: unknown;
  readonly State: { Name: string; EnteredTime: string; RetryCount?: number };
  readonly Map?: { Item: { Index: number; Value: unknown } };
  /** Callback (`.waitForTaskToken`) tasks only. */
  readonly Task?: { Token: string };
}

export interface Outcome {
  readonly output: unknown;
  /** The next state; undefined ends the branch. */
  readonly next: StateNode | undefined;
  readonly assigned?: Variables;
  /** The output as JSON text when the state already has it (saves a serialization). */
  readonly outputJson?: string;
}

export interface StateNode {
  readonly name: string;
  /** The ASL `Type`, also the prefix of its history events (`PassStateEntered`). */
  readonly type: string;
  /** Retryable states (Task, Parallel, Map) show `State.RetryCount` in the context object. */
  readonly retryable: boolean;
  /** Resolved after all states of the branch are compiled. */
  next?: StateNode;
  /** Links `Next`/`Default`/catcher targets; `lookup` throws InvalidDefinitionError for a missing state. */
  resolve(lookup: (name: string, field: string) => StateNode): void;
  execute(run: Run, scope: StateScope): Promise<Outcome>;
  /** Task, Parallel, Map: the parts `execute` combines, so TestState can run one attempt and judge Retry/Catch itself. */
  readonly parts?: RetryableParts;
}

export interface RetryableParts {
  readonly handling: ErrorHandling;
  /** One attempt, without Retry/Catch. */
  attempt(run: Run, scope: StateScope): Promise<Outcome>;
  /** The state's output processing and assignments applied to a result (a mocked one, in TestState). */
  complete(scope: StateScope, result: unknown): Promise<Outcome>;
}

export interface Branch {
  readonly start: StateNode;
  readonly states: ReadonlyMap<string, StateNode>;
}

export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly errorEquals: readonly string[];
  readonly flow: DataFlow;
  /** Resolved after all states of the branch are compiled. */
  next?: StateNode;
  readonly nextName: string;
}

export interface ErrorHandling {
  readonly retriers: readonly Retrier[];
  readonly catchers: readonly Catcher[];
}

export type { Evaluator };
