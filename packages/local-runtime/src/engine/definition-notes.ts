import type { DefinitionProblem } from './errors';

/**
 * What a definition's JSON shows without compiling it: the patterns an EXPRESS state machine may not use,
 * and AWS's documented warnings (ValidateStateMachineDefinitionDiagnostic: NO_DOLLAR, NO_PATH,
 * PASS_RESULT_IS_STATIC). Locations are JSON pointers into the definition, as the engine's problems are.
 */

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every state with its location and query language, nested branches and item processors included. */
function* statesOf(machine: Raw, language: unknown, location = ''): Generator<[Raw, string, string]> {
  if (!isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    const where = `${location}/States/${name}`;
    yield [state, where, String(state.QueryLanguage ?? language ?? 'JSONPath')];
    if (Array.isArray(state.Branches)) {
      for (const [i, branch] of state.Branches.entries())
        if (isObject(branch)) yield* statesOf(branch, language, `${where}/Branches/${i}`);
    }
    for (const field of ['ItemProcessor', 'Iterator']) {
      const nested = state[field];
      if (isObject(nested)) yield* statesOf(nested, language, `${where}/${field}`);
    }
  }
}

const PATTERN = /\.(waitForTaskToken|sync(:\d+)?)$/;

/**
 * AWS: "Express Workflows do not support Run a Job (.sync) or Wait for Callback (.waitForTaskToken)"
 * (developer guide, "Discover service integration patterns"), nor activities; CreateStateMachine rejects
 * them with SCHEMA_VALIDATION_FAILED.
 */
export function expressProblems(definition: Raw): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const [state, where] of statesOf(definition, definition.QueryLanguage)) {
    const resource = state.Resource;
    if (state.Type !== 'Task' || typeof resource !== 'string') continue;
    const pattern = PATTERN.exec(resource);
    const detail = pattern
      ? `Express state machine does not support '.${pattern[1]}' service integration`
      : /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)
        ? 'Express state machine does not support Activity ARN'
        : undefined;
    if (detail !== undefined)
      problems.push({ code: 'SCHEMA_VALIDATION_FAILED', detail, location: `${where}/Resource` });
  }
  return problems;
}

const looksLikePath = (value: unknown): boolean =>
  typeof value === 'string' && (value === '$' || /^\$\$?[.[]/.test(value));
const looksLikeIntrinsic = (value: unknown): boolean =>
  typeof value === 'string' && /^States\.[A-Za-z0-9]+\(/.test(value);

/** NO_DOLLAR: a payload-template field whose value is a path or an intrinsic call, but whose name lacks `.$`. */
function noDollar(template: unknown, location: string, out: DefinitionProblem[]): void {
  if (Array.isArray(template)) {
    template.forEach((item, i) => {
      noDollar(item, `${location}/${i}`, out);
    });
    return;
  }
  if (!isObject(template)) return;
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$') && (looksLikePath(value) || looksLikeIntrinsic(value))) {
      out.push({
        code: 'NO_DOLLAR',
        detail: `The value of the field '${key}' looks like a JSONPath or an intrinsic function call, but the field name does not end with '.$': it is passed as the plain string ${JSON.stringify(value)}`,
        location: `${location}/${key}`,
      });
    } else if (!key.endsWith('.$')) noDollar(value, `${location}/${key}`, out);
  }
}

/** Choice comparison operators that take a literal, each with a `…Path` form. */
const LITERAL_OPERATORS =
  /^(String|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)$/;

/** NO_PATH: a Choice rule's literal comparison whose value looks like a path (`StringEquals: "$.x"`). */
function noPath(rule: unknown, location: string, out: DefinitionProblem[]): void {
  if (!isObject(rule)) return;
  for (const [key, value] of Object.entries(rule)) {
    if (LITERAL_OPERATORS.test(key) && looksLikePath(value)) {
      out.push({
        code: 'NO_PATH',
        detail: `The value of the field '${key}' looks like a path, but the field name does not end with 'Path': it is compared as the plain string ${JSON.stringify(value)} (use '${key}Path' to compare with the value at that path)`,
        location: `${location}/${key}`,
      });
    }
  }
  for (const field of ['And', 'Or']) {
    const nested = rule[field];
    if (Array.isArray(nested))
      for (const [i, r] of nested.entries()) noPath(r, `${location}/${field}/${i}`, out);
  }
  if (isObject(rule.Not)) noPath(rule.Not, `${location}/Not`, out);
}

/** PASS_RESULT_IS_STATIC: a Pass state's `Result` with a `.$` field, which Result does not evaluate. */
function hasDollarKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDollarKey);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, inner]) => key.endsWith('.$') || hasDollarKey(inner));
}

/** AWS's documented warnings that a definition shows statically (JSONPath states only: JSONata has no paths). */
export function definitionWarnings(definition: Raw): DefinitionProblem[] {
  const warnings: DefinitionProblem[] = [];
  for (const [state, where, language] of statesOf(definition, definition.QueryLanguage)) {
    if (language !== 'JSONPath') continue;
    for (const field of ['Parameters', 'ResultSelector', 'ItemSelector']) {
      if (field in state) noDollar(state[field], `${where}/${field}`, warnings);
    }
    if (state.Type === 'Choice' && Array.isArray(state.Choices)) {
      for (const [i, rule] of state.Choices.entries()) noPath(rule, `${where}/Choices/${i}`, warnings);
    }
    if (state.Type === 'Pass' && hasDollarKey(state.Result)) {
      warnings.push({
        code: 'PASS_RESULT_IS_STATIC',
        detail:
          "A Pass state's 'Result' is static: its fields ending in '.$' are not evaluated (use 'Parameters' to build a value from paths)",
        location: `${where}/Result`,
      });
    }
  }
  return warnings;
}
