import { InvalidJsonPathDefinitionError, json, RuntimeError } from '../errors';
import { type CompiledPath, compileReferencePath, NOT_FOUND, type Variables } from './path';

/**
 * JSONPath Choice rules (ASL "Choice Rules"): boolean expressions (`And`, `Or`, `Not`) over
 * data-test expressions (`Variable` + one comparison operator). Compiled once, evaluated
 * as a plain function of (input, context, variables).
 */
/** A rule as written, before `compileChoiceRule` has checked it (the typed form is in ../asl.ts). */
export type RawChoiceRule = Readonly<Record<string, unknown>>;
export type CompiledChoiceRule = (
  input: unknown,
  context: unknown,
  variables: Variables | undefined,
) => boolean;

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
type Relation = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

const RELATIONS: readonly Relation[] = [
  'Equals',
  'LessThan',
  'GreaterThan',
  'LessThanEquals',
  'GreaterThanEquals',
];
const KINDS: readonly Kind[] = ['String', 'Numeric', 'Boolean', 'Timestamp'];
const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

/** Every comparison operator name AWS defines, e.g. `StringEquals`, `NumericLessThanPath`, `IsPresent`. */
export const COMPARISON_OPERATORS: readonly string[] = [
  ...KINDS.flatMap((kind) =>
    RELATIONS.filter((r) => kind !== 'Boolean' || r === 'Equals').flatMap((r) => [
      `${kind}${r}`,
      `${kind}${r}Path`,
    ]),
  ),
  'StringMatches',
  ...TYPE_TESTS,
];
const OPERATORS = new Set(COMPARISON_OPERATORS);

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 timestamp as [epoch seconds, nanoseconds], or undefined when the string is not one. */
export function parseTimestamp(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m as unknown as string[];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (new Date(utc).getUTCDate() !== day) return undefined;
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  return [utc / 1000 - offset, Number((fraction ?? '').padEnd(9, '0'))];
}

function compareTimestamps(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`. */
export function compileStringMatches(pattern: string): (value: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += `\\${pattern[i + 1]}`;
      i++;
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}

function relate(order: number, relation: Relation): boolean {
  switch (relation) {
    case 'Equals':
      return order === 0;
    case 'LessThan':
      return order < 0;
    case 'GreaterThan':
      return order > 0;
    case 'LessThanEquals':
      return order <= 0;
    case 'GreaterThanEquals':
      return order >= 0;
  }
}

/** Compares two values of one kind; a value of the wrong type makes the comparison false (ASL). */
function compare(kind: Kind, relation: Relation, left: unknown, right: unknown): boolean {
  switch (kind) {
    case 'String':
      if (typeof left !== 'string' || typeof right !== 'string') return false;
      return relate(left < right ? -1 : left > right ? 1 : 0, relation);
    case 'Numeric':
      if (typeof left !== 'number' || typeof right !== 'number') return false;
      return relate(left - right, relation);
    case 'Boolean':
      return typeof left === 'boolean' && left === right;
    case 'Timestamp': {
      const a = parseTimestamp(left);
      const b = parseTimestamp(right);
      return a !== undefined && b !== undefined && relate(compareTimestamps(a, b), relation);
    }
  }
}

function invalid(where: string, message: string): never {
  throw new InvalidJsonPathDefinitionError(`${where}: ${message}`);
}

function checkLiteral(kind: Kind, value: unknown, operator: string, where: string): void {
  const ok =
    kind === 'String'
      ? typeof value === 'string'
      : kind === 'Numeric'
        ? typeof value === 'number'
        : kind === 'Boolean'
          ? typeof value === 'boolean'
          : parseTimestamp(value) !== undefined;
  if (!ok) {
    const expected = {
      String: 'a string',
      Numeric: 'a number',
      Boolean: 'a boolean',
      Timestamp: 'an RFC 3339 timestamp string',
    }[kind];
    invalid(where, `'${operator}' needs ${expected}, got ${json(value)}`);
  }
}

function read(
  path: CompiledPath,
  input: unknown,
  context: unknown,
  variables: Variables | undefined,
): unknown {
  const value = path.select(input, context, variables);
  if (value === NOT_FOUND) {
    throw new RuntimeError(
      `Invalid path '${path.text}': The choice state's condition path references an invalid value.`,
    );
  }
  return value;
}

function compileDataTest(rule: RawChoiceRule, operators: string[], where: string): CompiledChoiceRule {
  if (operators.length !== 1) {
    invalid(
      where,
      operators.length === 0
        ? `a rule with 'Variable' needs exactly one comparison operator (${COMPARISON_OPERATORS.slice(0, 4).join(', ')}, ...)`
        : `a rule may have only one comparison operator, got ${operators.join(', ')}`,
    );
  }
  const operator = operators[0] as string;
  if (typeof rule.Variable !== 'string')
    invalid(where, `'Variable' must be a JSONPath string, got ${json(rule.Variable)}`);
  const variable = compileReferencePath(rule.Variable, `${where}/Variable`);
  const operand = rule[operator];

  if (operator === 'IsPresent') {
    if (typeof operand !== 'boolean') invalid(where, `'IsPresent' needs true or false, got ${json(operand)}`);
    return (input, context, variables) =>
      (variable.select(input, context, variables) !== NOT_FOUND) === operand;
  }
  if ((TYPE_TESTS as readonly string[]).includes(operator)) {
    if (typeof operand !== 'boolean')
      invalid(where, `'${operator}' needs true or false, got ${json(operand)}`);
    const test: (v: unknown) => boolean =
      operator === 'IsNull'
        ? (v) => v === null
        : operator === 'IsNumeric'
          ? (v) => typeof v === 'number'
          : operator === 'IsString'
            ? (v) => typeof v === 'string'
            : operator === 'IsBoolean'
              ? (v) => typeof v === 'boolean'
              : (v) => parseTimestamp(v) !== undefined;
    return (input, context, variables) => test(read(variable, input, context, variables)) === operand;
  }
  if (operator === 'StringMatches') {
    if (typeof operand !== 'string')
      invalid(where, `'StringMatches' needs a string pattern, got ${json(operand)}`);
    const matches = compileStringMatches(operand);
    return (input, context, variables) => {
      const value = read(variable, input, context, variables);
      return typeof value === 'string' && matches(value);
    };
  }
  const byPath = operator.endsWith('Path');
  const base = byPath ? operator.slice(0, -4) : operator;
  const kind = KINDS.find((k) => base.startsWith(k)) as Kind;
  const relation = base.slice(kind.length) as Relation;
  if (byPath) {
    if (typeof operand !== 'string')
      invalid(where, `'${operator}' needs a JSONPath string, got ${json(operand)}`);
    const other = compileReferencePath(operand, `${where}/${operator}`);
    return (input, context, variables) =>
      compare(
        kind,
        relation,
        read(variable, input, context, variables),
        read(other, input, context, variables),
      );
  }
  checkLiteral(kind, operand, operator, where);
  return (input, context, variables) =>
    compare(kind, relation, read(variable, input, context, variables), operand);
}

const RULE_KEYS = new Set([
  'Variable',
  'And',
  'Or',
  'Not',
  'Next',
  'Comment',
  'Assign',
  ...COMPARISON_OPERATORS,
]);

function compileRule(rule: unknown, where: string, topLevel: boolean): CompiledChoiceRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    invalid(where, `a Choice rule must be an object, got ${json(rule)}`);
  }
  const r = rule as RawChoiceRule;
  for (const key of Object.keys(r)) {
    if (key === 'Condition') {
      invalid(
        where,
        "'Condition' is a JSONata field; JSONPath rules use 'Variable' with an operator such as 'StringEquals'",
      );
    }
    if (!RULE_KEYS.has(key)) invalid(where, `unknown field '${key}' in a Choice rule`);
  }
  if (topLevel && typeof r.Next !== 'string')
    invalid(where, "a top-level Choice rule needs 'Next' (a state name)");
  if (!topLevel && r.Next !== undefined) invalid(where, "only top-level Choice rules may have 'Next'");
  if (!topLevel && r.Assign !== undefined) invalid(where, "only top-level Choice rules may have 'Assign'");

  const combinators = ['And', 'Or', 'Not'].filter((k) => r[k] !== undefined);
  const operators = Object.keys(r).filter((k) => OPERATORS.has(k));
  if (combinators.length > 0) {
    if (combinators.length > 1 || operators.length > 0 || r.Variable !== undefined) {
      invalid(
        where,
        `a rule is either one of And/Or/Not or a 'Variable' test, got ${[...combinators, ...operators].join(', ')}`,
      );
    }
    const combinator = combinators[0] as 'And' | 'Or' | 'Not';
    if (combinator === 'Not') {
      const inner = compileRule(r.Not, `${where}/Not`, false);
      return (input, context, variables) => !inner(input, context, variables);
    }
    const list = r[combinator];
    if (!Array.isArray(list) || list.length === 0)
      invalid(where, `'${combinator}' needs a non-empty array of rules`);
    const inner = list.map((item, i) => compileRule(item, `${where}/${combinator}[${i}]`, false));
    return combinator === 'And'
      ? (input, context, variables) => inner.every((f) => f(input, context, variables))
      : (input, context, variables) => inner.some((f) => f(input, context, variables));
  }
  if (r.Variable === undefined) {
    invalid(where, "a rule needs 'Variable' and a comparison operator, or one of And/Or/Not");
  }
  return compileDataTest(r, operators, where);
}

/**
 * Compiles one top-level rule of a JSONPath Choice state (`where` locates it in messages,
 * e.g. `/States/Check/Choices[0]`). Throws InvalidJsonPathDefinitionError when invalid.
 */
export function compileChoiceRule(rule: unknown, where = 'Choices[0]'): CompiledChoiceRule {
  return compileRule(rule, where, true);
}

/** Definition-time check: the problems with a top-level rule, empty when it is valid. */
export function validateChoiceRule(rule: unknown, where = 'Choices[0]'): string[] {
  try {
    compileChoiceRule(rule, where);
    return [];
  } catch (error) {
    if (error instanceof InvalidJsonPathDefinitionError) return [error.message];
    throw error;
  }
}

const cache = new WeakMap<object, CompiledChoiceRule>();

/**
 * Evaluates a rule (compiled, or raw and then compiled once and cached) against the state
 * input. A `Variable` (or `…Path` operand) that matches nothing is `States.Runtime`, except
 * for `IsPresent`, which is false.
 */
export function evaluateChoiceRule(
  rule: RawChoiceRule | CompiledChoiceRule,
  input: unknown,
  context?: unknown,
  variables?: Variables,
): boolean {
  if (typeof rule === 'function') return rule(input, context, variables);
  let compiled = cache.get(rule);
  if (!compiled) {
    compiled = compileChoiceRule(rule);
    cache.set(rule, compiled);
  }
  return compiled(input, context, variables);
}
