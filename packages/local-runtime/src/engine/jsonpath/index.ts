/**
 * The JSONPath query language for the local engine: pure, engine-agnostic building blocks.
 * Compile everything once when a definition is loaded (`compileJsonPathState`, or the
 * individual `compile*` functions), then call the `apply*` / `evaluate*` functions per
 * state visit. See docs/jsonpath.md for the AWS rules followed and the library choice.
 */
import { InvalidJsonPathDefinitionError, json, RuntimeError } from '../errors';
import { isVariableName } from '../query-language';
import { type CompiledChoiceRule, compileChoiceRule, type RawChoiceRule } from './choice';
import {
  applyInputPath,
  applyOutputPath,
  applyParameters,
  applyResultPath,
  applyResultSelector,
  type CompiledFilterPath,
  type CompiledResultPath,
  type CompiledTemplate,
  compileFilterPath,
  compileResultPath,
  compileTemplate,
} from './dataflow';
import { type CompiledPath, compileReferencePath, NOT_FOUND, normalizedPath, type Variables } from './path';

export {
  COMPARISON_OPERATORS,
  type CompiledChoiceRule,
  compileChoiceRule,
  compileStringMatches,
  evaluateChoiceRule,
  parseTimestamp,
  type RawChoiceRule,
  validateChoiceRule,
} from './choice';
export {
  applyInputPath,
  applyOutputPath,
  applyParameters,
  applyResultPath,
  applyResultSelector,
  type CompiledFilterPath,
  type CompiledResultPath,
  type CompiledTemplate,
  compileFilterPath,
  compileResultPath,
  compileTemplate,
} from './dataflow';
export {
  DOWNGRADE_MESSAGE,
  JSONATA_ONLY_FIELDS,
  JSONPATH_ONLY_FIELDS,
  type QueryLanguageProblem,
  queryLanguageProblems,
  stateQueryLanguage,
} from './fields';
export { type CompiledIntrinsic, compileIntrinsic, evaluateIntrinsic } from './intrinsics';
export {
  type CompiledPath,
  compilePath,
  compileReferencePath,
  NOT_FOUND,
  type Segment,
  type Selection,
  type Variables,
} from './path';

/**
 * Compiles a JSONPath `Assign` object: keys are variable names (`name` or `name.$`), values
 * follow the payload-template rules. Returns a template producing `{ name: value }`.
 */
export function compileAssign(assign: unknown, field = 'Assign'): CompiledTemplate {
  if (typeof assign !== 'object' || assign === null || Array.isArray(assign)) {
    throw new InvalidJsonPathDefinitionError(
      `'${field}' must be an object of variable names to values, got ${json(assign)}`,
    );
  }
  for (const key of Object.keys(assign)) {
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!isVariableName(name)) {
      throw new InvalidJsonPathDefinitionError(
        `'${field}' assigns '${name}', which is not a valid variable name (a letter or '_' then letters, digits or '_', at most 80 characters)`,
      );
    }
    if (name === 'states') {
      throw new InvalidJsonPathDefinitionError(`'${field}' may not assign 'states': the name is reserved`);
    }
  }
  return compileTemplate(assign, field);
}

/**
 * Reads a `*Path` field (TimeoutSecondsPath, HeartbeatSecondsPath, SecondsPath, ItemsPath, ...):
 * a miss is `States.Runtime`; the caller checks the value's type.
 */
export function readPath(
  path: CompiledPath,
  input: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  const value = path.select(input, context, variables);
  if (value === NOT_FOUND) {
    throw new RuntimeError(`Invalid path '${path.text}' : No results for path: ${normalizedPath(path)}`);
  }
  return value;
}

/** Every JSONPath field of one state, compiled. Absent fields are undefined (InputPath/OutputPath: see CompiledFilterPath). */
export interface CompiledJsonPathState {
  readonly inputPath: CompiledFilterPath;
  readonly parameters?: CompiledTemplate;
  readonly resultSelector?: CompiledTemplate;
  readonly resultPath: CompiledResultPath;
  readonly outputPath: CompiledFilterPath;
  /** Pass `Result`, as written. */
  readonly result?: unknown;
  readonly assign?: CompiledTemplate;
  readonly itemsPath?: CompiledFilterPath;
  readonly itemSelector?: CompiledTemplate;
  /** TimeoutSecondsPath, HeartbeatSecondsPath, SecondsPath, TimestampPath, ErrorPath, CausePath, MaxConcurrencyPath, ... by field name. */
  readonly paths: Readonly<Record<string, CompiledPath>>;
  /** Choice rules in order, each with its target and optional Assign. */
  readonly choices?: ReadonlyArray<{
    readonly rule: CompiledChoiceRule;
    readonly next: string;
    readonly assign?: CompiledTemplate;
  }>;
  /** Catchers in order: their ResultPath (default `$`) and optional Assign. */
  readonly catchers?: ReadonlyArray<{
    readonly resultPath: CompiledResultPath;
    readonly assign?: CompiledTemplate;
  }>;
}

const PATH_FIELDS = [
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
];

/**
 * Compiles the JSONPath fields of one state (`location` such as `/States/Check` prefixes
 * every definition error). Throws InvalidJsonPathDefinitionError on the first problem.
 */
export function compileJsonPathState(
  state: Readonly<Record<string, unknown>>,
  location = '',
): CompiledJsonPathState {
  const at = (field: string) => (location ? `${location}/${field}` : field);
  try {
    const paths: Record<string, CompiledPath> = {};
    for (const field of PATH_FIELDS) {
      const text = state[field];
      if (text === undefined) continue;
      if (typeof text !== 'string') {
        throw new InvalidJsonPathDefinitionError(
          `'${at(field)}' must be a JSONPath string, got ${json(text)}`,
        );
      }
      paths[field] = compileReferencePath(text, at(field));
    }
    const choices = Array.isArray(state.Choices)
      ? state.Choices.map((rule: RawChoiceRule, i: number) => ({
          rule: compileChoiceRule(rule, at(`Choices[${i}]`)),
          next: rule.Next as string,
          assign:
            rule.Assign === undefined ? undefined : compileAssign(rule.Assign, at(`Choices[${i}]/Assign`)),
        }))
      : undefined;
    const catchers = Array.isArray(state.Catch)
      ? state.Catch.map((catcher: Readonly<Record<string, unknown>>, i: number) => ({
          resultPath: compileResultPath(catcher.ResultPath),
          assign:
            catcher.Assign === undefined
              ? undefined
              : compileAssign(catcher.Assign, at(`Catch[${i}]/Assign`)),
        }))
      : undefined;
    return {
      inputPath: compileFilterPath(state.InputPath, at('InputPath')),
      parameters:
        state.Parameters === undefined ? undefined : compileTemplate(state.Parameters, at('Parameters')),
      resultSelector:
        state.ResultSelector === undefined
          ? undefined
          : compileTemplate(state.ResultSelector, at('ResultSelector')),
      resultPath: compileResultPath(state.ResultPath),
      outputPath: compileFilterPath(state.OutputPath, at('OutputPath')),
      result: state.Result,
      assign: state.Assign === undefined ? undefined : compileAssign(state.Assign, at('Assign')),
      itemsPath: compileFilterPath(state.ItemsPath, at('ItemsPath')),
      itemSelector:
        state.ItemSelector === undefined
          ? undefined
          : compileTemplate(state.ItemSelector, at('ItemSelector')),
      paths,
      choices,
      catchers,
    };
  } catch (error) {
    if (error instanceof InvalidJsonPathDefinitionError && location && !error.message.includes(location)) {
      throw new InvalidJsonPathDefinitionError(`${location}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Runs the input side of a JSONPath state: InputPath then Parameters (Pass, Task, Map,
 * Parallel). `rawInput` is the state input as received.
 */
export function effectiveInput(
  state: CompiledJsonPathState,
  rawInput: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  return applyParameters(
    state.parameters,
    applyInputPath(state.inputPath, rawInput, context, variables),
    context,
    variables,
  );
}

/**
 * Runs the output side: ResultSelector on the raw result, ResultPath into the raw state
 * input, then OutputPath. Variables are the values on state entry (AWS: Assign takes
 * effect after the state).
 */
export function stateOutput(
  state: CompiledJsonPathState,
  rawInput: unknown,
  result: unknown,
  context?: unknown,
  variables?: Variables,
): unknown {
  const selected = applyResultSelector(state.resultSelector, result, context, variables);
  const placed = applyResultPath(rawInput, selected, state.resultPath);
  return applyOutputPath(state.outputPath, placed, context, variables);
}
