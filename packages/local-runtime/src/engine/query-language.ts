import type { AslCatcher, AslState, ChoiceRule, ChoiceState, ValueField } from './asl';

/**
 * The seam between the engine and a query language (JSONata, JSONPath). The engine owns
 * states, transitions, Retry/Catch and the history; a query language turns a state's raw fields into
 * evaluators: what the state works on, what it outputs, what it assigns, and single values such as a
 * Choice condition or a Fail cause. Each evaluator receives the state's scope at evaluation time.
 */

/** Variables visible in one scope; inner scopes (Parallel branches, Map iterations) chain to the outer via the prototype. */
export type Variables = Record<string, unknown>;

const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/** The ASL rule for a variable name, under either query language: a letter or `_`, then letters, digits or `_`, at most 80 characters. */
export function isVariableName(name: string): boolean {
  return name.length <= 80 && VARIABLE_NAME.test(name);
}

/** The raw JSON of a state (or a catcher, or a Choice rule) as written, before the definition is validated. */
export type RawObject = Record<string, unknown>;

export interface EvalScope {
  readonly stateName: string;
  /** Id of the state's `…StateEntered` event, quoted in evaluation error causes. */
  readonly enteredEventId: number;
  /** The state's raw input (`$states.input`). */
  readonly input: unknown;
  /** The Context object (`$states.context`, `$$`). */
  readonly context: unknown;
  /** Variables as they were on state entry. */
  readonly vars: Variables;
  /** The task / Map / Parallel result, set before output processing. */
  result?: unknown;
  /** `{Error, Cause}`, set before a catcher's output processing. */
  errorOutput?: unknown;
  /** Set by TestState: receives each data-flow step's value (`afterInputPath`, `afterResultPath`, ...). */
  readonly inspect?: (step: InspectionStep, value: unknown) => void;
}

/** The intermediate data-flow values TestState shows (its `inspectionData` members). */
export type InspectionStep = 'afterInputPath' | 'afterParameters' | 'afterResultSelector' | 'afterResultPath';

export type Evaluator<T = unknown> = (scope: EvalScope) => T | Promise<T>;

/** The data flow of a state or catcher. An absent evaluator means the ASL default for that step. */
export interface DataFlow {
  /** The value the state works on: sent to a task, to each Parallel branch. Default: the state input. */
  readonly effectiveInput?: Evaluator;
  /** The state output. Default: the result (Task, Map, Parallel), the error output (catchers) or the input (others). */
  readonly output?: Evaluator;
  /** Variables to assign after the state, all computed from the variables on state entry. */
  readonly assign?: Evaluator<Variables>;
}

/** What a single-value field must evaluate to. A `timestamp` evaluator yields epoch milliseconds, parsed by the rule that accepted it. */
export type ValueKind =
  | 'string'
  | 'boolean'
  | 'positiveInteger'
  | 'nonNegativeInteger'
  | 'array'
  | 'timestamp';

export interface QueryLanguage {
  readonly name: 'JSONata' | 'JSONPath';
  /**
   * Throws InvalidDefinitionError for fields that belong to another query language. Runs before the
   * schema validator, on the raw JSON.
   */
  checkFields(raw: RawObject, location: string, kind: 'state' | 'catcher' | 'choiceRule'): void;
  /** Data flow of a state (`Arguments`/`Output`/`Assign` under JSONata). */
  stateFlow(state: AslState, location: string): DataFlow;
  /**
   * Data flow of a catcher (`Output`/`Assign`), evaluated with `errorOutput` set, or of a Choice rule.
   * `state` is the state that holds it (JSONPath needs its InputPath/OutputPath).
   */
  catcherFlow(holder: AslCatcher | ChoiceRule, location: string, state: AslState): DataFlow;
  /** A Choice rule's condition. */
  condition(rule: ChoiceRule, location: string, state: ChoiceState): Evaluator<boolean>;
  /**
   * A single-value field (`TimeoutSeconds`, Wait `Seconds`/`Timestamp`, Fail `Error`/`Cause`, Map `Items`,
   * `MaxConcurrency`), or undefined when the field is absent.
   */
  value(state: AslState, field: ValueField, location: string, kind: ValueKind): Evaluator | undefined;
  /** A template evaluated against a scope (Map `ItemSelector`); `state` is the state that holds it. */
  template(value: unknown, field: string, location: string, state: AslState): Evaluator;
}
