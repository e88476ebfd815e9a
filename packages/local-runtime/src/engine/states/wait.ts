import type { WaitState } from '../asl';
import type { StateNode } from '../model';
import { baseNode, type CompileContext, finish, invalid } from './common';

/** Wait: `Seconds` or `Timestamp` (literals or expressions); the pause is multiplied by the run's time scale. */
export function compileWait(name: string, state: WaitState, ctx: CompileContext): StateNode {
  const seconds = ctx.language.value(state, 'Seconds', ctx.location, 'nonNegativeInteger');
  const timestamp = ctx.language.value(state, 'Timestamp', ctx.location, 'timestamp');
  if (seconds === undefined && timestamp === undefined)
    throw invalid(`a Wait state needs 'Seconds' or 'Timestamp'`, ctx.location);
  const flow = ctx.language.stateFlow(state, ctx.location);
  const base = baseNode(name, state);
  const node: StateNode = {
    ...base,
    resolve(lookup) {
      if (base.nextName !== undefined) node.next = lookup(base.nextName, 'Next');
    },
    async execute(run, scope) {
      let ms: number;
      if (seconds !== undefined) ms = ((await seconds(scope)) as number) * 1000;
      else ms = ((await timestamp?.(scope)) as number) - Date.now();
      await run.sleep(ms * run.timeScale, scope.signal);
      return finish(flow, scope, scope.input, node.next);
    },
  };
  return node;
}
