import { StatesError } from './types';

/** Error names the engine raises itself (ASL Appendix A and the Step Functions developer guide). */
export const ErrorNames = {
  all: 'States.ALL',
  taskFailed: 'States.TaskFailed',
  timeout: 'States.Timeout',
  runtime: 'States.Runtime',
  dataLimitExceeded: 'States.DataLimitExceeded',
  queryEvaluationError: 'States.QueryEvaluationError',
  noChoiceMatched: 'States.NoChoiceMatched',
} as const;

/** The largest state input/output, task result and execution input/output AWS accepts, in UTF-8 bytes. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/**
 * A failed JSONata evaluation. `location` is the field path from the state root (`Output/result`),
 * as AWS records it in the `EvaluationFailed` event.
 */
export class QueryEvaluationError extends StatesError {
  constructor(
    cause: string,
    readonly location: string,
  ) {
    super(ErrorNames.queryEvaluationError, cause);
  }
}

/** An error that ends the execution without passing through Retry/Catch (`States.Runtime`, state data over the limit). */
export class TerminalError extends StatesError {}

/** Thrown inside a run when the execution was stopped or timed out; unwinds without recording anything. */
export class ExecutionInterrupted extends Error {
  override readonly name = 'ExecutionInterrupted';
}

/** True when the UTF-8 encoding of `json` exceeds the payload limit (cheap for short strings). */
export function exceedsPayloadLimit(json: string): boolean {
  if (json.length * 3 <= PAYLOAD_LIMIT_BYTES) return false;
  return Buffer.byteLength(json, 'utf8') > PAYLOAD_LIMIT_BYTES;
}

export function dataLimitCause(name: string): string {
  return `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}
