/// <reference path="./asl-validator.d.ts" />
import aslValidator = require('asl-validator');

import type { AslDefinition, AslMachine, AslState } from './asl';
import { type DefinitionProblem, InvalidDefinitionError } from './errors';
import { JsonataLanguage } from './jsonata/language';
import { JsonPathLanguage } from './jsonpath/language';
import type { Branch, StateNode } from './model';
import type { QueryLanguage, RawObject } from './query-language';
import { compileChoice } from './states/choice';
import { type CompileContext, invalid } from './states/common';
import { compileFail } from './states/fail';
import { compileMap } from './states/map';
import { compileParallel } from './states/parallel';
import { compilePass } from './states/pass';
import { compileSucceed } from './states/succeed';
import { compileTask } from './states/task';
import { compileWait } from './states/wait';
import type { IntegrationRegistry } from './types';

export interface CompiledDefinition {
  readonly definition: AslDefinition;
  readonly root: Branch;
  /** The machine's own `TimeoutSeconds`, if any. */
  readonly timeoutSeconds?: number;
  readonly compiledExpressions: number;
}

/** One module per state type; this is the only list of them. */
function compileState(name: string, state: AslState, ctx: CompileContext): StateNode {
  switch (state.Type) {
    case 'Pass':
      return compilePass(name, state, ctx);
    case 'Task':
      return compileTask(name, state, ctx);
    case 'Choice':
      return compileChoice(name, state, ctx);
    case 'Wait':
      return compileWait(name, state, ctx);
    case 'Succeed':
      return compileSucceed(name, state, ctx);
    case 'Fail':
      return compileFail(name, state, ctx);
    case 'Parallel':
      return compileParallel(name, state, ctx);
    case 'Map':
      return compileMap(name, state, ctx);
    default: {
      // The schema admits no other type; this keeps the engine's own message should one get through.
      const unknownState: { readonly Type: unknown } = state;
      throw invalid(`unknown state type ${JSON.stringify(unknownState.Type)}`, ctx.location);
    }
  }
}

function isObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Nested `{StartAt, States}` objects of a state (Parallel branches, Map item processor). */
function nestedMachines(state: RawObject, location: string): [RawObject, string][] {
  const nested: [RawObject, string][] = [];
  if (Array.isArray(state.Branches)) {
    state.Branches.forEach((b, i) => {
      if (isObject(b)) nested.push([b, `${location}/Branches/${i}`]);
    });
  }
  for (const field of ['ItemProcessor', 'Iterator']) {
    if (isObject(state[field])) nested.push([state[field] as RawObject, `${location}/${field}`]);
  }
  return nested;
}

/**
 * The problems found so far: a check that throws InvalidDefinitionError for one part (a state, a
 * variable) is run through `check`, which keeps the error and lets the next part be checked.
 */
class Problems {
  readonly errors: InvalidDefinitionError[] = [];

  check(part: () => void): void {
    try {
      part();
    } catch (error) {
      if (error instanceof ProblemsReported) return;
      if (!(error instanceof InvalidDefinitionError)) throw error;
      this.errors.push(error);
    }
  }

  /** Throws the first problem (CreateStateMachine's answer), carrying all of them. */
  throwAny(): void {
    const [first] = this.errors;
    if (first === undefined) return;
    if (this.errors.length > 1 || first.problems !== undefined) {
      first.problems = this.errors.flatMap((e) => e.problems ?? [problemOf(e)]);
    }
    throw first;
  }
}

/** A nested branch whose problems are already in the list: the state holding it fails without a problem of its own. */
class ProblemsReported extends Error {}

const problemOf = (error: InvalidDefinitionError): DefinitionProblem => ({
  code: error.code,
  detail: error.detail,
  ...(error.location !== undefined ? { location: error.location } : {}),
});

type AslValidationError = ReturnType<typeof aslValidator>['errors'][number];

const jsonataChecker = new JsonataLanguage();
const jsonpathChecker = new JsonPathLanguage();

/** Fields of the wrong query language, in the state, its catchers and its Choice rules. */
function checkLanguageFields(fieldChecker: QueryLanguage, state: RawObject, location: string): void {
  fieldChecker.checkFields(state, location, 'state');
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((c, i) => {
      if (isObject(c)) fieldChecker.checkFields(c, `${location}/Catch/${i}`, 'catcher');
    });
  }
  if (Array.isArray(state.Choices)) {
    state.Choices.forEach((r, i) => {
      if (isObject(r)) fieldChecker.checkFields(r, `${location}/Choices/${i}`, 'choiceRule');
    });
  }
}

/**
 * Query-language checks that must come before the schema validator (whose messages for them are
 * cryptic): the downgrade rule, and fields of the other query language.
 * Inside Parallel/Map, a state's default language is the machine's, not the enclosing state's (ASL).
 */
function checkQueryLanguages(
  machine: RawObject,
  topLevel: unknown,
  location: string,
  problems: Problems,
): void {
  if (!isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    const where = `${location}/States/${name}`;
    problems.check(() => checkStateLanguage(state, topLevel, where));
    for (const [nested, nestedLocation] of nestedMachines(state, where))
      checkQueryLanguages(nested, topLevel, nestedLocation, problems);
  }
}

function checkStateLanguage(state: RawObject, topLevel: unknown, where: string): void {
  {
    if (topLevel === 'JSONata' && state.QueryLanguage === 'JSONPath') {
      const detail = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine";
      throw new InvalidDefinitionError(
        `SCHEMA_VALIDATION_FAILED: ${detail} at ${where}`,
        'SCHEMA_VALIDATION_FAILED',
        where,
        detail,
      );
    }
    const language = state.QueryLanguage ?? topLevel ?? 'JSONPath';
    checkLanguageFields(language === 'JSONata' ? jsonataChecker : jsonpathChecker, state, where);
  }
}

/** Names assigned anywhere in a state (its Assign, its catchers' and its Choice rules'). */
function assignedNames(state: RawObject): string[] {
  const names: string[] = [];
  const collect = (holder: unknown) => {
    if (isObject(holder) && isObject(holder.Assign)) names.push(...Object.keys(holder.Assign));
  };
  collect(state);
  for (const list of [state.Catch, state.Choices]) if (Array.isArray(list)) list.forEach(collect);
  return names;
}

/** ASL variable scoping: an inner scope (branch, iteration) may read but never assign a name of an enclosing scope. */
function checkVariableScopes(
  machine: RawObject,
  outer: ReadonlySet<string>,
  location: string,
  problems: Problems,
): void {
  if (!isObject(machine.States)) return;
  const own = new Set<string>();
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    for (const variable of assignedNames(state)) {
      if (outer.has(variable)) {
        problems.errors.push(
          invalid(
            `the variable '${variable}' is assigned in state '${name}' but already belongs to an enclosing scope; an inner Parallel branch or Map iteration may read outer variables but not assign them: choose another name, or return the value through the branch output`,
            `${location}/States/${name}/Assign`,
          ),
        );
        continue;
      }
      own.add(variable);
    }
  }
  const visible = new Set([...outer, ...own]);
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    for (const [nested, nestedLocation] of nestedMachines(state, `${location}/States/${name}`)) {
      checkVariableScopes(nested, visible, nestedLocation, problems);
    }
  }
}

function parse(definition: string | object): RawObject {
  let parsed: unknown = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new InvalidDefinitionError(
        `INVALID_JSON_DESCRIPTION: the definition is not valid JSON: ${(error as Error).message}`,
        'INVALID_JSON_DESCRIPTION',
        '/',
        `the definition is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  if (!isObject(parsed)) throw invalid('the definition must be a JSON object with StartAt and States', '/');
  return parsed;
}

/**
 * asl-validator 4.0.0 rejects JSONata `Output` values that are not objects or expressions (null, numbers,
 * plain strings) and literal boolean `Condition`s, which AWS accepts. The engine checks both itself, so the
 * validator sees `{}` and an equivalent expression.
 */
function withoutOutputs(machine: RawObject): RawObject {
  if (!isObject(machine.States)) return machine;
  for (const state of Object.values(machine.States)) {
    if (!isObject(state)) continue;
    const holders = [
      state,
      ...(Array.isArray(state.Choices) ? state.Choices : []),
      ...(Array.isArray(state.Catch) ? state.Catch : []),
    ];
    for (const holder of holders) {
      if (!isObject(holder)) continue;
      if ('Output' in holder) holder.Output = {};
      if (typeof holder.Condition === 'boolean') holder.Condition = `{% ${holder.Condition} %}`;
    }
    for (const [nested] of nestedMachines(state, '')) withoutOutputs(nested);
  }
  return machine;
}

/** asl-validator's schema check; a definition that passes is read through the types of asl.ts from then on. */
function validateSchema(definition: RawObject): asserts definition is AslDefinition {
  // The validator writes default QueryLanguage values into what it is given: hand it a copy.
  const { isValid, errors } = aslValidator(withoutOutputs(structuredClone(definition)));
  if (isValid) return;
  // A missing terminal state is reported after the error that causes it; on its own it names the
  // validator's internal machine (fsm1 is the top level, fsm2... are Parallel branches and Map processors).
  const shown =
    errors.length > 1 ? errors.filter((e) => e['Error code'] !== 'MISSING_TERMINAL_STATE') : errors;
  const withOthers = (error: InvalidDefinitionError): InvalidDefinitionError => {
    if (shown.length > 1) error.problems = [problemOf(error), ...shown.slice(1).map(schemaProblem)];
    return error;
  };
  const pointer = errors[0]?.schemaError?.instancePath ?? '';
  const dollarKey = /^(.*)\/([^/]+\.\$)$/.exec(pointer);
  if (dollarKey && errors[0]?.Message.includes('asl_payload_template')) {
    // AWS's wording for a `.$` value that is neither a path nor an intrinsic function call.
    const [, location = '', key = ''] = dollarKey;
    const value = pointer
      .slice(1)
      .split('/')
      .reduce<unknown>(
        (node, step) => (isObject(node) ? node[step.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        definition,
      );
    const detail = `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call (got ${JSON.stringify(value)}: check the path, or the function name, its arguments and parentheses)`;
    throw withOthers(
      new InvalidDefinitionError(
        `SCHEMA_VALIDATION_FAILED: ${detail} at ${location}`,
        'SCHEMA_VALIDATION_FAILED',
        location,
        detail,
      ),
    );
  }
  const missing = /^Missing 'StartAt'\|'Next'\|'Default' target: (.*)$/.exec(errors[0]?.Message ?? '');
  const reference = missing ? findMissingTarget(definition, missing[1] ?? '', '') : undefined;
  if (reference) {
    // AWS names the field and where it is; asl-validator lists every field it might be.
    const detail = `Missing '${reference.field}' target: ${reference.target}`;
    throw withOthers(
      new InvalidDefinitionError(
        `MISSING_TRANSITION_TARGET: ${detail} at ${reference.location}`,
        'MISSING_TRANSITION_TARGET',
        reference.location,
        detail,
      ),
    );
  }
  const [first = { code: 'SCHEMA_VALIDATION_FAILED', detail: '' }] = shown.map(schemaProblem);
  const { code, location } = first;
  const detail = shown.map((e) => schemaProblem(e).detail).join('; ');
  const error = new InvalidDefinitionError(
    location ? `${code}: ${detail} at ${location}` : `${code}: ${detail}`,
    code,
    location,
    detail,
  );
  if (shown.length > 1) error.problems = shown.map(schemaProblem);
  throw error;
}

/** One asl-validator error as a problem, with AWS's code for a workflow without a terminal state (API reference, ValidateStateMachineDefinitionDiagnostic). */
function schemaProblem(error: AslValidationError): DefinitionProblem {
  const code = error['Error code'] === 'MISSING_TERMINAL_STATE' ? 'MISSING_END_STATE' : error['Error code'];
  const location = error.schemaError?.instancePath.replace(/~1/g, '/').replace(/~0/g, '~') || undefined;
  const detail = error.Message.replace(
    /^State machine fsm(\d+) is missing a terminal state$/,
    (_all, n: string) =>
      n === '1'
        ? 'The state machine has no terminal state: end one state with "End": true, or add a Succeed or Fail state'
        : 'A Parallel branch or Map item processor has no terminal state: end one of its states with "End": true, or add a Succeed or Fail state',
  );
  return { code, detail, ...(location !== undefined ? { location } : {}) };
}

/** The first transition field (StartAt, Next, Default, a Choice rule's Next) naming `target` where no such state exists. */
function findMissingTarget(
  machine: RawObject,
  target: string,
  location: string,
): { field: string; target: string; location: string } | undefined {
  const states = isObject(machine.States) ? machine.States : {};
  const exists = (name: unknown): boolean => typeof name === 'string' && name in states;
  if (machine.StartAt === target && !exists(target)) {
    return { field: 'StartAt', target, location: `${location}/StartAt` };
  }
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const where = `${location}/States/${name}`;
    if (state.Next === target && !exists(target)) return { field: 'Next', target, location: `${where}/Next` };
    if (state.Default === target && !exists(target)) {
      return { field: 'Default', target, location: `${where}/Default` };
    }
    if (Array.isArray(state.Choices)) {
      const rule = state.Choices.findIndex((r) => isObject(r) && r.Next === target);
      if (rule >= 0 && !exists(target)) {
        return { field: 'Next', target, location: `${where}/Choices/${rule}/Next` };
      }
    }
    for (const [nested, nestedLocation] of nestedMachines(state, where)) {
      const found = findMissingTarget(nested, target, nestedLocation);
      if (found) return found;
    }
  }
  return undefined;
}

/** Parses, validates and compiles a definition once: every later execution reuses the result. */
export function compileDefinition(
  source: string | object,
  integrations: IntegrationRegistry,
): CompiledDefinition {
  const definition = parse(source);
  const problems = new Problems();
  // Fields of the wrong query language make the schema validator's messages cryptic, and a definition
  // outside the schema cannot be compiled: each step reports all its problems, then stops a bad definition.
  checkQueryLanguages(definition, definition.QueryLanguage, '', problems);
  problems.throwAny();
  validateSchema(definition);
  checkVariableScopes(definition, new Set(), '', problems);
  const jsonata = new JsonataLanguage();
  const jsonpath = new JsonPathLanguage();
  const topLevel = definition.QueryLanguage ?? 'JSONPath';

  const compileBranch = (machine: AslMachine, location: string): Branch => {
    const states = new Map<string, StateNode>();
    const before = problems.errors.length;
    for (const [name, state] of Object.entries(machine.States)) {
      const where = `${location}/States/${name}`;
      // Inside Parallel/Map the default is the machine's language, not the enclosing state's (ASL).
      // Its fields (and its catchers' and Choice rules') were checked against it by checkQueryLanguages.
      const language = (state.QueryLanguage ?? topLevel) === 'JSONata' ? jsonata : jsonpath;
      const ctx: CompileContext = { language, location: where, integrations, compileBranch };
      problems.check(() => states.set(name, compileState(name, state, ctx)));
    }
    // A state that did not compile would show as a missing target: its problem is reported already.
    if (problems.errors.length > before) throw new ProblemsReported();
    for (const [name, node] of states) {
      problems.check(() =>
        node.resolve((target, field) => {
          const found = states.get(target);
          if (found === undefined) {
            throw invalid(
              `state '${name}' names '${target}' in '${field}', but there is no such state in its States`,
              `${location}/States/${name}`,
              'MISSING_TRANSITION_TARGET',
            );
          }
          return found;
        }),
      );
    }
    const start = states.get(machine.StartAt);
    if (start === undefined)
      throw invalid(
        `'StartAt' names ${JSON.stringify(machine.StartAt)}, which is not a state`,
        location || '/',
        'MISSING_TRANSITION_TARGET',
      );
    if (problems.errors.length > before) throw new ProblemsReported();
    return { start, states };
  };

  let root: Branch | undefined;
  problems.check(() => {
    root = compileBranch(definition, '');
  });
  problems.throwAny();
  if (root === undefined) throw new Error('the definition compiled to nothing');
  return {
    definition,
    root,
    timeoutSeconds: definition.TimeoutSeconds,
    compiledExpressions: jsonata.compiledExpressions,
  };
}
