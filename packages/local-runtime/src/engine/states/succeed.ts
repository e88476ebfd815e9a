import type { SucceedState } from '../asl';
import type { StateNode } from '../model';
import { baseNode, type CompileContext, finish } from './common';

/** Succeed: ends its branch successfully; optional `Output`. */
export function compileSucceed(name: string, state: SucceedState, ctx: CompileContext): StateNode {
  const flow = ctx.language.stateFlow(state, ctx.location);
  const node: StateNode = {
    ...baseNode(name, state),
    resolve() {},
    execute: (_run, scope) => finish(flow, scope, scope.input, undefined),
  };
  return node;
}
