/** Test helpers: walk a rendered definition and evaluate its JSONata fields the way Step Functions does. */
import { createHash } from 'node:crypto';
import jsonata from 'jsonata';

export interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Arguments?: Record<string, unknown>;
  readonly Assign?: Record<string, unknown>;
  readonly Output?: unknown;
  readonly TimeoutSeconds?: unknown;
  readonly Seconds?: unknown;
  readonly Error?: string;
  readonly Cause?: string;
  readonly Retry?: ReadonlyArray<Record<string, unknown> & { readonly ErrorEquals: string[] }>;
  readonly Choices?: ReadonlyArray<{
    readonly Condition: string;
    readonly Next: string;
    readonly Output?: unknown;
  }>;
  readonly Catch?: ReadonlyArray<{
    readonly ErrorEquals: string[];
    readonly Next: string;
    readonly Output?: unknown;
    readonly Assign?: Record<string, unknown>;
  }>;
}

export interface Definition {
  readonly QueryLanguage: string;
  readonly StartAt: string;
  readonly States: Record<string, State>;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** Every `{% %}` expression in the definition, with where it sits. */
export function expressions(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') {
    const match = EXPRESSION.exec(value);
    return match?.[1] === undefined ? [] : [{ at, text: match[1] }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => expressions(item, `${at}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => expressions(item, `${at}/${key}`));
  }
  return [];
}

/** The functions Step Functions adds to JSONata 2.0.6. */
const awsFunctions = {
  hash: (value: string, algorithm: string) =>
    createHash(algorithm.replace('-', '').toLowerCase()).update(value).digest('hex'),
  parse: (text: string) => JSON.parse(text),
};

export interface Scope {
  readonly input: unknown;
  readonly variables?: Record<string, unknown>;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
  readonly executionId?: string;
  /** `$states.context.Execution.StartTime` (ISO 8601). @default now */
  readonly executionStartTime?: string;
}

/** Evaluates a field value (JSON with nested `{% %}` strings), as a JSONata state would. */
export async function evaluate(field: unknown, scope: Scope): Promise<unknown> {
  if (typeof field === 'string') {
    const match = EXPRESSION.exec(field);
    if (match?.[1] === undefined) return field;
    const states = {
      input: scope.input,
      result: scope.result,
      errorOutput: scope.errorOutput,
      context: {
        Execution: {
          Id: scope.executionId ?? 'arn:aws:states:us-east-1:123456789012:execution:sm:exec-1',
          Input: scope.input,
          StartTime: scope.executionStartTime ?? new Date().toISOString(),
        },
      },
    };
    const value = await jsonata(match[1]).evaluate(undefined, {
      ...awsFunctions,
      ...scope.variables,
      states,
    });
    if (value === undefined) throw new Error(`expression returned nothing: ${match[1]}`);
    return value;
  }
  if (Array.isArray(field)) return Promise.all(field.map((item) => evaluate(item, scope)));
  if (field !== null && typeof field === 'object') {
    const entries = await Promise.all(
      Object.entries(field).map(async ([key, item]) => [key, await evaluate(item, scope)] as const),
    );
    return Object.fromEntries(entries);
  }
  return field;
}

export function state(definition: Definition, name: string): State {
  const found = definition.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
}

/** The catcher of a state that handles an error name. */
export function catcherFor(definition: Definition, stateName: string, error: string) {
  const catcher = state(definition, stateName).Catch?.find((c) => c.ErrorEquals.includes(error));
  if (!catcher) throw new Error(`${stateName} does not catch ${error}`);
  return catcher;
}
