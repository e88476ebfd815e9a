import type { StateNode } from '../model';
import type { RawObject } from '../query-language';
import { baseNode, type CompileContext, finish, invalid } from './common';

/** Wait: `Seconds` or `Timestamp` (literals or expressions); the pause is multiplied by the run's time scale. */
export function compileWait(name: string, raw: RawObject, ctx: CompileContext): StateNode {
  const seconds = ctx.language.value(raw, 'Seconds', ctx.location, 'nonNegativeInteger');
  const timestamp = ctx.language.value(raw, 'Timestamp', ctx.location, 'timestamp');
  if (seconds === undefined && timestamp === undefined)
    throw invalid(`a Wait state needs 'Seconds' or 'Timestamp'`, ctx.location);
  const flow = ctx.language.stateFlow(raw, ctx.location);
  const base = baseNode(name, 'Wait', raw);
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
