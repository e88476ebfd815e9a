/**
 * The contract between the local Step Functions engine and everything around it
 * (integrations, the HTTP endpoint, the CLI, tests). Kept small on purpose: the
 * engine owns states, data flow, Retry/Catch and the history; an integration only
 * turns evaluated parameters into a result or a named error (a StatesError: the
 * engine's errors are in errors.ts).
 */

/** What the engine hands an integration for one task attempt. */
export interface TaskCall {
  /** The resource ARN exactly as written in the definition. */
  readonly resource: string;
  /** The evaluated `Arguments` (JSONata) or `Parameters` (JSONPath). */
  readonly parameters: unknown;
  /** Aborted when the task times out or the execution is stopped. */
  readonly signal: AbortSignal;
  readonly executionArn: string;
  readonly stateName: string;
}

export interface Integration {
  /** `resourceType` in TaskScheduled/Started/Succeeded/Failed details, e.g. `dynamodb`, `lambda`. */
  readonly resourceType: string;
  /** `resource` in those details, e.g. `putItem`, `invoke`. */
  readonly resource: string;
  /**
   * Which history family the task produces: optimized integrations use `Task*` events,
   * the legacy Lambda ARN form uses `LambdaFunction*` events.
   */
  readonly events?: 'task' | 'lambdaFunction';
  /**
   * `waitForTaskToken`: the call only submits the request (TaskSubmitted); the task then waits for
   * SendTaskSuccess/SendTaskFailure with the token of `$states.context.Task.Token` / `$$.Task.Token`.
   */
  readonly pattern?: 'waitForTaskToken';
  /** Resolves with the task result, or rejects with a StatesError carrying AWS's error name and cause. */
  invoke(call: TaskCall): Promise<unknown>;
}

/** Resolves a Task `Resource` to an integration; undefined means "not supported" (rejected at create time). */
export interface IntegrationRegistry {
  resolve(resource: string): Integration | undefined;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * One history event in the shape of the Step Functions API (`HistoryEvent`):
 * `timestamp`, `type`, `id`, `previousEventId` and exactly one `*EventDetails` member
 * (e.g. `stateEnteredEventDetails`), whose `input`/`output`/`parameters` are JSON strings.
 */
export interface HistoryEvent {
  readonly timestamp: Date;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [details: string]: unknown;
}
