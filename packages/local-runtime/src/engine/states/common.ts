import type {
  AslCatcher,
  AslMachine,
  AslRetrier,
  AslState,
  MapState,
  ParallelState,
  TaskState,
} from '../asl';
import { InvalidDefinitionError } from '../errors';
import type { Branch, Catcher, ErrorHandling, Outcome, Retrier, StateNode, StateScope } from '../model';
import type { DataFlow, QueryLanguage } from '../query-language';
import { withRetryAndCatch } from '../retry-catch';
import type { Run } from '../run';
import type { IntegrationRegistry } from '../types';

/** What a state module gets to compile one state. */
export interface CompileContext {
  readonly language: QueryLanguage;
  /** `/States/<name>` (nested: `/States/P/Branches/0/States/<name>`). */
  readonly location: string;
  readonly integrations: IntegrationRegistry;
  /** Compiles a nested `{StartAt, States}` (Parallel branch, Map item processor) with its own variable scope. */
  compileBranch(machine: AslMachine, location: string): Branch;
}

export function invalid(
  message: string,
  location: string,
  code = 'SCHEMA_VALIDATION_FAILED',
): InvalidDefinitionError {
  return new InvalidDefinitionError(`${code}: ${message} at ${location}`, code, location, message);
}

/** Rejects the first of `fields` (field name -> why it is not supported) that the state sets. */
export function rejectUnsupported(state: AslState, fields: Record<string, string>, location: string): void {
  for (const [field, reason] of Object.entries(fields)) {
    if (field in state)
      throw invalid(`'${field}' is not supported: ${reason}`, `${location}/${field}`, 'UNSUPPORTED_FEATURE');
  }
}

/** The state's own output and assignments (no catcher involved); `fallback` is the default output. */
export async function finish(
  flow: DataFlow,
  scope: StateScope,
  fallback: unknown,
  next: StateNode | undefined,
): Promise<Outcome> {
  const output = flow.output ? await flow.output(scope) : fallback;
  const assigned = flow.assign ? await flow.assign(scope) : undefined;
  return { output, next, assigned };
}

/** The node fields every state shares: name, type, `Next` resolution. */
export function baseNode(name: string, state: AslState, retryable = false) {
  const nextName = 'Next' in state && typeof state.Next === 'string' ? state.Next : undefined;
  return {
    name,
    type: state.Type,
    retryable,
    next: undefined as StateNode | undefined,
    nextName,
  };
}

/** A Task, Parallel or Map node: `Next` and catcher targets resolved, each attempt under Retry/Catch. */
export function retryableNode(
  base: ReturnType<typeof baseNode>,
  handling: ReturnType<typeof compileErrorHandling>,
  flow: DataFlow,
  attempt: (run: Run, scope: StateScope) => Promise<Outcome>,
): StateNode {
  const node: StateNode = {
    ...base,
    resolve(lookup) {
      if (base.nextName !== undefined) node.next = lookup(base.nextName, 'Next');
      handling.resolve(lookup);
    },
    execute: (run, scope) => withRetryAndCatch(run, handling, scope, () => attempt(run, scope)),
    parts: {
      handling,
      attempt,
      complete(scope, result) {
        scope.result = result;
        return finish(flow, scope, result, node.next);
      },
    },
  };
  return node;
}

function numberField(
  retrier: AslRetrier,
  field: 'IntervalSeconds' | 'MaxAttempts' | 'BackoffRate' | 'MaxDelaySeconds',
  fallback: number,
  location: string,
  min: number,
): number {
  const value = retrier[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalid(`'${field}' must be a number >= ${min}, got ${JSON.stringify(retrier[field])}`, location);
  }
  return value;
}

function errorEquals(holder: AslRetrier | AslCatcher, location: string): readonly string[] {
  const names = holder.ErrorEquals;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) {
    throw invalid(
      `'ErrorEquals' must be a non-empty array of error names, got ${JSON.stringify(names)}`,
      location,
    );
  }
  return names;
}

/** `Retry` and `Catch` of a Task/Parallel/Map state, with AWS's defaults (1 s, 3 attempts, rate 2.0, no jitter). */
export function compileErrorHandling(
  state: TaskState | ParallelState | MapState,
  ctx: CompileContext,
): ErrorHandling & { resolve(lookup: (name: string, field: string) => StateNode): void } {
  const retriers: Retrier[] = (state.Retry ?? []).map((r, i) => {
    const location = `${ctx.location}/Retry/${i}`;
    const jitter = r.JitterStrategy ?? 'NONE';
    if (jitter !== 'FULL' && jitter !== 'NONE')
      throw invalid(`'JitterStrategy' must be FULL or NONE, got ${JSON.stringify(jitter)}`, location);
    return {
      errorEquals: errorEquals(r, location),
      intervalSeconds: numberField(r, 'IntervalSeconds', 1, location, 1),
      maxAttempts: numberField(r, 'MaxAttempts', 3, location, 0),
      backoffRate: numberField(r, 'BackoffRate', 2, location, 1),
      maxDelaySeconds:
        r.MaxDelaySeconds === undefined ? undefined : numberField(r, 'MaxDelaySeconds', 1, location, 1),
      jitter,
    };
  });
  const catchers: Catcher[] = (state.Catch ?? []).map((c, i) => {
    const location = `${ctx.location}/Catch/${i}`;
    if (typeof c.Next !== 'string') throw invalid(`a catcher needs 'Next'`, location);
    return {
      errorEquals: errorEquals(c, location),
      flow: ctx.language.catcherFlow(c, location, state),
      nextName: c.Next,
    };
  });
  return {
    retriers,
    catchers,
    resolve(lookup) {
      for (const catcher of catchers) catcher.next = lookup(catcher.nextName, 'Catch/Next');
    },
  };
}
