import { JSONPath } from 'jsonpath-plus';
import { InvalidJsonPathDefinitionError, RuntimeError } from '../errors';

/** State machine variables visible to a state, by name (values as of state entry). */
export type Variables = Readonly<Record<string, unknown>>;

/** Returned by `CompiledPath.select` when a reference path matches no node. */
export const NOT_FOUND: unique symbol = Symbol('NOT_FOUND');
export type Selection = unknown | typeof NOT_FOUND;

/** One step of a reference path: a member name or an array index. */
export type Segment = string | number;

/**
 * A JSONPath compiled once at definition load.
 *
 * - `root`: what the leading `$` refers to: the state input (`$`), the context object (`$$`)
 *   or a variable (`$name`).
 * - `segments`: set when the path is a reference path (member names and array indexes only),
 *   which AWS requires for InputPath/OutputPath/ResultPath/`*Path`/Variable: such a path
 *   selects at most one node.
 * - otherwise the path uses wildcards, filters, slices, unions or deep scan; it is evaluated
 *   by jsonpath-plus and always yields an array of matches (Jayway semantics, which AWS runs).
 */
export interface CompiledPath {
  readonly text: string;
  readonly root: 'input' | 'context' | 'variable';
  readonly variable?: string;
  readonly segments?: readonly Segment[];
  /** The value the path selects, or NOT_FOUND when a reference path matches nothing. */
  select(input: unknown, context: unknown, variables: Variables | undefined): Selection;
}

const VARIABLE_NAME = /^\$([\p{ID_Start}_][\p{ID_Continue}]*)/u;
const DOT_NAME = /^\.([^.[\]*'"()?,:@\s]+)/;
const INDEX = /^\[(\d+)\]/;
const EXISTENCE_FILTER = /\[\?\(\s*(@(?:\.[A-Za-z_$][\w$]*|\['[^']*'\])+)\s*\)\]/g;

/** Parses a reference path body (the text after its root) into segments, or undefined when it is not one. */
function parseReferenceBody(body: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let rest = body;
  while (rest.length > 0) {
    if (rest.startsWith('..')) return undefined;
    const dot = DOT_NAME.exec(rest);
    if (dot) {
      segments.push(dot[1] as string);
      rest = rest.slice(dot[0].length);
      continue;
    }
    const index = INDEX.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = parseQuotedMember(rest);
    if (!quoted) return undefined;
    segments.push(quoted.name);
    rest = rest.slice(quoted.length);
  }
  return segments;
}

/** `['name']` or `["name"]`, with `\` escaping the quote or a backslash. */
function parseQuotedMember(text: string): { name: string; length: number } | undefined {
  const quote = text[1];
  if (text[0] !== '[' || (quote !== "'" && quote !== '"')) return undefined;
  let name = '';
  for (let i = 2; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      name += text[i + 1];
      i++;
    } else if (c === quote) {
      if (text[i + 1] !== ']') return undefined;
      return { name, length: i + 2 };
    } else {
      name += c;
    }
  }
  return undefined;
}

function splitRoot(
  text: string,
): { root: CompiledPath['root']; variable?: string; body: string } | undefined {
  if (text.startsWith('$$')) return { root: 'context', body: text.slice(2) };
  const variable = VARIABLE_NAME.exec(text);
  if (variable)
    return { root: 'variable', variable: variable[1] as string, body: text.slice(variable[0].length) };
  if (text.startsWith('$')) return { root: 'input', body: text.slice(1) };
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows reference-path segments; a member only matches an object's own key, an index only an array element. */
export function walk(value: unknown, segments: readonly Segment[]): Selection {
  let current = value;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return NOT_FOUND;
      current = current[segment];
    } else {
      if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return NOT_FOUND;
      current = current[segment];
    }
  }
  return current;
}

function rootValue(
  path: CompiledPath,
  input: unknown,
  context: unknown,
  variables: Variables | undefined,
): Selection {
  if (path.root === 'input') return input;
  if (path.root === 'context') return context;
  // Inner scopes (Map iterations, Parallel branches) see outer variables through the prototype chain.
  const name = path.variable as string;
  for (
    let scope: object | null = variables ?? null;
    scope !== null && scope !== Object.prototype;
    scope = Object.getPrototypeOf(scope)
  ) {
    if (Object.hasOwn(scope, name)) return (scope as Variables)[name];
  }
  return NOT_FOUND;
}

/**
 * Compiles any JSONPath AWS accepts where a path is expected: `$…`, `$$…`, `$name…`.
 * Throws InvalidJsonPathDefinitionError when the text is not a path.
 */
export function compilePath(text: string): CompiledPath {
  const split = splitRoot(text);
  if (!split) {
    throw new InvalidJsonPathDefinitionError(
      `'${text}' is not a JSONPath: it must start with '$' (input), '$$' (context object) or '$name' (a variable)`,
    );
  }
  if (split.body !== '' && !split.body.startsWith('.') && !split.body.startsWith('[')) {
    throw new InvalidJsonPathDefinitionError(
      `'${text}' is not a valid JSONPath: after '${text.slice(0, text.length - split.body.length)}' expect '.name' or '[...]'`,
    );
  }
  const segments = parseReferenceBody(split.body);
  if (segments) {
    const path: CompiledPath = {
      text,
      root: split.root,
      variable: split.variable,
      segments,
      select(input, context, variables) {
        const start = rootValue(path, input, context, variables);
        return start === NOT_FOUND ? NOT_FOUND : walk(start, segments);
      },
    };
    return path;
  }
  // Jayway (which AWS runs) reads a bare member in a filter as "exists"; jsonpath-plus as "truthy".
  const libraryPath = `$${split.body}`.replace(EXISTENCE_FILTER, '[?($1 !== undefined)]');
  try {
    JSONPath.toPathArray(libraryPath);
  } catch (error) {
    throw new InvalidJsonPathDefinitionError(
      `'${text}' is not a valid JSONPath: ${(error as Error).message}`,
    );
  }
  if (/[()]/.test(split.body) && !/\[\?\(/.test(split.body)) {
    throw new InvalidJsonPathDefinitionError(
      `'${text}' uses a script expression or function call, which Step Functions does not support; use a filter '[?(...)]'`,
    );
  }
  const path: CompiledPath = {
    text,
    root: split.root,
    variable: split.variable,
    select(input, context, variables) {
      const start = rootValue(path, input, context, variables);
      if (start === NOT_FOUND) return [];
      try {
        return JSONPath({ path: libraryPath, json: start as object, wrap: true, eval: 'safe' }) as unknown[];
      } catch (error) {
        throw new RuntimeError(`The JSONPath '${text}' could not be evaluated: ${(error as Error).message}`);
      }
    },
  };
  return path;
}

/**
 * Compiles a path that must be a reference path (InputPath, OutputPath, ResultPath, `*Path`,
 * Choice `Variable`, ItemsPath): AWS rejects wildcards and filters there.
 */
export function compileReferencePath(text: string, field: string): CompiledPath {
  const path = compilePath(text);
  if (!path.segments) {
    throw new InvalidJsonPathDefinitionError(
      `the value of '${field}' must be a reference path (names and indexes only, e.g. '$.order.items[0]'), got '${text}'`,
    );
  }
  return path;
}

/** Jayway's rendering of a path in its "No results for path" message: `$['a']['b'][0]`. */
export function normalizedPath(path: CompiledPath): string {
  const head = path.root === 'context' ? '$$' : path.root === 'variable' ? `$${path.variable}` : '$';
  if (!path.segments) return path.text;
  return head + path.segments.map((s) => (typeof s === 'number' ? `[${s}]` : `['${s}']`)).join('');
}
