import type { TaskTokenProblem, TaskTokens } from '../engine/task-tokens';
import { invalidOutput, StepFunctionsApiError, validationError } from './errors';
import { type Json, optionalString, requireString } from './members';

const MAX_TOKEN_LENGTH = 2048;
const MAX_OUTPUT_BYTES = 262_144;
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;

/** AWS's answer when a token reaches no waiting task (wording: docs/local-engine.md, "Task tokens"). */
const problem = (kind: TaskTokenProblem): StepFunctionsApiError => {
  switch (kind) {
    case 'InvalidToken':
      return new StepFunctionsApiError('InvalidToken', 'Invalid token');
    case 'TaskTimedOut':
      return new StepFunctionsApiError(
        'TaskTimedOut',
        "Task Timed Out: 'Provided task does not exist anymore'",
      );
    case 'TaskDoesNotExist':
      return new StepFunctionsApiError('TaskDoesNotExist', 'Task does not exist');
  }
};

const requireToken = (input: Json): string => {
  const token = requireString(input, 'taskToken');
  if (token.length > MAX_TOKEN_LENGTH) {
    throw validationError(
      token,
      'taskToken',
      `Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`,
    );
  }
  if (token.length === 0) {
    throw validationError(token, 'taskToken', 'Member must have length greater than or equal to 1');
  }
  return token;
};

const limited = (input: Json, member: string, max: number): string | undefined => {
  const value = optionalString(input, member);
  if (value !== undefined && value.length > max) {
    throw validationError(`<${member}>`, member, `Member must have length less than or equal to ${max}`);
  }
  return value;
};

/** SendTaskSuccess: `output` must be JSON (`InvalidOutput`), at most 256 KiB. */
export function sendTaskSuccess(tokens: TaskTokens, input: Json): Json {
  const token = requireToken(input);
  const text = requireString(input, 'output');
  if (Buffer.byteLength(text, 'utf8') > MAX_OUTPUT_BYTES) {
    throw validationError(
      '<output>',
      'output',
      `Member must have length less than or equal to ${MAX_OUTPUT_BYTES}`,
    );
  }
  let output: unknown;
  try {
    output = JSON.parse(text);
  } catch (error) {
    throw invalidOutput((error as Error).message);
  }
  const failed = tokens.succeed(token, output);
  if (failed) throw problem(failed);
  return {};
}

/** SendTaskFailure: `error` (<= 256) and `cause` (<= 32,768) are optional. */
export function sendTaskFailure(tokens: TaskTokens, input: Json): Json {
  const token = requireToken(input);
  const error = limited(input, 'error', MAX_ERROR_LENGTH);
  const cause = limited(input, 'cause', MAX_CAUSE_LENGTH);
  const failed = tokens.fail(token, error, cause);
  if (failed) throw problem(failed);
  return {};
}

/** SendTaskHeartbeat: restarts the `HeartbeatSeconds` clock of the waiting task. */
export function sendTaskHeartbeat(tokens: TaskTokens, input: Json): Json {
  const failed = tokens.heartbeat(requireToken(input));
  if (failed) throw problem(failed);
  return {};
}
