import type { FailState } from '../asl';
import { FailStateError } from '../errors';
import type { StateNode } from '../model';
import { baseNode, type CompileContext } from './common';

/** Fail: `Error` and `Cause`, literals or expressions that must evaluate to strings. No exit event. */
export function compileFail(name: string, state: FailState, ctx: CompileContext): StateNode {
  const error = ctx.language.value(state, 'Error', ctx.location, 'string');
  const cause = ctx.language.value(state, 'Cause', ctx.location, 'string');
  const node: StateNode = {
    ...baseNode(name, state),
    resolve() {},
    async execute(_run, scope) {
      const errorValue = error ? ((await error(scope)) as string) : undefined;
      const causeValue = cause ? ((await cause(scope)) as string) : undefined;
      throw new FailStateError(errorValue !== undefined, errorValue ?? '', causeValue);
    },
  };
  return node;
}
