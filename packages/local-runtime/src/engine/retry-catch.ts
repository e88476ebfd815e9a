import { ErrorNames, ExecutionInterrupted, QueryEvaluationError, StatesError, TerminalError } from './errors';
import type { ErrorHandling, Outcome, Retrier, StateScope } from './model';
import type { Run } from './run';

/**
 * ASL error-name matching: `States.ALL` matches everything except `States.Runtime`; `States.TaskFailed`
 * matches everything except `States.Timeout` (and `States.Runtime`, which nothing catches).
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === ErrorNames.runtime) return false;
  for (const name of errorEquals) {
    if (name === error || name === ErrorNames.all) return true;
    if (name === ErrorNames.taskFailed && error !== ErrorNames.timeout) return true;
  }
  return false;
}

/** The pause before retry number `attempt` (0-based) of a retrier, in seconds, before time scaling. */
export function retryDelaySeconds(
  retrier: Retrier,
  attempt: number,
  random: () => number = Math.random,
): number {
  let delay = retrier.intervalSeconds * retrier.backoffRate ** attempt;
  if (retrier.maxDelaySeconds !== undefined) delay = Math.min(delay, retrier.maxDelaySeconds);
  return retrier.jitter === 'FULL' ? random() * delay : delay;
}

export function toStatesError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StatesError(ErrorNames.taskFailed, message);
}

/**
 * Runs one attempt of a Task/Parallel/Map state after another as its retriers allow, then hands the
 * error to the first matching catcher. Each retrier counts its own attempts for this state visit;
 * a retrier that is exhausted ends retrying even if a later one would match (ASL "Retrying after error").
 */
export async function withRetryAndCatch(
  run: Run,
  handling: ErrorHandling,
  scope: StateScope,
  attempt: () => Promise<Outcome>,
): Promise<Outcome> {
  const attempts = handling.retriers.length > 0 ? new Array<number>(handling.retriers.length).fill(0) : [];
  let retryCount = 0;
  for (;;) {
    let failure: StatesError;
    try {
      return await attempt();
    } catch (error) {
      if (
        error instanceof ExecutionInterrupted ||
        error instanceof TerminalError ||
        !(error instanceof StatesError)
      ) {
        throw error;
      }
      failure = error;
    }
    if (failure instanceof QueryEvaluationError) run.recordEvaluationFailed(scope, failure);
    const index = handling.retriers.findIndex((retrier) => errorMatches(retrier.errorEquals, failure.error));
    const retrier = handling.retriers[index];
    if (retrier !== undefined && (attempts[index] ?? 0) < retrier.maxAttempts) {
      const delay = retryDelaySeconds(retrier, attempts[index] ?? 0);
      attempts[index] = (attempts[index] ?? 0) + 1;
      retryCount++;
      run.stateTransitions++;
      await run.sleep(delay * 1000 * run.timeScale, scope.signal);
      scope.context = { ...scope.context, State: { ...scope.context.State, RetryCount: retryCount } };
      continue;
    }
    const catcher = handling.catchers.find((c) => errorMatches(c.errorEquals, failure.error));
    if (catcher === undefined) throw failure;
    const errorOutput = { Error: failure.error, Cause: failure.cause ?? '' };
    scope.errorOutput = errorOutput;
    scope.result = undefined;
    const output = catcher.flow.output ? await catcher.flow.output(scope) : errorOutput;
    const assigned = catcher.flow.assign ? await catcher.flow.assign(scope) : undefined;
    return { output, next: catcher.next, assigned };
  }
}
