/**
 * Which ASL fields belong to which query language (ASL "Table of State Types and Fields",
 * JSONPath and JSONata editions), so a mixed machine can be checked at CreateStateMachine.
 */
import type { QueryLanguageName as QueryLanguage, StateType } from '../asl';

/** Fields a JSONPath state may use and a JSONata state may not, per state type. */
export const JSONPATH_ONLY_FIELDS: Readonly<Record<StateType, readonly string[]>> = {
  Task: [
    'InputPath',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'TimeoutSecondsPath',
    'HeartbeatSecondsPath',
  ],
  Parallel: ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'],
  Map: [
    'InputPath',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'ItemsPath',
    'MaxConcurrencyPath',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentagePath',
  ],
  Pass: ['InputPath', 'Parameters', 'ResultPath', 'OutputPath', 'Result'],
  Wait: ['InputPath', 'OutputPath', 'SecondsPath', 'TimestampPath'],
  Choice: ['InputPath', 'OutputPath'],
  Succeed: ['InputPath', 'OutputPath'],
  Fail: ['ErrorPath', 'CausePath'],
};

/** Fields a JSONata state may use and a JSONPath state may not, per state type. */
export const JSONATA_ONLY_FIELDS: Readonly<Record<StateType, readonly string[]>> = {
  Task: ['Arguments', 'Output'],
  Parallel: ['Arguments', 'Output'],
  Map: ['Items', 'Output'],
  Pass: ['Output'],
  Wait: ['Output'],
  Choice: ['Output'],
  Succeed: ['Output'],
  Fail: [],
};

/** The message AWS returns (at `/States/<name>`) when a state downgrades an all-JSONata machine. */
export const DOWNGRADE_MESSAGE =
  "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine";

export interface QueryLanguageProblem {
  /** Where, as AWS locates validation errors: `/States/<name>`, `/States/<map>/ItemProcessor/States/<name>`. */
  readonly location: string;
  readonly message: string;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The language one state runs in: its own `QueryLanguage`, else the machine's (never a parent Map/Parallel's). */
export function stateQueryLanguage(state: Json, machineLanguage: QueryLanguage): QueryLanguage {
  return state.QueryLanguage === 'JSONata' || state.QueryLanguage === 'JSONPath'
    ? state.QueryLanguage
    : machineLanguage;
}

function checkState(
  name: string,
  state: Json,
  machineLanguage: QueryLanguage,
  location: string,
  problems: QueryLanguageProblem[],
): void {
  const add = (message: string, where = location) => problems.push({ location: where, message });
  const declared = state.QueryLanguage;
  if (declared !== undefined && declared !== 'JSONPath' && declared !== 'JSONata') {
    add(`'QueryLanguage' must be 'JSONPath' or 'JSONata', got ${JSON.stringify(declared)}`);
    return;
  }
  if (machineLanguage === 'JSONata' && declared === 'JSONPath') {
    add(DOWNGRADE_MESSAGE);
    return;
  }
  const language = stateQueryLanguage(state, machineLanguage);
  const type = state.Type as StateType;
  const other: QueryLanguage = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  const forbidden = (language === 'JSONPath' ? JSONATA_ONLY_FIELDS : JSONPATH_ONLY_FIELDS)[type] ?? [];
  for (const field of forbidden) {
    if (state[field] !== undefined) {
      add(
        `the field '${field}' is only supported in ${other} states, but state '${name}' uses ${language}; ` +
          `remove it or set "QueryLanguage": "${other}" on the state`,
      );
    }
  }
  if (language === 'JSONata') {
    for (const key of Object.keys(state)) {
      if (key.endsWith('Path') && !forbidden.includes(key)) {
        add(`the field '${key}' is a JSONPath field and cannot be used in JSONata state '${name}'`);
      }
    }
  }
  if (type === 'Choice' && Array.isArray(state.Choices)) {
    state.Choices.forEach((rule, i) => {
      if (!isObject(rule)) return;
      const where = `${location}/Choices/${i}`;
      if (language === 'JSONata' && rule.Condition === undefined) {
        add("a JSONata Choice rule needs 'Condition' (a boolean or a {% %} expression)", where);
      }
      if (language === 'JSONata' && rule.Variable !== undefined) {
        add("'Variable' and comparison operators are JSONPath; JSONata Choice rules use 'Condition'", where);
      }
      if (language === 'JSONPath' && (rule.Condition !== undefined || rule.Output !== undefined)) {
        add(
          "'Condition' and 'Output' are JSONata; JSONPath Choice rules use 'Variable' and an operator",
          where,
        );
      }
    });
  }
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (!isObject(catcher)) return;
      const where = `${location}/Catch/${i}`;
      if (language === 'JSONata' && catcher.ResultPath !== undefined) {
        add("'ResultPath' is JSONPath; a JSONata catcher uses 'Output'", where);
      }
      if (language === 'JSONPath' && catcher.Output !== undefined) {
        add("'Output' is JSONata; a JSONPath catcher uses 'ResultPath'", where);
      }
    });
  }
  const processor = isObject(state.ItemProcessor)
    ? state.ItemProcessor
    : isObject(state.Iterator)
      ? state.Iterator
      : undefined;
  if (processor) {
    const key = isObject(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
    checkStates(processor.States, machineLanguage, `${location}/${key}`, problems);
  }
  if (Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => {
      if (isObject(branch))
        checkStates(branch.States, machineLanguage, `${location}/Branches/${i}`, problems);
    });
  }
}

function checkStates(
  states: unknown,
  machineLanguage: QueryLanguage,
  prefix: string,
  problems: QueryLanguageProblem[],
) {
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (isObject(state)) checkState(name, state, machineLanguage, `${prefix}/States/${name}`, problems);
  }
}

/**
 * Checks a whole definition for query-language mix-ups: a JSONPath state in an all-JSONata
 * machine (AWS's downgrade error), JSONata fields in JSONPath states and the reverse.
 * Nested states (Map ItemProcessor, Parallel Branches) default to the machine's language.
 */
export function queryLanguageProblems(definition: unknown): QueryLanguageProblem[] {
  if (!isObject(definition)) return [];
  const problems: QueryLanguageProblem[] = [];
  const top = definition.QueryLanguage;
  if (top !== undefined && top !== 'JSONPath' && top !== 'JSONata') {
    return [
      {
        location: '/QueryLanguage',
        message: `'QueryLanguage' must be 'JSONPath' or 'JSONata', got ${JSON.stringify(top)}`,
      },
    ];
  }
  checkStates(definition.States, (top as QueryLanguage | undefined) ?? 'JSONPath', '', problems);
  return problems;
}
