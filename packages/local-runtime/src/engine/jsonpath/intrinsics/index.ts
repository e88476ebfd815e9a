import { InvalidJsonPathDefinitionError, json, RuntimeError } from '../../errors';
import { NOT_FOUND, type Variables } from '../path';
import { FUNCTIONS, failure, Problem } from './functions';
import { type IntrinsicNode, parseIntrinsic } from './parser';

export { FUNCTIONS, formatValue, javaRandomNextInt, jsonEquals } from './functions';
export { type IntrinsicNode, MAX_NESTING, parseIntrinsic } from './parser';

/** An intrinsic call parsed and checked once; `evaluate` runs it against one state's data. */
export interface CompiledIntrinsic {
  readonly text: string;
  evaluate(input: unknown, context: unknown, variables: Variables | undefined): unknown;
}

type Evaluator = (input: unknown, context: unknown, variables: Variables | undefined) => unknown;

function compileNode(node: IntrinsicNode, field: string, outerText: string): Evaluator {
  if (node.kind === 'literal') {
    const value = node.value;
    return () => value;
  }
  if (node.kind === 'path') {
    const path = node.path;
    return (input, context, variables) => {
      const selected = path.select(input, context, variables);
      if (selected === NOT_FOUND) {
        const scope = path.root === 'context' ? context : path.root === 'variable' ? variables : input;
        throw new RuntimeError(
          `The function '${outerText}' had the following error: The JsonPath argument for the field '${path.text}' could not be found in the input '${json(scope)}'`,
        );
      }
      return selected;
    };
  }
  const fn = FUNCTIONS[node.name];
  if (!fn) {
    throw new InvalidJsonPathDefinitionError(
      `'${field}' calls the unknown intrinsic function '${node.name}'; known functions: ${Object.keys(FUNCTIONS).join(', ')}`,
    );
  }
  const count = node.args.length;
  if (count < fn.arity.min || count > fn.arity.max) {
    const expected =
      fn.arity.max === Number.POSITIVE_INFINITY
        ? `at least ${fn.arity.min}`
        : fn.arity.min === fn.arity.max
          ? `${fn.arity.min}`
          : `${fn.arity.min} to ${fn.arity.max}`;
    throw new InvalidJsonPathDefinitionError(
      `'${field}': ${node.name} takes ${expected} argument(s), got ${count} in '${node.text}'`,
    );
  }
  const first = node.args[0];
  if (node.name === 'States.Format' && first?.kind === 'literal' && typeof first.value !== 'string') {
    throw new InvalidJsonPathDefinitionError(
      `'${field}': the first argument of States.Format must be a string template, got ${json(first.value)}`,
    );
  }
  const rawTemplate = node.name === 'States.Format' && first?.kind === 'literal' ? first.raw : undefined;
  const args = node.args.map((arg) => compileNode(arg, field, node.text));
  const text = node.text;
  return (input, context, variables) => {
    const values = args.map((arg) => arg(input, context, variables));
    try {
      return fn.apply(values, rawTemplate);
    } catch (error) {
      if (error instanceof Problem) throw failure(text, error.message);
      throw error;
    }
  };
}

/**
 * Parses and checks an intrinsic call (`States.Xxx(...)`) at definition load: syntax, known
 * function names, argument counts and the 10-level nesting limit. Type checks on argument
 * values happen at run time and fail with `States.IntrinsicFailure`.
 */
export function compileIntrinsic(text: string, field = 'Parameters'): CompiledIntrinsic {
  const evaluator = compileNode(parseIntrinsic(text, field), field, text);
  return { text, evaluate: evaluator };
}

/** Parses and evaluates in one go; prefer compileIntrinsic when the call is evaluated more than once. */
export function evaluateIntrinsic(
  text: string,
  input: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return compileIntrinsic(text).evaluate(input, context, variables);
}
