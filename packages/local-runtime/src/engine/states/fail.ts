import { FailStateError } from '../errors';
import type { StateNode } from '../model';
import type { RawObject } from '../query-language';
import { baseNode, type CompileContext } from './common';

/** Fail: `Error` and `Cause`, literals or expressions that must evaluate to strings. No exit event. */
export function compileFail(name: string, raw: RawObject, ctx: CompileContext): StateNode {
  const error = ctx.language.value(raw, 'Error', ctx.location, 'string');
  const cause = ctx.language.value(raw, 'Cause', ctx.location, 'string');
  const node: StateNode = {
    ...baseNode(name, 'Fail', raw),
    resolve() {},
    async execute(_run, scope) {
      const errorValue = error ? ((await error(scope)) as string) : undefined;
      const causeValue = cause ? ((await cause(scope)) as string) : undefined;
      throw new FailStateError(errorValue !== undefined, errorValue ?? '', causeValue);
    },
  };
  return node;
}
