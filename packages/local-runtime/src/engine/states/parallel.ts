import type { ParallelState } from '../asl';
import { ExecutionInterrupted } from '../errors';
import type { Branch, ChildResults, Outcome, StateNode, StateScope } from '../model';
import type { DataFlow } from '../query-language';

import type { Run } from '../run';
import {
  baseNode,
  type CompileContext,
  compileErrorHandling,
  finish,
  invalid,
  retryableNode,
} from './common';

/**
 * Runs `count` units of work with at most `limit` at a time (0 = no limit). The first failure aborts the
 * others through `controller` and is rethrown once all have settled.
 */
async function runAll<T>(
  count: number,
  limit: number,
  controller: AbortController,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let failure: unknown;
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count && failure === undefined) {
      const index = nextIndex++;
      try {
        results[index] = await work(index);
      } catch (error) {
        if (failure === undefined && !(error instanceof ExecutionInterrupted && controller.signal.aborted)) {
          failure = error;
          controller.abort();
        }
      }
    }
  };
  const workers = Math.max(1, limit > 0 ? Math.min(limit, count) : count);
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

/** A child abort controller that follows the branch's signal. */
function childController(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
}

/**
 * The common end of a Parallel or Map attempt: runs its `count` children (branches, iterations) as
 * `runAll` does, under a signal that also follows the state's own, records `<Type>StateFailed` or
 * `<Type>StateSucceeded`, and applies the state's output and assignments to the array of child outputs.
 * Which children succeeded is kept on the branch's cursor as they finish: a redrive of the execution
 * reruns only the others (AWS: "redrives only the iterations and branches that failed or aborted"), and
 * its first attempt takes the kept outputs instead of running those children again.
 */
export async function runChildren(
  run: Run,
  scope: StateScope,
  node: StateNode,
  flow: DataFlow,
  count: number,
  limit: number,
  child: (index: number, signal: AbortSignal) => Promise<unknown>,
): Promise<Outcome> {
  const history = run.history;
  const controller = childController(scope.signal);
  const kept = run.takeKeptChildren(node, count);
  const results: ChildResults = { outputs: new Array(count), succeeded: new Array(count).fill(false) };
  const entered = scope.cursor.entered;
  if (entered?.node === node) scope.cursor.entered = { ...entered, children: results };
  let outputs: unknown[];
  try {
    outputs = await runAll(count, limit, controller, async (index) => {
      const output = kept?.succeeded[index] ? kept.outputs[index] : await child(index, controller.signal);
      results.outputs[index] = output;
      results.succeeded[index] = true;
      return output;
    });
  } catch (error) {
    if (scope.signal.aborted) throw new ExecutionInterrupted();
    scope.cursor.last = history.add(`${node.type}StateFailed`, history.last);
    throw error;
  }
  scope.cursor.last = history.add(`${node.type}StateSucceeded`, history.last);
  scope.result = outputs;
  return finish(flow, scope, outputs, node.next);
}

/** Parallel: every branch gets the effective input and its own variable scope; the result is the array of branch outputs. */
export function compileParallel(name: string, state: ParallelState, ctx: CompileContext): StateNode {
  const machines = state.Branches;
  if (!Array.isArray(machines) || machines.length === 0)
    throw invalid(`a Parallel state needs a non-empty 'Branches' array`, ctx.location);
  const branches: Branch[] = machines.map((b, i) => ctx.compileBranch(b, `${ctx.location}/Branches/${i}`));
  const flow = ctx.language.stateFlow(state, ctx.location);
  const handling = compileErrorHandling(state, ctx);
  const base = baseNode(name, state, true);

  async function attempt(run: Run, scope: StateScope) {
    const input = flow.effectiveInput ? await flow.effectiveInput(scope) : scope.input;
    const inputJson = JSON.stringify(input) ?? 'null';
    const history = run.history;
    const started = history.add('ParallelStateStarted', scope.cursor.last);
    scope.cursor.last = started;
    return runChildren(run, scope, node, flow, branches.length, 0, async (index, signal) => {
      const branch = branches[index] as Branch;
      const vars = Object.create(scope.vars) as Record<string, unknown>;
      return (await run.runBranch(branch, input, inputJson, vars, { last: started }, signal)).output;
    });
  }

  const node = retryableNode(base, handling, flow, attempt);
  return node;
}
