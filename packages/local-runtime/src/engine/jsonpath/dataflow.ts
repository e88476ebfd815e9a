import { InvalidJsonPathDefinitionError, json, ResultPathMatchFailure, RuntimeError } from '../errors';
import { type CompiledIntrinsic, compileIntrinsic } from './intrinsics';
import {
  type CompiledPath,
  compilePath,
  compileReferencePath,
  NOT_FOUND,
  normalizedPath,
  type Segment,
  type Variables,
} from './path';

/**
 * JSONPath input/output processing (ASL "Input and Output Processing"):
 * InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath.
 * Compile once per definition; the `apply*` functions are then cheap and never mutate
 * their arguments (results may share unchanged sub-trees with them).
 */

/** A compiled InputPath or OutputPath: `null` in the definition means "{}", absent means "$". */
export type CompiledFilterPath = CompiledPath | null | undefined;

/** Compiles InputPath / OutputPath / ItemsPath. */
export function compileFilterPath(text: unknown, field: string): CompiledFilterPath {
  if (text === undefined || text === null) return text;
  if (typeof text !== 'string') {
    throw new InvalidJsonPathDefinitionError(
      `'${field}' must be a JSONPath string or null, got ${json(text)}`,
    );
  }
  return compileReferencePath(text, field);
}

function applyFilterPath(
  path: CompiledFilterPath,
  value: unknown,
  context: unknown,
  variables: Variables | undefined,
): unknown {
  if (path === undefined) return value;
  if (path === null) return {};
  const selected = path.select(value, context, variables);
  if (selected === NOT_FOUND) {
    throw new RuntimeError(`Invalid path '${path.text}' : No results for path: ${normalizedPath(path)}`);
  }
  return selected;
}

/** InputPath: selects the part of the raw state input the state works on. A miss is `States.Runtime`. */
export function applyInputPath(
  path: CompiledFilterPath,
  input: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return applyFilterPath(path, input, context, variables);
}

/** OutputPath: selects the state output from the value ResultPath produced. A miss is `States.Runtime`. */
export function applyOutputPath(
  path: CompiledFilterPath,
  output: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return applyFilterPath(path, output, context, variables);
}

/** A compiled ResultPath: `null` discards the result, absent means "$" (the result replaces the input). */
export type CompiledResultPath = { readonly text: string; readonly segments: readonly Segment[] } | null;

export function compileResultPath(text: unknown): CompiledResultPath {
  if (text === undefined) return { text: '$', segments: [] };
  if (text === null) return null;
  if (typeof text !== 'string') {
    throw new InvalidJsonPathDefinitionError(
      `'ResultPath' must be a JSONPath string or null, got ${json(text)}`,
    );
  }
  const path = compileReferencePath(text, 'ResultPath');
  if (path.root !== 'input') {
    throw new InvalidJsonPathDefinitionError(
      `'ResultPath' must point into the state input ('$' or '$.field'), got '${text}'`,
    );
  }
  return { text, segments: path.segments ?? [] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * ResultPath: places the result inside the state input. Missing objects on the way are
 * created; an existing non-object on the way (or an index past an array's end) is
 * `States.ResultPathMatchFailure`. Only the objects along the path are copied.
 */
export function applyResultPath(input: unknown, result: unknown, path: CompiledResultPath): unknown {
  if (path === null) return input;
  if (path.segments.length === 0) return result;
  const fail = (where: string, found: unknown): never => {
    throw new ResultPathMatchFailure(
      `Unable to apply ResultPath '${path.text}' to input '${json(input)}': ${where} is ${typeName(found)}, where an object is needed`,
    );
  };
  const place = (container: unknown, depth: number, where: string): unknown => {
    const segment = path.segments[depth] as Segment;
    const last = depth === path.segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(container) || segment >= container.length) fail(where, container);
      const copy = (container as unknown[]).slice();
      copy[segment] = last ? result : place(copy[segment], depth + 1, `${where}[${segment}]`);
      return copy;
    }
    if (container === undefined) container = {};
    if (!isPlainObject(container)) return fail(where, container);
    const copy: Record<string, unknown> = { ...container };
    copy[segment] = last ? result : place(container[segment], depth + 1, `${where}.${segment}`);
    return copy;
  };
  return place(input, 0, '$');
}

/**
 * A compiled payload template (Parameters, ResultSelector, ItemSelector): `.$` keys become
 * paths or intrinsic calls, everything else is copied as written.
 */
export type CompiledTemplate = (
  input: unknown,
  context: unknown,
  variables: Variables | undefined,
) => unknown;

function hasDynamicKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDynamicKey);
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((k) => k.endsWith('.$') || hasDynamicKey(value[k]));
}

function compileBinding(key: string, expression: unknown, field: string): CompiledTemplate {
  const where = `${field}/${key}`;
  if (typeof expression !== 'string') {
    throw new InvalidJsonPathDefinitionError(
      `the value of '${where}' must be a JSONPath or an intrinsic function call (a string), got ${json(expression)}`,
    );
  }
  if (expression.startsWith('States.')) {
    const call: CompiledIntrinsic = compileIntrinsic(expression, where);
    return (input, context, variables) => call.evaluate(input, context, variables);
  }
  if (!expression.startsWith('$')) {
    throw new InvalidJsonPathDefinitionError(
      `the value of '${where}' must be a JSONPath ('$.field', '$$.Execution.Id', '$variable') or an intrinsic function call ('States.Format(...)'), got '${expression}'`,
    );
  }
  const path = compilePath(expression);
  return (input, context, variables) => {
    const selected = path.select(input, context, variables);
    if (selected === NOT_FOUND) {
      const scope = path.root === 'context' ? context : path.root === 'variable' ? variables : input;
      throw new RuntimeError(
        `The JSONPath '${path.text}' specified for the field '${key}' could not be found in the input '${json(scope)}'`,
      );
    }
    return selected;
  };
}

function compileNode(value: unknown, field: string): CompiledTemplate {
  if (!hasDynamicKey(value)) return () => value;
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileNode(item, `${field}[${i}]`));
    return (input, context, variables) => items.map((item) => item(input, context, variables));
  }
  const record = value as Record<string, unknown>;
  const entries: Array<readonly [string, CompiledTemplate]> = [];
  const seen = new Set<string>();
  for (const key of Object.keys(record)) {
    const dynamic = key.endsWith('.$');
    const name = dynamic ? key.slice(0, -2) : key;
    if (seen.has(name)) {
      throw new InvalidJsonPathDefinitionError(
        `'${field}' sets the field '${name}' twice (as '${name}' and '${name}.$'); keep one`,
      );
    }
    seen.add(name);
    const child = dynamic
      ? compileBinding(key, record[key], field)
      : compileNode(record[key], `${field}/${key}`);
    entries.push([name, child]);
  }
  return (input, context, variables) => {
    const out: Record<string, unknown> = {};
    for (const [name, child] of entries) out[name] = child(input, context, variables);
    return out;
  };
}

/** Compiles a Parameters / ResultSelector / ItemSelector template; `field` names it in errors. */
export function compileTemplate(template: unknown, field = 'Parameters'): CompiledTemplate {
  return compileNode(template, field);
}

/** Parameters: builds the effective input from the InputPath result; absent → input unchanged. */
export function applyParameters(
  template: CompiledTemplate | undefined,
  input: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return template === undefined ? input : template(input, context, variables);
}

/** ResultSelector: reshapes a Task/Map/Parallel result before ResultPath; `$` is the result. */
export function applyResultSelector(
  template: CompiledTemplate | undefined,
  result: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return template === undefined ? result : template(result, context, variables);
}
