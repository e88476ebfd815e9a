/**
 * Runs the blueprint's definitions on the local engine, the one that runs them in the behaviour
 * tests, with stub services instead of DynamoDB and Lambda: each test writes what the services
 * answer, and every call is kept. So a definition is checked by executing it, not by evaluating
 * its expressions apart from it.
 */
import {
  type Execution,
  type ExecutionResult,
  type IntegrationRegistry,
  StateMachine,
  StatesError,
  substitute,
  type TaskCall,
} from '@sfn-idempotency/local-runtime';
import { CONDITIONAL_CHECK_FAILED, UNMODELED_DYNAMODB_ERROR } from '../../lib/state-machines/retries';

/** The table and function the definitions are planned for in these tests. */
export const SAMPLE = {
  tableName: 'idempotency-records',
  businessFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:payment',
} as const;

/** What CloudFormation would substitute for SAMPLE. */
export const SAMPLE_SUBSTITUTIONS = {
  TableName: SAMPLE.tableName,
  BusinessFunctionArn: SAMPLE.businessFunctionArn,
};

export type Action = 'putItem' | 'getItem' | 'updateItem' | 'deleteItem' | 'invoke';

/** What a stub service answers one call: its result, or a thrown StatesError. */
export type Answer = (call: TaskCall) => unknown;
export type Answers = Partial<Record<Action, Answer>>;

/** Succeeding writes, an empty read, and a business function that answers `{ ok: true }`. */
const DEFAULT_ANSWERS: Record<Action, Answer> = {
  putItem: () => ({}),
  getItem: () => ({}),
  updateItem: () => ({}),
  deleteItem: () => ({}),
  invoke: () => ({ Payload: { ok: true }, StatusCode: 200 }),
};

/** DynamoDB's answer to a write whose condition failed. */
export function conditionFailed(): never {
  throw new StatesError(CONDITIONAL_CHECK_FAILED, 'The conditional request failed (Service: DynamoDb)');
}

/** What Step Functions reports for a DynamoDB error code without an exception class of its own. */
export function unmodeled(code: string, status = 400): StatesError {
  return new StatesError(
    UNMODELED_DYNAMODB_ERROR,
    `Something went wrong (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: R1; Proxy: null)`,
  );
}

/** A service that fails every call with `error`. */
export function failing(error: Error): Answer {
  return () => {
    throw error;
  };
}

/** A claim as DynamoDB answers it: an empty id is a ValidationException, nothing is written. */
export const claimLikeDynamoDb: Answer = (call) => {
  const item = (call.parameters as { Item: { id: { S: string } } }).Item;
  if (item.id.S === '') throw unmodeled('ValidationException');
  return {};
};

/** Answers from `first` for the first `times` calls, then from `then`. */
export function firstTimes(times: number, first: Answer, then: Answer): Answer {
  let calls = 0;
  return (call) => (++calls <= times ? first(call) : then(call));
}

/** Integrations that answer as `answers` says and keep every call. */
function stubServices(answers: Answers, calls: TaskCall[]): IntegrationRegistry {
  return {
    resolve(resource) {
      const action = resource.split(':').pop() as Action;
      if (!(action in DEFAULT_ANSWERS)) return undefined;
      return {
        resourceType: action === 'invoke' ? 'lambda' : 'dynamodb',
        resource: action,
        invoke: async (call) => {
          calls.push(call);
          return (answers[action] ?? DEFAULT_ANSWERS[action])(call);
        },
      };
    },
  };
}

/** The definition with the sample values in, compiled by the engine (schema, every expression). */
export function compile(definition: string, answers: Answers = {}, calls: TaskCall[] = []): StateMachine {
  return StateMachine.create(substitute(definition, SAMPLE_SUBSTITUTIONS), {
    integrations: stubServices(answers, calls),
  });
}

export interface Run {
  readonly result: ExecutionResult;
  readonly execution: Execution;
  readonly executionArn: string;
  /** The parsed output (SUCCEEDED). */
  readonly output: unknown;
  /** The states entered, in order. */
  readonly entered: string[];
  /** The parameters of every call to `action`, in order. */
  parametersOf(action: Action): Record<string, unknown>[];
}

let runs = 0;

/**
 * One execution of `definition` (with `${…}` placeholders) on `input`. Waits and retry pauses
 * run at a thousandth of their length; `startTime` moves the execution's start into the past.
 */
export async function run(
  definition: string,
  input: unknown,
  answers: Answers = {},
  startTime?: Date,
): Promise<Run> {
  const calls: TaskCall[] = [];
  runs++;
  const executionArn = `arn:aws:states:us-east-1:123456789012:execution:payment:run-${runs}`;
  const execution = compile(definition, answers, calls).start(input, {
    executionArn,
    name: `run-${runs}`,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:payment',
    stateMachineName: 'payment',
    roleArn: 'arn:aws:iam::123456789012:role/payment',
    timeScale: 0.001,
    startTime,
  });
  const result = await execution.done;
  return {
    result,
    execution,
    executionArn,
    output: result.output === undefined ? undefined : JSON.parse(result.output),
    entered: execution.events.flatMap((e) => {
      const name = (e.stateEnteredEventDetails as { name?: string } | undefined)?.name;
      return e.type.endsWith('StateEntered') && name ? [name] : [];
    }),
    parametersOf: (action) =>
      calls
        .filter((call) => call.resource.endsWith(`:${action}`))
        .map((call) => call.parameters as Record<string, unknown>),
  };
}

/**
 * Evaluates one expression of a definition on the engine, with `variables` assigned as the states
 * before it would have: for values a run does not show (a Wait's seconds).
 */
export async function evaluate(
  expression: string,
  variables: Record<string, unknown> = {},
): Promise<unknown> {
  const probe = {
    QueryLanguage: 'JSONata',
    StartAt: 'Assign',
    States: {
      Assign: { Type: 'Pass', Assign: variables, Next: 'Probe' },
      Probe: { Type: 'Pass', Output: expression, End: true },
    },
  };
  const { output, result } = await run(JSON.stringify(probe), {});
  if (result.status !== 'SUCCEEDED') throw new Error(`${expression}: ${result.error} ${result.cause}`);
  return output;
}
