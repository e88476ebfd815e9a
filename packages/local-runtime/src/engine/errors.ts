/**
 * Every error the engine throws across its modules, and the helpers that name and word them. Names are
 * contracts: a StatesError's `name` is the ASL error string Retry/Catch match and the history records;
 * InvalidDefinitionError's is the API's `InvalidDefinition`.
 */

/** Error names the engine raises itself (ASL Appendix A and the Step Functions developer guide). */
export const ErrorNames = {
  all: 'States.ALL',
  taskFailed: 'States.TaskFailed',
  timeout: 'States.Timeout',
  heartbeatTimeout: 'States.HeartbeatTimeout',
  runtime: 'States.Runtime',
  dataLimitExceeded: 'States.DataLimitExceeded',
  queryEvaluationError: 'States.QueryEvaluationError',
  noChoiceMatched: 'States.NoChoiceMatched',
} as const;

// --- ASL errors: what a state fails with ---

/** An ASL error: `name` is the error string matched by Retry/Catch (`States.TaskFailed`, `DynamoDB.ConditionalCheckFailedException`). */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause?: string,
  ) {
    super(cause ? `${error}: ${cause}` : error);
    this.name = error;
  }
}

/** The state a field was evaluated in, and the id of its `…StateEntered` event. */
export interface StateEntry {
  readonly stateName: string;
  readonly enteredEventId: number;
}

/**
 * AWS's first sentence of every cause raised while evaluating a state's fields (JSONata and JSONPath):
 * "An error occurred while executing the state 'X' (entered at the event id #2)."
 */
export function statePrefix(at: StateEntry): string {
  return `An error occurred while executing the state '${at.stateName}' (entered at the event id #${at.enteredEventId}).`;
}

/**
 * A failed JSONata evaluation. The cause is AWS's state prefix and `detail`, so no such error can be
 * raised without it. `location` is the field path from the state root (`Output/result`), as AWS records
 * it in the `EvaluationFailed` event.
 */
export class QueryEvaluationError extends StatesError {
  constructor(
    at: StateEntry,
    detail: string,
    readonly location: string,
  ) {
    super(ErrorNames.queryEvaluationError, `${statePrefix(at)} ${detail}`);
  }
}

/** An error that ends the execution without passing through Retry/Catch (`States.Runtime`, state data over the limit). */
export class TerminalError extends StatesError {}

/**
 * The failure a Fail state raises. AWS records only the fields that were set (`ExecutionFailed` with
 * only `cause` when `Error` is absent), so the flags say which were.
 */
export class FailStateError extends StatesError {
  constructor(
    readonly errorSet: boolean,
    error: string,
    cause: string | undefined,
  ) {
    super(error, cause);
  }
}

// --- JSONPath data-flow errors: each carries the ASL error name matched by Retry/Catch; the engine
// prefixes the cause with the state it happened in (see `inState`), as AWS does. ---

/** `States.Runtime`: a path used by InputPath, OutputPath, Parameters or an intrinsic matched nothing. Never retried or caught. */
export class RuntimeError extends StatesError {
  constructor(cause: string) {
    super('States.Runtime', cause);
  }
}

/** `States.ResultPathMatchFailure`: ResultPath cannot be applied to the state input. */
export class ResultPathMatchFailure extends StatesError {
  constructor(cause: string) {
    super('States.ResultPathMatchFailure', cause);
  }
}

/** `States.IntrinsicFailure`: an intrinsic function got arguments it does not accept. */
export class IntrinsicFailure extends StatesError {
  constructor(cause: string) {
    super('States.IntrinsicFailure', cause);
  }
}

/**
 * AWS prefixes every data-flow cause with the state and the id of its `…StateEntered`
 * event: "An error occurred while executing the state 'X' (entered at the event id #2). …".
 */
export function inState(error: StatesError, stateName: string, enteredEventId: number): StatesError {
  return new StatesError(error.error, `${statePrefix({ stateName, enteredEventId })} ${error.cause ?? ''}`);
}

// --- Definition errors: a definition rejected when the state machine is created ---

/** Thrown by `StateMachine.create` when a definition is rejected (maps to the API's `InvalidDefinition`). */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';
  constructor(
    message: string,
    /** AWS diagnostic code, e.g. `SCHEMA_VALIDATION_FAILED`, `INVALID_JSONATA_EXPRESSION`. */
    readonly code: string = 'SCHEMA_VALIDATION_FAILED',
    /** JSON-pointer-like location of the problem in the definition, e.g. `/States/Claim/Output`. */
    readonly location?: string,
    /** The message without code and location, as a `ValidateStateMachineDefinition` diagnostic shows it. */
    readonly detail: string = message,
  ) {
    super(message);
  }

  /**
   * Every problem found in the definition, this one's first (ValidateStateMachineDefinition lists them
   * all); unset when this is the only one.
   */
  problems?: readonly DefinitionProblem[];
}

/** One problem of a rejected definition, as a `ValidateStateMachineDefinition` diagnostic shows it. */
export interface DefinitionProblem {
  readonly code: string;
  readonly location?: string;
  readonly detail: string;
}

/**
 * A Task whose `Resource` no registered integration runs (AWS says "not recognized" for an unknown
 * one; locally it is also every integration the engine lacks). `resource` is the ARN as written.
 */
export class UnknownResourceError extends InvalidDefinitionError {
  constructor(
    readonly resource: string,
    message: string,
    location: string,
    detail: string,
  ) {
    super(message, 'SCHEMA_VALIDATION_FAILED', location, detail);
  }
}

/** Thrown at definition load when a JSONPath path, template, intrinsic call or Choice rule is malformed. */
export class InvalidJsonPathDefinitionError extends InvalidDefinitionError {}

// --- Control flow ---

/** Thrown inside a run when the execution was stopped or timed out; unwinds without recording anything. */
export class ExecutionInterrupted extends Error {
  override readonly name = 'ExecutionInterrupted';
}

// --- Wording ---

/** The largest state input/output, task result and execution input/output AWS accepts, in UTF-8 bytes. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/** True when the UTF-8 encoding of `json` exceeds the payload limit (cheap for short strings). */
export function exceedsPayloadLimit(json: string): boolean {
  if (json.length * 3 <= PAYLOAD_LIMIT_BYTES) return false;
  return Buffer.byteLength(json, 'utf8') > PAYLOAD_LIMIT_BYTES;
}

export function dataLimitCause(name: string): string {
  return `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

/** Compact JSON as AWS prints it inside causes. */
export function json(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}
