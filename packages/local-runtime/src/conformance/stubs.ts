/**
 * Node.js stand-ins for the Python 3.12 handlers LocalStack's recordings used (see the corpus README,
 * "Lambda stub behaviours"). Errors carry the Python exception's type and message; the local Lambda
 * service wraps them in a Node.js error document, so causes are compared by errorType/errorMessage.
 */

const SLEEP_MS = 60_000;
/** 257 KiB: above Step Functions' 262,144-byte task-result limit. */
const LARGE_OUTPUT_BYTES = 257 * 1024;

const pythonError = (type: string, message: string): Error => {
  const error = new Error(message);
  error.name = type;
  return error;
};

/** `identity`: returns its event; a missing payload is presented as `{}`, as the Python runtime does. */
export const identity = async (event: unknown): Promise<unknown> => event ?? {};

/** `raise_exception`: `raise Exception("Some exception was raised.")`. */
export const raiseException = async (): Promise<never> => {
  throw pythonError('Exception', 'Some exception was raised.');
};

/** `raise_custom_exception`: `raise CustomException()` (no arguments, so an empty message). */
export const raiseCustomException = async (): Promise<never> => {
  throw pythonError('CustomException', '');
};

/** `large_output`: a response body above the task-result limit (here a JSON string of 257 KiB of "a"). */
export const largeOutput = async (): Promise<string> => 'a'.repeat(LARGE_OUTPUT_BYTES);

/** `sleep_60`: waits 60 s, then returns its event (only used where the task times out first). */
export const sleep60 = async (event: unknown): Promise<unknown> => {
  await new Promise((resolve) => setTimeout(resolve, SLEEP_MS));
  return event;
};

/** Behaviour name in the corpus -> export of this module. */
export const STUB_EXPORTS: Readonly<Record<string, string>> = {
  identity: 'identity',
  raise_exception: 'raiseException',
  raise_custom_exception: 'raiseCustomException',
  large_output: 'largeOutput',
  sleep_60: 'sleep60',
};
