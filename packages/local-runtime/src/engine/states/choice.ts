import { ErrorNames, StatesError } from '../errors';
import type { StateNode } from '../model';
import type { DataFlow, Evaluator, RawObject } from '../query-language';
import { baseNode, type CompileContext, finish, invalid } from './common';

interface Rule {
  readonly condition: Evaluator<boolean>;
  readonly flow: DataFlow;
  readonly nextName: string;
  next?: StateNode;
}

/**
 * Choice: the first rule whose `Condition` is true wins, and only its `Output`/`Assign` apply; with no
 * match, the state's own `Output`/`Assign` apply on the way to `Default`, or `States.NoChoiceMatched`.
 */
export function compileChoice(name: string, raw: RawObject, ctx: CompileContext): StateNode {
  const choices = raw.Choices;
  if (!Array.isArray(choices) || choices.length === 0)
    throw invalid(`a Choice state needs a non-empty 'Choices' array`, ctx.location);
  const rules: Rule[] = (choices as RawObject[]).map((rule, i) => {
    const location = `${ctx.location}/Choices/${i}`;
    if (typeof rule.Next !== 'string') throw invalid(`a Choice rule needs 'Next'`, location);
    return {
      condition: ctx.language.condition(rule, location, raw),
      flow: ctx.language.catcherFlow(rule, location, raw),
      nextName: rule.Next,
    };
  });
  const defaultName = typeof raw.Default === 'string' ? raw.Default : undefined;
  let defaultNode: StateNode | undefined;
  const flow = ctx.language.stateFlow(raw, ctx.location);
  const node: StateNode = {
    ...baseNode(name, 'Choice', raw),
    resolve(lookup) {
      for (const rule of rules) rule.next = lookup(rule.nextName, 'Next');
      if (defaultName !== undefined) defaultNode = lookup(defaultName, 'Default');
    },
    async execute(_run, scope) {
      for (const rule of rules) {
        if (await rule.condition(scope)) return finish(rule.flow, scope, scope.input, rule.next);
      }
      if (defaultNode === undefined) {
        throw new StatesError(
          ErrorNames.noChoiceMatched,
          `No Choice rule matched and no Default is set in state '${name}'.`,
        );
      }
      return finish(flow, scope, scope.input, defaultNode);
    },
  };
  return node;
}
