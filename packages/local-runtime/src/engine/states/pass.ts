import type { PassState } from '../asl';
import type { StateNode } from '../model';
import { baseNode, type CompileContext, finish } from './common';

/** Pass: optional `Output` (default: the input) and `Assign`. */
export function compilePass(name: string, state: PassState, ctx: CompileContext): StateNode {
  const flow = ctx.language.stateFlow(state, ctx.location);
  const base = baseNode(name, state);
  const node: StateNode = {
    ...base,
    resolve(lookup) {
      if (base.nextName !== undefined) node.next = lookup(base.nextName, 'Next');
    },
    async execute(_run, scope) {
      if (flow.output === undefined && flow.assign === undefined)
        return { output: scope.input, next: node.next };
      return finish(flow, scope, scope.input, node.next);
    },
  };
  return node;
}
