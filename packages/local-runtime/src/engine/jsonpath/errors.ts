import { InvalidDefinitionError, StatesError } from '../types';

/**
 * Runtime errors of JSONPath data flow. Each carries the ASL error name matched by
 * Retry/Catch; the engine prefixes the cause with the state it happened in
 * (see `inState`), as AWS does.
 */

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

/** Thrown at definition load when a path, template, intrinsic call or Choice rule is malformed. */
export class InvalidJsonPathDefinitionError extends InvalidDefinitionError {}

/**
 * AWS prefixes every data-flow cause with the state and the id of its `…StateEntered`
 * event: "An error occurred while executing the state 'X' (entered at the event id #2). …".
 */
export function inState(error: StatesError, stateName: string, enteredEventId: number): StatesError {
  const cause = `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). ${error.cause ?? ''}`;
  return new StatesError(error.error, cause);
}

/** Compact JSON as AWS prints it inside causes. */
export function json(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}
