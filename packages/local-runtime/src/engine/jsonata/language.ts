import type { AslCatcher, AslState, ChoiceRule, ValueField } from '../asl';
import { InvalidDefinitionError, QueryEvaluationError } from '../errors';
import {
  type DataFlow,
  type EvalScope,
  type Evaluator,
  isVariableName,
  type QueryLanguage,
  type RawObject,
  type ValueKind,
  type Variables,
} from '../query-language';
import { type CompiledExpression, ExpressionCache, expressionText, isExpression } from './expressions';

/** JSONPath fields, with what replaces them under JSONata (shown in the rejection message). */
const JSONPATH_STATE_FIELDS: Record<string, string> = {
  InputPath: 'use $states.input inside Arguments or Output',
  Parameters: 'use Arguments',
  ResultSelector: 'use Output with $states.result',
  ResultPath: 'use Output (or Assign) with $states.input and $states.result',
  OutputPath: 'use Output',
  Result: 'use Output',
  TimeoutSecondsPath: 'use TimeoutSeconds with a {% %} expression',
  HeartbeatSecondsPath: 'use HeartbeatSeconds with a {% %} expression',
  SecondsPath: 'use Seconds with a {% %} expression',
  TimestampPath: 'use Timestamp with a {% %} expression',
  ErrorPath: 'use Error with a {% %} expression',
  CausePath: 'use Cause with a {% %} expression',
  ItemsPath: 'use Items',
  MaxConcurrencyPath: 'use MaxConcurrency with a {% %} expression',
  ToleratedFailurePercentagePath: 'use ToleratedFailurePercentage with a {% %} expression',
  ToleratedFailureCountPath: 'use ToleratedFailureCount with a {% %} expression',
};

const JSONPATH_RULE_FIELDS = /^(Variable|And|Or|Not|(String|Numeric|Boolean|Timestamp)\w*|Is\w+)$/;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isFunctionValue(value: unknown): boolean {
  return (
    typeof value === 'function' ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { _jsonata_lambda?: unknown })._jsonata_lambda === true)
  );
}

/** True when a value holds a JSONata sequence or a function somewhere (so it must be copied to plain JSON). */
function needsCleaning(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value === 'function';
  if (isFunctionValue(value)) return true;
  if (Array.isArray(value)) {
    if ((value as { sequence?: boolean }).sequence) return true;
    for (const item of value) if (needsCleaning(item)) return true;
    return false;
  }
  for (const key in value) if (needsCleaning((value as Record<string, unknown>)[key])) return true;
  return false;
}

class UnsupportedResult extends Error {}

/** A JSON copy: sequences become plain arrays (AWS hands data around as JSON text, so no sequence survives a state). */
function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') throw new UnsupportedResult();
    return value;
  }
  if (isFunctionValue(value)) throw new UnsupportedResult();
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = toPlain((value as Record<string, unknown>)[key]);
  return out;
}

function bindings(scope: EvalScope): Record<string, unknown> {
  const states: Record<string, unknown> = { input: scope.input, context: scope.context };
  if (scope.result !== undefined) states.result = scope.result;
  if (scope.errorOutput !== undefined) states.errorOutput = scope.errorOutput;
  const all = Object.create(scope.vars) as Record<string, unknown>;
  all.states = states;
  return all;
}

function expressionEvaluator(expression: CompiledExpression, text: string, location: string): Evaluator {
  const evaluate = async (scope: EvalScope): Promise<unknown> => {
    let value: unknown;
    try {
      value = await expression.evaluate(undefined, bindings(scope));
    } catch (error) {
      const e = error as { code?: string; message?: string };
      const detail = e.code ? `${e.code}: ${e.message}` : String(e.message ?? error);
      throw new QueryEvaluationError(
        scope,
        `The JSONata expression '${text}' specified for the field '${location}' threw an error during evaluation. ${detail}`,
        location,
      );
    }
    if (value === undefined) {
      throw new QueryEvaluationError(
        scope,
        `The JSONata expression '${text}' specified for the field '${location}' returned nothing (undefined).`,
        location,
      );
    }
    if (value === scope.input || !needsCleaning(value)) return value;
    try {
      return toPlain(value);
    } catch {
      throw new QueryEvaluationError(
        scope,
        `The JSONata expression '${text}' specified for the field '${location}' returned an unsupported result type.`,
        location,
      );
    }
  };
  return evaluate;
}

function typeError(
  scope: EvalScope,
  text: string,
  location: string,
  expected: string,
  value: unknown,
): never {
  throw new QueryEvaluationError(
    scope,
    `The JSONata expression '${text}' specified for the field '${location}' returned an unexpected result type. Expected '${expected}', but was '${typeName(value)}' for value: ${JSON.stringify(value)}`,
    location,
  );
}

const KIND_CHECKS: Record<ValueKind, [string, (value: unknown) => boolean]> = {
  string: ['string', (v) => typeof v === 'string'],
  boolean: ['boolean', (v) => typeof v === 'boolean'],
  positiveInteger: ['integer', (v) => typeof v === 'number' && Number.isInteger(v) && v > 0],
  nonNegativeInteger: ['integer', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0],
  array: ['array', (v) => Array.isArray(v)],
  timestamp: ['string', (v) => typeof v === 'string'],
};

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseTimestamp(value: string): number | undefined {
  if (!ISO_8601.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/** The JSONata query language of Step Functions. One instance per definition: it owns the compiled-expression cache. */
export class JsonataLanguage implements QueryLanguage {
  readonly name = 'JSONata' as const;
  private readonly cache = new ExpressionCache();

  get compiledExpressions(): number {
    return this.cache.size;
  }

  checkFields(raw: RawObject, location: string, kind: 'state' | 'catcher' | 'choiceRule'): void {
    for (const field of Object.keys(raw)) {
      const hint =
        kind === 'catcher'
          ? field === 'ResultPath'
            ? 'use Output (or Assign) with $states.errorOutput'
            : undefined
          : kind === 'choiceRule'
            ? JSONPATH_RULE_FIELDS.test(field)
              ? 'use Condition with a {% %} expression'
              : undefined
            : JSONPATH_STATE_FIELDS[field];
      if (hint !== undefined || field.endsWith('.$')) {
        throw new InvalidDefinitionError(
          `SCHEMA_VALIDATION_FAILED: The field '${field}' is not supported in a JSONata state, at ${location}: ${hint ?? "JSONata states do not use '.$' keys; use a {% %} expression"}.`,
          'SCHEMA_VALIDATION_FAILED',
          location,
        );
      }
    }
  }

  stateFlow(state: AslState, location: string): DataFlow {
    return {
      effectiveInput:
        'Arguments' in state ? this.template(state.Arguments, 'Arguments', location) : undefined,
      output: 'Output' in state ? this.template(state.Output, 'Output', location) : undefined,
      assign: 'Assign' in state ? this.assign(state.Assign, location) : undefined,
    };
  }

  catcherFlow(holder: AslCatcher | ChoiceRule, location: string): DataFlow {
    return {
      output: 'Output' in holder ? this.template(holder.Output, 'Output', location) : undefined,
      assign: 'Assign' in holder ? this.assign(holder.Assign, location) : undefined,
    };
  }

  condition(rule: ChoiceRule, location: string): Evaluator<boolean> {
    const condition = 'Condition' in rule ? rule.Condition : undefined;
    if (typeof condition === 'boolean') return () => condition;
    if (!isExpression(condition)) {
      throw new InvalidDefinitionError(
        `SCHEMA_VALIDATION_FAILED: a JSONata Choice rule needs 'Condition': true, false or a {% %} expression, got ${JSON.stringify(condition)} at ${location}.`,
        'SCHEMA_VALIDATION_FAILED',
        `${location}/Condition`,
      );
    }
    return this.checked(condition, 'Condition', location, 'boolean') as Evaluator<boolean>;
  }

  value(state: AslState, field: ValueField, location: string, kind: ValueKind): Evaluator | undefined {
    const fields: Readonly<Record<string, unknown>> = state;
    if (!(field in fields)) return undefined;
    const value = fields[field];
    if (isExpression(value)) return this.checked(value, field, location, kind);
    const [expected, accepts] = KIND_CHECKS[kind];
    if (!accepts(value) || (kind === 'timestamp' && parseTimestamp(value as string) === undefined)) {
      throw new InvalidDefinitionError(
        `SCHEMA_VALIDATION_FAILED: '${field}' must be ${kind === 'timestamp' ? 'an ISO-8601 timestamp' : `a ${expected}`} or a {% %} expression, got ${JSON.stringify(value)} at ${location}.`,
        'SCHEMA_VALIDATION_FAILED',
        `${location}/${field}`,
      );
    }
    const result = kind === 'timestamp' ? parseTimestamp(value as string) : value;
    return () => result;
  }

  template(value: unknown, field: string, location: string): Evaluator {
    return this.compileTemplate(value, field, location).evaluate;
  }

  private checked(text: string, field: string, location: string, kind: ValueKind): Evaluator {
    const body = expressionText(text);
    const evaluate = expressionEvaluator(this.cache.compile(body, `${location}/${field}`), body, field);
    const [expected, accepts] = KIND_CHECKS[kind];
    return async (scope) => {
      const value = await evaluate(scope);
      if (!accepts(value)) typeError(scope, body, field, expected, value);
      if (kind !== 'timestamp') return value;
      const millis = parseTimestamp(value as string);
      if (millis === undefined) {
        throw new QueryEvaluationError(
          scope,
          `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${value as string}`,
          field,
        );
      }
      return millis;
    };
  }

  private assign(raw: unknown, location: string): Evaluator<Variables> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new InvalidDefinitionError(
        `SCHEMA_VALIDATION_FAILED: 'Assign' must be an object of variable names to values, got ${JSON.stringify(raw)} at ${location}.`,
        'SCHEMA_VALIDATION_FAILED',
        `${location}/Assign`,
      );
    }
    const entries: [string, Evaluator][] = [];
    for (const [name, value] of Object.entries(raw)) {
      if (!isVariableName(name) || name === 'states') {
        throw new InvalidDefinitionError(
          `SCHEMA_VALIDATION_FAILED: '${name}' is not a valid variable name at ${location}/Assign: use a letter or '_' followed by letters, digits or '_' (at most 80), and not the reserved name 'states'.`,
          'SCHEMA_VALIDATION_FAILED',
          `${location}/Assign/${name}`,
        );
      }
      entries.push([name, this.compileTemplate(value, `Assign/${name}`, location).evaluate]);
    }
    return async (scope) => {
      const assigned: Variables = {};
      for (const [name, evaluate] of entries) assigned[name] = await evaluate(scope);
      return assigned;
    };
  }

  /** Compiles a JSON value whose strings may be `{% %}` expressions at any depth; constants cost nothing at run time. */
  private compileTemplate(
    value: unknown,
    field: string,
    location: string,
  ): { constant: boolean; evaluate: Evaluator } {
    if (isExpression(value)) {
      const text = expressionText(value);
      return {
        constant: false,
        evaluate: expressionEvaluator(this.cache.compile(text, `${location}/${field}`), text, field),
      };
    }
    if (Array.isArray(value)) {
      const items = value.map((item, index) => this.compileTemplate(item, `${field}/${index}`, location));
      if (items.every((item) => item.constant)) return { constant: true, evaluate: () => value };
      return {
        constant: false,
        evaluate: async (scope) => {
          const out: unknown[] = [];
          for (const item of items) out.push(await item.evaluate(scope));
          return out;
        },
      };
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).map(
        ([key, item]) => [key, this.compileTemplate(item, `${field}/${key}`, location)] as const,
      );
      if (entries.every(([, item]) => item.constant)) return { constant: true, evaluate: () => value };
      return {
        constant: false,
        evaluate: async (scope) => {
          const out: Record<string, unknown> = {};
          for (const [key, item] of entries)
            out[key] = item.constant ? item.evaluate(scope) : await item.evaluate(scope);
          return out;
        },
      };
    }
    return { constant: true, evaluate: () => value };
  }
}
