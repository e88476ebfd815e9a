import type { ChoiceState } from '../asl';
import { ErrorNames, StatesError } from '../errors';
import type { StateNode } from '../model';
import type { DataFlow, Evaluator } from '../query-language';
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
export function compileChoice(name: string, state: ChoiceState, ctx: CompileContext): StateNode {
  const choices = state.Choices;
  if (!Array.isArray(choices) || choices.length === 0)
    throw invalid(`a Choice state needs a non-empty 'Choices' array`, ctx.location);
  const rules: Rule[] = choices.map((rule, i) => {
    const location = `${ctx.location}/Choices/${i}`;
    if (typeof rule.Next !== 'string') throw invalid(`a Choice rule needs 'Next'`, location);
    return {
      condition: ctx.language.condition(rule, location, state),
      flow: ctx.language.catcherFlow(rule, location, state),
      nextName: rule.Next,
    };
  });
  const defaultName = typeof state.Default === 'string' ? state.Default : undefined;
  let defaultNode: StateNode | undefined;
  const flow = ctx.language.stateFlow(state, ctx.location);
  const node: StateNode = {
    ...baseNode(name, state),
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
