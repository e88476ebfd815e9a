import { randomBytes } from 'node:crypto';
import { StatesError } from './errors';

/** Why SendTask* cannot reach a task: the Step Functions API turns each into its error of the same name. */
export type TaskTokenProblem = 'InvalidToken' | 'TaskDoesNotExist' | 'TaskTimedOut';

/** How a waiting callback task ended, from the outside (SendTaskSuccess / SendTaskFailure). */
export type Settle = { readonly output: unknown } | { readonly error: StatesError };

/** An issued token's task. A callback can come before the task waits (the function it invoked may answer at once): it is kept until then. */
interface OpenTask {
  readonly executionArn: string;
  readonly stateName: string;
  early?: Settle;
  onSettle?: (outcome: Settle) => void;
  onHeartbeat?: () => void;
}

/** Closed tokens remembered, so that a late SendTask* answers TaskTimedOut rather than TaskDoesNotExist. */
const REMEMBERED_CLOSED = 10_000;

/** Tokens are 88 base64 characters (64 random bytes): the shape, not the length, of AWS's opaque tokens. */
const TOKEN = /^[A-Za-z0-9+/]{86}==$/;

/**
 * The task tokens of `.waitForTaskToken` tasks: issued when a callback task starts, settled by
 * SendTaskSuccess / SendTaskFailure, kept alive by SendTaskHeartbeat, closed when the task ends
 * any other way (timeout, heartbeat timeout, execution stopped).
 */
export class TaskTokens {
  private readonly waiting = new Map<string, OpenTask>();
  private readonly closed = new Set<string>();

  /** A new token for one attempt of a callback task, open until `close`. */
  issue(context: { readonly executionArn: string; readonly stateName: string }): string {
    const token = randomBytes(64).toString('base64');
    this.waiting.set(token, { ...context });
    return token;
  }

  /** The task waits now: `onSettle` gets the callback (at once if it came already). */
  listen(token: string, onSettle: (outcome: Settle) => void, onHeartbeat: () => void): void {
    const open = this.waiting.get(token);
    if (!open) return;
    open.onHeartbeat = onHeartbeat;
    if (open.early) onSettle(open.early);
    else open.onSettle = onSettle;
  }

  /** The task ended (settled, timed out, aborted): later calls with its token answer TaskTimedOut. */
  close(token: string): void {
    if (!this.waiting.delete(token)) return;
    this.closed.add(token);
    if (this.closed.size > REMEMBERED_CLOSED) {
      const oldest = this.closed.values().next().value as string;
      this.closed.delete(oldest);
    }
  }

  /** Who waits on `token`, or why nobody does. */
  private find(token: string): OpenTask | TaskTokenProblem {
    const waiting = this.waiting.get(token);
    if (waiting) return waiting;
    if (this.closed.has(token)) return 'TaskTimedOut';
    return TOKEN.test(token) ? 'TaskDoesNotExist' : 'InvalidToken';
  }

  succeed(token: string, output: unknown): TaskTokenProblem | undefined {
    const found = this.find(token);
    if (typeof found === 'string') return found;
    settle(found, { output });
    return undefined;
  }

  fail(token: string, error: string | undefined, cause: string | undefined): TaskTokenProblem | undefined {
    const found = this.find(token);
    if (typeof found === 'string') return found;
    // SendTaskFailure without an error records no error name; the state fails with an empty one.
    settle(found, { error: new StatesError(error ?? '', cause) });
    return undefined;
  }

  heartbeat(token: string): TaskTokenProblem | undefined {
    const found = this.find(token);
    if (typeof found === 'string') return found;
    found.onHeartbeat?.();
    return undefined;
  }

  /** Tasks waiting for a callback now (for tests and the console). */
  get pending(): number {
    return this.waiting.size;
  }
}

function settle(open: OpenTask, outcome: Settle): void {
  if (open.onSettle) open.onSettle(outcome);
  else open.early ??= outcome;
}

/** The registry of executions started without one of their own (engine used directly, tests). */
export const defaultTaskTokens = new TaskTokens();
