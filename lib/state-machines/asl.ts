/**
 * The part of the Amazon States Language (JSONata query language) the blueprint's builders emit,
 * typed so a misspelt field or a state without a transition fails to compile. Blueprint-side on
 * purpose: lib/ must not depend on the local runtime's types. Field order in these objects is the
 * order in the rendered files, so builders write them as ASL documents do.
 */

/** A JSONata expression as ASL embeds it in a string value. */
export type Expression = `{% ${string} %}`;

/** A value of `Arguments`, `Output` or `Assign`: JSON in which any string may be an expression. */
export type Value = string | number | boolean | null | readonly Value[] | { readonly [name: string]: Value };

export interface Retrier {
  readonly Comment?: string;
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly Comment?: string;
  readonly ErrorEquals: readonly string[];
  readonly Assign?: Readonly<Record<string, Value>>;
  readonly Output?: Value;
  readonly Next: string;
}

export interface TaskState {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Arguments: Readonly<Record<string, Value>>;
  readonly TimeoutSeconds?: number;
  readonly Assign?: Readonly<Record<string, Value>>;
  readonly Output?: Value;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Next: string;
}

export interface ChoiceRule {
  readonly Comment?: string;
  readonly Condition: Expression;
  readonly Output?: Value;
  readonly Next: string;
}

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export interface WaitState {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly Seconds: number | Expression;
  readonly Next: string;
}

export interface PassState {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Assign?: Readonly<Record<string, Value>>;
  readonly Output?: Value;
  readonly Next: string;
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error: string;
  readonly Cause: string;
}

export type State = TaskState | ChoiceState | WaitState | PassState | SucceedState | FailState;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONata';
  readonly TimeoutSeconds?: number;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

/** Wraps JSONata code as ASL expects it in a string field. */
export function expression(code: string): Expression {
  return `{% ${code} %}`;
}

/** The definition as the files in state-machines/ hold it and CloudFormation receives it. */
export function toDefinitionText(definition: StateMachineDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}
