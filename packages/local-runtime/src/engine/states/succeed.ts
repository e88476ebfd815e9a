import type { StateNode } from '../model';
import type { RawObject } from '../query-language';
import { baseNode, type CompileContext, finish } from './common';

/** Succeed: ends its branch successfully; optional `Output`. */
export function compileSucceed(name: string, raw: RawObject, ctx: CompileContext): StateNode {
  const flow = ctx.language.stateFlow(raw, ctx.location);
  const node: StateNode = {
    ...baseNode(name, 'Succeed', raw),
    resolve() {},
    execute: (_run, scope) => finish(flow, scope, scope.input, undefined),
  };
  return node;
}
