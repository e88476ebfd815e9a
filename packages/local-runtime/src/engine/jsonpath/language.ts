import type { AslCatcher, AslState, ChoiceRule, ChoiceState, StateType, ValueField } from '../asl';
import {
  InvalidDefinitionError,
  InvalidJsonPathDefinitionError,
  inState,
  json,
  StatesError,
  TerminalError,
} from '../errors';
import type {
  DataFlow,
  EvalScope,
  Evaluator,
  QueryLanguage,
  RawObject,
  ValueKind,
  Variables,
} from '../query-language';
import { parseTimestamp } from './choice';
import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  type CompiledResultPath,
  type CompiledTemplate,
  compileResultPath,
  compileTemplate,
} from './dataflow';
import { JSONATA_ONLY_FIELDS } from './fields';
import {
  type CompiledJsonPathState,
  compileAssign,
  compileChoiceRule,
  compileIntrinsic,
  compileJsonPathState,
} from './index';
import { type CompiledPath, compileReferencePath, NOT_FOUND, normalizedPath } from './path';

/**
 * The JSONPath query language behind the engine's seam (`../query-language.ts`): each state's
 * JSONPath fields are compiled once, and the evaluators the engine asks for are thin, synchronous
 * closures over them.
 *
 * A Choice rule, a catcher or a Map ItemSelector needs its state's InputPath/OutputPath: the seam
 * hands the state's raw JSON along with them, and each state is compiled once per location however
 * many of its parts ask for it.
 */

const JSONATA_RULE_FIELDS = ['Condition', 'Output'];
const JSONATA_CATCHER_FIELDS = ['Output'];

function definitionError(error: unknown, location: string): never {
  if (error instanceof InvalidJsonPathDefinitionError) {
    const detail = error.message;
    throw new InvalidDefinitionError(
      `SCHEMA_VALIDATION_FAILED: ${detail} at ${location}`,
      'SCHEMA_VALIDATION_FAILED',
      location,
      detail,
    );
  }
  throw error;
}

/** Runs a data-flow step; its errors get AWS's "An error occurred while executing the state …" prefix. `States.Runtime` ends the execution. */
function guarded<T>(scope: EvalScope, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    const located = inState(error, scope.stateName, scope.enteredEventId);
    if (located.error === 'States.Runtime') throw new TerminalError(located.error, located.cause);
    throw located;
  }
}

const KIND_CHECKS: Record<ValueKind, [string, (value: unknown) => boolean]> = {
  string: ['a string', (v) => typeof v === 'string'],
  boolean: ['a boolean', (v) => typeof v === 'boolean'],
  positiveInteger: ['a positive integer', (v) => typeof v === 'number' && Number.isInteger(v) && v > 0],
  nonNegativeInteger: [
    'a non-negative integer',
    (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0,
  ],
  array: ['an array', (v) => Array.isArray(v)],
  timestamp: ['an RFC 3339 timestamp', (v) => parseTimestamp(v) !== undefined],
};

/** The `*Path` twin of a single-value field. */
const PATH_TWINS: Readonly<Record<ValueField, string>> = {
  TimeoutSeconds: 'TimeoutSecondsPath',
  HeartbeatSeconds: 'HeartbeatSecondsPath',
  Seconds: 'SecondsPath',
  Timestamp: 'TimestampPath',
  Error: 'ErrorPath',
  Cause: 'CausePath',
  Items: 'ItemsPath',
  MaxConcurrency: 'MaxConcurrencyPath',
};

/** The value of a single-value field as the engine takes it: a `timestamp` as epoch milliseconds. */
function delivered(kind: ValueKind, value: unknown): unknown {
  if (kind !== 'timestamp') return value;
  const [seconds, nanoseconds] = parseTimestamp(value) as [number, number];
  return seconds * 1000 + nanoseconds / 1e6;
}

function stateLocationOf(location: string): string {
  return location.replace(/\/(Choices|Catch)\/\d+$/, '');
}

export class JsonPathLanguage implements QueryLanguage {
  readonly name = 'JSONPath' as const;
  private readonly states = new Map<string, CompiledJsonPathState>();

  private compiled(raw: AslState, location: string): CompiledJsonPathState {
    let state = this.states.get(location);
    if (!state) {
      try {
        state = compileJsonPathState(raw, location);
      } catch (error) {
        definitionError(error, location);
      }
      this.states.set(location, state);
    }
    return state;
  }

  /** InputPath applied to the state input: what rules, ItemSelector and `*Path` fields read. */
  private static effective(state: CompiledJsonPathState, scope: EvalScope): unknown {
    return state.inputPath === undefined
      ? scope.input
      : applyInputPath(state.inputPath, scope.input, scope.context, scope.vars);
  }

  checkFields(raw: RawObject, location: string, kind: 'state' | 'catcher' | 'choiceRule'): void {
    const forbidden =
      kind === 'choiceRule'
        ? JSONATA_RULE_FIELDS
        : kind === 'catcher'
          ? JSONATA_CATCHER_FIELDS
          : (JSONATA_ONLY_FIELDS[raw.Type as StateType] ?? ['Arguments', 'Output']);
    for (const field of forbidden) {
      if (field in raw) {
        const detail = `The field '${field}' is not supported in a JSONPath state; it is a JSONata field (set "QueryLanguage": "JSONata" on the state, or use the JSONPath fields InputPath/Parameters/ResultSelector/ResultPath/OutputPath)`;
        throw new InvalidDefinitionError(
          `SCHEMA_VALIDATION_FAILED: ${detail} at ${location}`,
          'SCHEMA_VALIDATION_FAILED',
          location,
          detail,
        );
      }
    }
  }

  stateFlow(raw: AslState, location: string): DataFlow {
    const state = this.compiled(raw, location);
    const type = raw.Type;
    const has = (...fields: string[]) => fields.some((f) => f in raw);
    const { inputPath, parameters, resultSelector, resultPath, outputPath, assign } = state;

    if (type === 'Task' || type === 'Parallel' || type === 'Map') {
      return {
        effectiveInput: has('InputPath', 'Parameters')
          ? (scope) =>
              guarded(scope, () => {
                const input = applyInputPath(inputPath, scope.input, scope.context, scope.vars);
                scope.inspect?.('afterInputPath', input);
                const effective = parameters ? parameters(input, scope.context, scope.vars) : input;
                scope.inspect?.('afterParameters', effective);
                return effective;
              })
          : undefined,
        output: has('ResultSelector', 'ResultPath', 'OutputPath')
          ? (scope) =>
              guarded(scope, () => {
                const selected = resultSelector
                  ? resultSelector(scope.result, scope.context, scope.vars)
                  : scope.result;
                scope.inspect?.('afterResultSelector', selected);
                const placed = applyResultPath(scope.input, selected, resultPath);
                scope.inspect?.('afterResultPath', placed);
                return applyOutputPath(outputPath, placed, scope.context, scope.vars);
              })
          : undefined,
        assign: assign
          ? (scope) =>
              guarded(scope, () => {
                const selected = resultSelector
                  ? resultSelector(scope.result, scope.context, scope.vars)
                  : scope.result;
                return assign(selected, scope.context, scope.vars) as Variables;
              })
          : undefined,
      };
    }
    if (type === 'Pass') {
      const result = (scope: EvalScope): unknown => {
        if ('Result' in raw) return state.result;
        const input = applyInputPath(inputPath, scope.input, scope.context, scope.vars);
        scope.inspect?.('afterInputPath', input);
        const effective = parameters ? parameters(input, scope.context, scope.vars) : input;
        scope.inspect?.('afterParameters', effective);
        return effective;
      };
      return {
        output: has('InputPath', 'Parameters', 'Result', 'ResultPath', 'OutputPath')
          ? (scope) =>
              guarded(scope, () => {
                const placed = applyResultPath(scope.input, result(scope), resultPath);
                scope.inspect?.('afterResultPath', placed);
                return applyOutputPath(outputPath, placed, scope.context, scope.vars);
              })
          : undefined,
        assign: assign
          ? (scope) => guarded(scope, () => assign(result(scope), scope.context, scope.vars) as Variables)
          : undefined,
      };
    }
    // Wait, Choice, Succeed: output = OutputPath(InputPath(input)); Assign sees the effective input.
    const flow = JsonPathLanguage.passThroughFlow(state, assign);
    return has('InputPath', 'OutputPath') ? flow : { assign: flow.assign };
  }

  private static passThroughFlow(
    state: CompiledJsonPathState,
    assign: CompiledTemplate | undefined,
  ): DataFlow {
    const { inputPath, outputPath } = state;
    return {
      output:
        inputPath === undefined && outputPath === undefined
          ? (scope) => scope.input
          : (scope) =>
              guarded(scope, () => {
                const input = applyInputPath(inputPath, scope.input, scope.context, scope.vars);
                return applyOutputPath(outputPath, input, scope.context, scope.vars);
              }),
      assign: assign
        ? (scope) =>
            guarded(
              scope,
              () => assign(JsonPathLanguage.effective(state, scope), scope.context, scope.vars) as Variables,
            )
        : undefined,
    };
  }

  catcherFlow(holder: AslCatcher | ChoiceRule, location: string, state: AslState): DataFlow {
    const assign =
      holder.Assign === undefined ? undefined : this.assignOf(holder.Assign, `${location}/Assign`);
    if (state.Type === 'Choice')
      return JsonPathLanguage.passThroughFlow(this.compiled(state, stateLocationOf(location)), assign);
    // Only Choice rules have no ResultPath: here the holder is a catcher.
    const declared = 'ResultPath' in holder ? holder.ResultPath : undefined;
    let resultPath: CompiledResultPath;
    try {
      resultPath = compileResultPath(declared);
    } catch (error) {
      definitionError(error, location);
    }
    return {
      output: (scope) => guarded(scope, () => applyResultPath(scope.input, scope.errorOutput, resultPath)),
      assign: assign
        ? (scope) => guarded(scope, () => assign(scope.errorOutput, scope.context, scope.vars) as Variables)
        : undefined,
    };
  }

  private assignOf(raw: unknown, location: string): CompiledTemplate {
    try {
      return compileAssign(raw, location);
    } catch (error) {
      definitionError(error, location);
    }
  }

  condition(rule: ChoiceRule, location: string, state: ChoiceState): Evaluator<boolean> {
    let compiled: ReturnType<typeof compileChoiceRule>;
    try {
      compiled = compileChoiceRule(rule, location);
    } catch (error) {
      definitionError(error, location);
    }
    const choice = this.compiled(state, stateLocationOf(location));
    return (scope) =>
      guarded(scope, () => compiled(JsonPathLanguage.effective(choice, scope), scope.context, scope.vars));
  }

  value(raw: AslState, field: ValueField, location: string, kind: ValueKind): Evaluator | undefined {
    const [expected, accepts] = KIND_CHECKS[kind];
    const fields: Readonly<Record<string, unknown>> = raw;
    const pathField = PATH_TWINS[field];
    const pathText = fields[pathField];
    if (pathText !== undefined) {
      const at = `${location}/${pathField}`;
      if (typeof pathText !== 'string') {
        definitionError(
          new InvalidJsonPathDefinitionError(
            `'${pathField}' must be a JSONPath string, got ${json(pathText)}`,
          ),
          at,
        );
      }
      // Fail's ErrorPath/CausePath may also be an intrinsic function call.
      const read = this.pathReader(pathText, pathField, at);
      // Fail has no InputPath: its paths read the raw input.
      const state = raw.Type === 'Fail' ? undefined : this.compiled(raw, location);
      return (scope) =>
        guarded(scope, () => {
          const input = state === undefined ? scope.input : JsonPathLanguage.effective(state, scope);
          const value = read(input, scope);
          if (!accepts(value)) {
            throw new StatesError(
              'States.Runtime',
              `The value of '${pathField}' ('${pathText}') must be ${expected}, got ${json(value)}`,
            );
          }
          return delivered(kind, value);
        });
    }
    if (field === 'Items' && 'InputPath' in raw) {
      const state = this.compiled(raw, location);
      return (scope) => guarded(scope, () => JsonPathLanguage.effective(state, scope));
    }
    if (!(field in raw)) return undefined;
    const value = fields[field];
    if (!accepts(value)) {
      definitionError(
        new InvalidJsonPathDefinitionError(`'${field}' must be ${expected}, got ${json(value)}`),
        `${location}/${field}`,
      );
    }
    const result = delivered(kind, value);
    return () => result;
  }

  private pathReader(
    text: string,
    field: string,
    location: string,
  ): (input: unknown, scope: EvalScope) => unknown {
    try {
      if (text.startsWith('States.')) {
        const call = compileIntrinsic(text, field);
        return (input, scope) => call.evaluate(input, scope.context, scope.vars);
      }
      const path: CompiledPath = compileReferencePath(text, field);
      return (input, scope) => {
        const value = path.select(input, scope.context, scope.vars);
        if (value === NOT_FOUND) {
          throw new StatesError(
            'States.Runtime',
            `Invalid path '${text}' : No results for path: ${normalizedPath(path)}`,
          );
        }
        return value;
      };
    } catch (error) {
      definitionError(error, location);
    }
  }

  template(value: unknown, field: string, location: string, state: AslState): Evaluator {
    let template: CompiledTemplate;
    try {
      template = compileTemplate(value, `${location}/${field}`);
    } catch (error) {
      definitionError(error, location);
    }
    // Map ItemSelector: `$` is the Map's effective input; `$$.Map.Item` is in the scope's context.
    const map = this.compiled(state, location);
    return (scope) =>
      guarded(scope, () => template(JsonPathLanguage.effective(map, scope), scope.context, scope.vars));
  }
}
